from django.urls import URLPattern, path

from egov.feedback import views

app_name = "feedback"
urlpatterns: list[URLPattern] = [
    path("", views.published, name="published"),
    path("gui/", views.submit, name="submit"),
    path("cua-toi/", views.mine, name="mine"),
    path("cua-toi/<int:pk>/", views.mine_detail, name="mine_detail"),
    path("danh-gia/<str:code>/", views.rate, name="rate"),
    path("<int:pk>/", views.published_detail, name="published_detail"),
]
