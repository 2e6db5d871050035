from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "egov.documents"
    verbose_name = "Tài liệu"
