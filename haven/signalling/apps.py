from django.apps import AppConfig


class SignallingConfig(AppConfig):
    name = "haven.signalling"
    verbose_name = "Signalling"

    def ready(self) -> None:
        # "My tasks": the support task after a police notice, and the planned conversations.
        from haven.signalling import providers
        from haven.tasks.registry import register

        register(providers.support_tasks)
        register(providers.planned_conversations)
        # The dossier page's section (haven/meldcode/sections.py).
        from haven.meldcode import sections
        from haven.signalling import dossier_sections

        sections.register(dossier_sections.SECTION)
