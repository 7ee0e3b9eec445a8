from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "haven.disclosure"
    verbose_name = "Inzage"
