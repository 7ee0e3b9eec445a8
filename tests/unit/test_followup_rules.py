"""The follow-up rules as a specification: when feedback from Veilig Thuis and evaluations are overdue.

Reads as the specification. Feedback is overdue the day after the agreed date, or the day after
the tenth week after the report was made, whichever comes first; received feedback is never
overdue. An evaluation moment is overdue the day after its date while unanswered, and "due" from
a week before. Every rule is checked against a plain restatement over every combination of a
small range of dates around the boundaries, and with hypothesis over any dates.
"""

import ast
import itertools
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haven.followup import rules
from haven.followup.rules import EvaluationState, FeedbackProblem, FeedbackState, PlanProblem

MADE = date(2026, 3, 2)  # a Monday
TEN_WEEKS = MADE + timedelta(weeks=10)  # 11 May 2026: the last day feedback is in time without an agreement


def days(n: int) -> timedelta:
    return timedelta(days=n)


def test_the_module_is_pure():
    tree = ast.parse(Path(rules.__file__).read_text())
    imported = {
        name.name if isinstance(node, ast.Import) else node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (node.names if isinstance(node, ast.Import) else [node])
    }
    assert not any(str(module).startswith("django") for module in imported), imported


# --- Feedback from Veilig Thuis -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("agreed_on", "deadline"),
    [
        (None, TEN_WEEKS),
        (MADE, MADE),
        (MADE + days(14), MADE + days(14)),
        (TEN_WEEKS - days(1), TEN_WEEKS - days(1)),
        (TEN_WEEKS, TEN_WEEKS),
        (TEN_WEEKS + days(1), TEN_WEEKS),  # an agreement later than ten weeks does not stretch the term
        (MADE + days(120), TEN_WEEKS),
    ],
)
def test_the_deadline_is_the_agreed_date_but_never_later_than_ten_weeks(agreed_on, deadline):
    assert rules.feedback_deadline(MADE, agreed_on) == deadline


@pytest.mark.parametrize(
    ("agreed_on", "received_on", "today", "overdue"),
    [
        # No agreement: ten weeks. On the last day still in time, the day after overdue.
        (None, None, MADE, False),
        (None, None, TEN_WEEKS - days(1), False),
        (None, None, TEN_WEEKS, False),
        (None, None, TEN_WEEKS + days(1), True),
        (None, None, TEN_WEEKS + days(300), True),
        # An agreed date within the ten weeks: on it in time, the day after overdue.
        (MADE + days(21), None, MADE + days(20), False),
        (MADE + days(21), None, MADE + days(21), False),
        (MADE + days(21), None, MADE + days(22), True),
        # An agreed date on the day of the report.
        (MADE, None, MADE, False),
        (MADE, None, MADE + days(1), True),
        # An agreed date after the ten weeks: the ten weeks come first.
        (TEN_WEEKS + days(14), None, TEN_WEEKS, False),
        (TEN_WEEKS + days(14), None, TEN_WEEKS + days(1), True),
        # Feedback received: never overdue, however late.
        (None, MADE + days(3), TEN_WEEKS + days(1), False),
        (MADE + days(21), TEN_WEEKS + days(30), TEN_WEEKS + days(60), False),
        (MADE + days(21), MADE + days(21), MADE + days(22), False),
    ],
)
def test_feedback_overdue_at_the_boundaries(agreed_on, received_on, today, overdue):
    assert rules.feedback_overdue(MADE, agreed_on, received_on, today) is overdue


def test_a_report_not_made_is_never_overdue():
    for today in (MADE, TEN_WEEKS + days(1), TEN_WEEKS + days(1000)):
        assert rules.feedback_overdue(None, None, None, today) is False
        assert rules.feedback_overdue(None, MADE, None, today) is False
        assert rules.feedback_state(None, MADE, None, today) == FeedbackState.NOT_MADE


def _overdue_as_specified(made_on, agreed_on, received_on, today) -> bool:
    if made_on is None or received_on is not None:
        return False
    past_agreement = agreed_on is not None and today > agreed_on
    past_ten_weeks = today > made_on + timedelta(weeks=10)
    return past_agreement or past_ten_weeks


AGREED = [None] + [MADE + days(n) for n in (-1, 0, 1, 6, 7, 8, 30, 69, 70, 71, 100)]
RECEIVED = [None, MADE, MADE + days(20), TEN_WEEKS + days(5)]
TODAYS = [MADE + days(n) for n in range(-3, 110)]


