"""The database refuses changes to audit events; this is the SQLite side of the one exception.

On SQLite (migration 0008) triggers refuse every UPDATE and DELETE of an audit event, unless the
connection's `haven_audit_allow_flush()` says 1: the test suite's flush between transactional
tests, which empties every table with DELETE, sets `connection.haven_audit_allow_flush = True`.
The function exists only on Django's own connections (registered here when one opens); elsewhere
(the `sqlite3` shell) the DELETE is refused because the function is unknown. Like PostgreSQL's
triggers (migration 0005), this guards against mistakes and the application, not against the
file's owner, who can drop a trigger: against that, the keyed chain and its anchors protect.
"""

from typing import Any

FLUSH_FUNCTION = "haven_audit_allow_flush"


def register_sqlite_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(
        FLUSH_FUNCTION, 0, lambda: 1 if getattr(connection, "haven_audit_allow_flush", False) else 0
    )
