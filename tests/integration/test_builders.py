"""The builders of tests/builders.py make every stage through the services, and no test module
imports another test module: shared helpers live in the support modules (conftest, factories,
builders and the like)."""

import ast
from pathlib import Path

import pytest

from haven.meldcode.models import Case
from haven.meldcode.queries import facts_for
from haven.meldcode.workflow import Step, route_state
from tests import builders

TESTS = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("stage", "step"),
    [
        ("new", Step.CONSULTATION),
        ("consultation", Step.CONVERSATION),
        ("conversation", Step.WEIGHING),
        ("weighing", Step.DECISION),
    ],
)
def test_a_dossier_at_a_stage_stands_at_the_next_step(cast, stage, step):
    case = builders.case(cast, stage=stage)
    assert route_state(facts_for(case)).current_step == step


def test_a_closed_dossier_is_closed_and_a_reported_one_has_its_report_made(cast):
    assert builders.case(cast, stage="closed").status == Case.Status.CLOSED
    reported = builders.case(cast, stage="reported")
    assert reported.reports.get().made_on is not None


def _test_module(path: Path) -> bool:
    return path.name.startswith("test_") and path.suffix == ".py"


def test_no_test_module_imports_another_test_module():
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                parts = name.split(".")
                if parts[0] == "tests" and any(p.startswith("test_") for p in parts[1:]):
                    offenders.append(f"{path.relative_to(TESTS.parent)} imports {name}")
                    break
    assert offenders == []
