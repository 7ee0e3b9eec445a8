"""A production deployment refuses to run with the published demo accounts."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError


@register(Tags.security, deploy=True)
def no_demo_accounts(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if settings.HAVEN_ENV != "production":
        return []
    from haven.accounts.models import User
    from haven.core.demo_data import SCHOOLS

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
