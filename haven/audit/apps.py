from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "haven.audit"
    verbose_name = "Audit"
