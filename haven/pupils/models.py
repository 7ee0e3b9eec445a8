from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.core.encryption import EncryptedModel, EncryptedTextField


class Pupil(EncryptedModel):
    school = models.ForeignKey(
        "organisations.School", on_delete=models.PROTECT, related_name="pupils", verbose_name=_("school")
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    # Where the pupil lives: what the report to Veilig Thuis asks first. Encrypted like the household.
    address = EncryptedTextField(_("address"), max_length=300, blank=True)
    groups = models.ManyToManyField(
        "organisations.Group", through="GroupPlacement", related_name="pupils", verbose_name=_("groups")
    )
    # Optimistic locking of the edit form (haven.core.concurrency); db_default keeps bulk inserts working.
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        indexes = [models.Index(fields=["school", "last_name", "first_name"])]

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
