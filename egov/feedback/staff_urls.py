from django.urls import URLPattern, path

from egov.feedback import views

app_name = "feedback_staff"
urlpatterns: list[URLPattern] = [
    path("", views.queue, name="queue"),
    path("danh-gia/", views.staff_ratings, name="ratings"),
    path("<int:pk>/", views.staff_detail, name="detail"),
    path("<int:pk>/xuat-ban/", views.staff_review, name="review"),
    path("<int:pk>/<str:action>/", views.staff_action, name="action"),
]
