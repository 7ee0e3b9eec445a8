"""What the API takes and gives. Nothing here holds case content: a notice's answer says what
became of it, never what the school knows; the aggregates are the suppressed tables of the pages."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from haven.external_signals.models import PoliceNoticeIntake


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=("What is wrong, in Dutch."))


class PoliceNoticeInSerializer(serializers.Serializer):
    notice_id = serializers.CharField(
        max_length=100,
        help_text=("The sender's own id of the notice: sending the same id again returns the first answer."),
    )
    school_brin = serializers.RegexField(
        r"^[0-9A-Z]{4}([0-9]{2})?$", max_length=6, help_text=("The school's BRIN code.")
    )
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100, help_text=("With the tussenvoegsel, e.g. “de Vries”."))
    date_of_birth = serializers.DateField()
    notice_date = serializers.DateField(help_text=("The day of the police notice."))


class PoliceNoticeOutSerializer(serializers.Serializer):
    notice_id = serializers.CharField(source="sender_notice_id")
    school_brin = serializers.CharField(source="school.brin_code")
    status = serializers.ChoiceField(
        choices=PoliceNoticeIntake.Status.choices,
        help_text=(
            "matched: recorded for the pupil, the teacher has the support task; waiting: no single pupil matched, "
            "the school's AF matches it by hand; matched_by_hand: the AF has done so."
        ),
    )
    received_at = serializers.DateTimeField()


@extend_schema_field(
    {
        "oneOf": [{"type": "integer"}, {"type": "number"}, {"type": "string"}],
        "nullable": True,
        "description": "A count, a share, the hidden text (“< 5”) or empty.",
    }
)
class CellField(serializers.Field):
    def to_representation(self, value: object) -> object:
        if value is None or isinstance(value, int | float | str):
            return value
        return str(value)


class ColumnSerializer(serializers.Serializer):
    label = serializers.CharField()
    kind = serializers.CharField()


class RowSerializer(serializers.Serializer):
    label = serializers.CharField(allow_blank=True)
    level = serializers.IntegerField()
    total = serializers.BooleanField()
    heading = serializers.BooleanField()
    cells = serializers.ListField(child=CellField())


class TableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    stub = serializers.CharField(allow_blank=True)
    caption = serializers.CharField(allow_blank=True)
    hidden_text = serializers.CharField()
    columns = ColumnSerializer(many=True)
    rows = RowSerializer(many=True)
    notes = serializers.ListField(child=serializers.CharField())


class ScopeSerializer(serializers.Serializer):
    kind = serializers.CharField()
    name = serializers.CharField()
    schools = serializers.IntegerField(help_text=("How many schools that use Haven the figures cover."))


class PeriodSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField(help_text=("The first day after the period."))


class AggregatesSerializer(serializers.Serializer):
    scope = ScopeSerializer()
    period = PeriodSerializer()
    counted_at = serializers.DateTimeField(allow_null=True, help_text=("When the figures were last counted."))
    shown = serializers.BooleanField(help_text=("False when the scope has too few schools to show figures."))
    tables = TableSerializer(many=True)


class RequiredBooleanField(serializers.BooleanField):
    """A boolean a form body must send: DRF takes a missing one in a form as false, which would apply."""

    default_empty_html = serializers.empty


class PupilSyncInSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=(
            "The administration's export: EDEXML (a file named .xml, or content that starts with <), "
            "or CSV read with the school's saved column mapping. At most 20 MB."
        )
    )
    dry_run = RequiredBooleanField(
        help_text=("true: only say what the file would change; false: apply it (when no row is rejected).")
    )
    school_brin = serializers.RegexField(
        r"^[0-9A-Z]{4}([0-9]{2})?$",
        max_length=6,
        required=False,
        help_text=("The school's BRIN code: required with a board's key; a school's key syncs its own school."),
    )


class SyncCountsSerializer(serializers.Serializer):
    added = serializers.IntegerField()
    changed = serializers.IntegerField()
    left = serializers.IntegerField(help_text=("Pupils of Haven not in the file: marked as left."))
    unchanged = serializers.IntegerField()
    rejected = serializers.IntegerField()
    groups_added = serializers.IntegerField()
    teachers_added = serializers.IntegerField(help_text=("Existing accounts that become a group's teacher."))


class RejectedRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        help_text=("The CSV's row (the header is row 1), or the pupil's place in the EDEXML file (from 1).")
    )
    reason = serializers.CharField(help_text=("Why the row cannot be taken, in Dutch."))


class PupilSyncOutSerializer(serializers.Serializer):
    school_brin = serializers.CharField()
    school_year = serializers.CharField()
    dry_run = serializers.BooleanField()
    applied = serializers.BooleanField(
        help_text=("True when the file was applied; false for a dry run and when rows were rejected (nothing changed).")
    )
    counts = SyncCountsSerializer()
    rejected = RejectedRowSerializer(many=True)
