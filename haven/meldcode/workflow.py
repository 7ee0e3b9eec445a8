"""The route through the five meldcode steps, as pure functions.

`route_state(facts)` says for one dossier which step it is in, the state of every step, what is
still missing before the decision, and the next sensible action. The dossier page shows this at
the top, so nobody has to know the meldcode by heart to take the next step.
"""

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum


class Step(IntEnum):
    SIGNALS = 1
    CONSULTATION = 2
    CONVERSATION = 3
    WEIGHING = 4
    DECISION = 5


class StepStatus(StrEnum):
    DONE = "done"
    SKIPPED = "skipped"
    CURRENT = "current"
    TODO = "todo"


class NextAction(StrEnum):
    ADD_SIGNAL = "add_signal"
    RECORD_CONSULTATION = "record_consultation"
    RECORD_CONVERSATION = "record_conversation"
    RECORD_WEIGHING = "record_weighing"
    RECORD_DECISION = "record_decision"
    PHONE_AND_REPORT = "phone_and_report"
    MAKE_REPORT = "make_report"
    FOLLOW_HELP = "follow_help"
    CLOSE_CASE = "close_case"
    REOPEN_IF_NEEDED = "reopen_if_needed"


class DecisionOutcome(StrEnum):
    REPORT = "report"
    HELP = "help"
    REPORT_AND_HELP = "report_and_help"
    CLOSE = "close"


@dataclass(frozen=True)
class CaseFacts:
    signal_count: int = 0
    consultation_count: int = 0
    conversation_count: int = 0
    skipped_steps: frozenset[int] = frozenset()
    has_weighing: bool = False
    decision_outcome: DecisionOutcome | None = None
    report_made: bool = False
    acute: bool = False
    closed: bool = False


@dataclass(frozen=True)
class RouteState:
    current_step: Step
    steps: dict[Step, StepStatus]
    missing: list[Step] = field(default_factory=list)
    next_action: NextAction = NextAction.ADD_SIGNAL


def _step_done(facts: CaseFacts, step: Step) -> bool:
    return {
        Step.SIGNALS: facts.signal_count > 0,
        Step.CONSULTATION: facts.consultation_count > 0,
        Step.CONVERSATION: facts.conversation_count > 0,
        Step.WEIGHING: facts.has_weighing,
        Step.DECISION: facts.decision_outcome is not None,
    }[step]


def route_state(facts: CaseFacts) -> RouteState:
    statuses: dict[Step, StepStatus] = {}
    for step in Step:
        if _step_done(facts, step):
            statuses[step] = StepStatus.DONE
        elif step in facts.skipped_steps:
            statuses[step] = StepStatus.SKIPPED
        else:
            statuses[step] = StepStatus.TODO
    open_steps = [s for s in Step if statuses[s] == StepStatus.TODO]
    # Steps 1-4 that are neither done nor skipped: what the decision would be taken without.
    missing: list[Step] = [s for s in open_steps if s != Step.DECISION]
    decided = facts.decision_outcome is not None
    # Once decided, the dossier is in step 5 even when earlier steps were never taken (acute
    # cases, or a decision taken early): those stay visible as "todo" and in `missing`.
    current = Step.DECISION if decided or not open_steps else open_steps[0]
    if open_steps and not facts.closed and not decided:
        statuses[current] = StepStatus.CURRENT
    return RouteState(current, statuses, missing, _next_action(facts, statuses, current))


def _next_action(facts: CaseFacts, statuses: dict[Step, StepStatus], current: Step) -> NextAction:
    if facts.closed:
        return NextAction.REOPEN_IF_NEEDED
    outcome = facts.decision_outcome
    if outcome is None:
        if facts.acute:
            return NextAction.RECORD_DECISION
        return {
            Step.SIGNALS: NextAction.ADD_SIGNAL,
            Step.CONSULTATION: NextAction.RECORD_CONSULTATION,
            Step.CONVERSATION: NextAction.RECORD_CONVERSATION,
            Step.WEIGHING: NextAction.RECORD_WEIGHING,
            Step.DECISION: NextAction.RECORD_DECISION,
        }[current]
    if outcome in (DecisionOutcome.REPORT, DecisionOutcome.REPORT_AND_HELP) and not facts.report_made:
        return NextAction.PHONE_AND_REPORT if facts.acute else NextAction.MAKE_REPORT
    if outcome in (DecisionOutcome.HELP, DecisionOutcome.REPORT_AND_HELP):
        # Question 5 is answered later, at the agreed moments, by recording a new decision.
        return NextAction.FOLLOW_HELP
    return NextAction.CLOSE_CASE
