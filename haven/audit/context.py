"""Where a request came from, so services can audit it without knowing about HTTP."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestOrigin:
    address: str | None = None
    session_key: str = ""


current_origin: ContextVar[RequestOrigin] = ContextVar("current_origin", default=RequestOrigin())
