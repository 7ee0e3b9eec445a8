"""The afwegingskader (decision framework) for schools, as a pure function.

The five questions, in order (see DOMAIN.md):
1. suspicion  - do we, after steps 1-3, suspect domestic violence or child abuse?
2. unsafety   - is there (a suspicion of) acute or structural unsafety?
3. can_help   - can we (with others) offer or organise adequate help?
4. accepted   - do those involved accept the help and commit to it?
5. effective  - does the help lead to safety and wellbeing within the agreed term?

Each answer is True, False or None (not answered yet). The professional decides; this
module only says where the answers lead. Answers after the deciding one are ignored, so a
stray later answer can never overturn an earlier "report" or "close".
"""

from dataclasses import dataclass
from typing import Literal

Outcome = Literal["pending", "close", "report", "help"]


@dataclass(frozen=True)
class Advice:
    outcome: Outcome
    next_question: int | None


def evaluate(
    suspicion: bool | None,
    unsafety: bool | None,
    can_help: bool | None,
    accepted: bool | None,
    effective: bool | None,
) -> Advice:
    if suspicion is None:
        return Advice("pending", 1)
    if suspicion is False:
        return Advice("close", None)
    if unsafety is None:
        return Advice("pending", 2)
    if unsafety is True:
        return Advice("report", None)
    # From here on, a "no" means the risk cannot be taken away without Veilig Thuis.
    for number, answer in ((3, can_help), (4, accepted)):
        if answer is None:
            return Advice("pending", number)
        if answer is False:
            return Advice("report", None)
    if effective is None:
        # Help can start now; question 5 is asked later, at the agreed evaluation moments.
        return Advice("help", 5)
    if effective is False:
        return Advice("report", None)
    return Advice("help", None)
