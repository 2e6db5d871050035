from django.urls import path

from egov.signatures import views

app_name = "signatures"
urlpatterns = [
    path("tai-lieu/<int:document_id>/", views.document, name="document"),
    path("tai-lieu/<int:document_id>/ky/", views.sign, {"kind": "sign"}, name="sign"),
    path("tai-lieu/<int:document_id>/dong-dau/", views.sign, {"kind": "seal"}, name="seal"),
    path("tai-lieu/<int:document_id>/phien-ban/<int:version_id>/kiem-tra/", views.validate, name="validate"),
    path("kiem-tra/", views.validate_upload, name="validate_upload"),
    path("ky-hang-loat/", views.batch, name="batch"),
    path("ky-hang-loat/<int:job_id>/", views.batch_job, name="batch_job"),
    path("chung-thu/", views.certificates, name="certificates"),
]
