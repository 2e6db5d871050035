"""The officer's workspace, mounted at /can-bo/ho-so/."""

from django.urls import URLPattern, path

from egov.dossiers import print_views, views

app_name = "dossiers"
# Fixed words ("tiep-nhan/", "so-theo-doi/") go before "<str:code>/", which matches any segment.
urlpatterns: list[URLPattern] = [
    path("", views.queue, name="queue"),
    path("tiep-nhan/", views.intake, name="intake"),
    path("so-theo-doi/", print_views.tracking_book, name="tracking_book"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/tep/<int:document_id>/", views.dossier_file, name="file"),
    path("<str:code>/in/<str:form>/", print_views.print_form, name="print"),
    path("<str:code>/<str:action>/", views.act, name="act"),
]
