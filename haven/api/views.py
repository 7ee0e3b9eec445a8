"""The API's endpoints (`/api/v1/`): thin, as every view. Each names the scope it needs; the base
class authenticates the key, checks the scope and the rate limit, and records every call in the
audit log (the key's id, never the key)."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from haven.api.audit_actions import ApiAction
from haven.api.authentication import ApiKeyAuthentication, HasScope, KeyRateThrottle
from haven.api.models import ApiKey
from haven.api.organisations import analyst_actor, schools_of
from haven.api.scopes import OrganisationKind, Scope
from haven.api.serializers import (
    AggregatesSerializer,
    ErrorSerializer,
    PoliceNoticeInSerializer,
    PoliceNoticeOutSerializer,
    PupilSyncInSerializer,
    PupilSyncOutSerializer,
)
from haven.audit.models import AuditEvent
from haven.audit.services import record_event
from haven.external_signals import services as intake_services
from haven.external_signals.models import PoliceNoticeIntake
from haven.infrastructure.uploads import CappedUploadHandler
from haven.insights import cache as insights_cache
from haven.insights import tables
from haven.insights.periods import PeriodKind, parse_period
from haven.insights.scopes import scope_of
from haven.insights.views import default_period
from haven.pupils.administration import sync as pupil_sync
from haven.pupils.administration.edexml import too_large_message
from haven.pupils.administration.records import MAX_FILE_BYTES, FileRefused

# The permission every API URL declares for the authorization test: a key, not a person.
API_KEY = "api_key"

ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description=("No valid API key.")),
    403: OpenApiResponse(ErrorSerializer, description=("The key lacks the endpoint's scope.")),
    406: OpenApiResponse(ErrorSerializer, description=("The API answers JSON only.")),
    429: OpenApiResponse(
        ErrorSerializer, description=("Over the rate limit: wait the seconds of the Retry-After header.")
    ),
}
INVALID = OpenApiResponse(
    {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    description=("Bad input: a Dutch message per field (or under non_field_errors)."),
)


def _errors(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for e in errors for m in e.messages] for field, errors in error.error_dict.items()}
    return {"non_field_errors": [str(m) for m in error.messages]}


def _endpoint(request: Request) -> str:
    match = getattr(request._request, "resolver_match", None)
    return match.view_name if match is not None else request.path


class KeyView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [KeyRateThrottle]
    # No OPTIONS description of the endpoints: the schema is the description (and a page for administrators).
    metadata_class = None
    required_scope: str = ""

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        view = super().as_view(**initkwargs)
        view.required_permission = API_KEY
        return view

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        key = request.auth if isinstance(request.auth, ApiKey) else None
        allowed = key is not None and response.status_code not in (401, 403, 429)
        school_id = getattr(self, "audited_school_id", None) or (key.school_id if key else None)
        record_event(
            None,
            ApiAction.CALL,
            kind=AuditEvent.Kind.CHANGE if request.method == "POST" else AuditEvent.Kind.READ,
            school_id=school_id,
            outcome=AuditEvent.Outcome.ALLOWED if allowed else AuditEvent.Outcome.DENIED,
            detail={
                "api_key": key.pk if key else None,
                "method": request.method,
                "endpoint": _endpoint(request),
                "status": response.status_code,
            },
        )
        return response


class PoliceNotices(KeyView):
    """Handle with Care: the police (or the regional coordinator) send a notice for a school."""

    required_scope = Scope.INTAKE

    @extend_schema(
        operation_id="handle_with_care_notice_create",
        summary="Send a Handle with Care police notice",
        request=PoliceNoticeInSerializer,
        responses={
            201: OpenApiResponse(PoliceNoticeOutSerializer, description=("Received: what it became.")),
            200: OpenApiResponse(
                PoliceNoticeOutSerializer,
                description=("Sent before with this notice id: the first answer."),
            ),
            400: INVALID,
            **ERRORS,
            415: OpenApiResponse(ErrorSerializer, description=("Send the notice as application/json.")),
        },
        tags=["Handle with Care"],
        extensions={"x-haven-scope": Scope.INTAKE.value},
    )
    def post(self, request: Request) -> Response:
        key = request.auth
        assert isinstance(key, ApiKey)
        incoming = PoliceNoticeInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        # A repeat is answered before anything else is checked: the first answer, whatever was sent now.
        first = PoliceNoticeIntake.objects.filter(sender=key.sender, sender_notice_id=data["notice_id"].strip()).first()
        if first is not None:
            self.audited_school_id = first.school_id
            return Response(PoliceNoticeOutSerializer(first).data, status=status.HTTP_200_OK)
        school = schools_of(key).filter(brin_code=data["school_brin"]).first()
        if school is None:
            raise ValidationError({"school_brin": [_("No school with this BRIN code is one of your organisation's.")]})
        self.audited_school_id = school.pk
        assert key.account is not None
        try:
            result = intake_services.receive_police_notice(
                sender=key.sender,
                sender_notice_id=data["notice_id"],
                school=school,
                first_name=data["first_name"],
                last_name=data["last_name"],
                date_of_birth=data["date_of_birth"],
                notice_date=data["notice_date"],
                author=key.account,
                via={"api_key": key.pk},
            )
        except DjangoValidationError as error:
            raise ValidationError(_errors(error)) from error
        except IntegrityError:
            # The same notice sent twice at once: the other one was first.
            first = PoliceNoticeIntake.objects.get(sender=key.sender, sender_notice_id=data["notice_id"].strip())
            return Response(PoliceNoticeOutSerializer(first).data, status=status.HTTP_200_OK)
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(PoliceNoticeOutSerializer(result.intake).data, status=code)


class PeriodQuery(drf_serializers.Serializer):
    period = drf_serializers.CharField(required=False, max_length=9)

    def validate_period(self, value: str) -> str:
        period = parse_period(value)
        if period is None:
            raise drf_serializers.ValidationError(
                _("Give a school year such as 2025-2026 or a calendar year such as 2025.")
            )
        if period.start > timezone.localdate():
            raise drf_serializers.ValidationError(_("This period has not begun yet."))
        return value


class Aggregates(KeyView):
    """The monitoring of the key's municipality or region: the tables of its page, suppressed alike."""

    required_scope = Scope.AGGREGATES

    @extend_schema(
        operation_id="aggregates_retrieve",
        summary="The monitoring tables of the key's municipality or region",
        parameters=[
            OpenApiParameter(
                "period",
                str,
                description=(
                    "A school year (2025-2026) or a calendar year (2025); by default the last whole school year."
                ),
                pattern=r"^[0-9]{4}(-[0-9]{4})?$",
            )
        ],
        responses={200: AggregatesSerializer, 400: INVALID, **ERRORS},
        tags=["Aggregates"],
        extensions={"x-haven-scope": Scope.AGGREGATES.value},
    )
    def get(self, request: Request) -> Response:
        key = request.auth
        assert isinstance(key, ApiKey)
        query = PeriodQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = timezone.localdate()
        text = query.validated_data.get("period")
        period = parse_period(text) if text else default_period(today, PeriodKind.SCHOOL_YEAR)
        assert period is not None
        analyst = analyst_actor(key)
        scope = scope_of(analyst) if analyst is not None else None
        if scope is None:
            raise ValidationError({"non_field_errors": [_("Aggregates are for a municipality's or a region's key.")]})
        # As the pages build them (haven.insights.views._build): the same tables, the same suppression.
        threshold = settings.HAVEN_INSIGHTS_THRESHOLD
        cache_key = insights_cache.key_of(scope, period, today=today, threshold=threshold)
        monitoring = insights_cache.kept(
            cache_key, "tables", lambda: tables.build(scope, period, today=today, threshold=threshold)
        )
        data = {
            "scope": {"kind": scope.kind, "name": scope.name, "schools": len(scope.school_ids)},
            "period": {"kind": str(period.kind), "label": period.label, "start": period.start, "end": period.end},
            "counted_at": monitoring.refresh.last if monitoring.refresh else None,
            "shown": monitoring.shown,
            "tables": [
                {
                    "key": table.key,
                    "title": table.title,
                    "stub": table.stub,
                    "caption": table.caption,
                    "hidden_text": table.hidden_text,
                    "columns": [{"label": c.label, "kind": c.kind} for c in table.columns],
                    "rows": [
                        {
                            "label": r.label,
                            "level": r.level,
                            "total": r.total,
                            "heading": r.heading,
                            "cells": list(r.cells),
                        }
                        for r in table.rows
                    ],
                    "notes": list(table.notes),
                }
                for table in monitoring.tables
            ],
        }
        return Response(AggregatesSerializer(data).data)


