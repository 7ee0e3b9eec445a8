from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.access.roles import DEFAULT_PROTOCOL_ROLES, Role
from haven.meldcode import repeat, retention


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    # CBS's municipality code (GM0228): how public figures are matched to the municipality.
    code = models.CharField(_("municipality code"), max_length=6, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class Board(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    # DUO's "bevoegd gezag nummer": how `manage.py import_duo` recognises the board (docs/duo-import.md).
    duo_number = models.CharField(_("DUO board number"), max_length=10, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("school board")
        verbose_name_plural = _("school boards")

    def __str__(self) -> str:
        return self.name


def default_protocol_roles() -> list[str]:
    return sorted(DEFAULT_PROTOCOL_ROLES)


class School(models.Model):
    name = models.CharField(_("name"), max_length=200)
    brin_code = models.CharField(_("BRIN code"), max_length=6, unique=True)
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="schools", verbose_name=_("board"))
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="schools", verbose_name=_("municipality")
    )
    # The visiting address, as the report to Veilig Thuis names the school (haven.meldcode.queries.report_initial).
    street_address = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("town or city"), max_length=100, blank=True)
    # The school's protocol: which roles decide about a report, and which make it.
    decision_roles = models.JSONField(_("roles that decide about a report"), default=default_protocol_roles)
    report_roles = models.JSONField(_("roles that make a report"), default=default_protocol_roles)
    # How long a closed dossier is kept, from its latest closing (see docs/retention.md).
    retention_years = models.PositiveSmallIntegerField(
        _("retention term of closed dossiers, in years"),
        default=retention.DEFAULT_YEARS,
        validators=[MinValueValidator(retention.MIN_YEARS), MaxValueValidator(retention.MAX_YEARS)],
    )
    # After this many weeks without a change, an open dossier shows up in "My tasks" (haven.tasks).
    MIN_INACTIVITY_WEEKS, MAX_INACTIVITY_WEEKS = 1, 52
    inactivity_weeks = models.PositiveSmallIntegerField(
        _("weeks without activity before a dossier is flagged"),
        default=6,
        validators=[MinValueValidator(MIN_INACTIVITY_WEEKS), MaxValueValidator(MAX_INACTIVITY_WEEKS)],
    )
    # Optimistic locking of the edit form (haven.infrastructure.concurrency); db_default keeps bulk inserts working.
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    # Repeated care (hermelding, haven.meldcode.repeat): this many dossiers of a pupil and their
    # brothers and sisters within this many years.
    repeat_threshold = models.PositiveSmallIntegerField(
        _("dossiers that make repeated care"),
        default=repeat.DEFAULT_THRESHOLD,
        validators=[MinValueValidator(repeat.MIN_THRESHOLD), MaxValueValidator(repeat.MAX_THRESHOLD)],
    )
    repeat_years = models.PositiveSmallIntegerField(
        _("years within which dossiers make repeated care"),
        default=repeat.DEFAULT_YEARS,
        validators=[MinValueValidator(repeat.MIN_YEARS), MaxValueValidator(repeat.MAX_YEARS)],
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        """The address on one line ("Schoolstraat 1, 1234 AB Zonnedal"); empty when none is known."""
        town = " ".join(part for part in (self.postal_code, self.city) if part)
        return ", ".join(part for part in (self.street_address, town) if part)

    @property
    def decision_role_set(self) -> frozenset[Role]:
        return frozenset(Role(r) for r in self.decision_roles)

    @property
    def report_role_set(self) -> frozenset[Role]:
        return frozenset(Role(r) for r in self.report_roles)


class Group(models.Model):
    """A class (groep) in one school year; pupils are placed in it per year."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="groups", verbose_name=_("school"))
    name = models.CharField(_("name"), max_length=60)
    school_year = models.CharField(_("school year"), max_length=9, help_text=_("For example 2026-2027."))
    teachers = models.ManyToManyField(
        "accounts.User", blank=True, related_name="taught_groups", verbose_name=_("teachers")
    )
    # Optimistic locking of the edit form (haven.infrastructure.concurrency); db_default keeps bulk inserts working.
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    class Meta:
        ordering = ["-school_year", "name"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        constraints = [models.UniqueConstraint(fields=["school", "school_year", "name"], name="unique_group_per_year")]

    def __str__(self) -> str:
        return f"{self.name} ({self.school_year})"
