"""The rollups of Haven's own figures equal a recount from the records (issue 11, §3 and §7).

Reads as the specification. A school's database is built in every state through the services, each
record at its own moment (the clock is set for each step, as if people worked on those days): signals
of every source and kind, look-along requests, dossiers open at each step (stalled and not), acute,
decided with every outcome (following the framework's advice and not), reported (once a repeat),
feedback received, overdue and pending, help plans evaluated on time, late, overdue and pending,
closed at different steps and for different reasons (also without a reason, and without any closure
row), reopened, advice requests and verwijsindex signals with and without a dossier, over three
school years and across a month boundary. Then `refresh_school` must write exactly what a plain
recount of those records gives, and a few figures are checked by hand.

What the recount knows from the scenario itself rather than from the records (so that it does not
reuse the code it checks): the step each dossier closed at, the step and stall of each open dossier,
which report was a repeat report and which help plan was replaced.
"""

from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.external_signals import services as external_signals
from haven.external_signals.models import ReferralIndexEntry
from haven.followup import services as followup
from haven.followup.models import EvaluationMoment, ReportFollowUp
from haven.insights import metrics
from haven.insights.figures import counts_per_school, total
from haven.insights.models import RollupCount, RollupState, RouteSnapshot
from haven.insights.periods import Period, PeriodKind
from haven.insights.rollups import build, refresh_school
from haven.meldcode import services
from haven.meldcode.models import (
    AdviceRequest,
    Case,
    Closure,
    Consultation,
    Conversation,
    Decision,
    LookAlongRequest,
    Report,
    Signal,
)
from haven.meldcode.providers import inactive_cases
from haven.pupils import services as pupil_services
from haven.pupils.models import GroupPlacement
from tests.factories import GroupFactory, PupilFactory, place

TODAY = date(2026, 11, 16)
REPORT = {"suspicion": True, "unsafety": True, "can_help": None, "accepted": None, "effective": None}
HELP = {"suspicion": True, "unsafety": False, "can_help": True, "accepted": True, "effective": None}
NO_SUSPICION = {"suspicion": False, "unsafety": None, "can_help": None, "accepted": None, "effective": None}
REPORT_FIELDS = {
    "relation_to_family": "School van de leerling",
    "direct_cause": "Blauwe plekken op de armen",
    "facts": "Feiten",
    "household": "Moeder, vader, kind",
    "expectations": "Onderzoek",
    "parents_informed": True,
    "parents_informed_how": "In een gesprek op school",
}


def at(year, month, day, hour=10, minute=0):
    """A moment in Dutch local time."""
    return timezone.make_aware(datetime(year, month, day, hour, minute))


