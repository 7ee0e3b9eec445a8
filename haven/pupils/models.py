from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from haven.infrastructure.encryption import EncryptedJSONField, EncryptedModel, EncryptedTextField
from haven.organisations.models import Group
from haven.pupils.names import surname_sort_expression

# Dutch name order (haven/pupils/names.py): the one ordering of every list of pupils.
NAME_ORDER = ("sort_surname", "first_name", "pk")


def _latest_placement(pupil: OuterRef) -> models.QuerySet["GroupPlacement"]:
    # The latest school year's placement is the pupil's current group (as the pupil form has it).
    return GroupPlacement.objects.filter(pupil_id=pupil).order_by("-school_year", "-pk")


def current_group_name(pupil_ref: str = "pk") -> Subquery:
    """The name of the pupil's current group ("Groep 5"), as an annotation; `pupil_ref` names the
    pupil's id in the outer query ("pk" on pupils, "pupil_id" on signals)."""
    return Subquery(_latest_placement(OuterRef(pupil_ref)).values("group__name")[:1])


def in_groups_of(user_id: int, pupil_ref: str = "pk") -> Exists:
    """Whether the pupil's current group is one that this teacher teaches, as an annotation."""
    current = _latest_placement(OuterRef(OuterRef(pupil_ref))).values("group_id")[:1]
    return Exists(Group.objects.filter(pk=Subquery(current), teachers=user_id))


class PupilQuerySet(models.QuerySet["Pupil"]):
    def in_name_order(self) -> "PupilQuerySet":
        return self.order_by(*NAME_ORDER)

    def with_group(self, teacher_id: int | None = None) -> "PupilQuerySet":
        """Each pupil with `group_name` (the current group) and, for a teacher, `in_own_group`."""
        annotations: dict[str, Any] = {"group_name": current_group_name()}
        if teacher_id is not None:
            annotations["in_own_group"] = in_groups_of(teacher_id)
        return self.annotate(**annotations)


class Pupil(EncryptedModel):
    school = models.ForeignKey(
        "organisations.School", on_delete=models.PROTECT, related_name="pupils", verbose_name=_("school")
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    # The surname as it sorts: without its tussenvoegsel, lower case. Filled by the database.
    sort_surname = models.GeneratedField(
        expression=surname_sort_expression("last_name"),
        output_field=models.CharField(max_length=100),
        db_persist=True,
        editable=False,
    )
    date_of_birth = models.DateField(_("date of birth"))
    # Where the pupil lives: what the report to Veilig Thuis asks first. Encrypted like the household.
    address = EncryptedTextField(_("address"), max_length=300, blank=True)
    groups = models.ManyToManyField(
        "organisations.Group", through="GroupPlacement", related_name="pupils", verbose_name=_("groups")
    )
    # Optimistic locking of the edit form (haven.infrastructure.concurrency); db_default keeps bulk inserts working.
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)
    # The pupil's key in the school's administration (ParnasSys, ESIS, Somtoday, Magister): what an
    # import matches on (haven/pupils/administration/). Empty for a pupil typed in by hand.
    administration_key = models.CharField(
        _("key in the school's administration"), max_length=64, blank=True, default="", db_default=""
    )
    # The day the pupil left the school (missing from the administration's file). Never deleted: the
    # dossiers stay; a left pupil drops out of pick lists and searches (haven.pupils.queries).
    left_on = models.DateField(_("left the school on"), null=True, blank=True)

    objects = PupilQuerySet.as_manager()

    class Meta:
        ordering = list(NAME_ORDER)
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        indexes = [models.Index(fields=["school", "sort_surname", "first_name"], name="pupil_name_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "administration_key"],
                condition=~Q(administration_key=""),
                name="unique_pupil_administration_key",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class GroupPlacement(models.Model):
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="placements")
    group = models.ForeignKey("organisations.Group", on_delete=models.CASCADE, related_name="placements")
    # Copied from the group so the database itself guarantees one group per pupil per year.
    school_year = models.CharField(max_length=9)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pupil", "school_year"], name="one_group_per_pupil_per_year")]


class HouseholdMember(EncryptedModel):
    class Relation(models.TextChoices):
        MOTHER = "mother", _("Mother")
        FATHER = "father", _("Father")
        CARER = "carer", _("Carer")
        STEP_PARENT = "step_parent", _("Step-parent")
        SIBLING = "sibling", _("Brother or sister")
        OTHER = "other", _("Other")

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="household", verbose_name=_("pupil"))
    name = EncryptedTextField(_("name"), max_length=200)
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    lives_with_pupil = models.BooleanField(_("lives with the pupil"), default=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("household member")
        verbose_name_plural = _("household members")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relation_display()})"


class Sibling(models.Model):
    """Two pupils of one school who are brothers or sisters (symmetric: stored once, lowest id first).

    Only direct links count: three siblings are three links, so that half-siblings can be linked
    to the one they share a parent with and not to the other. Written only by
    `haven.pupils.services.link_siblings`/`unlink_siblings`, each with its audit event.
    """

    school = models.ForeignKey("organisations.School", on_delete=models.PROTECT, related_name="+")
    pupil_a = models.ForeignKey("pupils.Pupil", on_delete=models.CASCADE, related_name="+")
    pupil_b = models.ForeignKey("pupils.Pupil", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Moved here from the former `signalling` app; the table keeps its name (and its rows).
        db_table = "signalling_sibling"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["pupil_a", "pupil_b"], name="unique_sibling_pair"),
            models.CheckConstraint(condition=Q(pupil_a__lt=F("pupil_b")), name="sibling_pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"Sibling {self.pupil_a_id}-{self.pupil_b_id}"

    def other(self, pupil_id: int) -> int:
        return self.pupil_b_id if pupil_id == self.pupil_a_id else self.pupil_a_id


class ImportColumnMapping(models.Model):
    """The functional administrator's mapping of a school's CSV export (Somtoday, Magister): which
    column holds which field. Saved once per school; every later upload uses it."""

    school = models.OneToOneField("organisations.School", on_delete=models.CASCADE, related_name="+")
    # {"key": "Leerlingnummer", "first_name": "Roepnaam", ...}: field -> column header as in the file.
    columns = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Column mapping of school {self.school_id}"


class PupilImport(EncryptedModel):
    """An uploaded file of the school's administration, read and waiting for the administrator's
    "apply" after the dry run (or applied). What was read is kept encrypted: names, dates of birth."""

    class Source(models.TextChoices):
        EDEXML = "edexml", "EDEXML"
        CSV = "csv", "CSV"

    school = models.ForeignKey("organisations.School", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=8, choices=Source.choices)
    filename = models.CharField(max_length=200, blank=True)
    content = EncryptedJSONField(default=dict)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Import {self.pk}"
