"""The demo's five years of history as planned (haven/tools/demo_history.py), before anything is written.

Reads as the specification: the same seed and day give the same history; it covers five school
years up to yesterday, in time order; every school has a believable number of pupils each year;
signals grow over the years; routes stop at different steps for the monitoring's reasons, most at
step 2; decisions mostly follow the framework's advice; and the demo's own schools keep a quiet
recent past (nothing open, nothing waiting, no dossier about a pupil of the demo's own groups).
"""

import datetime as dt
from collections import Counter

import pytest

from haven.meldcode.decision_framework import evaluate
from haven.tools import demo_data as demo
from haven.tools import demo_history as history

NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=history.TZ)
YEARS = [2022, 2023, 2024, 2025, 2026]
DEMO_BRINS = {s.brin for s in demo.SCHOOLS}


@pytest.fixture(scope="module")
def planned() -> history.Planner:
    return history.plan(NOW)


def threads(planner: history.Planner) -> dict[str, list[history.Action]]:
    by_thread: dict[str, list[history.Action]] = {}
    for action in planner.actions:
        if action.thread:
            by_thread.setdefault(action.thread, []).append(action)
    return by_thread


def verbs_of(planner: history.Planner) -> Counter:
    return Counter(a.verb for a in planner.actions)


def step_at_closing(actions: list[history.Action]) -> int:
    """The route's current step when the dossier closed (as haven.meldcode.workflow.route_state sees it)."""
    closing = next(i for i, a in enumerate(actions) if a.verb in history.CLOSING)
    verbs = {a.verb for a in actions[:closing]}
    if "decide" in verbs or "weigh" in verbs:
        return 5
    if "talk" in verbs or "skip_talk" in verbs:
        return 4
    return 3 if "consult" in verbs else 2


def test_the_same_seed_and_day_give_the_same_history(planned):
    again = history.plan(NOW)
    assert [(a.at, a.school, a.verb, a.by, a.thread) for a in again.actions] == [
        (a.at, a.school, a.verb, a.by, a.thread) for a in planned.actions
    ]
    other = history.plan(NOW, seed=history.HISTORY_SEED + 1)
    assert [a.at for a in other.actions] != [a.at for a in planned.actions]


def test_five_school_years_in_time_order_up_to_yesterday(planned):
    moments = [a.at for a in planned.actions]
    assert moments == sorted(moments)
    assert planned.start <= moments[0] and moments[-1] < NOW - dt.timedelta(hours=12)
    signal_years = {history.school_year_of(a.at.date()) for a in planned.actions if a.verb == "signal"}
    assert signal_years == set(YEARS)


def test_every_school_has_its_groups_and_a_believable_number_of_pupils_every_year(planned):
    placed = Counter()
    for action in planned.actions:
        if action.verb == "year_groups":
            placed[action.school, action.data["year"]] += sum(len(keys) for keys in action.data["groups"].values())
    demo_groups = demo.PUPILS_PER_GROUP * len(demo.REGENBOOG.groups)
    for school in planned.schools:
        for year in YEARS:
            count = placed[school.brin, history.year_label(year)]
            # This year the demo's own three groups are placed by seed_demo, with their children.
            if school.demo and year == history.DEMO_YEAR:
                count += demo_groups
            assert 150 <= count <= 350, (school.brin, year, count)


def test_the_demo_groups_of_this_year_keep_their_size(planned):
    for school in planned.schools:
        if not school.demo:
            continue
        roster = planned.rosters[school.brin]
        for name in demo.REGENBOOG.groups:
            grade = int(name.split()[-1])
            classmates = [p for p in roster.in_year(history.DEMO_YEAR) if p.grade_in(history.DEMO_YEAR) == grade]
            children = [c for c in demo.CHILDREN if c.school == school.brin and c.group == name]
            assert len(classmates) + len(children) == demo.PUPILS_PER_GROUP


def test_pupils_move_up_a_group_a_year_and_leave_after_groep_8(planned):
    for roster in planned.rosters.values():
        for pupil in roster.pupils:
            assert pupil.entry_grade >= 1 and pupil.grade_in(pupil.last_year) <= 8
            age = (dt.date(pupil.entry_year, 10, 1) - pupil.born).days / 365.25
            assert 2.99 < age - pupil.entry_grade < 4.01  # groep 1 at four, groep 3 at six (on 1 October)


def test_signals_grow_over_the_years(planned):
    per_year = Counter(
        history.school_year_of(a.at.date()) for a in planned.actions if a.verb in ("signal", "police_notice")
    )
    assert per_year[2025] > per_year[2022] * 1.3
    advice = Counter(
        history.school_year_of(a.at.date())
        for a in planned.actions
        if a.verb == "consult" and a.data["consulted"] == "veilig_thuis"
    )
    assert advice[2024] + advice[2025] > advice[2022] + advice[2023]


