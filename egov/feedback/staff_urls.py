from django.urls import URLPattern

app_name = "feedback_staff"
urlpatterns: list[URLPattern] = []
