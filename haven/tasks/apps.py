from django.apps import AppConfig


class TasksConfig(AppConfig):
    """The task list and its reminders; every app registers its providers in its own ready()."""

    name = "haven.tasks"
    verbose_name = "Tasks"
