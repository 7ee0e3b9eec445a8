from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "haven.insights"
    verbose_name = "Insights"
