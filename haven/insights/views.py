"""The monitoring pages: the figures of one's school, board, municipality or region; downloads; the report.

Thin views: each picks the period from the query string (`?soort=schooljaar&jaar=2025-2026` or
`?soort=kalenderjaar&jaar=2025`; a bad value gets a Dutch message and the current period), builds the
tables once (`haven.insights.tables.build`, a fixed number of queries) and renders them, writing one
audited read. Downloads and the PDF report are built from the very same tables as the page.
"""

from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from haven.access.decorators import requires
from haven.access.http import ActorRequest
from haven.access.policy import Actor, has_permission
from haven.audit.services import record_event
from haven.documents.pdf import render_pdf
from haven.documents.views import pdf_response
from haven.insights import cache as insights_cache
from haven.insights import public_figures, tables
from haven.insights.audit_actions import InsightsAction
from haven.insights.exports import to_csv, to_xlsx
from haven.insights.models import PublicFigure
from haven.insights.periods import Period, PeriodKind, parse_period, period_of
from haven.insights.scopes import Kind, Scope, scope_of
from haven.insights.sections import sections
from haven.insights.services import refresh_own_school

KINDS = {"schooljaar": PeriodKind.SCHOOL_YEAR, "kalenderjaar": PeriodKind.CALENDAR_YEAR}
PARAMETER = {kind: name for name, kind in KINDS.items()}
# How far back the period picker offers periods (a URL may ask for older ones).
PICKER_YEARS = 10
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# A whole request may be somewhat larger than the file it carries (the form's other fields, the
# multipart boundaries): beyond this it is refused before Django reads the upload.
UPLOAD_OVERHEAD = 64 * 1024


def _shown(value: str) -> str:
    return value if len(value) <= 20 else value[:20] + "…"


def default_period(today: date, kind: PeriodKind = PeriodKind.SCHOOL_YEAR) -> Period:
    """The last whole period: a year that has just begun would be compared, and set beside a whole
    year's lower bound, with a few months' figures. The running one is a choice in the picker."""
    return period_of(today, kind).previous()


def chosen_period(params: QueryDict, today: date) -> tuple[Period, str | None]:
    """The period asked for, or the last whole one with a Dutch message saying why."""
    kind_text = params.get("soort", "").strip()
    year_text = params.get("jaar", "").strip()
    if kind_text and kind_text not in KINDS:
        shown = default_period(today)
        return shown, _(
            '"%(value)s" is not a kind of period; choose school year or calendar year. Shown: %(shown)s.'
        ) % {"value": _shown(kind_text), "shown": shown.label}
    kind = KINDS.get(kind_text)
    if kind is None:
        parsed = parse_period(year_text) if year_text else None
        kind = parsed.kind if parsed is not None else PeriodKind.SCHOOL_YEAR
    shown = default_period(today, kind)
    if not year_text:
        return shown, None
    period = parse_period(year_text, kind)
    if period is None:
        if kind == PeriodKind.SCHOOL_YEAR:
            message = _('"%(value)s" is not a school year such as %(example)s. Shown: %(shown)s.')
        else:
            message = _('"%(value)s" is not a calendar year such as %(example)s. Shown: %(shown)s.')
        return shown, message % {"value": _shown(year_text), "example": shown.label, "shown": shown.label}
    if period.start > today:
        return shown, _("%(period)s has not begun yet. Shown: %(shown)s.") % {
            "period": period.label,
            "shown": shown.label,
        }
    return period, None


def query_of(period: Period) -> str:
    return urlencode({"soort": PARAMETER[period.kind], "jaar": period.slug})


def _scope(actor: Actor) -> Scope:
    scope = scope_of(actor)
    if scope is None:
        raise PermissionDenied
    return scope


def _build(request: ActorRequest) -> tuple[tables.Monitoring, str, str | None]:
    actor = request.actor
    scope = _scope(actor)
    today = timezone.localdate()
    period, problem = chosen_period(request.GET, today)
    threshold = settings.HAVEN_INSIGHTS_THRESHOLD
    key = insights_cache.key_of(scope, period, today=today, threshold=threshold)
    monitoring = insights_cache.kept(
        key, "tables", lambda: tables.build(scope, period, today=today, threshold=threshold)
    )
    return monitoring, key, problem


def _detail(monitoring: tables.Monitoring, **extra: str) -> dict[str, str]:
    return {"scope": f"{monitoring.scope.kind}:{monitoring.scope.name}", "period": monitoring.period.slug, **extra}


def _file_name(monitoring: tables.Monitoring, what: str, extension: str) -> str:
    scope = slugify(monitoring.scope.name) or monitoring.scope.kind
    return f"haven-inzicht-{scope}-{what}-{monitoring.period.slug}.{extension}"


def _scope_line(scope: Scope) -> str:
    schools = len(scope.school_ids)
    if scope.kind == Kind.SCHOOL:
        return _("Your school's own figures, exact: you may read its dossiers anyway.")
    if scope.kind == Kind.REGION:
        return _("%(municipalities)s municipalities, %(schools)s schools that use Haven.") % {
            "municipalities": len(scope.units),
            "schools": schools,
        }
    return _("%(schools)s schools that use Haven.") % {"schools": schools}


def refresh_line(refresh: tables.Refresh | None) -> str:
    """When the figures were counted, in words."""
    if refresh is None or refresh.last is None or refresh.first is None:
        return _("Not counted yet: the figures are counted every night.")

    def moment(value: datetime) -> str:
        return date_format(timezone.localtime(value), "j F Y, H:i")

    # A nightly run counts the schools one after another: minutes apart is one count.
    if refresh.last - refresh.first < timedelta(hours=1):
        line = _("Counted from the records on %(date)s.") % {"date": moment(refresh.last)}
    else:
        line = _("Counted from the records between %(first)s and %(last)s.") % {
            "first": moment(refresh.first),
            "last": moment(refresh.last),
        }
    if refresh.counted < refresh.schools:
        line += " " + ngettext(
            "%(counted)s of the %(n)s school has been counted so far.",
            "%(counted)s of the %(n)s schools have been counted so far.",
            refresh.schools,
        ) % {"counted": refresh.counted, "n": refresh.schools}
    return line


