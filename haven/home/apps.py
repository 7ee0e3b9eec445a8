from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The home page: what needs the signed-in person now."""

    name = "haven.home"
    verbose_name = "Home"