class PupilSync(KeyView):
    """The school's administration pushes its export: the pupil import's own service reads, plans and
    (unless a dry run) applies it. The answer holds counts and rejected rows' numbers and reasons only."""

    required_scope = Scope.SYNC
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="pupil_sync_create",
        summary="Sync the school's pupils from the administration's export (EDEXML or CSV)",
        request={"multipart/form-data": PupilSyncInSerializer},
        responses={
            200: OpenApiResponse(
                PupilSyncOutSerializer,
                description=("What the file changes (dry run) or changed; with rejected rows nothing is applied."),
            ),
            400: INVALID,
            **ERRORS,
            415: OpenApiResponse(ErrorSerializer, description=("Send the file as multipart/form-data.")),
        },
        tags=["Pupils"],
        extensions={"x-haven-scope": Scope.SYNC.value},
    )
    def post(self, request: Request) -> Response:
        key = request.auth
        assert isinstance(key, ApiKey)
        # Before anything reads the body: the file is kept only up to the import's size limit.
        handler = CappedUploadHandler(request._request, field="file", limit=MAX_FILE_BYTES)
        request._request.upload_handlers = [handler]
        incoming = PupilSyncInSerializer(data=request.data)
        if handler.too_large:
            raise ValidationError({"file": [too_large_message()]})
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        brin = data.get("school_brin")
        schools = schools_of(key)
        if brin:
            school = schools.filter(brin_code=brin).first()
        elif key.kind == OrganisationKind.SCHOOL:
            school = schools.first()
        else:
            raise ValidationError({"school_brin": [_("Give the school's BRIN code: this key is a board's.")]})
        if school is None:
            raise ValidationError({"school_brin": [_("No school with this BRIN code is one of your organisation's.")]})
        self.audited_school_id = school.pk
        upload = data["file"]
        try:
            plan = pupil_sync.sync(
                None,
                school,
                upload.read(),
                dry_run=data["dry_run"],
                filename=upload.name or "",
                via={"api_key": key.pk},
            )
        except FileRefused as refused:
            raise ValidationError({"file": [refused.message]}) from refused
        except DjangoValidationError as error:
            raise ValidationError(_errors(error)) from error
        answer = {
            "school_brin": school.brin_code,
            "school_year": plan.school_year,
            "dry_run": data["dry_run"],
            "applied": not data["dry_run"] and plan.can_apply,
            "counts": plan.counts(),
            "rejected": [{"row": r.row, "reason": r.reason} for r in plan.rejected],
        }
        return Response(PupilSyncOutSerializer(answer).data)