def _picker(monitoring: tables.Monitoring) -> list[dict[str, object]]:
    current = monitoring.period
    choices = []
    for kind, label in (
        (PeriodKind.SCHOOL_YEAR, gettext_lazy("School year")),
        (PeriodKind.CALENDAR_YEAR, gettext_lazy("Calendar year")),
    ):
        latest = period_of(monitoring.today, kind)
        options = [Period(kind, latest.year - k) for k in range(PICKER_YEARS)]
        if current.kind == kind and current not in options:
            options.append(current)
        choices.append(
            {
                "kind": PARAMETER[kind],
                "label": label,
                "id": f"periode-{PARAMETER[kind]}",
                "options": [(p.slug, tables.period_heading(p, monitoring.today), p == current) for p in options],
                "active": current.kind == kind,
            }
        )
    return choices


@requires("insights.view")
def overview(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    monitoring, key, problem = _build(request)
    record_event(actor, InsightsAction.VIEW, kind="read", detail=_detail(monitoring))
    query = query_of(monitoring.period)
    # The sections hold nothing of the request (no form, no token): rendered once per key.
    rendered = insights_cache.kept(
        key,
        "sections",
        lambda: render_to_string(
            "insights/_sections.html", {"m": monitoring, "sections": sections(monitoring), "query": query}
        ),
    )
    context = {
        "m": monitoring,
        "scope": monitoring.scope,
        "scope_line": _scope_line(monitoring.scope),
        "refresh_line": refresh_line(monitoring.refresh),
        # A SafeString from the template engine, and still one after the cache's pickling.
        "sections_html": rendered,
        "problem": problem,
        "picker": _picker(monitoring),
        "query": query,
        "may_refresh": monitoring.scope.kind == Kind.SCHOOL and has_permission(actor, "insights.refresh"),
        "may_import": has_permission(actor, "insights.import_public_figures"),
        "public_scope": monitoring.scope.kind in (Kind.MUNICIPALITY, Kind.REGION),
        "school_year": monitoring.period.kind == PeriodKind.SCHOOL_YEAR,
    }
    return render(request, "insights/overview.html", context)


@requires("insights.view")
def export(request: ActorRequest, table: str, fmt: str) -> HttpResponse:
    actor = request.actor
    if fmt not in FORMATS:
        raise Http404
    monitoring, _key, _problem = _build(request)
    chosen = monitoring.table(table)
    if chosen is None:
        raise Http404
    header, rows = chosen.export()
    content: str | bytes = to_csv(header, rows, bom=True) if fmt == "csv" else to_xlsx(chosen.title, header, rows)
    record_event(actor, InsightsAction.EXPORT, kind="read", detail=_detail(monitoring, table=chosen.key, format=fmt))
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{_file_name(monitoring, chosen.key, fmt)}"'
    response["Cache-Control"] = "no-store, private"
    return response


@requires("insights.view")
def report(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    monitoring, _key, _problem = _build(request)
    context = {
        "m": monitoring,
        "scope": monitoring.scope,
        "scope_line": _scope_line(monitoring.scope),
        "sections": sections(monitoring),
        "title": _("Monitoring of the reporting code"),
        "public_scope": monitoring.scope.kind in (Kind.MUNICIPALITY, Kind.REGION),
        "school_year": monitoring.period.kind == PeriodKind.SCHOOL_YEAR,
    }
    pdf = render_pdf("insights/report.html", context)
    record_event(actor, InsightsAction.REPORT, kind="read", detail=_detail(monitoring))
    return pdf_response(pdf, _file_name(monitoring, "rapport", "pdf"))


@requires("insights.refresh")
@require_POST
def refresh(request: ActorRequest) -> HttpResponse:
    refresh_own_school(request.actor)
    messages.success(request, _("The figures of your school have been counted again from its records."))
    period, _problem = chosen_period(request.POST, timezone.localdate())
    return redirect(f"{reverse('insights:overview')}?{query_of(period)}")


class PublicFiguresForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File of public figures (CSV)"),
        help_text=gettext_lazy("UTF-8, comma or semicolon separated, at most 1 MB, with the first line below."),
    )


@requires("insights.import_public_figures")
def public_figures_import(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    result = None
    too_large = False
    form = PublicFiguresForm()
    if request.method == "POST":
        # Refused before the upload is read, so a huge request costs nothing.
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > public_figures.MAX_BYTES + UPLOAD_OVERHEAD:
            too_large = True
        else:
            form = PublicFiguresForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                # One byte more than allowed, so the service can tell a file that is too large.
                result = public_figures.import_public_figures(actor, upload.read(public_figures.MAX_BYTES + 1))
    scope = _scope(actor)
    known = PublicFigure.objects.filter(municipality_id__in=scope.municipality_ids).select_related("municipality")
    # After an import, the monitoring of the latest year it brought, where the figures stand beside Haven's.
    latest = max((row.year for row in result.rows), default=None) if result is not None and result.ok else None
    context = {
        "form": form,
        "result": result,
        "see_query": query_of(Period(PeriodKind.CALENDAR_YEAR, latest)) if latest else "soort=kalenderjaar",
        "too_large": too_large,
        "header": ",".join(public_figures.HEADER),
        "scope": scope,
        "figures": list(known.order_by("-year", "municipality__name")[:200]),
    }
    return render(request, "insights/public_figures.html", context)
