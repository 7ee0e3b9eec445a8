from django.apps import AppConfig


class ToolsConfig(AppConfig):
    """Development and measurement tools: the demo seeder, the scale generator and the benchmark.

    Only management commands import this package; no request path does
    (tests/integration/test_layout.py checks it)."""

    name = "haven.tools"
    verbose_name = "Tools"
