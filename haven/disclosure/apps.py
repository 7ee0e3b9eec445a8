from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "haven.disclosure"
    verbose_name = "Inzage"

    def ready(self) -> None:
        # The dossier page's section (haven/meldcode/sections.py).
        from haven.disclosure import dossier_sections
        from haven.meldcode import sections

        sections.register(dossier_sections.SECTION)
