"""Deployment checks: the published demo accounts, and a replica that is not a replica of the primary."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError


@register(Tags.security, deploy=True)
def no_demo_accounts(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if settings.HAVEN_ENV != "production":
        return []
    from haven.accounts.models import User
    from haven.tools.demo_data import SCHOOLS

    usernames = [person.username for school in SCHOOLS for person in (school.admin, *school.staff)]

    try:
        demo = [
            u.username
            for u in User.objects.filter(username__in=usernames)
            if u.check_password(settings.HAVEN_DEMO_PASSWORD)
        ]
    except DatabaseError:
        return []  # no database yet (first migrate): nothing to refuse
    if demo:
        return [
            Error(
                f"Demo accounts with the published password exist: {', '.join(sorted(demo))}.",
                hint="Remove them or set new passwords before running in production.",
                id="haven.E001",
            )
        ]
    return []


@register(Tags.database, deploy=True)
def replica_database(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """HAVEN_REPLICA_DATABASE_URL must name a PostgreSQL streaming replica of the PostgreSQL primary.

    The settings add the alias only when both are PostgreSQL and give it the primary's database
    name (haven/settings.py): anything else would be silently not used, or read another database.
    """
    url = getattr(settings, "HAVEN_REPLICA_DATABASE_URL", "")
    if not url:
        return []
    import dj_database_url

    hint = "Point it at a streaming replica of HAVEN_DATABASE_URL (docs/operations.md), or leave it unset."
    try:
        replica = dj_database_url.parse(url)
    except ValueError:
        replica = {"ENGINE": "", "NAME": ""}
    postgresql = "django.db.backends.postgresql"
    if replica["ENGINE"] != postgresql:
        return [Error("HAVEN_REPLICA_DATABASE_URL is not a PostgreSQL URL.", hint=hint, id="haven.E002")]
    primary = settings.DATABASES["default"]
    if primary["ENGINE"] != postgresql:
        return [
            Error(
                "HAVEN_REPLICA_DATABASE_URL is set, but the primary database (HAVEN_DATABASE_URL) is not PostgreSQL.",
                hint=hint,
                id="haven.E003",
            )
        ]
    if replica["NAME"] and replica["NAME"] != primary["NAME"]:
        return [
            Error(
                f"HAVEN_REPLICA_DATABASE_URL names the database {replica['NAME']!r}, the primary's is "
                f"{primary['NAME']!r}: a streaming replica serves the primary's databases under their own names.",
                hint=f"Name {primary['NAME']!r} in the URL, or no database at all.",
                id="haven.E004",
            )
        ]
    return []
