"""An explicit clock for seeding history: never for users.

`seed_demo` plays years of history through the ordinary services, each action at the moment it
happened. Inside `seeding_clock(moment)`, `django.utils.timezone.now()` returns the clock's
moment instead of the real time, so everything that stamps time (`auto_now_add` fields, the audit
log's `at`, services that compare a date with "today") gets the historical moment, and the
monitoring, which counts by the date of the event, shows the history where it happened.

The rule: only a management command of a development installation seeds with it. So the clock
refuses to start
- when `settings.HAVEN_ENV == "production"`;
- inside a request: `ActorMiddleware` sets the request's audit origin for every view, and a
  set origin means a user's request is being handled;
- while another seeding clock runs (there is one `timezone.now` to replace).
The replacement is of a module attribute, so it holds for the whole process: while the clock
runs, the process refuses to start handling any request (a `request_started` receiver, connected
for every process in `CoreConfig.ready`), so no user's request is ever stamped with a seeded time.
`seed_demo` runs in its own process, which serves no requests.

The moment only moves forward, and never past the real time: the audit log is numbered and
hash-chained, so its timestamps must not go backwards along the chain, and nothing seeded may lie
in the future. On leaving the block the real `timezone.now` is back, also after an error.

Not covered: code that holds the function itself rather than looking it up on the module
(`default=timezone.now` on a model field, `from django.utils.timezone import now`). Haven's one
such default, `Decision.decided_at`, is always passed by `decide`.
"""

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.signals import request_started
from django.utils import timezone

from haven.audit.context import current_origin


class ClockRefused(RuntimeError):
    """The seeding clock may not run here (production, a request, or a clock already running)."""


_lock = threading.Lock()
_running: "SeedingClock | None" = None


class SeedingClock:
    """The moment `timezone.now()` returns while seeding; the seeder moves it forward."""

    def __init__(self, moment: dt.datetime, real_now: Callable[[], dt.datetime]) -> None:
        self._real_now = real_now
        self._moment = self._checked(moment)

    def now(self) -> dt.datetime:
        return self._moment

    def today(self) -> dt.date:
        """The seeding moment's date in the installation's time zone (what `timezone.localdate()` gives)."""
        return timezone.localtime(self._moment).date()

    def advance(self, delta: dt.timedelta | None = None, /, **parts: float) -> dt.datetime:
        """Move forward by `delta`, or by `timedelta(**parts)`: `clock.advance(hours=2)`."""
        step = delta if delta is not None else dt.timedelta(**parts)
        return self.advance_to(self._moment + step)

    def advance_to(self, moment: dt.datetime) -> dt.datetime:
        """Move to `moment`, which may equal the current one but not lie before it."""
        moment = self._checked(moment)
        if moment < self._moment:
            raise ValueError(f"The seeding clock only moves forward: {moment} lies before {self._moment}.")
        self._moment = moment
        return moment

    def _checked(self, moment: dt.datetime) -> dt.datetime:
        if timezone.is_naive(moment):
            raise ValueError("The seeding clock needs an aware moment (with a time zone).")
        if moment > self._real_now():
            raise ValueError(f"The seeding clock cannot run ahead of the real time: {moment} lies in the future.")
        return moment


def _refusal() -> str | None:
    if settings.HAVEN_ENV == "production":
        return "The seeding clock refuses to run in production (HAVEN_ENV=production)."
    if current_origin.get() is not None:
        return "The seeding clock refuses to run inside a request: only management commands seed history."
    return None


@contextmanager
def seeding_clock(moment: dt.datetime) -> Iterator[SeedingClock]:
    """Within the block `timezone.now()` returns the clock's moment (see the module's rule)."""
    global _running
    reason = _refusal()
    if reason:
        raise ClockRefused(reason)
    real_now = timezone.now
    clock = SeedingClock(moment, real_now)
    with _lock:
        if _running is not None:
            raise ClockRefused("A seeding clock is already running in this process.")
        _running = clock
        timezone.now = clock.now
    try:
        yield clock
    finally:
        with _lock:
            timezone.now = real_now
            _running = None


def _refuse_requests_while_seeding(sender: Any, **kwargs: Any) -> None:
    if _running is not None:
        raise ClockRefused("This process is seeding history with the seeding clock; it handles no requests meanwhile.")


def connect_request_guard() -> None:
    """Called once per process from `CoreConfig.ready`, so every serving process has the guard."""
    request_started.connect(_refuse_requests_while_seeding, dispatch_uid="haven.infrastructure.clock.request_guard")
