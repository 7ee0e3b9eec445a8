"""Insights reads from a PostgreSQL streaming replica, when one is configured.

A national or regional installation sets `HAVEN_REPLICA_DATABASE_URL` (docs/operations.md); the
settings then add the alias `replica` (read-only, the primary's database name on the standby's
server) and this router sends the READS of the insights tables there: the rollups, the route
snapshots, their refresh state, the public figures and the regions (`REPLICA_MODELS`). They hold
counts and published figures, never a row about one pupil, and are refreshed by a job, so a replay
lag of a few seconds changes nothing anyone sees, while the heavy reads of a region or the country
leave the primary's CPU and cache to the people working on dossiers.

Everything else goes to `default`, the primary, explicitly (not "no opinion"): every write,
including one of an insights row read from the replica; every read of case data, sessions,
accounts, organisations and the audit log. A related object reached from a row read on the
replica (`rollup.school`) is therefore read on the primary, not where its parent came from.

Read-your-writes. The replica replays the primary's WAL shortly after each commit, not before, so:

- a read inside a transaction on the primary (`transaction.atomic()`, a service, a
  `refresh_insights` run that writes and checks its rollups in one transaction) stays on the
  primary: only that connection can see what the transaction wrote;
- code that must read, outside a transaction, what it has just committed (a refresh comparing
  with its previous run, an import showing the rows it stored) says so with `.using("default")`.
  That is the rule; the router does not guess.

With no replica configured the router has no opinion at all (every method answers None), so a
single-machine or SQLite installation runs exactly as without it. Migrations run on the primary
only: physical replication carries the schema to the standby, which refuses writes anyway.
"""

from collections.abc import Mapping
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

REPLICA = "replica"

# By name rather than by app: a new insights model (an import log, a form's draft) is read where
# it was written until someone decides its readers can live with replay lag.
REPLICA_MODELS = frozenset(
    {
        "insights.rollupcount",
        "insights.routesnapshot",
        "insights.rollupstate",
        "insights.publicfigure",
        "insights.region",
        "insights.region_municipalities",
    }
)


class InsightsReplicaRouter:
    """Reads of `REPLICA_MODELS` to the replica; everything else, and every write, to the primary."""

    def __init__(self, databases: Mapping[str, Any] | None = None) -> None:
        if databases is None:
            from django.conf import settings

            databases = settings.DATABASES
        self.replica = REPLICA if REPLICA in databases else None

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if self.replica is None:
            return None
        if model._meta.label_lower in REPLICA_MODELS and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return self.replica
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return None if self.replica is None else DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # One database seen twice: a rollup read on the replica may point at a school read on the primary.
        return None if self.replica is None else True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        if self.replica is not None and db == self.replica:
            return False
        return None
