"""What the monitoring reads: regions, public figures, and rollups of Haven's own records.

The rollups hold counts per school × month × figure and never a pupil link, so the insights
pages never touch case records (whose codes are encrypted per row and cannot be counted in SQL)
and stay as fast for a region as for one school. `haven.insights.rollups` builds them from the
records; `refresh_insights` keeps them current.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A named set of municipalities: a Veilig Thuis region, or municipalities that work together."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    municipalities = models.ManyToManyField(
        "organisations.Municipality", related_name="regions", verbose_name=_("municipalities")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class PublicFigure(models.Model):
    """One municipality's published figures for one calendar year, as published (never suppressed).

    An empty value is "not known". Sources: CBS StatLine 84849NED ("Onderwijs: totaal") for Veilig
    Thuis, the verwijsindex's own reports, DUO for the pupils (docs/monitoring.md).
    """

    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.CASCADE, related_name="public_figures"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    pupils_primary = models.PositiveIntegerField(_("pupils in primary education"), null=True, blank=True)
    advice_requests_education = models.PositiveIntegerField(
        _("advice requests to Veilig Thuis from education"), null=True, blank=True
    )
    reports_education = models.PositiveIntegerField(_("reports to Veilig Thuis from education"), null=True, blank=True)
    referral_index_signals_primary = models.PositiveIntegerField(
        _("verwijsindex signals from primary education"), null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["municipality__name", "year"]
        constraints = [models.UniqueConstraint(fields=["municipality", "year"], name="one_public_figure_per_year")]
        verbose_name = _("public figure")

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.year}"


class RollupCount(models.Model):
    """How often something happened at one school in one month: `metric` names what (a code of
    `haven.insights.metrics`), `dimension` the breakdown (a category, a step and reason, a number of
    days for the durations), `count` how often. Months add up to school years and calendar years."""

    school = models.ForeignKey("organisations.School", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month of the event
    metric = models.CharField(max_length=40)
    dimension = models.CharField(max_length=60, blank=True, default="")
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "month", "metric", "dimension"], name="one_rollup_per_cell")
        ]
        indexes = [models.Index(fields=["metric", "month"])]

    def __str__(self) -> str:
        return f"{self.school_id} {self.month} {self.metric} {self.dimension}: {self.count}"


class RouteSnapshot(models.Model):
    """Where a school's open routes stand now: per step, how many, and how many have stalled (no
    activity for the school's inactivity term). Replaced whole at every refresh."""

    school = models.ForeignKey("organisations.School", on_delete=models.CASCADE, related_name="+")
    step = models.PositiveSmallIntegerField()
    open = models.PositiveIntegerField()
    stalled = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "step"], name="one_snapshot_per_step")]

    def __str__(self) -> str:
        return f"{self.school_id} step {self.step}: {self.open} open, {self.stalled} stalled"


class RollupState(models.Model):
    """When a school's rollups were last built from its records (shown on the pages: "figures of ...")."""

    school = models.OneToOneField("organisations.School", on_delete=models.CASCADE, related_name="+")
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.school_id} {self.refreshed_at}"