@contextmanager
def clock(moment):
    """Everything inside happens at `moment`: the services' checks, auto-dated columns, the audit log."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def month(day):
    return date(day.year, day.month, 1)


def local(moment):
    return timezone.localdate(moment)


@dataclass
class World:
    cast: object
    school: object
    closing_steps: dict = field(default_factory=dict)  # Closure pk -> the step the route was in
    unrecorded_closings: dict = field(default_factory=dict)  # Case pk -> (day, step): closed without a row
    open_routes: dict = field(default_factory=dict)  # Case pk -> (step, stalled)
    repeat_reports: set = field(default_factory=set)  # Report pks
    replaced_plans: set = field(default_factory=set)  # HelpPlan pks no longer current

    def actor(self, name="af"):
        return self.cast.actor(name)

    def pupil(self, school=None):
        return PupilFactory(school=school or self.school)

    def signal(self, moment, pupil, *, observed=None, author="teacher", **values):
        values.setdefault("source", Signal.Source.OWN_OBSERVATION)
        values.setdefault("categories", [Signal.Category.PHYSICAL_NEGLECT])
        values.setdefault("facts", "Komt zonder jas en zonder ontbijt naar school.")
        with clock(moment):
            return services.log_signal(
                self.actor(author), pupil=pupil, observed_at=observed or moment - timedelta(hours=2), **values
            )

    def case(self, moment, pupil=None, *, by="af", **signal_values):
        pupil = pupil or self.pupil()
        signal = self.signal(moment, pupil, **signal_values)
        with clock(moment):
            return services.open_case(self.actor(by), signal, lead=self.cast.users[by])

    def consult(self, moment, case, held_on, consulted="care_coordinator", anonymous=False, by="af"):
        with clock(moment):
            return services.record_consultation(
                self.actor(by),
                case,
                held_on=held_on,
                consulted=consulted,
                anonymous=anonymous,
                question="Wat zien jullie?",
                advice="Gesprek met ouders.",
            )

    def converse(self, moment, case, held_on):
        with clock(moment):
            return services.record_conversation(
                self.actor(),
                case,
                held_on=held_on,
                participants=["mother"],
                shared="Zorgen.",
                reaction="Begrip.",
                acknowledgement="agreed",
            )

    def weigh(self, moment, case, suspicion=True, unsafety=False):
        with clock(moment):
            return services.record_weighing(
                self.actor(), case, suspicion=suspicion, suspicion_explanation="Zo gewogen.", unsafety=unsafety
            )

    def decide(self, moment, case, answers, outcome, justification=""):
        with clock(moment):
            return services.decide(
                self.actor(),
                case,
                answers=answers,
                outcome=outcome,
                rationale="Afgewogen.",
                decided_by=self.cast.users["af"],
                deviation_justification=justification,
            )

    def report(self, moment, case, made_on):
        with clock(moment):
            report = services.save_report(self.actor(), case, **REPORT_FIELDS)
            return services.mark_report_made(self.actor(), report, made_on=made_on, made_by=self.cast.users["af"])

    def close(self, moment, case, reason, step):
        with clock(moment):
            if reason == "not_recorded":  # only Haven itself closes without a reason
                closure = services.close_case_unrecorded(case)
            else:
                closure = services.close_case(self.actor(), case, reason=reason, explanation="Zo afgesloten.")
        self.closing_steps[closure.pk] = step
        return closure

    def reopen(self, moment, case):
        with clock(moment):
            services.reopen_case(self.actor(), case, reason="Nieuwe signalen.")


def build_world(cast) -> World:
    """School A in every state (the scenario of the module docstring)."""
    w = World(cast, cast.school_a)
    a = cast.school_a

    # Pupils in groups: six in 2025-2026, five in 2026-2027 (the cast's two and three more), one
    # already placed for 2027-2028, which has not begun.
    pupils = [w.pupil() for _ in range(6)]
    old_group = GroupFactory(school=a, school_year="2025-2026")
    new_group = GroupFactory(school=a, school_year="2026-2027")
    next_group = GroupFactory(school=a, school_year="2027-2028")
    for pupil in pupils:
        place(pupil, old_group)
    for pupil in pupils[:3]:
        place(pupil, new_group)
    place(pupils[0], next_group)

    # Signals without a dossier --------------------------------------------------------------------
    gut = w.signal(at(2025, 9, 10, 9), pupils[0], categories=[Signal.Category.GUT_FEELING])
    with clock(at(2025, 9, 10, 10)):
        request = services.request_look_along(w.actor("teacher"), gut)
    with clock(at(2025, 9, 10, 15, 30)):
        services.pick_up_look_along(w.actor("ib"), request)  # after 5.5 hours
    with clock(at(2025, 10, 3, 8, 30)):
        external_signals.record_police_notice(w.actor("af"), pupil=pupils[1], notice_date=date(2025, 10, 3))
    # Observed in June 2025 (school year 2024-2025), typed in only today.
    late = w.signal(
        at(2026, 11, 16, 9),
        pupils[2],
        observed=at(2025, 6, 20, 14),
        source=Signal.Source.PARENT,
        categories=[Signal.Category.PSYCHOLOGICAL_ABUSE],
    )
    with clock(at(2026, 11, 16, 9, 30)):
        services.request_look_along(w.actor("teacher"), late)  # not picked up
    # Half an hour before and a quarter past midnight, Dutch time: January and February.
    january = w.signal(
        at(2026, 2, 2, 9),
        pupils[3],
        observed=at(2026, 1, 31, 23, 30),
        source=Signal.Source.OTHER_PUPIL,
        categories=[Signal.Category.PHYSICAL_NEGLECT, Signal.Category.EMOTIONAL_NEGLECT],
    )
    w.signal(
        at(2026, 2, 2, 9, 5),
        pupils[4],
        observed=at(2026, 2, 1, 0, 15),
        source=Signal.Source.COLLEAGUE,
        categories=[Signal.Category.SEXUAL_ABUSE],
    )
    with clock(at(2026, 2, 2, 9, 10)):
        request = services.request_look_along(w.actor("teacher"), january)
    with clock(at(2026, 2, 3, 11, 59)):
        services.pick_up_look_along(w.actor("af"), request)  # after 26 hours and 49 minutes

    # Open dossiers at every step ----------------------------------------------------------------------
    # Step 2, quiet since it was opened in August: stalled.
    step2 = w.case(
        at(2026, 8, 25), source=Signal.Source.CHILD_TOLD, categories=["physical_abuse", "witnessing_violence"]
    )
    w.open_routes[step2.pk] = (2, True)
    # Step 3 after anonymous advice from Veilig Thuis, active in October: not stalled.
    step3 = w.case(at(2026, 10, 20))
    w.consult(at(2026, 10, 22), step3, date(2026, 10, 21), consulted="veilig_thuis", anonymous=True)
    w.open_routes[step3.pk] = (3, False)
    # Step 4, the conversation skipped for the child's safety, quiet since June: stalled.
    skipped = w.case(at(2026, 6, 1))
    w.consult(at(2026, 6, 3), skipped, date(2026, 6, 3))
    with clock(at(2026, 6, 10)):
        services.skip_conversation(w.actor(), skipped, reason="child_safety", explanation="Niet veilig.")
    w.open_routes[skipped.pk] = (4, True)
    # Step 4 after named advice and a conversation; a signal added on 6 October keeps it just awake
    # (quiet for 41 days, the term is 6 weeks). Placed in the verwijsindex and ended again.
    step4 = w.case(at(2026, 9, 1))
    w.consult(at(2026, 9, 2), step4, date(2026, 9, 2), consulted="veilig_thuis")
    w.converse(at(2026, 9, 15), step4, date(2026, 9, 15))
    with clock(at(2026, 9, 16)):
        external_signals.record_referral_index(w.actor(), step4, action="placed", on=date(2026, 9, 16))
    with clock(at(2026, 10, 1)):
        external_signals.record_referral_index(w.actor("ib"), step4, action="ended", on=date(2026, 10, 1))
    w.signal(at(2026, 10, 6, 8), step4.pupil, case=step4, observed=at(2026, 10, 5, 12))
    w.open_routes[step4.pk] = (4, False)

    # Step 5: help decided as advised, with a help plan evaluated on time, late, missed and to come.
    helped = w.case(at(2026, 8, 20), observed=at(2026, 8, 19, 12))
    w.consult(at(2026, 8, 24), helped, date(2026, 8, 24))
    w.converse(at(2026, 8, 27), helped, date(2026, 8, 27))
    w.weigh(at(2026, 8, 28), helped)
    w.decide(at(2026, 8, 31), helped, HELP, "help")
    with clock(at(2026, 9, 1)):
        plan = followup.record_help_plan(
            w.actor(),
            helped,
            description="Schoolmaatschappelijk werk.",
            provided_by="SMW",
            agreed_with_parents=True,
            parents_agreement="Met beide ouders.",
            starts_on=date(2026, 9, 1),
            ends_on=date(2026, 12, 31),
            evaluations=[date(2026, 9, 15), date(2026, 10, 1), date(2026, 10, 20), date(2026, 12, 1)],
        )
    on_time, late_moment, _missed, _to_come = plan.moments.order_by("due_on")
    with clock(at(2026, 9, 14)):
        followup.answer_evaluation(
            w.actor(), on_time, effective=True, explanation="Gaat goed.", answered_on=date(2026, 9, 14)
        )
    with clock(at(2026, 10, 5)):
        followup.answer_evaluation(
            w.actor(), late_moment, effective=True, explanation="Gaat.", answered_on=date(2026, 10, 5)
        )
    w.open_routes[helped.pk] = (5, True)  # last change on 5 October: 42 days

    # Acute: steps 2-4 skipped, reported on 1 July, no feedback since: overdue (and stalled).
    acute = w.case(at(2026, 6, 29))
    with clock(at(2026, 6, 30, 9)):
        services.declare_acute(w.actor(), acute, explanation="Direct gevaar.")
    w.decide(at(2026, 6, 30, 11), acute, REPORT, "report")
    w.report(at(2026, 7, 1), acute, date(2026, 7, 1))
    w.open_routes[acute.pk] = (5, True)

    # Reported and helped, as advised; reported on 2 November: feedback pending.
    both = w.case(at(2026, 10, 26))
    w.decide(at(2026, 10, 28), both, REPORT, "report_and_help")
    w.report(at(2026, 11, 2), both, date(2026, 11, 2))
    w.open_routes[both.pk] = (5, False)

    # Help decided, then question 5 answered "no" and a report decided: the plan is replaced, its
    # unanswered moments are no longer due; the latest decision is the one that counts.
    replaced = w.case(at(2026, 9, 7))
    w.weigh(at(2026, 9, 8, 9), replaced)
    w.decide(at(2026, 9, 8, 11), replaced, HELP, "help")
    with clock(at(2026, 9, 9)):
        old_plan = followup.record_help_plan(
            w.actor(),
            replaced,
            description="Hulp.",
            provided_by="Wijkteam",
            agreed_with_parents=False,
            starts_on=date(2026, 9, 9),
            ends_on=date(2026, 12, 31),
            evaluations=[date(2026, 10, 1), date(2026, 12, 15)],
        )
    w.decide(at(2026, 10, 8), replaced, {**HELP, "effective": False}, "report")
    w.replaced_plans.add(old_plan.pk)
    w.open_routes[replaced.pk] = (5, False)

    # Closed dossiers --------------------------------------------------------------------------------
    # Reported although the framework advised help (with a justification), feedback received in
    # time, closed as taken over by Veilig Thuis (step 5, computed: no step recorded at closing).
    deviated = w.case(at(2026, 8, 3))
    w.weigh(at(2026, 8, 10), deviated)
    w.decide(at(2026, 8, 12), deviated, HELP, "report", justification="Vader weigert elke hulp.")
    report = w.report(at(2026, 8, 20), deviated, date(2026, 8, 20))
    with clock(at(2026, 8, 21)):
        followup.record_feedback_agreement(
            w.actor(), report, feedback_agreed_on=date(2026, 9, 30), feedback_agreed_how="Telefonisch"
        )
    with clock(at(2026, 10, 5)):
        followup.record_feedback(w.actor(), report, outcome="confirmed", feedback_received_on=date(2026, 10, 5))
    w.close(at(2026, 10, 12), deviated, "taken_over", 5)

    # No suspicion: closed as advised, after a verwijsindex signal, in school year 2025-2026.
    no_suspicion = w.case(at(2025, 11, 3))
    w.consult(at(2025, 11, 5), no_suspicion, date(2025, 11, 4))
    with clock(at(2025, 11, 6)):
        external_signals.record_referral_index(w.actor(), no_suspicion, action="placed", on=date(2025, 11, 6))
    w.weigh(at(2025, 11, 10, 9), no_suspicion, suspicion=False, unsafety=None)
    w.decide(at(2025, 11, 10, 11), no_suspicion, NO_SUSPICION, "close")
    w.close(at(2025, 11, 12), no_suspicion, "explained", 5)

    # Closed at step 2 as too vague, reopened, consulted and talked, closed at step 4 without a
    # reason, a quarter past midnight on 1 February (local time).
    reopened = w.case(at(2025, 12, 1))
    w.close(at(2025, 12, 15), reopened, "too_vague", 2)
    w.reopen(at(2026, 1, 10), reopened)
    w.consult(at(2026, 1, 12), reopened, date(2026, 1, 12))
    w.converse(at(2026, 1, 20), reopened, date(2026, 1, 20))
    w.close(at(2026, 2, 1, 0, 15), reopened, "not_recorded", 4)

    # Closed with the step recorded at closing: taken as recorded (here it says 2 where the records
    # would say 3, so the test tells the two apart).
    recorded_step = w.case(at(2026, 3, 2))
    w.consult(at(2026, 3, 4), recorded_step, date(2026, 3, 4))
    closure = w.close(at(2026, 3, 9), recorded_step, "help_involved", 2)
    assert closure.step_at_closing == 3  # close_case records the step the route had reached
    closure.step_at_closing = 2
    closure.save(update_fields=["step_at_closing"])

    # Closed before closures were recorded (an old dossier): no closure row, "nobody recorded why",
    # at the step it is in, in the month of its last activity.
    legacy = w.case(at(2024, 10, 7))
    w.consult(at(2024, 10, 9), legacy, date(2024, 10, 9))
    Case.objects.filter(pk=legacy.pk).update(status=Case.Status.CLOSED)
    w.unrecorded_closings[legacy.pk] = (date(2024, 10, 9), 3)

    # Repeated care: a pupil and her brother, three dossiers within five years. The first report was
    # no repeat when it was made (one dossier then); the second was (three dossiers, two reported).
    sister, brother = w.pupil(), w.pupil()
    with clock(at(2026, 1, 5)):
        pupil_services.link_siblings(w.actor("admin"), sister, brother)
    first = w.case(at(2024, 9, 16), sister)
    w.decide(at(2024, 9, 30), first, REPORT, "report")
    w.report(at(2024, 10, 1), first, date(2024, 10, 1))
    w.close(at(2024, 11, 4), first, "taken_over", 5)
    second = w.case(at(2025, 3, 3), brother)
    w.close(at(2025, 3, 20), second, "referred", 2)
    third = w.case(at(2026, 4, 6), sister)
    w.decide(at(2026, 4, 8), third, REPORT, "report")
    repeat_report = w.report(at(2026, 4, 9), third, date(2026, 4, 9))
    w.repeat_reports.add(repeat_report.pk)
    with clock(at(2026, 5, 11)):
        followup.record_feedback_agreement(
            w.actor(), repeat_report, feedback_agreed_on=date(2026, 5, 15), feedback_agreed_how="Per brief"
        )
        followup.record_feedback(
            w.actor(), repeat_report, outcome="not_confirmed", feedback_received_on=date(2026, 5, 10)
        )
    w.close(at(2026, 5, 20), third, "taken_over", 5)

    # Without a dossier: advice requests to Veilig Thuis and verwijsindex signals (recorded as the
    # other helper's pages will: the school, the day, optionally the pupil).
    for held_on, anonymous, pupil in (
        (date(2025, 9, 12), True, None),
        (date(2026, 9, 3), False, pupils[5]),
        (date(2026, 9, 30), True, None),
    ):
        AdviceRequest.objects.create(
            school=a,
            held_on=held_on,
            anonymous=anonymous,
            question="Vraag",
            advice="Advies",
            pupil=pupil,
            recorded_by=cast.af,
        )
    for on, action, pupil in (
        (date(2025, 9, 30), "placed", None),
        (date(2026, 3, 10), "placed", pupils[5]),
        (date(2026, 6, 1), "ended", pupils[5]),
    ):
        ReferralIndexEntry.objects.create(school=a, case=None, pupil=pupil, action=action, on=on, recorded_by=cast.af)
    return w


def build_school_b(cast):
    """School B's own records, some of them on the same days as school A's."""
    b, af_b = cast.school_b, cast.actor("af_b")
    place(cast.pupil_b, GroupFactory(school=b, school_year="2026-2027"))
    with clock(at(2026, 3, 3)):
        signal = services.log_signal(
            af_b,
            pupil=cast.pupil_b,
            observed_at=at(2026, 3, 2),
            source=Signal.Source.POLICE_NOTICE,
            categories=[Signal.Category.GUT_FEELING],
            facts="Politie was thuis.",
        )
        case = services.open_case(af_b, signal, lead=cast.af_b)
    with clock(at(2026, 3, 4)):
        services.record_consultation(
            af_b, case, held_on=date(2026, 3, 4), consulted="veilig_thuis", anonymous=True, question="V", advice="A"
        )
        services.decide(af_b, case, answers=REPORT, outcome="report", rationale="Onveilig.", decided_by=cast.af_b)
        report = services.save_report(af_b, case, **REPORT_FIELDS)
        services.mark_report_made(af_b, report, made_on=date(2026, 3, 4), made_by=cast.af_b)
    AdviceRequest.objects.create(
        school=b, held_on=date(2026, 9, 3), anonymous=False, question="V", advice="A", recorded_by=cast.af_b
    )
    ReferralIndexEntry.objects.create(school=b, action="placed", on=date(2026, 9, 16), recorded_by=cast.af_b)
    return case


# The independent recount ---------------------------------------------------------------------------


def recount(school, today, truth: World | None = None) -> Counter:
    """Every figure of the school, counted straight from its records, one kind of record at a time."""
    counts = Counter()
    truth = truth or World(None, school)

    def add(day, metric, dimension=""):
        counts[(month(day), metric, dimension)] += 1

    for signal in Signal.objects.filter(school=school):
        day = local(signal.observed_at)
        add(day, metrics.SIGNALS)
        if signal.categories == ["gut_feeling"] and signal.source != "police_notice":
            add(day, metrics.SIGNALS_GUT_FEELING)
        add(day, metrics.SIGNALS_BY_SOURCE, signal.source)
        for category in set(signal.categories):
            add(day, metrics.SIGNALS_BY_CATEGORY, category)
    for request in LookAlongRequest.objects.filter(school=school):
        day = local(request.requested_at)
        add(day, metrics.LOOK_ALONG_REQUESTS)
        if request.picked_up_at:
            add(
                day,
                metrics.LOOK_ALONG_HOURS,
                str(int((request.picked_up_at - request.requested_at).total_seconds() // 3600)),
            )

    for case in Case.objects.filter(school=school):
        add(local(case.opened_at), metrics.CASES_OPENED)
        signals = list(Signal.objects.filter(case=case))
        first_signal = min(local(s.observed_at) for s in signals)
        consultations = list(Consultation.objects.filter(case=case))
        conversations = list(Conversation.objects.filter(case=case))
        decisions = list(Decision.objects.filter(case=case).order_by("recorded_at", "pk"))
        made = [r.made_on for r in Report.objects.filter(case=case) if r.made_on]
        if consultations:
            first = min(c.held_on for c in consultations)
            add(first, metrics.ROUTES_STARTED)
            add(first, metrics.DAYS_TO_CONSULTATION, str(max(0, (first - first_signal).days)))
        if conversations:
            first = min(c.held_on for c in conversations)
            add(first, metrics.DAYS_TO_CONVERSATION, str(max(0, (first - first_signal).days)))
        if decisions:
            first = min(local(d.decided_at) for d in decisions)
            add(first, metrics.ROUTES_DECIDED)
            add(first, metrics.DAYS_TO_DECISION, str(max(0, (first - first_signal).days)))
            latest = decisions[-1]
            add(local(latest.decided_at), metrics.DECISIONS_BY_OUTCOME, latest.outcome)
            followed = {
                "report": ("report", "report_and_help"),
                "help": ("help", "report_and_help"),
                "close": ("close",),
            }.get(latest.advice, ())
            add(
                local(latest.decided_at),
                metrics.DECISIONS_FOLLOWING_ADVICE,
                "yes" if latest.outcome in followed else "no",
            )
        if made:
            add(min(made), metrics.DAYS_TO_REPORT, str(max(0, (min(made) - first_signal).days)))
        if case.pk in truth.unrecorded_closings:
            day, step = truth.unrecorded_closings[case.pk]
            add(day, metrics.CLOSURES, f"{step}:not_recorded")

    for consultation in Consultation.objects.filter(case__school=school, consulted="veilig_thuis"):
        add(
            consultation.held_on,
            metrics.ADVICE_REQUESTS,
            f"dossier:{'anonymous' if consultation.anonymous else 'named'}",
        )
    for advice in AdviceRequest.objects.filter(school=school):
        add(advice.held_on, metrics.ADVICE_REQUESTS, f"loose:{'anonymous' if advice.anonymous else 'named'}")
    for entry in ReferralIndexEntry.objects.filter(school=school, action="placed"):
        add(entry.on, metrics.REFERRAL_INDEX_PLACED, "dossier" if entry.case_id else "loose")
    for closure in Closure.objects.filter(case__school=school):
        add(local(closure.recorded_at), metrics.CLOSURES, f"{truth.closing_steps[closure.pk]}:{closure.reason}")

    for report in Report.objects.filter(case__school=school, made_on__isnull=False):
        add(report.made_on, metrics.REPORTS)
        if report.pk in truth.repeat_reports:
            add(report.made_on, metrics.REPEAT_REPORTS)
        follow_up = ReportFollowUp.objects.filter(report=report).first()
        agreed = follow_up.feedback_agreed_on if follow_up else None
        received = follow_up.feedback_received_on if follow_up else None
        ten_weeks = report.made_on + timedelta(days=70)
        deadline = agreed if agreed and agreed < ten_weeks else ten_weeks
        add(deadline, metrics.FEEDBACK, "received" if received else "overdue" if today > deadline else "pending")

    for moment in EvaluationMoment.objects.filter(plan__case__school=school):
        if moment.answered_on:
            add(moment.due_on, metrics.EVALUATIONS, "on_time" if moment.answered_on <= moment.due_on else "late")
        elif moment.plan_id not in truth.replaced_plans and moment.plan.case.status == "open":
            add(moment.due_on, metrics.EVALUATIONS, "overdue" if moment.due_on < today else "pending")

    for placement in GroupPlacement.objects.filter(group__school=school).select_related("group"):
        start = int(placement.school_year[:4])
        if start <= (today.year if today.month >= 8 else today.year - 1):
            counts[(date(start, 10, 1), metrics.PUPILS, "")] += 1
    return counts


def stored(school) -> Counter:
    return Counter(
        {(row.month, row.metric, row.dimension): row.count for row in RollupCount.objects.filter(school=school)}
    )


def summed(rows, metric):
    """A figure over all months and dimensions of `stored` rows."""
    return sum(n for (_month, name, _dimension), n in rows.items() if name == metric)


def snapshot(school) -> dict:
    return {row.step: (row.open, row.stalled) for row in RouteSnapshot.objects.filter(school=school)}


def expected_snapshot(world) -> dict:
    per_step = {step: [0, 0] for step in range(1, 6)}
    for step, stalled in world.open_routes.values():
        per_step[step][0] += 1
        per_step[step][1] += stalled
    return {step: tuple(cell) for step, cell in per_step.items()}


@pytest.fixture
def world(cast):
    world = build_world(cast)
    build_school_b(cast)
    return world


# The recount ------------------------------------------------------------------------------------------


def test_the_rollups_equal_a_recount_of_the_records(world):
    school = world.school
    refresh_school(school, TODAY)
    rows = stored(school)
    assert rows == recount(school, TODAY, world)
    # Every figure of metrics.py occurs in this database, so none of them was left uncounted.
    assert {metric for (_month, metric, _dimension) in rows} == set(metrics.LABELS)
    assert snapshot(school) == expected_snapshot(world)
    # The scenario's open dossiers are all of the school's open dossiers.
    assert set(world.open_routes) == set(Case.objects.filter(school=school, status="open").values_list("pk", flat=True))


def test_a_few_figures_counted_by_hand(world):
    school = world.school
    refresh_school(school, TODAY)
    years = [Period(PeriodKind.SCHOOL_YEAR, year) for year in (2024, 2025, 2026)]
    y2024, y2025, y2026 = (counts_per_school([school.pk], years)[school.pk][p] for p in years)

    # Signals: the late one counts in June 2025 (2024-2025), where it was observed.
    assert total(y2024, metrics.SIGNALS) == 4  # the late one, and the first signals of three old dossiers
    assert total(y2025, metrics.SIGNALS) == 10
    assert total(y2026, metrics.SIGNALS) == 8
    assert total(y2025, metrics.SIGNALS_GUT_FEELING) == 1  # the gut feeling; the police notice counts apart
    assert total(y2025, metrics.SIGNALS_BY_SOURCE, "police_notice") == 1
    assert total(y2024, metrics.SIGNALS_BY_CATEGORY, "psychological_abuse") == 1
    assert total(y2026, metrics.SIGNALS_BY_CATEGORY, "witnessing_violence") == 1
    # Across midnight, local time: one signal in January, one in February.
    rows = stored(school)
    assert rows[(date(2026, 1, 1), metrics.SIGNALS_BY_CATEGORY, "emotional_neglect")] == 1
    assert rows[(date(2026, 2, 1), metrics.SIGNALS_BY_CATEGORY, "sexual_abuse")] == 1
    assert rows[(date(2026, 1, 1), metrics.SIGNALS_BY_CATEGORY, "sexual_abuse")] == 0
    # Look along: three requests, picked up after 5 and 26 whole hours.
    assert total(y2025, metrics.LOOK_ALONG_REQUESTS) == 2
    assert total(y2026, metrics.LOOK_ALONG_REQUESTS) == 1
    assert rows[(date(2025, 9, 1), metrics.LOOK_ALONG_HOURS, "5")] == 1
    assert rows[(date(2026, 2, 1), metrics.LOOK_ALONG_HOURS, "26")] == 1

    # The route.
    assert total(y2024, metrics.CASES_OPENED) == 3
    assert total(y2025, metrics.CASES_OPENED) == 6
    assert total(y2026, metrics.CASES_OPENED) == 7
    # The latest decision of each dossier: the replaced plan's dossier counts as "report", not "help".
    assert total(y2026, metrics.DECISIONS_BY_OUTCOME, "report") == 2
    assert total(y2026, metrics.DECISIONS_BY_OUTCOME, "help") == 1  # decided on 31 August 2026
    assert total(y2026, metrics.DECISIONS_BY_OUTCOME, "report_and_help") == 1
    assert total(y2025, metrics.DECISIONS_BY_OUTCOME, "report") == 2
    assert total(y2025, metrics.DECISIONS_BY_OUTCOME, "close") == 1
    assert total(y2025, metrics.DECISIONS_BY_OUTCOME, "help") == 0
    assert total(y2026, metrics.DECISIONS_FOLLOWING_ADVICE, "no") == 1  # reported where help was advised
    assert total(y2026, metrics.DECISIONS_FOLLOWING_ADVICE, "yes") == 3
    assert total(y2025, metrics.DECISIONS_FOLLOWING_ADVICE, "yes") == 3
    assert total(y2025, metrics.DECISIONS_FOLLOWING_ADVICE, "no") == 0
    # Advice requests: inside dossiers (anonymous / named) and without one.
    assert total(y2026, metrics.ADVICE_REQUESTS, "dossier:anonymous") == 1
    assert total(y2026, metrics.ADVICE_REQUESTS, "dossier:named") == 1
    assert total(y2025, metrics.ADVICE_REQUESTS, "dossier:named") == 0
    assert total(y2025, metrics.ADVICE_REQUESTS, "loose:anonymous") == 1
    assert total(y2026, metrics.ADVICE_REQUESTS, "loose:anonymous") == 1
    assert total(y2026, metrics.ADVICE_REQUESTS, "loose:named") == 1
    # Reports and the one repeat report.
    assert total(y2024, metrics.REPORTS) == 1
    assert total(y2025, metrics.REPORTS) == 2
    assert total(y2026, metrics.REPORTS) == 2
    assert total(y2024, metrics.REPEAT_REPORTS) == 0
    assert total(y2025, metrics.REPEAT_REPORTS) == 1
    assert rows[(date(2026, 4, 1), metrics.REPEAT_REPORTS, "")] == 1
    # The verwijsindex: placings only, with and without a dossier.
    assert total(y2025, metrics.REFERRAL_INDEX_PLACED, "dossier") == 1
    assert total(y2025, metrics.REFERRAL_INDEX_PLACED, "loose") == 2
    assert total(y2026, metrics.REFERRAL_INDEX_PLACED, "dossier") == 1
    assert total(y2026, metrics.REFERRAL_INDEX_PLACED, "loose") == 0  # only ended
    assert rows[(date(2026, 9, 1), metrics.REFERRAL_INDEX_PLACED, "dossier")] == 1

    # Where routes stopped, and why.
    assert rows[(date(2025, 12, 1), metrics.CLOSURES, "2:too_vague")] == 1
    assert rows[(date(2026, 2, 1), metrics.CLOSURES, "4:not_recorded")] == 1
    assert rows[(date(2026, 3, 1), metrics.CLOSURES, "2:help_involved")] == 1
    assert rows[(date(2024, 10, 1), metrics.CLOSURES, "3:not_recorded")] == 1
    assert rows[(date(2026, 10, 1), metrics.CLOSURES, "5:taken_over")] == 1
    assert total(y2025, metrics.CLOSURES) == 5
    assert total(y2024, metrics.CLOSURES, "5:taken_over") == 1
    assert total(y2024, metrics.CLOSURES, "2:referred") == 1

    # Durations: first signal (observed two hours before the dossier opened) to each first step.
    assert rows[(date(2026, 10, 1), metrics.DAYS_TO_CONSULTATION, "1")] == 1  # 20 -> 21 October
    assert rows[(date(2026, 6, 1), metrics.DAYS_TO_DECISION, "1")] == 1  # acute: 29 -> 30 June
    assert rows[(date(2026, 7, 1), metrics.DAYS_TO_REPORT, "2")] == 1
    assert rows[(date(2026, 9, 1), metrics.DAYS_TO_CONVERSATION, "14")] == 1  # 1 -> 15 September

    # After the report: feedback (month of the deadline) and the evaluations of the help plan.
    assert rows[(date(2026, 9, 1), metrics.FEEDBACK, "received")] == 1
    assert rows[(date(2026, 5, 1), metrics.FEEDBACK, "received")] == 1
    assert rows[(date(2026, 9, 1), metrics.FEEDBACK, "overdue")] == 1  # made 1 July, ten weeks: 9 September
    assert rows[(date(2027, 1, 1), metrics.FEEDBACK, "pending")] == 1  # made 2 November
    assert rows[(date(2024, 12, 1), metrics.FEEDBACK, "overdue")] == 1  # the first report, never heard of
    evaluations = {dim: n for (_month, metric, dim), n in rows.items() if metric == metrics.EVALUATIONS}
    assert evaluations == {"on_time": 1, "late": 1, "overdue": 1, "pending": 1}

    # Pupils on 1 October: six in 2025-2026; five in 2026-2027; 2027-2028 has not begun.
    assert rows[(date(2025, 10, 1), metrics.PUPILS, "")] == 6
    assert rows[(date(2026, 10, 1), metrics.PUPILS, "")] == 5
    assert not RollupCount.objects.filter(school=school, metric=metrics.PUPILS, month__year=2027).exists()

    # Open routes: per step, and how many are stalled.
    assert snapshot(school) == {1: (0, 0), 2: (1, 1), 3: (1, 0), 4: (2, 1), 5: (4, 2)}
    assert RollupState.objects.get(school=school).refreshed_at is not None


def test_a_second_refresh_writes_the_same_rows(world):
    school = world.school

    def rows():
        return sorted(
            RollupCount.objects.filter(school=school).values_list("month", "metric", "dimension", "count")
        ), sorted(RouteSnapshot.objects.filter(school=school).values_list("step", "open", "stalled"))

    first = refresh_school(school, TODAY)
    before = rows()
    second = refresh_school(school, TODAY)
    assert rows() == before
    assert (second.counts, second.snapshots) == (first.counts, first.snapshots) == (len(before[0]), 5)
    assert RollupState.objects.filter(school=school).count() == 1


def test_a_refresh_counts_what_changed_since_the_last_one(world):
    school = world.school
    refresh_school(school, TODAY)
    case = Case.objects.get(pk=next(pk for pk, (step, _s) in world.open_routes.items() if step == 3))
    world.converse(at(2026, 11, 16, 11), case, date(2026, 11, 16))
    refresh_school(school, TODAY)
    world.open_routes[case.pk] = (4, False)
    assert stored(school) == recount(school, TODAY, world)
    assert snapshot(school) == expected_snapshot(world)


def test_another_schools_records_never_count_for_this_school(world, cast):
    a, b = cast.school_a, cast.school_b
    refresh_school(a, TODAY)
    rows_a = stored(a)
    refresh_school(b, TODAY)
    # School B's rows are its own records only, and refreshing it leaves school A's alone.
    assert stored(b) == recount(b, TODAY, World(cast, b, unrecorded_closings={}))
    assert summed(stored(b), metrics.SIGNALS) == 1
    assert summed(stored(b), metrics.REPORTS) == 1
    assert summed(stored(b), metrics.ADVICE_REQUESTS) == 2
    assert summed(stored(b), metrics.PUPILS) == 1
    assert snapshot(b) == {1: (0, 0), 2: (0, 0), 3: (0, 0), 4: (0, 0), 5: (1, 1)}  # quiet since March
    assert stored(a) == rows_a
    # More of school B's records on school A's days change nothing of school A's.
    build_school_b_more(cast)
    refresh_school(a, TODAY)
    assert stored(a) == rows_a


def build_school_b_more(cast):
    pupil = PupilFactory(school=cast.school_b)
    with clock(at(2026, 9, 1)):
        signal = services.log_signal(
            cast.actor("af_b"),
            pupil=pupil,
            observed_at=at(2026, 9, 1, 8),
            source=Signal.Source.OWN_OBSERVATION,
            categories=[Signal.Category.GUT_FEELING],
            facts="Feiten.",
        )
        services.open_case(cast.actor("af_b"), signal, lead=cast.af_b)
    AdviceRequest.objects.create(
        school=cast.school_b, held_on=date(2025, 9, 12), anonymous=True, question="V", advice="A", recorded_by=cast.af_b
    )


def test_a_signal_counts_when_it_was_observed_not_when_it_was_typed_in(cast):
    w = World(cast, cast.school_a)
    pupil = w.pupil()
    w.signal(at(2026, 11, 16, 9), pupil, observed=at(2025, 7, 31, 23, 30))  # typed in this school year
    refresh_school(cast.school_a, TODAY)
    assert stored(cast.school_a)[(date(2025, 7, 1), metrics.SIGNALS, "")] == 1
    this_year = Period(PeriodKind.SCHOOL_YEAR, 2026)
    last_year = Period(PeriodKind.SCHOOL_YEAR, 2024)  # 31 July 2025 is the last day of 2024-2025
    counts = counts_per_school([cast.school_a.pk], [last_year])[cast.school_a.pk]
    assert total(counts[last_year], metrics.SIGNALS) == 1
    counts = counts_per_school([cast.school_a.pk], [this_year])[cast.school_a.pk]
    assert total(counts[this_year], metrics.SIGNALS) == 0


def test_a_stalled_route_is_the_dossier_in_my_tasks(cast):
    """The snapshot's stall and the task "no activity" are one rule: quiet for the school's term."""
    w = World(cast, cast.school_a)
    weeks = cast.school_a.inactivity_weeks
    quiet = w.case(at(2026, 11, 16, 9) - timedelta(weeks=weeks))  # quiet for exactly the term today
    w.case(at(2026, 11, 16, 9) - timedelta(weeks=weeks) + timedelta(days=1))  # a day short of it
    with clock(at(2026, 11, 16, 12)):
        tasks = {task.key.split(":")[1] for task in inactive_cases(cast.actor("af"), TODAY)}
    assert tasks == {str(quiet.pk)}
    refresh_school(cast.school_a, TODAY)
    assert snapshot(cast.school_a)[2] == (2, 1)


# A fixed number of queries ----------------------------------------------------------------------------


def grow(cast, copies):
    """`copies` times one of every kind of record for school A."""
    w = World(cast, cast.school_a)
    group = GroupFactory(school=cast.school_a, school_year="2026-2027")
    for i in range(copies):
        day = date(2026, 9, 1) + timedelta(days=7 * i)
        moment = at(day.year, day.month, day.day)
        pupil, brother = w.pupil(), w.pupil()
        place(pupil, group)
        with clock(moment):
            pupil_services.link_siblings(w.actor("admin"), pupil, brother)
        loose = w.signal(moment, brother, categories=["gut_feeling", "other"])
        with clock(moment):
            services.pick_up_look_along(w.actor("ib"), services.request_look_along(w.actor("teacher"), loose))
        case = w.case(moment, pupil)
        w.consult(moment, case, day, consulted="veilig_thuis")
        w.converse(moment, case, day)
        w.weigh(moment, case)
        with clock(moment):
            external_signals.record_referral_index(w.actor(), case, action="placed", on=day)
        w.decide(moment, case, REPORT, "report_and_help")
        report = w.report(moment, case, day)
        with clock(moment):
            followup.record_feedback_agreement(w.actor(), report, feedback_agreed_on=day, feedback_agreed_how="Bellen")
            followup.record_help_plan(
                w.actor(),
                case,
                description="Hulp.",
                provided_by="SMW",
                agreed_with_parents=False,
                starts_on=day,
                ends_on=day + timedelta(days=60),
                evaluations=[day, day + timedelta(days=30)],
            )
        w.close(moment, case, "other", 5)
        open_case = w.case(moment, brother)
        with clock(moment):
            services.skip_conversation(w.actor(), open_case, reason="child_safety", explanation="Niet veilig.")
        AdviceRequest.objects.create(
            school=cast.school_a, held_on=day, anonymous=True, question="V", advice="A", recorded_by=cast.af
        )


QUERIES_PER_SCHOOL = 17


@pytest.mark.parametrize("copies", [1, 3])
def test_a_school_costs_a_fixed_number_of_queries(cast, django_assert_num_queries, copies):
    grow(cast, copies)
    school = cast.school_a
    with django_assert_num_queries(QUERIES_PER_SCHOOL):
        rollups, snapshots = build(school, TODAY)
    opened = sum(r.count for r in rollups if r.metric == metrics.CASES_OPENED)
    assert opened == 2 * copies
    assert sum(s.open for s in snapshots) == copies


def test_a_refresh_costs_the_same_for_a_bigger_school(cast):
    grow(cast, 1)
    refresh_school(cast.school_a, TODAY)  # the school's state row exists from here on
    with CaptureQueriesContext(connection) as small:
        refresh_school(cast.school_a, TODAY)
    grow(cast, 2)
    with CaptureQueriesContext(connection) as big:
        refresh_school(cast.school_a, TODAY)
    assert len(big.captured_queries) == len(small.captured_queries)


# The command ----------------------------------------------------------------------------------------


def test_the_command_refreshes_every_school_and_audits_the_counts(world, cast):
    out = StringIO()
    call_command("refresh_insights", "--today", "2026-11-16", stdout=out)
    assert stored(cast.school_a) == recount(cast.school_a, TODAY, world)
    assert RollupCount.objects.filter(school=cast.school_b).exists()
    rows = RollupCount.objects.count()
    assert f"Refreshed the insights of 2 schools: {rows} counts and 10 route rows" in out.getvalue()
    event = AuditEvent.objects.get(action="insights.refresh")
    assert (event.actor_id, event.school_id, event.case_id, event.pupil_id) == (None, None, None, None)
    assert event.detail == {"schools": 2, "counts": rows, "route_rows": 10}


def test_the_command_refreshes_one_school_by_its_brin_code(world, cast):
    out = StringIO()
    call_command("refresh_insights", "--school", "12ab", "--today", "2026-11-16", stdout=out)
    assert RollupCount.objects.filter(school=cast.school_a).exists()
    assert not RollupCount.objects.filter(school=cast.school_b).exists()
    assert "of 1 schools" in out.getvalue()
    assert AuditEvent.objects.get(action="insights.refresh").detail["schools"] == 1


@pytest.mark.parametrize(
    ("arguments", "message"),
    [(["--school", "99ZZ"], "No school with BRIN code"), (["--today", "16-11-2026"], "YYYY-MM-DD")],
)
def test_the_command_refuses_an_unknown_school_or_a_bad_date(cast, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("refresh_insights", *arguments, stdout=StringIO())
    assert not RollupCount.objects.exists()
    assert not AuditEvent.objects.filter(action="insights.refresh").exists()
