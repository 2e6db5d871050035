from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "egov.feedback"
    verbose_name = "Phản ánh, kiến nghị và đánh giá"
