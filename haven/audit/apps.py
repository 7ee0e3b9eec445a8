from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "haven.audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from haven.audit import actions, keys, triggers  # noqa: F401 - keys registers the check of HAVEN_AUDIT_KEYS

        # Every app's audit actions, gathered now: an action declared twice stops the start.
        actions.labels()
        connection_created.connect(triggers.register_sqlite_function, dispatch_uid="haven.audit.sqlite")
