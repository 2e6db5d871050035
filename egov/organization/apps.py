from django.apps import AppConfig


class OrganizationConfig(AppConfig):
    name = "egov.organization"
    verbose_name = "Tổ chức"
