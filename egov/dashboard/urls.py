from django.urls import path

from egov.dashboard import api_tokens, statistics_views, views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("thong-ke/", statistics_views.statistics, name="statistics"),
    path("thong-ke/excel/", statistics_views.statistics_excel, name="statistics_excel"),
    path("ma-truy-cap-api/", api_tokens.token_list, name="api_tokens"),
    path("ma-truy-cap-api/<int:pk>/thu-hoi/", api_tokens.revoke, name="api_token_revoke"),
]