def test_the_history_has_what_the_monitoring_counts(planned):
    verbs = Counter(a.verb for a in planned.actions)
    assert verbs["police_notice"] >= 10 and verbs["pick_up"] >= 20 and verbs["note"] >= 20
    assert verbs["report_made"] >= 5 and verbs["help_plan"] >= 10 and verbs["evaluate"] >= 10
    assert verbs["referral_index"] >= 3 and verbs["skip_talk"] + verbs["acute"] >= 1
    # Advice asked and verwijsindex signals placed before or without a dossier.
    assert verbs["advice_request"] >= 20 and verbs["referral_index_loose"] >= 10
    loose = [a.data for a in planned.actions if a.verb == "advice_request"]
    assert {a["anonymous"] for a in loose} == {True, False}
    assert all(a["pupil"] is None for a in loose if a["anonymous"])
    signals = [a for a in planned.actions if a.verb == "signal"]
    assert any(a.data["categories"] == ["gut_feeling"] for a in signals)
    consults = [a.data for a in planned.actions if a.verb == "consult" and a.data["consulted"] == "veilig_thuis"]
    assert {c["anonymous"] for c in consults} == {True, False}
    outcomes = Counter(a.data["outcome"] for a in planned.actions if a.verb == "decide")
    assert set(outcomes) == {"report", "help", "report_and_help", "close"}


def test_routes_stop_at_different_steps_for_different_reasons_most_at_step_2(planned):
    stops = [
        step_at_closing(actions)
        for actions in threads(planned).values()
        if set(history.CLOSING) & {a.verb for a in actions}
    ]
    steps = Counter(stops)
    assert set(steps) == {2, 3, 4, 5}
    assert steps.most_common(1)[0][0] == 2
    reasons = {a.data["reason"] for a in planned.actions if a.verb == "close"}
    # Every reason a person gives; "nobody recorded why" is Haven's own closing, never a person's.
    assert verbs_of(planned)["close_unrecorded"] >= 3
    assert all(not a.by and not a.data for a in planned.actions if a.verb == "close_unrecorded")
    assert reasons == {
        "explained",
        "help_working",
        "help_involved",
        "referred",
        "taken_over",
        "pupil_left",
        "no_cooperation",
        "unclear_next",
        "fear_relation",
        "too_vague",
        "other",
    }


def test_decisions_mostly_follow_the_framework_and_a_deviation_says_why(planned):
    decisions = [a.data for a in planned.actions if a.verb == "decide"]
    follows = []
    for decision in decisions:
        advice = evaluate(**decision["answers"]).outcome
        followed = (
            (advice == "report" and decision["outcome"] in ("report", "report_and_help"))
            or (advice == "help" and decision["outcome"] in ("help", "report_and_help"))
            or (advice == "close" and decision["outcome"] == "close")
        )
        follows.append(followed)
        assert followed or decision["deviation_justification"]
    assert 0.8 <= sum(follows) / len(follows) < 1


def test_the_demo_schools_keep_a_quiet_recent_past(planned):
    classmates = set().union(*(planned.rosters[brin].demo_classmates for brin in DEMO_BRINS))
    quiet_since = NOW - dt.timedelta(days=history.DEMO_SCHOOL_QUIET_DAYS)
    for actions in threads(planned).values():
        if actions[0].school not in DEMO_BRINS:
            continue
        assert {*history.CLOSING, "note"} & {a.verb for a in actions}, actions[0].thread
        assert actions[-1].at < quiet_since
        assert actions[0].data["pupil"] not in classmates


def test_a_history_school_has_open_dossiers_at_different_steps(planned):
    open_threads = [
        actions
        for actions in threads(planned).values()
        if actions[0].school not in DEMO_BRINS
        and "open" in {a.verb for a in actions}
        and actions[-1].verb not in history.CLOSING
    ]
    assert len(open_threads) >= 5
    last_verbs = {actions[-1].verb for actions in open_threads}
    assert len(last_verbs) >= 3


def test_the_region_has_a_board_with_one_school_and_one_with_two(planned):
    boards = Counter(s.board for s in planned.schools)
    assert boards[history.MONTESSORI] == 1 and boards[history.VCPO] == 2 and boards[history.SPOZ] == 4
    municipalities = Counter(s.municipality.code for s in planned.schools)
    assert municipalities == {"GM9900": 3, "GM9901": 4, "GM9902": 3}
    usernames = [p.username for s in history.HISTORY_SCHOOLS for p in (s.admin, *s.people)]
    demo_usernames = {p.username for s in demo.SCHOOLS for p in (s.admin, *s.staff)}
    assert len(set(usernames)) == len(usernames) and not set(usernames) & demo_usernames


def test_public_figures_for_five_published_years_and_this_years_pupils(planned):
    import random

    rows = history.public_figures(NOW.date(), random.Random(1))  # noqa: S311 (not security)
    for municipality in history.MUNICIPALITIES:
        mine = {r.year: r for r in rows if r.municipality == municipality}
        assert sorted(mine) == [2021, 2022, 2023, 2024, 2025, 2026]
        for year in range(2021, 2026):
            row = mine[year]
            assert 2000 <= row.pupils_primary <= 9000
            assert row.reports_education < row.advice_requests_education
            # Seed 004's proportions: about 3.5-5.5 advice requests and 0.6-1 reports per 1000 pupils.
            assert 3 <= 1000 * row.advice_requests_education / row.pupils_primary <= 6
            assert 0.4 <= 1000 * row.reports_education / row.pupils_primary <= 1.2
        this_year = mine[2026]
        assert this_year.pupils_primary and this_year.advice_requests_education is None
