from django.apps import AppConfig


class MeldcodeConfig(AppConfig):
    name = "haven.meldcode"
    verbose_name = "Meldcode"

    def ready(self) -> None:
        # "My tasks": requests to look along, quiet dossiers, planned conversations with the parents,
        # open dossiers of pupils who have left.
        from haven.meldcode import providers
        from haven.tasks.registry import register

        register(providers.look_along_requests)
        register(providers.inactive_cases)
        register(providers.planned_conversations)
        register(providers.left_with_open_dossier)

        # The dossier page's own section on signalling around the route (haven/meldcode/sections.py).
        from haven.meldcode import dossier_sections, sections

        sections.register(dossier_sections.SECTION)
