"""Error views: a database outage answers a Dutch "temporarily unavailable" page (503).

Django wraps every middleware and the view in `convert_exception_to_response`, so an exception
raised anywhere in the stack (loading the session, the user, the actor, or in the view) reaches
the 500 handler while it is being handled: `sys.exc_info()` there still holds it. An unreachable
database is not a bug in Haven, and the person can do nothing but wait: they get 503 with
Retry-After instead of "something went wrong". The session middleware turns a failed session save
into a 400 (SessionInterrupted), so the 400 handler looks at the cause as well.

The page renders without a request context: no context processor runs, so nothing asks the
database for the user, the session or the navigation.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.views import defaults

logger = logging.getLogger("haven.errors")

# OperationalError covers a refused or dropped connection, a server shutting down, too many
# connections, and lock or statement time-outs; InterfaceError a connection already closed.
# All are transient from the user's point of view.
DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_cause(exc: BaseException | None) -> BaseException | None:
    """The database error behind `exc` (itself, or one in its cause/context chain), if any."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, DATABASE_ERRORS):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def unavailable(request: HttpRequest, exc: BaseException) -> HttpResponse:
    # One line for the operator. The path holds ids at most; the query string can hold a search
    # for a pupil's name, so it is left out. A connection error's first line names the server,
    # not any data.
    reason = (str(exc).strip().splitlines() or [""])[0][:200]
    logger.error("database unavailable: %s %s: %s: %s", request.method, request.path, type(exc).__name__, reason)
    # The locale middleware may not have run (the session middleware before it failed).
    with translation.override(translation.get_language_from_request(request)):
        html = loader.render_to_string("503.html", {"LANGUAGE_CODE": translation.get_language()})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    # Logged above in one line: Django would otherwise log it again with the whole traceback.
    # Django's private flag (django.utils.log.log_response reads it); not in django-stubs.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 for a database outage, the plain 500 page for anything else."""
    cause = database_cause(sys.exc_info()[1])
    if cause is not None:
        return unavailable(request, cause)
    return defaults.server_error(request)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: a session that could not be saved because the database went away is an outage too."""
    cause = database_cause(exception)
    if cause is not None:
        return unavailable(request, cause)
    return defaults.bad_request(request, exception)
