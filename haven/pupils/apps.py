from django.apps import AppConfig


class PupilsConfig(AppConfig):
    name = "haven.pupils"
    verbose_name = "Pupils"
