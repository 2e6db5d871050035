from django.apps import AppConfig


class SignaturesConfig(AppConfig):
    name = "egov.signatures"
    verbose_name = "Chữ ký số"
