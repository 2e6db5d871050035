from django.urls import path

from egov.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("tai-len/", views.document_create, name="create"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/phien-ban/", views.version_create, name="add_version"),
    path("<int:pk>/so-hoa/", views.digitisation_status, name="digitisation_status"),
    path("phien-ban/<int:version_id>/tai-ve/", views.version_download, name="download"),
    path("phien-ban/<int:version_id>/xem-truoc.png", views.version_preview, name="preview"),
    path("phien-ban/<int:version_id>/so-hoa/", views.version_digitise, name="digitise"),
]
