from django.apps import AppConfig


class MeldcodeConfig(AppConfig):
    name = "haven.meldcode"
    verbose_name = "Meldcode"
