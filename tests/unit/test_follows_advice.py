"""Does a decision follow the framework's advice? A decision that does not needs a justification.

Reporting and helping both is never less than advised: it follows a "report" and a "help" advice.
While the advice is still pending, no decision follows it (the questions are not answered yet).
Imports services (and so Django), but needs no database.
"""

import itertools

import pytest

from haven.meldcode.decision_framework import evaluate
from haven.meldcode.services import follows_advice
from haven.meldcode.workflow import DecisionOutcome

REPORT, HELP, BOTH, CLOSE = (
    DecisionOutcome.REPORT,
    DecisionOutcome.HELP,
    DecisionOutcome.REPORT_AND_HELP,
    DecisionOutcome.CLOSE,
)

# advice -> outcome -> follows?
TABLE = {
    "pending": {REPORT: False, HELP: False, BOTH: False, CLOSE: False},
    "close": {REPORT: False, HELP: False, BOTH: False, CLOSE: True},
    "report": {REPORT: True, HELP: False, BOTH: True, CLOSE: False},
    "help": {REPORT: False, HELP: True, BOTH: True, CLOSE: False},
}
CELLS = [(advice, outcome) for advice in TABLE for outcome in TABLE[advice]]


def test_the_table_covers_every_advice_and_every_outcome():
    advices = {evaluate(*answers).outcome for answers in _all_answers()}
    assert set(TABLE) == advices == {"pending", "close", "report", "help"}
    for row in TABLE.values():
        assert set(row) == set(DecisionOutcome)


def _all_answers():
    return itertools.product((True, False, None), repeat=5)


@pytest.mark.parametrize(("advice", "outcome"), CELLS, ids=[f"{a}-{o.value}" for a, o in CELLS])
def test_follows_advice(advice, outcome):
    assert follows_advice(advice, outcome) is TABLE[advice][outcome]


@pytest.mark.parametrize(("advice", "outcome"), CELLS, ids=[f"{a}-{o.value}" for a, o in CELLS])
def test_plain_strings_from_the_form_or_the_database_work_the_same(advice, outcome):
    assert follows_advice(advice, outcome.value) is TABLE[advice][outcome]


@pytest.mark.parametrize("advice", list(TABLE))
@pytest.mark.parametrize("outcome", ["", "bogus", "REPORT", "report_help"])
def test_an_unknown_outcome_never_follows(advice, outcome):
    assert follows_advice(advice, outcome) is False


@pytest.mark.parametrize("advice", ["", "bogus", "CLOSE", "closed"])
@pytest.mark.parametrize("outcome", list(DecisionOutcome))
def test_an_unknown_advice_is_never_followed(advice, outcome):
    """Deny by default: an advice the framework cannot give must not waive the justification."""
    assert follows_advice(advice, outcome) is False


def test_each_advice_except_pending_is_followed_by_at_least_one_outcome():
    for advice, row in TABLE.items():
        assert any(row.values()) is (advice != "pending")
