from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "egov.integrations"
    verbose_name = "Kết nối hệ thống quốc gia"
