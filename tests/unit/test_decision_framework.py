"""The afwegingskader (decision framework) as a specification.

The five questions, in order (DOMAIN.md, "The afwegingskader"):

    1. suspicion - do we suspect domestic violence or child abuse?          no  -> close
    2. unsafety  - is there (a suspicion of) acute or structural unsafety?  yes -> report
    3. can_help  - can we (with others) offer or organise adequate help?    no  -> report
    4. accepted  - do those involved accept the help and commit to it?      no  -> report
    5. effective - does the help lead to safety within the agreed term?     no  -> report (again)
                                                                            yes -> help, nothing left to ask
                                                                   unanswered -> help, ask question 5 later

An unanswered question that decides the outcome leaves the advice "pending" with that question
next (question 5 excepted: help can start before its effect is known). Answers after the deciding
one never change the advice, so a stray later answer cannot overturn a "report" or "close".
"""

import itertools
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haven.meldcode.decision_framework import Advice, evaluate

YES, NO, UNANSWERED = True, False, None
ANSWERS = (YES, NO, UNANSWERED)
QUESTIONS = ("suspicion", "unsafety", "can_help", "accepted", "effective")


# An independent reference: the framework as a table, walked top to bottom. -----------------------


@dataclass(frozen=True)
class Go:
    """Go on to the next question."""


GO = Go()

# Per question: where a yes, a no and no answer lead. A tuple is (outcome, next_question).
FRAMEWORK_TABLE: dict[int, dict[bool | None, tuple[str, int | None] | Go]] = {
    1: {YES: GO, NO: ("close", None), UNANSWERED: ("pending", 1)},
    2: {YES: ("report", None), NO: GO, UNANSWERED: ("pending", 2)},
    3: {YES: GO, NO: ("report", None), UNANSWERED: ("pending", 3)},
    4: {YES: GO, NO: ("report", None), UNANSWERED: ("pending", 4)},
    5: {YES: ("help", None), NO: ("report", None), UNANSWERED: ("help", 5)},
}


def reference(answers: tuple[bool | None, ...]) -> tuple[tuple[str, int | None], int]:
    """The advice and the number of the question that decided it."""
    for number in sorted(FRAMEWORK_TABLE):
        step = FRAMEWORK_TABLE[number][answers[number - 1]]
        if not isinstance(step, Go):
            return step, number
    raise AssertionError("question 5 always decides")  # pragma: no cover


def label(answers: tuple[bool | None, ...]) -> str:
    words = {YES: "yes", NO: "no", UNANSWERED: "-"}
    return ",".join(f"Q{i}={words[a]}" for i, a in enumerate(answers, start=1))


ALL_COMBINATIONS = list(itertools.product(ANSWERS, repeat=5))


def test_there_are_243_combinations():
    assert len(ALL_COMBINATIONS) == 3**5 == 243


@pytest.mark.parametrize("answers", ALL_COMBINATIONS, ids=[label(a) for a in ALL_COMBINATIONS])
def test_every_combination_matches_the_table(answers):
    (outcome, next_question), _decided_by = reference(answers)
    assert evaluate(*answers) == Advice(outcome, next_question)


@pytest.mark.parametrize("answers", ALL_COMBINATIONS, ids=[label(a) for a in ALL_COMBINATIONS])
def test_keyword_and_positional_calls_agree(answers):
    assert evaluate(**dict(zip(QUESTIONS, answers, strict=True))) == evaluate(*answers)


# Named examples, one per rule. ---------------------------------------------------------------------


def ask(**answers: bool | None) -> Advice:
    return evaluate(**{q: answers.get(q) for q in QUESTIONS})


class TestQuestion1Suspicion:
    def test_nothing_answered_asks_question_1(self):
        assert ask() == Advice("pending", 1)

    def test_unanswered_question_1_stays_pending_even_if_later_answers_point_to_report(self):
        assert ask(unsafety=YES, can_help=NO, accepted=NO, effective=NO) == Advice("pending", 1)

    def test_no_suspicion_closes(self):
        assert ask(suspicion=NO) == Advice("close", None)

    def test_no_suspicion_closes_whatever_else_was_filled_in(self):
        assert ask(suspicion=NO, unsafety=YES, can_help=NO, accepted=NO, effective=NO) == Advice("close", None)


class TestQuestion2Unsafety:
    def test_suspicion_without_question_2_asks_question_2(self):
        assert ask(suspicion=YES) == Advice("pending", 2)

    def test_acute_or_structural_unsafety_reports(self):
        assert ask(suspicion=YES, unsafety=YES) == Advice("report", None)

    def test_unsafety_reports_even_when_help_is_possible_accepted_and_effective(self):
        advice = ask(suspicion=YES, unsafety=YES, can_help=YES, accepted=YES, effective=YES)
        assert advice == Advice("report", None)

    def test_no_unsafety_asks_question_3(self):
        assert ask(suspicion=YES, unsafety=NO) == Advice("pending", 3)


class TestQuestion3CanHelp:
    def test_no_adequate_help_reports(self):
        assert ask(suspicion=YES, unsafety=NO, can_help=NO) == Advice("report", None)

    def test_no_adequate_help_reports_even_if_question_4_and_5_say_yes(self):
        advice = ask(suspicion=YES, unsafety=NO, can_help=NO, accepted=YES, effective=YES)
        assert advice == Advice("report", None)

    def test_help_possible_asks_question_4(self):
        assert ask(suspicion=YES, unsafety=NO, can_help=YES) == Advice("pending", 4)