def test_feedback_overdue_for_every_combination_near_the_boundaries():
    for agreed_on, received_on, today in itertools.product(AGREED, RECEIVED, TODAYS):
        expected = _overdue_as_specified(MADE, agreed_on, received_on, today)
        assert rules.feedback_overdue(MADE, agreed_on, received_on, today) is expected, (agreed_on, received_on, today)


def test_feedback_state_for_every_combination_near_the_boundaries():
    for agreed_on, received_on, today in itertools.product(AGREED, RECEIVED, TODAYS):
        state = rules.feedback_state(MADE, agreed_on, received_on, today)
        deadline = rules.feedback_deadline(MADE, agreed_on)
        if received_on is not None:
            assert state == FeedbackState.RECEIVED
        elif today > deadline:
            assert state == FeedbackState.OVERDUE
        elif (deadline - today).days <= 7:
            assert state == FeedbackState.DUE_SOON
        else:
            assert state == FeedbackState.WAITING


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (TEN_WEEKS - days(8), FeedbackState.WAITING),
        (TEN_WEEKS - days(7), FeedbackState.DUE_SOON),
        (TEN_WEEKS - days(1), FeedbackState.DUE_SOON),
        (TEN_WEEKS, FeedbackState.DUE_SOON),
        (TEN_WEEKS + days(1), FeedbackState.OVERDUE),
    ],
)
def test_feedback_is_due_soon_from_a_week_before_the_deadline(today, state):
    assert rules.feedback_state(MADE, None, None, today) == state


dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))


@given(made_on=dates, agreed_on=st.none() | dates, received_on=st.none() | dates, today=dates)
def test_feedback_overdue_for_any_dates(made_on, agreed_on, received_on, today):
    assert rules.feedback_overdue(made_on, agreed_on, received_on, today) is _overdue_as_specified(
        made_on, agreed_on, received_on, today
    )


@given(made_on=dates, agreed_on=st.none() | dates, today=dates)
def test_feedback_only_becomes_overdue_and_stays_overdue(made_on, agreed_on, today):
    if rules.feedback_overdue(made_on, agreed_on, None, today):
        assert rules.feedback_overdue(made_on, agreed_on, None, today + days(1))
        assert not rules.feedback_overdue(made_on, agreed_on, today, today)


# --- Evaluation moments ---------------------------------------------------------------------------

DUE = date(2026, 6, 15)


@pytest.mark.parametrize(
    ("answered_on", "today", "state"),
    [
        (None, DUE - days(30), EvaluationState.PLANNED),
        (None, DUE - days(8), EvaluationState.PLANNED),
        (None, DUE - days(7), EvaluationState.DUE_SOON),
        (None, DUE - days(1), EvaluationState.DUE_SOON),
        (None, DUE, EvaluationState.DUE_SOON),
        (None, DUE + days(1), EvaluationState.OVERDUE),
        (None, DUE + days(365), EvaluationState.OVERDUE),
        (DUE, DUE + days(1), EvaluationState.ANSWERED),
        (DUE - days(10), DUE - days(10), EvaluationState.ANSWERED),  # answered early
        (DUE + days(20), DUE + days(21), EvaluationState.ANSWERED),  # answered late
    ],
)
def test_evaluation_state_at_the_boundaries(answered_on, today, state):
    assert rules.evaluation_state(DUE, answered_on, today) == state
    assert rules.evaluation_overdue(DUE, answered_on, today) is (state == EvaluationState.OVERDUE)


def test_evaluation_overdue_for_every_combination_near_the_boundaries():
    for answered_on, offset in itertools.product([None, DUE - days(3), DUE, DUE + days(3)], range(-20, 20)):
        today = DUE + days(offset)
        assert rules.evaluation_overdue(DUE, answered_on, today) is (answered_on is None and today > DUE)


@given(due_on=dates, answered_on=st.none() | dates, today=dates)
def test_evaluation_state_for_any_dates(due_on, answered_on, today):
    state = rules.evaluation_state(due_on, answered_on, today)
    if answered_on is not None:
        assert state == EvaluationState.ANSWERED
    elif today > due_on:
        assert state == EvaluationState.OVERDUE
    elif (due_on - today).days <= 7:
        assert state == EvaluationState.DUE_SOON
    else:
        assert state == EvaluationState.PLANNED


@pytest.mark.parametrize(
    ("is_latest_plan", "made_for_latest_decision", "case_open"), list(itertools.product([True, False], repeat=3))
)
def test_only_the_latest_plan_under_the_latest_decision_of_an_open_dossier_is_current(
    is_latest_plan, made_for_latest_decision, case_open
):
    current = rules.plan_is_current(
        is_latest_plan=is_latest_plan, made_for_latest_decision=made_for_latest_decision, case_open=case_open
    )
    assert current is (is_latest_plan and made_for_latest_decision and case_open)


