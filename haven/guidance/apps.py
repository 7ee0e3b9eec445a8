from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    name = "haven.guidance"
