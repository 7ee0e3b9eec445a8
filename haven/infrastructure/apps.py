from django.apps import AppConfig


class InfrastructureConfig(AppConfig):
    """What every app stands on and no app's rules live in: encryption at rest, prepared queries,
    optimistic locking, backup, the seeding clock's guard, error pages, proxy and security headers."""

    name = "haven.infrastructure"
    verbose_name = "Infrastructure"

    def ready(self) -> None:
        from haven.infrastructure.clock import connect_request_guard

        # No request may be served while this process seeds history (haven/infrastructure/clock.py).
        connect_request_guard()
