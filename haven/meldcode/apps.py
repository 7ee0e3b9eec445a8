from django.apps import AppConfig


class MeldcodeConfig(AppConfig):
    name = "haven.meldcode"
    verbose_name = "Meldcode"

    def ready(self) -> None:
        # "My tasks": the planned conversations with the parents.
        from haven.meldcode import providers
        from haven.tasks.registry import register

        register(providers.planned_conversations)