class TestQuestion4Accepted:
    def test_help_refused_reports(self):
        assert ask(suspicion=YES, unsafety=NO, can_help=YES, accepted=NO) == Advice("report", None)

    def test_help_refused_reports_even_if_question_5_says_yes(self):
        advice = ask(suspicion=YES, unsafety=NO, can_help=YES, accepted=NO, effective=YES)
        assert advice == Advice("report", None)

    def test_help_accepted_starts_help_and_asks_question_5_later(self):
        assert ask(suspicion=YES, unsafety=NO, can_help=YES, accepted=YES) == Advice("help", 5)


class TestQuestion5Effective:
    def test_help_not_effective_reports_again(self):
        advice = ask(suspicion=YES, unsafety=NO, can_help=YES, accepted=YES, effective=NO)
        assert advice == Advice("report", None)

    def test_help_effective_needs_no_further_question(self):
        advice = ask(suspicion=YES, unsafety=NO, can_help=YES, accepted=YES, effective=YES)
        assert advice == Advice("help", None)

    def test_question_5_alone_decides_nothing(self):
        assert ask(effective=YES) == Advice("pending", 1)
        assert ask(effective=NO) == Advice("pending", 1)


# Counts that pin the whole table down. ------------------------------------------------------------


def test_how_the_243_combinations_spread_over_the_advice():
    counts: dict[Advice, int] = {}
    for answers in ALL_COMBINATIONS:
        advice = evaluate(*answers)
        counts[advice] = counts.get(advice, 0) + 1
    assert counts == {
        Advice("pending", 1): 81,  # Q1 unanswered: 3^4 ways for the rest
        Advice("close", None): 81,  # Q1 no
        Advice("pending", 2): 27,  # Q1 yes, Q2 unanswered
        Advice("report", None): 27 + 9 + 3 + 1,  # Q2 yes; Q3 no; Q4 no; Q5 no
        Advice("pending", 3): 9,
        Advice("pending", 4): 3,
        Advice("help", 5): 1,
        Advice("help", None): 1,
    }


@pytest.mark.parametrize("answers", ALL_COMBINATIONS, ids=[label(a) for a in ALL_COMBINATIONS])
def test_shape_of_the_advice(answers):
    advice = evaluate(*answers)
    assert advice.outcome in ("pending", "close", "report", "help")
    if advice.outcome == "pending":
        # The question asked is the first unanswered one, and it is one of questions 1-4.
        assert advice.next_question in (1, 2, 3, 4)
        assert answers[advice.next_question - 1] is UNANSWERED
        assert UNANSWERED not in answers[: advice.next_question - 1]
    elif advice.outcome in ("close", "report"):
        assert advice.next_question is None
    else:
        assert advice.next_question == (5 if answers[4] is UNANSWERED else None)


def test_advice_is_immutable():
    advice = evaluate(YES, YES, None, None, None)
    with pytest.raises(AttributeError):
        advice.outcome = "close"  # type: ignore[misc]


# Answers after the deciding one do not count. -----------------------------------------------------


def later_changes(answers: tuple[bool | None, ...]):
    _advice, decided_by = reference(answers)
    for index in range(decided_by, 5):  # 0-based positions of questions after the deciding one
        for other in ANSWERS:
            changed = list(answers)
            changed[index] = other
            yield tuple(changed)


@pytest.mark.parametrize("answers", ALL_COMBINATIONS, ids=[label(a) for a in ALL_COMBINATIONS])
def test_later_answers_never_change_the_advice_exhaustively(answers):
    advice = evaluate(*answers)
    for changed in later_changes(answers):
        assert evaluate(*changed) == advice, label(changed)


answer = st.sampled_from(ANSWERS)


@given(answers=st.tuples(answer, answer, answer, answer, answer), data=st.data())
def test_changing_any_answer_after_the_deciding_one_never_changes_the_advice(answers, data):
    advice = evaluate(*answers)
    _reference_advice, decided_by = reference(answers)
    later = list(range(decided_by + 1, 6))
    if not later:
        return
    changes = data.draw(st.dictionaries(st.sampled_from(later), answer, min_size=1))
    changed = list(answers)
    for number, value in changes.items():
        changed[number - 1] = value
    assert evaluate(*changed) == advice


@given(answers=st.tuples(answer, answer, answer, answer, answer))
def test_taking_back_the_deciding_answer_asks_that_question_again(answers):
    """The converse: the deciding question really decides."""
    _reference_advice, decided_by = reference(answers)
    if answers[decided_by - 1] is UNANSWERED:
        return
    cleared = list(answers)
    cleared[decided_by - 1] = UNANSWERED
    expected = Advice("help", 5) if decided_by == 5 else Advice("pending", decided_by)
    assert evaluate(*cleared) == expected
    assert evaluate(*cleared) != evaluate(*answers)


@given(prefix=st.tuples(answer, answer, answer, answer, answer))
def test_answering_the_pending_question_moves_the_advice_on(prefix):
    advice = evaluate(*prefix)
    if advice.outcome != "pending":
        return
    for value in (YES, NO):
        changed = list(prefix)
        changed[advice.next_question - 1] = value
        moved = evaluate(*changed)
        assert moved.outcome != "pending" or moved.next_question > advice.next_question
