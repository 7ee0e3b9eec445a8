from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "haven.followup"
    verbose_name = "Follow-up"

    def ready(self) -> None:
        # "My tasks": feedback from Veilig Thuis and evaluation moments of help plans.
        from haven.followup import providers
        from haven.tasks.registry import register

        register(providers.feedback_tasks)
        register(providers.evaluation_tasks)
        # The dossier page's section (haven/meldcode/sections.py).
        from haven.followup import dossier_sections
        from haven.meldcode import sections

        sections.register(dossier_sections.SECTION)
