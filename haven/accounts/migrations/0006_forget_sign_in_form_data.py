"""Blank the form data django-axes kept of failed sign-ins: it held typed passwords and codes."""

from django.db import migrations


def forget(apps, schema_editor):
    apps.get_model("axes", "AccessAttempt").objects.update(get_data="", post_data="")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_edit_version"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(forget, migrations.RunPython.noop)]
