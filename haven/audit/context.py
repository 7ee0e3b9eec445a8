"""Where a request came from, so services can audit it without knowing about HTTP."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestOrigin:
    address: str | None = None
    session_key: str = ""


# Outside a request (commands, the seeder) there is no origin.
current_origin: ContextVar[RequestOrigin | None] = ContextVar("current_origin", default=None)
