from django.apps import AppConfig


class PupilsConfig(AppConfig):
    name = "haven.pupils"
    verbose_name = "Pupils"

    def ready(self) -> None:
        from haven.pupils import providers
        from haven.tasks.registry import register

        register(providers.left_with_open_dossier)
