"""The officer's workspace, mounted at /can-bo/ho-so/."""

from django.urls import URLPattern, path

from egov.dossiers import payment_views, print_views, views

app_name = "dossiers"
# Fixed words ("tiep-nhan/", "so-theo-doi/") go before "<str:code>/", which matches any segment.
urlpatterns: list[URLPattern] = [
    path("", views.queue, name="queue"),
    path("tiep-nhan/", views.intake, name="intake"),
    path("so-theo-doi/", print_views.tracking_book, name="tracking_book"),
    path("so-theo-doi/khoa-so/", print_views.close_book_year, name="close_book_year"),
    path("thanh-toan/ket-qua/", payment_views.payment_return, name="payment_return"),
    path("thanh-toan/ipn/", payment_views.payment_ipn, name="payment_ipn"),
    path("thanh-toan/bien-lai/<str:order_id>/", payment_views.payment_receipt, name="payment_receipt"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/tep/<int:document_id>/", views.dossier_file, name="file"),
    path("<str:code>/tep/<int:document_id>/<int:number>/", views.dossier_file, name="file_version"),
    path("<str:code>/in/<str:form>/", print_views.print_form, name="print"),
    path("<str:code>/thanh-toan/", payment_views.pay, name="pay"),
    path("<str:code>/<str:action>/", views.act, name="act"),
]