# --- New signals after a report -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("observed_on", "made_on", "new"),
    [
        (MADE - days(1), MADE, False),
        (MADE, MADE, False),  # the day of the report belongs to the report
        (MADE + days(1), MADE, True),
        (MADE + days(100), MADE, True),
        (MADE + days(1), None, False),  # no report made: nothing is "new since the report"
    ],
)
def test_new_since_report(observed_on, made_on, new):
    assert rules.new_since_report(observed_on, made_on) is new


# --- The dates of a help plan ---------------------------------------------------------------------

TODAY = date(2026, 5, 4)


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "evaluations", "problems"),
    [
        (TODAY, TODAY + days(60), [TODAY + days(30)], []),
        (TODAY, TODAY, [TODAY], []),  # a term ending today, evaluated today
        (TODAY - days(30), TODAY + days(30), [TODAY - days(30), TODAY + days(30)], []),  # on start and end
        (TODAY, TODAY + days(60), [TODAY + days(30), TODAY + days(30)], []),  # a date twice is one moment
        (TODAY - days(30), TODAY - days(1), [TODAY - days(10)], [PlanProblem.TERM_IN_THE_PAST]),
        (
            TODAY + days(10),
            TODAY + days(5),
            [TODAY + days(5)],
            [PlanProblem.TERM_BEFORE_START, PlanProblem.EVALUATION_BEFORE_START],
        ),
        (TODAY, TODAY + days(60), [], [PlanProblem.NO_EVALUATION]),
        (TODAY, TODAY + days(60), [TODAY - days(1)], [PlanProblem.EVALUATION_BEFORE_START]),
        (TODAY, TODAY + days(60), [TODAY + days(61)], [PlanProblem.EVALUATION_AFTER_TERM]),
        (
            TODAY,
            TODAY + days(60),
            [TODAY - days(1), TODAY + days(30), TODAY + days(61)],
            [PlanProblem.EVALUATION_BEFORE_START, PlanProblem.EVALUATION_AFTER_TERM],
        ),
        (
            TODAY,
            TODAY - days(1),
            [],
            [PlanProblem.TERM_IN_THE_PAST, PlanProblem.TERM_BEFORE_START, PlanProblem.NO_EVALUATION],
        ),
    ],
)
def test_plan_problems(starts_on, ends_on, evaluations, problems):
    assert rules.plan_problems(starts_on, ends_on, evaluations, TODAY) == problems


offsets = st.integers(-60, 60)


@given(start=offsets, end=offsets, moments=st.lists(offsets, max_size=4))
def test_plan_problems_for_any_dates(start, end, moments):
    starts_on, ends_on = TODAY + days(start), TODAY + days(end)
    evaluations = [TODAY + days(m) for m in moments]
    problems = set(rules.plan_problems(starts_on, ends_on, evaluations, TODAY))
    assert (PlanProblem.TERM_IN_THE_PAST in problems) is (ends_on < TODAY)
    assert (PlanProblem.TERM_BEFORE_START in problems) is (ends_on < starts_on)
    assert (PlanProblem.NO_EVALUATION in problems) is (not evaluations)
    assert (PlanProblem.EVALUATION_BEFORE_START in problems) is any(e < starts_on for e in evaluations)
    assert (PlanProblem.EVALUATION_AFTER_TERM in problems) is any(e > ends_on for e in evaluations)


# --- The dates of the follow-up of a report -------------------------------------------------------


@pytest.mark.parametrize(
    ("agreed_on", "received_on", "today", "problems"),
    [
        (None, None, MADE, []),
        (MADE, MADE, MADE, []),
        (MADE + days(14), MADE + days(10), MADE + days(10), []),
        (MADE - days(1), None, MADE, [FeedbackProblem.AGREED_BEFORE_REPORT]),
        (None, MADE - days(1), MADE, [FeedbackProblem.RECEIVED_BEFORE_REPORT]),
        (None, MADE + days(1), MADE, [FeedbackProblem.RECEIVED_IN_THE_FUTURE]),
        (
            MADE - days(1),
            MADE - days(1),
            MADE - days(2),
            [
                FeedbackProblem.AGREED_BEFORE_REPORT,
                FeedbackProblem.RECEIVED_BEFORE_REPORT,
                FeedbackProblem.RECEIVED_IN_THE_FUTURE,
            ],
        ),
    ],
)
def test_feedback_problems(agreed_on, received_on, today, problems):
    assert rules.feedback_problems(MADE, agreed_on, received_on, today) == problems
