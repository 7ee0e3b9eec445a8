"""Lock-out that stops guessing without letting one person lock others out.

django-axes counts failed sign-ins in `AccessAttempt` rows (one per username, address and browser).
Haven adds two rules to those counts (docs/security.md, "Sign-in and sessions"):

- The pair: AXES_FAILURE_LIMIT failures for one username from one address lock that username on
  that address for AXES_COOLOFF_TIME (`AXES_LOCKOUT_PARAMETERS`). The same person signs in from
  another address, and nobody can lock a colleague out from the school's Wi-Fi by typing their name.
- The address: once an address has failed more than AXES_FAILURE_LIMIT times within the cool-off
  period, for whatever usernames, it must wait before its next attempt for a username that is no
  existing account: 2, 4, 8, ... seconds after its last failure, at most
  HAVEN_LOCKOUT_ADDRESS_MAX_WAIT. An attempt that comes too soon is refused before any password is
  checked and is not counted, so a script gets about one guess per wait. A known username is not
  held by the address wait at all, only by its own pair lock: a pupil on the school's Wi-Fi who
  keeps the address throttled cannot keep the AF out in an acute case. The trade-off: a throttled
  address can tell known from unknown usernames (usernames are no secret; staff availability wins).

The functional administrator and the AF see and lift the pair locks on their school's accounts
(`locks_for_school`, `haven.accounts.services.lift_lockout`).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from math import ceil
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q, Sum
from django.http import HttpRequest
from django.utils import timezone

from haven.accounts.backends import is_unknown
from haven.accounts.models import User


def address_wait(ip_address: str | None, now: datetime) -> int:
    """Seconds the address must still wait before its next attempt (0: it may try now)."""
    if not ip_address:
        return 0
    recent = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=now - settings.AXES_COOLOFF_TIME)
    totals = recent.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    excess = (totals["failures"] or 0) - settings.AXES_FAILURE_LIMIT
    if excess <= 0:
        return 0
    wait = min(2 ** min(excess, 30), settings.HAVEN_LOCKOUT_ADDRESS_MAX_WAIT)
    return max(0, ceil(wait - (now - totals["last"]).total_seconds()))


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler with the address wait (for unknown usernames) added to its pair lock."""

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        if not is_unknown(get_client_username(request, credentials)):
            return False  # a known account: only its pair lock holds it (see the module's docstring)
        wait = address_wait(getattr(request, "axes_ip_address", None), timezone.now())
        if wait:
            # The lock-out page tells how long to wait instead of "a quarter of an hour".
            # A request attribute for the lock-out page; axes hands us a plain HttpRequest.
            request.haven_address_wait = wait  # type: ignore[attr-defined]
            return True
        return False


@dataclass(frozen=True)
class Lock:
    user: User
    ip_address: str
    failures: int
    last_attempt: datetime
    until: datetime


def _locked_pairs(usernames: Iterable[str], now: datetime) -> Any:  # a values() QuerySet of AccessAttempt
    """(username, address) pairs with at least AXES_FAILURE_LIMIT failures within the cool-off period."""
    return (
        AccessAttempt.objects.filter(username__in=usernames, attempt_time__gte=now - settings.AXES_COOLOFF_TIME)
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )


def locks_for_school(school_id: int) -> list[Lock]:
    """The pair locks in force on the accounts of one school, newest first."""
    users = {u.username: u for u in User.objects.filter(memberships__school_id=school_id)}
    attempts = _locked_pairs(users, timezone.now()).order_by("-last", "username", "ip_address")
    return [
        Lock(
            user=users[row["username"]],
            ip_address=row["ip_address"] or "",
            failures=row["failures"],
            last_attempt=row["last"],
            until=row["last"] + settings.AXES_COOLOFF_TIME,
        )
        for row in attempts
    ]


def lift_locks(username: str) -> list[str]:
    """Delete the failure counts of the pair locks in force on one username; the addresses lifted.
    Counts that lock nothing stay: lifting cannot reset the counter of an unlocked account."""
    pairs = list(_locked_pairs([username], timezone.now()).values_list("ip_address", flat=True))
    on_pairs = Q(ip_address__in=[a for a in pairs if a is not None])
    if None in pairs:
        on_pairs |= Q(ip_address__isnull=True)
    AccessAttempt.objects.filter(on_pairs, username=username).delete()
    return sorted({address or "" for address in pairs})
