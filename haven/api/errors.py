"""Errors of the API as JSON with a Dutch message: a service's ValidationError becomes a 400 with a
message per field, as DRF gives its own."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(error: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(error, DjangoValidationError):
        error = ValidationError(
            error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
        )
    return drf_exception_handler(error, context)
