from django.urls import path

from egov.dashboard import statistics_views, views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("thong-ke/", statistics_views.statistics, name="statistics"),
    path("thong-ke/excel/", statistics_views.statistics_excel, name="statistics_excel"),
]
