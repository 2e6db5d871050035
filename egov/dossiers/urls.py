"""The officer's workspace, mounted at /can-bo/ho-so/."""

from django.urls import URLPattern, path

from egov.dossiers import views

app_name = "dossiers"
# Fixed words ("tiep-nhan/", "so-theo-doi/") go before "<str:code>/", which matches any segment.
urlpatterns: list[URLPattern] = [
    path("", views.queue, name="queue"),
    path("tiep-nhan/", views.intake, name="intake"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/tep/<int:document_id>/", views.dossier_file, name="file"),
    path("<str:code>/<str:action>/", views.act, name="act"),
]
