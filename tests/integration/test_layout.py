"""The house rules of the code's layout (docs/architecture.md, "Where does X live").

- No request path imports the tools (the demo seeder, the scale generator, the bench): they are
  development tools, some thousands of lines, and must not be loaded or reachable by a request.
- Apps that import each other are listed with a reason; a new pair fails here until it is either
  removed or given its reason in docs/architecture.md and below.
"""

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HAVEN = ROOT / "haven"

# Importers of haven.tools outside haven/tools/ that are not request paths.
TOOLS_IMPORTERS = {
    # `check --deploy` refuses production while the demo's published accounts exist; it needs their names.
    "haven/accounts/checks.py",
}


def _imports(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


def _code_files():
    for path in sorted(HAVEN.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def test_only_management_commands_and_the_deploy_check_import_the_tools():
    importers = {
        path.relative_to(ROOT).as_posix()
        for path in _code_files()
        if not path.is_relative_to(HAVEN / "tools")
        and any(m == "haven.tools" or m.startswith("haven.tools.") for m in _imports(path))
    }
    assert importers == TOOLS_IMPORTERS


def test_serving_every_url_loads_nothing_of_the_tools():
    # A fresh process: load the URLconf and every view it names, then look at what was imported.
    script = """
import json, sys, django
django.setup()
from django.urls import get_resolver
def walk(resolver):
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            walk(pattern)
        else:
            pattern.callback
walk(get_resolver())
import haven.infrastructure.errors
print(json.dumps(sorted(m for m in sys.modules if m.startswith("haven."))))
"""
    env = {"DJANGO_SETTINGS_MODULE": "haven.settings", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    loaded = json.loads(out.strip().splitlines()[-1])
    assert "haven.home.views" in loaded  # the walk did load the views
    # The app's own AppConfig is loaded by django.setup(); nothing else of it may be.
    assert [m for m in loaded if m.startswith("haven.tools.")] == ["haven.tools.apps"]


def _app_of(path: Path) -> str:
    return path.relative_to(HAVEN).parts[0]


def _mutual_pairs() -> set[tuple[str, str]]:
    apps = {p.name for p in HAVEN.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    deps: dict[str, set[str]] = {app: set() for app in apps}
    for path in _code_files():
        if path.parent == HAVEN:
            continue  # settings.py, urls.py, wsgi.py name every app
        app = _app_of(path)
        for module in _imports(path):
            parts = module.split(".")
            if parts[0] == "haven" and len(parts) > 1 and parts[1] in apps and parts[1] != app:
                deps[app].add(parts[1])
    return {tuple(sorted((a, b))) for a in deps for b in deps[a] if a in deps[b]}  # type: ignore[misc]


# Each pair with why both directions are needed (docs/architecture.md, "Apps that import each other").
MUTUAL_IMPORTS: dict[tuple[str, str], str] = {
    ("access", "accounts"): "the actor is built from an account's membership; account pages are guarded by access",
    ("access", "audit"): "access logs denied attempts in the audit log; the audit log's own pages are policy-scoped",
    ("accounts", "organisations"): "a membership ties an account to a school; the school's staff pages manage accounts",
    ("accounts", "tasks"): "accounts contributes a task provider; the tasks' reminders are mailed to accounts",
    ("accounts", "tools"): "the deploy check refuses the demo's published accounts, whose names the demo content holds",
    ("audit", "infrastructure"): "audit details are encrypted; backup, edit locks and the seeding clock read the log",
    ("audit", "meldcode"): "the route records audit events; a dossier's access log is read in the dossier's scope",
    ("external_signals", "meldcode"): "police notices become signals; a dossier shows its verwijsindex entries",
    ("followup", "meldcode"): "follow-up extends a dossier after the decision; the dossier loads its help plans",
    ("meldcode", "organisations"): "the school's protocol holds the route's retention and repeat rules (pure)",
    ("organisations", "pupils"): "a pupil is placed in a school's group; the school's management pages edit pupils",
}


def test_apps_that_import_each_other_have_a_reason():
    assert _mutual_pairs() == set(MUTUAL_IMPORTS), "add the reason to MUTUAL_IMPORTS and docs/architecture.md"
