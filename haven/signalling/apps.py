from django.apps import AppConfig


class SignallingConfig(AppConfig):
    """Migrations only (see this package's docstring): no models, views or templates."""

    name = "haven.signalling"
    verbose_name = "Signalling (migrations only)"
