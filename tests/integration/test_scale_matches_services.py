"""The scale generator writes what the services write.

`haven/tools/scale.py` bulk-inserts every service's rows and audit events by hand, for speed. This
test builds dossiers at every stage the generator makes through the services (tests/builders.py)
and through the generator, and compares them field by field and audit detail by audit detail, so
that a column or an audit detail a service gains and the generator forgets fails here.

Values differ by design (the generator draws texts, dates and choices at random), so what is
compared is each field's *kind* of value: empty (None, "", []) or filled and with which Python
type, and for a field with choices whether the value is one of them. Encrypted columns are read
through the ORM, so their decrypted values are compared, never the ciphertext. Ignored, named
here: primary keys' values and timestamps' values (only their kind counts), the audit chain's
hashes, key id and sequence, and the per-event source address and session key (a request's, not
a service's).
"""

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import models

from haven.audit.models import AuditEvent
from haven.external_signals.models import ReferralIndexEntry
from haven.followup.models import EvaluationMoment, HelpPlan, ReportFollowUp
from haven.meldcode import services
from haven.meldcode.models import (
    AdviceRequest,
    Case,
    CaseMember,
    Closure,
    Consultation,
    Conversation,
    Decision,
    LookAlongRequest,
    Report,
    Signal,
    StepSkip,
    Weighing,
)
from haven.tools import scale
from tests import builders
from tests.factories import PupilFactory

COMPARED = (
    Case, CaseMember, Signal, LookAlongRequest, Consultation, Conversation, StepSkip, Weighing, Decision, Report,
    ReportFollowUp, HelpPlan, EvaluationMoment, Closure, AdviceRequest, ReferralIndexEntry,
)  # fmt: skip
SEED = 5
OBJECT_TYPES = {m._meta.model_name for m in COMPARED}
# What a page writes, not a service: reading a dossier or a signal (the generator adds these reads).
READS = {"case.view", "signal.view"}
# A fixed seed and a fixed "now", so that the run is the same on every day: it is big enough that
# every stage and every variant the generator draws occurs in it (the assertions below say which
# are missing if a change to scale.py draws differently; then choose another seed).
OPTIONS = scale.Options(schools=2, pupils_per_school=300, years=3, seed=SEED, append=True)
NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


def kind(field: models.Field, value: Any) -> str:  # type: ignore[type-arg]
    if value is None or value == "" or value == [] or value == {}:
        return "empty"
    if field.choices and not isinstance(value, list):
        return "choice" if value in {c for c, _label in field.flatchoices} else f"not a choice: {value!r}"
    return type(value).__name__


def row_kinds(model: type[models.Model], rows: Any) -> dict[str, set[str]]:
    kinds: dict[str, set[str]] = defaultdict(set)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and not f.generated]
    for row in rows:
        for f in fields:
            kinds[f.attname].add(kind(f, getattr(row, f.attname)))
    return kinds


def event_shapes(events: Any) -> dict[str, set[tuple[Any, ...]]]:
    """The events about the compared records (not the schools, staff and pupils the generator makes)."""
    shapes: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
    for e in events:
        if e.object_type not in OBJECT_TYPES:
            continue
        detail = tuple(sorted((k, type(v).__name__) for k, v in e.detail.items()))
        who = (e.actor_id is not None, bool(e.role))
        about = (e.pupil_id is not None, e.case_id is not None)
        shapes[e.action].add((e.kind, e.object_type, who, about, e.outcome, detail))
    return shapes


def snapshot(after: dict[str, int], after_sequence: int) -> tuple[dict[str, Any], dict[str, Any]]:
    rows = {m.__name__: row_kinds(m, m.objects.filter(pk__gt=after.get(m.__name__, 0))) for m in COMPARED}
    return rows, event_shapes(AuditEvent.objects.filter(sequence__gt=after_sequence).order_by("sequence"))


def high_water() -> tuple[dict[str, int], int]:
    marks = {m.__name__: (m.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) for m in COMPARED}
    return marks, AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0


def build_through_the_services(cast: Any) -> None:
    """Every stage the generator makes, and its variants, through the services."""
    for stage in builders.STAGES:
        builders.case(cast, stage=stage)
    builders.case(cast, stage="closed", outcome="report_and_help")
    builders.case(cast, stage="closed", outcome="help")
    waiting = builders.case(cast, stage="weighing")
    builders.follow_report(cast, builders.make_report(cast, waiting, outcome="report"), received=False)
    skipped = builders.new_case(cast)
    builders.consult(cast, skipped, consulted="school_doctor")
    builders.converse(cast, skipped, skip=True)
    # A signal of what the child told, with its interpretation and context.
    cast.signal(
        "teacher",
        pupil=PupilFactory(school=cast.school_a),
        source="child_told",
        child_words="Papa wordt snel boos.",
        interpretation="Zij leek bang.",
        context="Na de gymles.",
    )
    # Another signal attached, a look-along asked and picked up, a dossier closed early.
    early = builders.new_case(cast)
    services.attach_signal(cast.actor("af"), cast.signal("teacher", pupil=early.pupil), early)
    services.close_case(cast.actor("af"), early, reason="too_vague", explanation="Te vaag.")
    asked = cast.signal("teacher", pupil=PupilFactory(school=cast.school_a))
    request = services.request_look_along(cast.actor("teacher"), asked)
    services.pick_up_look_along(cast.actor("ib"), request)
    services.open_case(cast.actor("af"), asked, lead=cast.ib)
    # A closing by Haven itself (a pupil who left), signals noted and new, advice, the verwijsindex.
    services.close_case_unrecorded(builders.new_case(cast))
    noted = cast.signal("teacher", pupil=PupilFactory(school=cast.school_a))
    services.note_signal(cast.actor("ib"), noted, reason="Eenmalig signaal.")
    services.request_look_along(cast.actor("teacher"), cast.signal("teacher", pupil=PupilFactory(school=cast.school_a)))
    builders.advice_request(cast, anonymous=True)
    builders.advice_request(cast, pupil=cast.pupil)
    placed = PupilFactory(school=cast.school_a)
    builders.referral_entry(cast, placed, "placed")
    builders.referral_entry(cast, placed, "ended")


def test_the_generator_writes_every_field_and_audit_detail_the_services_write(cast):
    start, sequence = high_water()
    build_through_the_services(cast)
    service_rows, service_events = snapshot(start, sequence)
    start, sequence = high_water()
    scale.Generator(OPTIONS, now=NOW).run()
    generated_rows, generated_events = snapshot(start, sequence)

    differences = []
    for model, fields in service_rows.items():
        for name, kinds in fields.items():
            made = generated_rows[model].get(name, set())
            if not made:
                differences.append(f"{model}: the generator makes no rows")
                break
            if made - kinds:
                differences.append(f"{model}.{name}: the generator writes {made - kinds}, the services only {kinds}")
            if kinds - {"empty"} and not made - {"empty"}:
                differences.append(f"{model}.{name}: the services fill it, the generator never does")
    for action, shapes in generated_events.items():
        if action in READS:
            continue
        if action not in service_events:
            differences.append(f"{action}: the generator writes it, no service built here does")
        elif shapes - service_events[action]:
            made = service_events[action]
            differences.append(f"{action}: generated {shapes - made}, services {made}")
    for action in service_events.keys() - generated_events.keys():
        differences.append(f"{action}: a service writes it, the generator never does")
    assert differences == [], "\n".join(differences)
