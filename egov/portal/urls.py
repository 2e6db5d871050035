from django.urls import path

from egov.portal import lookup_views, online_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.catalogue, name="catalogue"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure_detail"),
    path("thu-tuc/<str:code>/nop-truc-tuyen/", online_views.online_start, name="online_start"),
    path("tra-cuu/", lookup_views.lookup, name="lookup"),
    path("tra-cuu/<str:code>/", lookup_views.lookup_detail, name="lookup_detail"),
    # The citizen's own pages; fixed words ("nhap/") go before "<str:code>/".
    path("ho-so-cua-toi/", online_views.my_dossiers, name="my_dossiers"),
    path("kho-du-lieu/", online_views.data_store, name="data_store"),
    path("kho-du-lieu/tep/<int:document_id>/", online_views.store_file, name="store_file"),
    path("ho-so-cua-toi/nhap/<int:pk>/", online_views.online_draft, name="online_draft"),
    path("ho-so-cua-toi/nhap/<int:pk>/tep/<int:document_id>/", online_views.draft_file, name="draft_file"),
    path("ho-so-cua-toi/<str:code>/", online_views.citizen_dossier, name="citizen_dossier"),
    path("ho-so-cua-toi/<str:code>/da-nop/", online_views.online_submitted, name="online_submitted"),
    path("ho-so-cua-toi/<str:code>/bo-sung/", online_views.supply, name="citizen_supply"),
    path("ho-so-cua-toi/<str:code>/tep/<int:document_id>/", online_views.citizen_file, name="citizen_file"),
    path(
        "ho-so-cua-toi/<str:code>/tep/<int:document_id>/<int:number>/",
        online_views.citizen_file,
        name="citizen_file_version",
    ),
]
