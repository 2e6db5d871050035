from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "egov.demo"
    verbose_name = "Dữ liệu minh họa"
