from django.urls import URLPattern

app_name = "simulators"
urlpatterns: list[URLPattern] = []
