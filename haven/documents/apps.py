from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "haven.documents"
    verbose_name = "Documenten"
