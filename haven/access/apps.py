from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "haven.access"
