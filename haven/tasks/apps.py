from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "haven.tasks"
    verbose_name = "Tasks"

    def ready(self) -> None:
        # This app's providers; the other apps register theirs in their own ready().
        from haven.tasks import providers
        from haven.tasks.registry import register

        register(providers.look_along_requests)
        register(providers.inactive_cases)
