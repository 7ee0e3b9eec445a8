from django.apps import AppConfig


class HandoverConfig(AppConfig):
    name = "haven.handover"
    verbose_name = "Overdracht"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_save

        from haven.handover import receivers, signing  # noqa: F401  (signing registers its check)
        from haven.handover.providers import handover_tasks, transfer_tasks
        from haven.organisations.models import Group
        from haven.pupils.models import GroupPlacement
        from haven.pupils.signals import placed_in_bulk
        from haven.tasks.registry import register

        register(handover_tasks)
        register(transfer_tasks)
        post_save.connect(receivers.placement_saved, sender=GroupPlacement, dispatch_uid="handover.placement")
        m2m_changed.connect(receivers.teachers_changed, sender=Group.teachers.through, dispatch_uid="handover.teachers")
        placed_in_bulk.connect(receivers.placed_in_bulk, dispatch_uid="handover.placed_in_bulk")
        # The dossier page's section (haven/meldcode/sections.py).
        from haven.handover import dossier_sections
        from haven.meldcode import sections

        sections.register(dossier_sections.SECTION)
