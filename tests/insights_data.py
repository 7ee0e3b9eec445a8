"""Rollups that look like five years of a region's schools, for the monitoring's page tests.

The rollups are what `refresh_insights` writes (counts per school, month and figure); making them
directly lets a test build a region of many schools and years in a moment. The proportions follow
seed 004: most routes stop at step 2, for about four in ten stops nobody recorded why, a few
reports per year against many advice requests. Deterministic for a seed. Below them: the periods,
labels and page helpers the monitoring's integration tests share.
"""

import random
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haven.insights import metrics
from haven.insights.models import PublicFigure, RollupCount, RollupState, RouteSnapshot
from haven.insights.periods import PeriodKind, month_of, period_of
from haven.insights.tables import TREND
from haven.meldcode.models import Closure, Signal
from haven.organisations.models import School

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

CATEGORIES = [c.value for c in Signal.Category]
REASONS = [r.value for r in Closure.Reason if r != Closure.Reason.NOT_RECORDED]


@dataclass
class Made:
    rollups: int = 0


def _months(first: date, last: date) -> list[date]:
    months = []
    day = month_of(first)
    while day <= last:
        months.append(day)
        day = date(day.year + (day.month // 12), day.month % 12 + 1, 1)
    return months


def fill_school(school: School, *, years: int = 5, today: date | None = None, seed: int = 0, scale: int = 1) -> int:
    """Rollups for the school's last `years` years up to today; returns how many rows were written."""
    today = today or timezone.localdate()
    rng = random.Random(f"{school.pk}-{seed}")
    rows: dict[tuple[date, str, str], int] = {}

    def add(month: date, metric: str, dimension: str = "", n: int = 1) -> None:
        if n > 0:
            rows[(month, metric, dimension)] = rows.get((month, metric, dimension), 0) + n

    for month in _months(date(today.year - years, 1, 1), today):
        # More signals as the school gets used to the route, fewer in the summer holiday.
        growth = 1 + (month.year - (today.year - years)) * 0.15
        holiday = 0.3 if month.month in (7, 8) else 1.0
        signals = int(rng.randint(0, 6) * growth * holiday * scale)
        add(month, metrics.SIGNALS, n=signals)
        gut = sum(rng.random() < 0.2 for _ in range(signals))
        police = sum(rng.random() < 0.06 for _ in range(signals - gut))
        add(month, metrics.SIGNALS_GUT_FEELING, n=gut)
        add(month, metrics.SIGNALS_BY_SOURCE, Signal.Source.POLICE_NOTICE, police)
        add(month, metrics.SIGNALS_BY_SOURCE, Signal.Source.OWN_OBSERVATION, signals - police)
        add(month, metrics.SIGNALS_BY_CATEGORY, Signal.Category.GUT_FEELING, gut + police)
        for _ in range(signals - gut - police):
            add(month, metrics.SIGNALS_BY_CATEGORY, rng.choice(CATEGORIES[:-1]))
        looks = rng.randint(0, 2) * scale
        add(month, metrics.LOOK_ALONG_REQUESTS, n=looks)
        for _ in range(looks):
            add(month, metrics.LOOK_ALONG_HOURS, str(rng.choice([1, 2, 3, 5, 8, 20, 26, 50])))
        cases = sum(rng.random() < 0.45 for _ in range(signals))
        add(month, metrics.CASES_OPENED, n=cases)
        started = sum(rng.random() < 0.8 for _ in range(cases))
        add(month, metrics.ROUTES_STARTED, n=started)
        for _ in range(started):
            add(month, metrics.DAYS_TO_CONSULTATION, str(rng.choice([0, 1, 2, 3, 5, 7, 10, 14, 21])))
        for _ in range(sum(rng.random() < 0.6 for _ in range(started))):
            add(month, metrics.DAYS_TO_CONVERSATION, str(rng.choice([5, 7, 10, 14, 20, 28, 35, 60])))
        decided = sum(rng.random() < 0.4 for _ in range(started))
        add(month, metrics.ROUTES_DECIDED, n=decided)
        reported = 0
        for _ in range(decided):
            add(month, metrics.DAYS_TO_DECISION, str(rng.choice([14, 21, 30, 40, 45, 60, 90, 120])))
            outcome = rng.choices(["help", "report", "report_and_help", "close"], [5, 2, 2, 2])[0]
            add(month, metrics.DECISIONS_BY_OUTCOME, outcome)
            add(month, metrics.DECISIONS_FOLLOWING_ADVICE, "yes" if rng.random() < 0.85 else "no")
            if outcome in ("report", "report_and_help"):
                reported += 1
                add(month, metrics.DAYS_TO_REPORT, str(rng.choice([15, 25, 30, 45, 60, 100])))
        add(month, metrics.REPORTS, n=reported)
        add(month, metrics.REPEAT_REPORTS, n=sum(rng.random() < 0.3 for _ in range(reported)))
        for _ in range(reported):
            state = "received" if rng.random() < 0.6 else "overdue"
            add(month, metrics.FEEDBACK, "pending" if month >= month_of(today) else state)
        for kind, weight in (("dossier:anonymous", 0.3), ("dossier:named", 0.15)):
            add(month, metrics.ADVICE_REQUESTS, kind, sum(rng.random() < weight for _ in range(cases)))
        add(month, metrics.ADVICE_REQUESTS, "loose:anonymous", int(rng.random() < 0.5) * scale)
        add(month, metrics.ADVICE_REQUESTS, "loose:named", int(rng.random() < 0.15) * scale)
        add(month, metrics.REFERRAL_INDEX_PLACED, "dossier", sum(rng.random() < 0.2 for _ in range(cases)))
        add(month, metrics.REFERRAL_INDEX_PLACED, "loose", int(rng.random() < 0.1) * scale)
        for _ in range(sum(rng.random() < 0.7 for _ in range(cases))):
            step = rng.choices([1, 2, 3, 4, 5], [2, 6, 2, 1, 2])[0]
            reason = "not_recorded" if rng.random() < 0.4 else rng.choice(REASONS)
            add(month, metrics.CLOSURES, f"{step}:{reason}")
        for _ in range(rng.randint(0, 2) * scale):
            add(month, metrics.EVALUATIONS, rng.choices(["on_time", "late", "overdue"], [6, 2, 1])[0])
        if month.month == 10:
            add(month, metrics.PUPILS, n=rng.randint(150, 420) * scale)
    RollupCount.objects.filter(school=school).delete()
    RollupCount.objects.bulk_create(
        RollupCount(school=school, month=m, metric=metric, dimension=d, count=n) for (m, metric, d), n in rows.items()
    )
    RouteSnapshot.objects.filter(school=school).delete()
    RouteSnapshot.objects.bulk_create(
        RouteSnapshot(school=school, step=step, open=(n := rng.randint(0, 4) * scale), stalled=rng.randint(0, n))
        for step in range(1, 6)
    )
    RollupState.objects.update_or_create(school=school, defaults={"refreshed_at": timezone.now()})
    return len(rows)


def publish(municipality, year: int, pupils, advice, reports, referral) -> PublicFigure:
    return PublicFigure.objects.update_or_create(
        municipality=municipality,
        year=year,
        defaults={
            "pupils_primary": pupils,
            "advice_requests_education": advice,
            "reports_education": reports,
            "referral_index_signals_primary": referral,
        },
    )[0]


# The monitoring page in the integration tests -------------------------------------------------

TODAY = timezone.localdate()
THIS_YEAR = period_of(TODAY, PeriodKind.CALENDAR_YEAR)
LAST_YEAR = THIS_YEAR.previous()
SIGNALS = str(metrics.LABELS[metrics.SIGNALS])
REPORTS = str(metrics.LABELS[metrics.REPORTS])


def rollup(school: School, month: date, metric: str, count: int, dimension: str = "") -> None:
    RollupCount.objects.create(school=school, month=month, metric=metric, dimension=dimension, count=count)


def page(client: Client, query: str = "") -> "Response":
    response = client.get(reverse("insights:overview") + query)
    assert response.status_code == 200
    return response


def calendar(year: int = LAST_YEAR.year) -> str:
    return f"?soort=kalenderjaar&jaar={year}"


def trend_cells(response: "Response", label: str) -> tuple:
    return response.context["m"].table(TREND).row(label).cells
