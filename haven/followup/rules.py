"""Follow-up after a decision, as pure rules: feedback from Veilig Thuis and the help plan's evaluations.

No Django here: plain dates in, plain answers out, so every boundary is tested in
`tests/unit/test_followup_rules.py` without a database.

Feedback from Veilig Thuis. An investigation takes at most about ten weeks, and the school
agrees with Veilig Thuis when and how it hears back. Feedback is *overdue* once a day has passed
the agreed date, or once a day has passed ten weeks after the report was made, whichever comes
first: on the agreed date itself (and on the last day of the ten weeks) it is still in time.
Feedback received ends the wait, however late it came.

Evaluation moments of a help plan. At each one, question 5 of the decision framework is answered
(does the help lead, within the term, to the safety and wellbeing needed?). A moment whose date
has passed without an answer is *overdue*; one within the next seven days is *due*.
"""

from collections.abc import Iterable
from datetime import date, timedelta
from enum import StrEnum

FEEDBACK_TERM = timedelta(weeks=10)
# How far ahead the task list and the dossier page warn of a deadline.
DUE_SOON = timedelta(days=7)


class FeedbackState(StrEnum):
    NOT_MADE = "not_made"  # the report has not been made: nothing to wait for yet
    RECEIVED = "received"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"  # the deadline is within the next seven days (today included)
    WAITING = "waiting"


class EvaluationState(StrEnum):
    ANSWERED = "answered"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"  # today or within the next seven days
    PLANNED = "planned"


def feedback_deadline(made_on: date, agreed_on: date | None) -> date:
    """The last day feedback is in time: the agreed date, but never later than ten weeks after the report."""
    limit = made_on + FEEDBACK_TERM
    return limit if agreed_on is None else min(agreed_on, limit)


def feedback_state(
    made_on: date | None, agreed_on: date | None, received_on: date | None, today: date
) -> FeedbackState:
    if made_on is None:
        return FeedbackState.NOT_MADE
    if received_on is not None:
        return FeedbackState.RECEIVED
    deadline = feedback_deadline(made_on, agreed_on)
    if today > deadline:
        return FeedbackState.OVERDUE
    if deadline - today <= DUE_SOON:
        return FeedbackState.DUE_SOON
    return FeedbackState.WAITING


def feedback_overdue(made_on: date | None, agreed_on: date | None, received_on: date | None, today: date) -> bool:
    """No feedback yet, and past the agreed date or past ten weeks after the report was made."""
    return feedback_state(made_on, agreed_on, received_on, today) == FeedbackState.OVERDUE


def evaluation_state(due_on: date, answered_on: date | None, today: date) -> EvaluationState:
    if answered_on is not None:
        return EvaluationState.ANSWERED
    if due_on < today:
        return EvaluationState.OVERDUE
    if due_on - today <= DUE_SOON:
        return EvaluationState.DUE_SOON
    return EvaluationState.PLANNED


def evaluation_overdue(due_on: date, answered_on: date | None, today: date) -> bool:
    """The evaluation moment has passed and question 5 was not answered."""
    return evaluation_state(due_on, answered_on, today) == EvaluationState.OVERDUE


def new_since_report(observed_on: date, made_on: date | None) -> bool:
    """A signal observed on a day after the report was made. Signals of the day itself belong to the report."""
    return made_on is not None and observed_on > made_on


def plan_is_current(*, is_latest_plan: bool, made_for_latest_decision: bool, case_open: bool) -> bool:
    """Only the latest plan of an open dossier, made under its latest decision, still has moments to keep.

    A new decision (say, to report after question 5 was answered "no") or a newer plan ends it;
    its unanswered moments are then history, not overdue.
    """
    return is_latest_plan and made_for_latest_decision and case_open


class PlanProblem(StrEnum):
    NO_EVALUATION = "no_evaluation"
    TERM_IN_THE_PAST = "term_in_the_past"
    TERM_BEFORE_START = "term_before_start"
    EVALUATION_BEFORE_START = "evaluation_before_start"
    EVALUATION_AFTER_TERM = "evaluation_after_term"


def plan_problems(starts_on: date, ends_on: date, evaluations: Iterable[date], today: date) -> list[PlanProblem]:
    """What is wrong with a help plan's dates, in a fixed order; an empty list when nothing is.

    The term ends today or later, and not before the help starts. There is at least one
    evaluation moment, and every one falls within the term: not before the help starts, not after
    the term ends (question 5 asks about the agreed term).
    """
    moments = sorted(set(evaluations))
    problems = []
    if ends_on < today:
        problems.append(PlanProblem.TERM_IN_THE_PAST)
    if ends_on < starts_on:
        problems.append(PlanProblem.TERM_BEFORE_START)
    if not moments:
        problems.append(PlanProblem.NO_EVALUATION)
    if any(moment < starts_on for moment in moments):
        problems.append(PlanProblem.EVALUATION_BEFORE_START)
    if any(moment > ends_on for moment in moments):
        problems.append(PlanProblem.EVALUATION_AFTER_TERM)
    return problems


class FeedbackProblem(StrEnum):
    AGREED_BEFORE_REPORT = "agreed_before_report"
    RECEIVED_BEFORE_REPORT = "received_before_report"
    RECEIVED_IN_THE_FUTURE = "received_in_the_future"


def feedback_problems(
    made_on: date, agreed_on: date | None, received_on: date | None, today: date
) -> list[FeedbackProblem]:
    """What is wrong with the dates of the follow-up of a report made on `made_on`."""
    problems = []
    if agreed_on is not None and agreed_on < made_on:
        problems.append(FeedbackProblem.AGREED_BEFORE_REPORT)
    if received_on is not None and received_on < made_on:
        problems.append(FeedbackProblem.RECEIVED_BEFORE_REPORT)
    if received_on is not None and received_on > today:
        problems.append(FeedbackProblem.RECEIVED_IN_THE_FUTURE)
    return problems
