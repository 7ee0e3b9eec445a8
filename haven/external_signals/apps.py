from django.apps import AppConfig


class ExternalSignalsConfig(AppConfig):
    name = "haven.external_signals"
    label = "external_signals"
    verbose_name = "External signals"

    def ready(self) -> None:
        # "My tasks": the support task after a police notice.
        from haven.external_signals import providers
        from haven.tasks.registry import register

        register(providers.support_tasks)
