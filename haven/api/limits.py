"""The rate limit per key: at most HAVEN_API_RATE_LIMIT calls a minute, counted in the database
(so every app process counts the same calls). A call over the limit is answered 429 with
Retry-After: the seconds until the minute is over."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F

from haven.api.models import ApiKey, ApiRateWindow

WINDOW = timedelta(minutes=1)
# Counters older than this are removed when a key starts a new window.
KEPT = timedelta(hours=1)


def take(key: ApiKey, now: datetime) -> int | None:
    """Count one call of the key. None when it is within the limit, else the seconds to wait."""
    limit = settings.HAVEN_API_RATE_LIMIT
    start = now.replace(second=0, microsecond=0)
    with transaction.atomic():
        window, created = ApiRateWindow.objects.get_or_create(key=key, starts_at=start)
        if created:
            ApiRateWindow.objects.filter(key=key, starts_at__lt=start - KEPT).delete()
        counted = ApiRateWindow.objects.filter(pk=window.pk, calls__lt=limit).update(calls=F("calls") + 1)
    if counted:
        return None
    return max(1, int((start + WINDOW - now).total_seconds() + 0.999))
