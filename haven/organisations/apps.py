from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "haven.organisations"
    verbose_name = "Organisations"
