"""The home page reads the route of every open dossier from one query (haven/home/queries.py);
it must come to the same step and next action as the dossier page's own reading."""

from datetime import date

from haven.home import queries as home_queries
from haven.meldcode import queries, services
from haven.meldcode.models import Case
from tests.builders import HELP, REPORT, REPORT_FIELDS
from tests.factories import PupilFactory


def _dossiers_in_every_state(cast):
    af = cast.actor("af")
    today = date.today()

    def case(*steps):
        pupil = PupilFactory(school=cast.school_a)
        new = services.open_case(af, cast.signal("teacher", pupil=pupil), lead=cast.af)
        for step in steps:
            step(new)
        return new

    def consult(c):
        services.record_consultation(af, c, held_on=today, consulted="colleague", question="V", advice="A")

    def talk(c):
        services.record_conversation(
            af, c, held_on=today, participants=["mother"], face_to_face=True, shared="S", reaction="R"
        )

    def skip(c):
        services.skip_conversation(af, c, reason="child_safety", explanation="Gevaar.")

    def weigh(c):
        services.record_weighing(af, c, suspicion=True, suspicion_explanation="Ja", unsafety=True)

    def decide_report(c):
        services.decide(af, c, answers=REPORT, outcome="report", rationale="R", decided_by=cast.af)

    def decide_help(c):
        services.decide(af, c, answers=HELP, outcome="help", rationale="R", decided_by=cast.af)

    def draft(c):
        services.save_report(af, c, **REPORT_FIELDS)

    def made(c):
        report = c.reports.order_by("pk").last()
        services.mark_report_made(af, report, made_on=today, made_by=cast.af)

    def acute(c):
        services.declare_acute(af, c, explanation="Direct gevaar.")

    case()
    case(consult)
    case(consult, talk)
    case(consult, skip)
    case(consult, talk, weigh)
    case(consult, talk, weigh, decide_help)
    case(consult, skip, weigh, decide_report)
    case(consult, skip, weigh, decide_report, draft)
    case(consult, skip, weigh, decide_report, draft, made)
    # Reported, then decided again: the earlier report belongs to the past.
    case(consult, skip, weigh, decide_report, draft, made, decide_report)
    case(acute)
    case(acute, decide_report, draft, made)
    closed = case(consult)
    services.close_case(af, closed, reason="too_vague", explanation="Vaag.")


def test_the_home_page_reads_the_same_route_as_the_dossier_for_every_state(cast):
    _dossiers_in_every_state(cast)
    for name in ("af", "teacher"):
        actor = cast.actor(name)
        expected = {
            case.pk: queries.route_state(queries.facts_for(case)) for case in queries.case_list(actor, Case.Status.OPEN)
        }
        read = {case.pk: home_queries.route_of(case) for case in home_queries.open_cases(actor, mark_mine=True)}
        assert read == expected
    # Every state above is a different point on the route.
    assert len({(r.current_step, r.next_action) for r in read.values()}) >= 7
