"""The route through the five meldcode steps, as a specification.

`route_state` tells the dossier page which step the case is in, the state of every step, which of
steps 1-4 a decision would be (or was) taken without, and the one next action to offer.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haven.meldcode.workflow import CaseFacts, DecisionOutcome, NextAction, RouteState, Step, StepStatus, route_state

DONE, SKIPPED, CURRENT, TODO = StepStatus.DONE, StepStatus.SKIPPED, StepStatus.CURRENT, StepStatus.TODO
SIGNALS, CONSULTATION, CONVERSATION, WEIGHING, DECISION = Step


def statuses(*values: StepStatus) -> dict[Step, StepStatus]:
    assert len(values) == 5
    return dict(zip(Step, values, strict=True))


# The route walked step by step, as a case normally goes. ------------------------------------------

OPENED = CaseFacts(signal_count=1)
CONSULTED = CaseFacts(signal_count=2, consultation_count=1)
TALKED = CaseFacts(signal_count=2, consultation_count=1, conversation_count=1)
WEIGHED = CaseFacts(signal_count=2, consultation_count=1, conversation_count=1, has_weighing=True)


def decided(outcome: DecisionOutcome, **more) -> CaseFacts:
    values = {
        "signal_count": 2,
        "consultation_count": 1,
        "conversation_count": 1,
        "has_weighing": True,
        "decision_outcome": outcome,
    }
    values.update(more)
    return CaseFacts(**values)


def test_an_empty_case_starts_with_the_signals():
    assert route_state(CaseFacts()) == RouteState(
        current_step=SIGNALS,
        steps=statuses(CURRENT, TODO, TODO, TODO, TODO),
        missing=[SIGNALS, CONSULTATION, CONVERSATION, WEIGHING],
        next_action=NextAction.ADD_SIGNAL,
    )


def test_after_the_signals_consult_a_colleague():
    assert route_state(OPENED) == RouteState(
        current_step=CONSULTATION,
        steps=statuses(DONE, CURRENT, TODO, TODO, TODO),
        missing=[CONSULTATION, CONVERSATION, WEIGHING],
        next_action=NextAction.RECORD_CONSULTATION,
    )


def test_after_the_consultation_talk_with_parents_and_child():
    assert route_state(CONSULTED) == RouteState(
        current_step=CONVERSATION,
        steps=statuses(DONE, DONE, CURRENT, TODO, TODO),
        missing=[CONVERSATION, WEIGHING],
        next_action=NextAction.RECORD_CONVERSATION,
    )


def test_after_the_conversation_weigh():
    assert route_state(TALKED) == RouteState(
        current_step=WEIGHING,
        steps=statuses(DONE, DONE, DONE, CURRENT, TODO),
        missing=[WEIGHING],
        next_action=NextAction.RECORD_WEIGHING,
    )


def test_a_skipped_conversation_is_not_missing_and_the_route_goes_on_to_weighing():
    facts = CaseFacts(signal_count=1, consultation_count=1, skipped_steps=frozenset({CONVERSATION}))
    assert route_state(facts) == RouteState(
        current_step=WEIGHING,
        steps=statuses(DONE, DONE, SKIPPED, CURRENT, TODO),
        missing=[WEIGHING],
        next_action=NextAction.RECORD_WEIGHING,
    )


def test_a_conversation_held_after_all_counts_as_done_not_skipped():
    facts = CaseFacts(
        signal_count=1, consultation_count=1, conversation_count=1, skipped_steps=frozenset({CONVERSATION})
    )
    assert route_state(facts).steps[CONVERSATION] == DONE


def test_after_weighing_decide():
    assert route_state(WEIGHED) == RouteState(
        current_step=DECISION,
        steps=statuses(DONE, DONE, DONE, DONE, CURRENT),
        missing=[],
        next_action=NextAction.RECORD_DECISION,
    )


def test_more_records_of_a_step_do_not_change_the_route():
    busy = CaseFacts(signal_count=9, consultation_count=4, conversation_count=3, has_weighing=True)
    assert route_state(busy) == route_state(WEIGHED)


# After the decision. ------------------------------------------------------------------------------


def test_a_decision_to_report_asks_for_the_report():
    state = route_state(decided(DecisionOutcome.REPORT))
    assert state.steps == statuses(DONE, DONE, DONE, DONE, DONE)
    assert state.current_step == DECISION
    assert state.missing == []
    assert state.next_action == NextAction.MAKE_REPORT


def test_a_decision_to_report_and_help_asks_for_the_report_first():
    assert route_state(decided(DecisionOutcome.REPORT_AND_HELP)).next_action == NextAction.MAKE_REPORT


@pytest.mark.parametrize("outcome", [DecisionOutcome.REPORT, DecisionOutcome.REPORT_AND_HELP])
def test_acute_unsafety_is_phoned_in(outcome):
    facts = decided(outcome, acute=True)
    assert route_state(facts).next_action == NextAction.PHONE_AND_REPORT


def test_once_reported_a_report_decision_leads_to_closing():
    facts = decided(DecisionOutcome.REPORT, report_made=True)
    assert route_state(facts).next_action == NextAction.CLOSE_CASE


def test_once_reported_an_acute_report_decision_leads_to_closing_too():
    facts = decided(DecisionOutcome.REPORT, report_made=True, acute=True)
    assert route_state(facts).next_action == NextAction.CLOSE_CASE


def test_once_reported_the_help_is_followed_when_the_school_also_helps():
    facts = decided(DecisionOutcome.REPORT_AND_HELP, report_made=True)
    assert route_state(facts).next_action == NextAction.FOLLOW_HELP


def test_a_help_decision_is_followed_up_at_the_agreed_moments():
    state = route_state(decided(DecisionOutcome.HELP))
    assert state.next_action == NextAction.FOLLOW_HELP
    assert state.steps == statuses(DONE, DONE, DONE, DONE, DONE)


def test_a_help_decision_needs_no_report():
    facts = decided(DecisionOutcome.HELP, acute=True)
    assert route_state(facts).next_action == NextAction.FOLLOW_HELP


def test_a_close_decision_leads_to_closing():
    state = route_state(decided(DecisionOutcome.CLOSE))
    assert state.next_action == NextAction.CLOSE_CASE
    assert state.steps == statuses(DONE, DONE, DONE, DONE, DONE)
    assert state.missing == []


# Closed cases. ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "facts",
    [
        CaseFacts(closed=True),
        CaseFacts(signal_count=1, closed=True),
        CaseFacts(signal_count=1, consultation_count=1, closed=True),
        decided(DecisionOutcome.CLOSE, closed=True),
        decided(DecisionOutcome.REPORT, report_made=True, closed=True),
        decided(DecisionOutcome.REPORT, closed=True, acute=True),
        decided(DecisionOutcome.HELP, closed=True),
    ],
    ids=["empty", "signals", "consulted", "close", "reported", "acute-unreported", "help"],
)
def test_a_closed_case_can_only_be_reopened_and_has_no_current_step(facts):
    state = route_state(facts)
    assert state.next_action == NextAction.REOPEN_IF_NEEDED
    assert CURRENT not in state.steps.values()


def test_a_case_closed_after_consultation_keeps_its_gaps_visible():
    state = route_state(CaseFacts(signal_count=1, consultation_count=1, closed=True))
    assert state.steps == statuses(DONE, DONE, TODO, TODO, TODO)
    assert state.missing == [CONVERSATION, WEIGHING]


# Acute cases and decisions taken with gaps. -------------------------------------------------------


def test_an_acute_case_goes_straight_to_the_decision():
    """declare_acute records every step not yet taken as skipped."""
    facts = CaseFacts(signal_count=1, skipped_steps=frozenset({CONSULTATION, CONVERSATION, WEIGHING}), acute=True)
    assert route_state(facts) == RouteState(
        current_step=DECISION,
        steps=statuses(DONE, SKIPPED, SKIPPED, SKIPPED, CURRENT),
        missing=[],
        next_action=NextAction.RECORD_DECISION,
    )


def test_an_acute_case_after_consultation_skips_only_what_was_not_done():
    facts = CaseFacts(
        signal_count=1, consultation_count=1, skipped_steps=frozenset({CONVERSATION, WEIGHING}), acute=True
    )
    state = route_state(facts)
    assert state.steps == statuses(DONE, DONE, SKIPPED, SKIPPED, CURRENT)
    assert state.next_action == NextAction.RECORD_DECISION


def test_an_acute_case_asks_for_the_decision_even_with_steps_open():
    facts = CaseFacts(signal_count=1, acute=True)
    state = route_state(facts)
    assert state.next_action == NextAction.RECORD_DECISION
    assert state.missing == [CONSULTATION, CONVERSATION, WEIGHING]


def test_an_acute_decision_to_report_is_phoned_in():
    facts = CaseFacts(
        signal_count=1,
        skipped_steps=frozenset({CONSULTATION, CONVERSATION, WEIGHING}),
        acute=True,
        decision_outcome=DecisionOutcome.REPORT,
    )
    state = route_state(facts)
    assert state.steps == statuses(DONE, SKIPPED, SKIPPED, SKIPPED, DONE)
    assert state.missing == []
    assert state.next_action == NextAction.PHONE_AND_REPORT


def test_a_decision_taken_without_steps_2_to_4_lists_them_as_missing():
    facts = CaseFacts(signal_count=1, decision_outcome=DecisionOutcome.REPORT)
    state = route_state(facts)
    assert state.missing == [CONSULTATION, CONVERSATION, WEIGHING]
    assert state.next_action == NextAction.MAKE_REPORT


def test_once_decided_the_case_is_in_the_decision_step_not_back_in_a_missing_step():
    """The step shown as current must agree with the next action.

    After a decision the route is in step 5 (make the report, follow the help, close). The gaps
    stay visible as `missing` and as `todo`, but marking step 2 "current" next to a "make the
    report" button sends the user two ways at once.
    """
    facts = CaseFacts(signal_count=1, decision_outcome=DecisionOutcome.REPORT)
    state = route_state(facts)
    assert state.current_step == DECISION
    assert state.steps == statuses(DONE, TODO, TODO, TODO, DONE)


def test_a_decision_taken_without_the_weighing_lists_only_the_weighing():
    facts = CaseFacts(signal_count=1, consultation_count=1, conversation_count=1, decision_outcome=DecisionOutcome.HELP)
    state = route_state(facts)
    assert state.missing == [WEIGHING]
    assert state.next_action == NextAction.FOLLOW_HELP


def test_steps_done_out_of_order_leave_the_earliest_open_step_current():
    facts = CaseFacts(signal_count=1, conversation_count=1, has_weighing=True)
    state = route_state(facts)
    assert state.current_step == CONSULTATION
    assert state.steps == statuses(DONE, CURRENT, DONE, DONE, TODO)
    assert state.missing == [CONSULTATION]
    assert state.next_action == NextAction.RECORD_CONSULTATION


# Properties over every reachable kind of case. ----------------------------------------------------

STEP_ACTION = {
    SIGNALS: NextAction.ADD_SIGNAL,
    CONSULTATION: NextAction.RECORD_CONSULTATION,
    CONVERSATION: NextAction.RECORD_CONVERSATION,
    WEIGHING: NextAction.RECORD_WEIGHING,
    DECISION: NextAction.RECORD_DECISION,
}

# (outcome, report made, acute) -> next action, for an open case with a decision.
AFTER_DECISION = {
    (DecisionOutcome.REPORT, False, False): NextAction.MAKE_REPORT,
    (DecisionOutcome.REPORT, False, True): NextAction.PHONE_AND_REPORT,
    (DecisionOutcome.REPORT, True, False): NextAction.CLOSE_CASE,
    (DecisionOutcome.REPORT, True, True): NextAction.CLOSE_CASE,
    (DecisionOutcome.REPORT_AND_HELP, False, False): NextAction.MAKE_REPORT,
    (DecisionOutcome.REPORT_AND_HELP, False, True): NextAction.PHONE_AND_REPORT,
    (DecisionOutcome.REPORT_AND_HELP, True, False): NextAction.FOLLOW_HELP,
    (DecisionOutcome.REPORT_AND_HELP, True, True): NextAction.FOLLOW_HELP,
    (DecisionOutcome.HELP, False, False): NextAction.FOLLOW_HELP,
    (DecisionOutcome.HELP, False, True): NextAction.FOLLOW_HELP,
    (DecisionOutcome.HELP, True, False): NextAction.FOLLOW_HELP,
    (DecisionOutcome.HELP, True, True): NextAction.FOLLOW_HELP,
    (DecisionOutcome.CLOSE, False, False): NextAction.CLOSE_CASE,
    (DecisionOutcome.CLOSE, False, True): NextAction.CLOSE_CASE,
    (DecisionOutcome.CLOSE, True, False): NextAction.CLOSE_CASE,
    (DecisionOutcome.CLOSE, True, True): NextAction.CLOSE_CASE,
}


def test_the_after_decision_table_covers_every_outcome():
    assert {outcome for outcome, _made, _acute in AFTER_DECISION} == set(DecisionOutcome)
    assert len(AFTER_DECISION) == len(DecisionOutcome) * 4


@pytest.mark.parametrize(("key", "action"), AFTER_DECISION.items(), ids=lambda v: str(v))
def test_next_action_after_every_decision(key, action):
    outcome, report_made, acute = key
    assert route_state(decided(outcome, report_made=report_made, acute=acute)).next_action == action


case_facts = st.builds(
    CaseFacts,
    signal_count=st.integers(0, 3),
    consultation_count=st.integers(0, 3),
    conversation_count=st.integers(0, 3),
    # Only steps 2-4 are ever skipped: the conversation for a lawful reason, 2-4 when acute.
    skipped_steps=st.frozensets(st.sampled_from([CONSULTATION, CONVERSATION, WEIGHING])),
    has_weighing=st.booleans(),
    decision_outcome=st.none() | st.sampled_from(DecisionOutcome),
    report_made=st.booleans(),
    acute=st.booleans(),
    closed=st.booleans(),
)


def is_done(facts: CaseFacts, step: Step) -> bool:
    return {
        SIGNALS: facts.signal_count > 0,
        CONSULTATION: facts.consultation_count > 0,
        CONVERSATION: facts.conversation_count > 0,
        WEIGHING: facts.has_weighing,
        DECISION: facts.decision_outcome is not None,
    }[step]


@given(case_facts)
def test_every_step_has_a_status_and_done_wins_over_skipped(facts):
    state = route_state(facts)
    assert list(state.steps) == list(Step)
    for step, status in state.steps.items():
        if is_done(facts, step):
            assert status == DONE
        elif step in facts.skipped_steps:
            assert status == SKIPPED
        else:
            assert status in (TODO, CURRENT)


@given(case_facts)
def test_missing_is_every_step_before_the_decision_neither_done_nor_skipped(facts):
    state = route_state(facts)
    expected = [s for s in Step if s != DECISION and not is_done(facts, s) and s not in facts.skipped_steps]
    assert state.missing == expected


@given(case_facts)
def test_at_most_one_step_is_current(facts):
    assert list(route_state(facts).steps.values()).count(CURRENT) <= 1


@given(case_facts)
def test_a_closed_case_is_only_reopened(facts):
    if not facts.closed:
        return
    state = route_state(facts)
    assert state.next_action == NextAction.REOPEN_IF_NEEDED
    assert CURRENT not in state.steps.values()


@given(case_facts)
def test_before_the_decision_the_current_step_is_the_first_open_one_and_names_the_action(facts):
    if facts.closed or facts.decision_outcome is not None:
        return
    state = route_state(facts)
    first_open = next(
        (s for s in Step if not is_done(facts, s) and s not in facts.skipped_steps),
        DECISION,
    )
    assert state.current_step == first_open
    assert state.steps[first_open] == CURRENT
    if facts.acute:
        assert state.next_action == NextAction.RECORD_DECISION
    else:
        assert state.next_action == STEP_ACTION[first_open]


@given(case_facts)
def test_after_the_decision_the_action_follows_the_outcome(facts):
    if facts.closed or facts.decision_outcome is None:
        return
    key = (facts.decision_outcome, facts.report_made, facts.acute)
    assert route_state(facts).next_action == AFTER_DECISION[key]


@given(case_facts)
def test_after_the_decision_no_earlier_step_is_current(facts):
    """See test_once_decided_the_case_is_in_the_decision_step_not_back_in_a_missing_step."""
    if facts.decision_outcome is None:
        return
    state = route_state(facts)
    assert state.current_step == DECISION
    assert CURRENT not in state.steps.values()


@given(case_facts)
def test_route_state_is_deterministic(facts):
    assert route_state(facts) == route_state(facts)
