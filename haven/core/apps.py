from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "haven.core"
    verbose_name = "Core"

    def ready(self) -> None:
        from haven.core.clock import connect_request_guard

        # No request may be served while this process seeds history (haven/core/clock.py).
        connect_request_guard()
