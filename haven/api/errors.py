"""Errors of the API as JSON with a Dutch message. A 400 always has one shape, a list of messages
per field (`non_field_errors` for the whole request): DRF's own field errors, a service's
ValidationError, and a body that is no JSON object alike. Every other error is `{"detail": ...}`."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(error: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(error, DjangoValidationError):
        error = ValidationError(
            error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
        )
    elif isinstance(error, ParseError):
        request = context.get("request")
        if request is not None and str(request.content_type).startswith("multipart/"):
            message = _("The body of the request is not a valid multipart/form-data form.")
        else:
            message = _("The body of the request is not valid JSON.")
        error = ValidationError({"non_field_errors": [message]})
    response = drf_exception_handler(error, context)
    if response is not None and response.status_code == 400 and not isinstance(response.data, dict):
        # A list of messages (a validator of the whole body): under non_field_errors.
        response.data = {"non_field_errors": [str(message) for message in response.data]}
    return response
