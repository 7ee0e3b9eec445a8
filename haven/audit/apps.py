from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "haven.audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from haven.audit import keys, triggers  # noqa: F401 - keys registers the check of HAVEN_AUDIT_KEYS

        connection_created.connect(triggers.register_sqlite_function, dispatch_uid="haven.audit.sqlite")
