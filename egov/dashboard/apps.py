from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "egov.dashboard"
    verbose_name = "Không gian làm việc"
