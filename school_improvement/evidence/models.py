"""Hard evidence: published results (long table), their LA and national benchmarks, Ofsted
inspections, and the national census pool the "similar pupils" comparator runs over.

All of it is national reference data published under the Open Government Licence: not owned
by a council and not confidential. Establishments are referred to by URN as a plain integer
(not a foreign key): results and inspections exist for schools the register does not hold
(closed predecessors, other councils' schools, comparators).

A new measure or a new year is a new row, never a schema change.
"""

from __future__ import annotations

from django.db import models


class Status(models.TextChoices):
    """Why a published cell has (or lacks) a number: never zero for a missing value."""

    OK = "ok", "published"
    SUPP = "SUPP", "suppressed"
    NE = "NE", "no entries"
    NP = "NP", "not published"
    NA = "NA", "not applicable"
    LOWCOV = "LOWCOV", "low coverage"
    NEW = "NEW", "new school"
    SP = "SP", "small percentage"
    RE = "RE", "redacted"
    X = "x", "not available"
    BLANK = "blank", "blank in the file"


#: Value columns: up to 10 digits before the point and 4 after (the published files use 2).
VALUE_DIGITS = 14
VALUE_PLACES = 4


class CodeField(models.CharField):
    """A short code compared byte by byte: PostgreSQL's "C" collation (much faster indexes on
    national files); other databases keep their default, which already compares codes exactly."""

    def db_parameters(self, connection):  # type: ignore[no-untyped-def]
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


def _value_field() -> models.DecimalField:
    return models.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True)


class Measure(models.Model):
    """One published value of one measure for one school (by URN) in one tables year.

    The key (URN, year, measure, file family) is the primary key: no surrogate id, so a
    national file's 600,000 rows maintain one index, not two.
    """

    pk = models.CompositePrimaryKey("urn", "year", "measure", "source_kind")
    urn = models.PositiveIntegerField(verbose_name="URN")
    year = models.PositiveSmallIntegerField(help_text="Performance-tables year: 2019 for 2018-19.")
    measure = CodeField(max_length=60, help_text="Catalogue code, e.g. ks2.rwm_expected_pct.")
    source_kind = CodeField(
        max_length=30, help_text="The file family: ks2, ks4, ks4_provisional, census, absence...")
    value = _value_field()
    lower = _value_field()
    upper = _value_field()
    status = CodeField(max_length=8, choices=Status.choices)
    provisional = models.BooleanField(default=False)
    source_file = models.CharField(max_length=255)

    class Meta:
        ordering = ["urn", "measure", "year"]
        # The one index is the primary key: a school's figures are read by URN; a national file
        # writes 600,000 rows, so every extra index costs the import more than it saves.

    def __str__(self) -> str:
        return f"{self.urn} {self.year} {self.measure}: {self.value if self.status == Status.OK else self.status}"


class Benchmark(models.Model):
    """An LA or national row of a performance-table file."""

    class Kind(models.TextChoices):
        LA = "la", "Local authority"
        NATIONAL_ALL = "national_all", "England (all schools)"
        NATIONAL_STATE = "national_state", "England (state-funded schools)"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    la_code = models.CharField(max_length=3, blank=True, help_text="Blank for national rows.")
    year = models.PositiveSmallIntegerField()
    measure = CodeField(max_length=60)
    source_kind = CodeField(max_length=30)
    value = _value_field()
    lower = _value_field()
    upper = _value_field()
    status = CodeField(max_length=8, choices=Status.choices)
    provisional = models.BooleanField(default=False)
    source_file = models.CharField(max_length=255)

    class Meta:
        ordering = ["measure", "year", "kind", "la_code"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "la_code", "year", "measure", "source_kind"],
                                    name="unique_benchmark_value"),
        ]
        indexes = [models.Index(fields=["measure", "year"], name="evidence_benchmark_by_year")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.la_code} {self.year} {self.measure}"


class Inspection(models.Model):
    """One dated Ofsted inspection outcome, in the words of the framework in force then."""

    class Era(models.TextChoices):
        REPORT_CARD = "report_card_2025", "Report card inspection (renewed framework, from November 2025)"
        EIF_GRADED = "eif_graded", "Graded inspection"
        EIF_NOT_JUDGED = "eif_2024_not_judged", "Graded inspection without an overall grade (2024-25)"
        UNGRADED = "ungraded", "Ungraded inspection"

    urn = models.PositiveIntegerField(verbose_name="URN", help_text="The school's URN when the file was published.")
    urn_at_inspection = models.PositiveIntegerField(verbose_name="URN at the time of inspection")
    era = models.CharField(max_length=30, choices=Era.choices)
    inspection_date = models.DateField()
    publication_date = models.DateField(null=True, blank=True)
    inspection_number = models.CharField(max_length=30, blank=True)
    inspection_type = models.CharField(max_length=120, blank=True)
    overall = models.CharField(max_length=120, blank=True, help_text="Overall effectiveness or outcome, as published.")
    judgements = models.JSONField(default=dict, blank=True)
    judgement_dates = models.JSONField(default=dict, blank=True)
    safeguarding = models.CharField(max_length=10, blank=True, help_text="met, not met or blank")
    category_of_concern = models.CharField(max_length=3, blank=True, help_text="SM, SWK or blank")
    school_name_at_inspection = models.CharField(max_length=300, blank=True)
    source_file = models.CharField(max_length=255)

    class Meta:
        ordering = ["-inspection_date", "era"]
        constraints = [
            models.UniqueConstraint(fields=["urn_at_inspection", "era", "inspection_date"],
                                    name="unique_inspection"),
        ]
        indexes = [models.Index(fields=["urn"], name="evidence_inspection_urn")]

    def __str__(self) -> str:
        return f"{self.urn_at_inspection} {self.inspection_date} {self.era}"


class CensusPoolSchool(models.Model):
    """A state-funded school of the national census: the pool of the similar-pupils comparator."""

    year = models.PositiveSmallIntegerField(help_text="Performance-tables year of the census (2019: January 2019).")
    urn = models.PositiveIntegerField(verbose_name="URN")
    la_code = models.CharField(max_length=3, blank=True)
    school_type = models.CharField(max_length=60, help_text="The census SCHOOLTYPE.")
    phase = models.CharField(max_length=30)
    pupils = models.FloatField(null=True, blank=True)
    fsm_pct = models.FloatField(null=True, blank=True, help_text="100 x NUMFSM / NOR")
    sen_pct = models.FloatField(null=True, blank=True, help_text="PSENELSE + PSENELK")
    source_file = models.CharField(max_length=255)

    class Meta:
        ordering = ["year", "urn"]
        constraints = [models.UniqueConstraint(fields=["year", "urn"], name="unique_pool_school")]
        indexes = [models.Index(fields=["year", "phase"], name="evidence_pool_phase")]

    def __str__(self) -> str:
        return f"{self.urn} ({self.phase}, {self.year})"


class SpineEstablishment(models.Model):
    """One establishment of a performance-tables "spine" (the list a year's tables are built on).

    Facts as the DfE published them for that year, beside (not in) the register: the school type
    in the tables (NFTYPE), its phase flags and age range, whether it opened or closed that year
    and, for a conversion, the other URN (OTHERURN: the closed school names its successor and the
    new school its predecessor).
    """

    #: OTHERURN of a new school that has no predecessor (not a URN).
    NO_OTHER_URN = 999999

    year = models.PositiveSmallIntegerField(help_text="Performance-tables year: 2018 for the 2017-18 spine.")
    urn = models.PositiveIntegerField(verbose_name="URN")
    la_code = models.CharField(max_length=3, blank=True)
    estab = models.CharField(max_length=4, blank=True)
    laestab = models.CharField(max_length=7, blank=True, verbose_name="LAESTAB")
    name = models.CharField(max_length=300, blank=True)
    nftype = models.CharField(max_length=100, blank=True, verbose_name="school type (NFTYPE)")
    other_nftype = models.CharField(max_length=100, blank=True, help_text="The other URN's NFTYPE.")
    minor_group = models.CharField(max_length=100, blank=True, verbose_name="MINORGROUP")
    is_primary = models.BooleanField(null=True)
    is_secondary = models.BooleanField(null=True)
    is_post16 = models.BooleanField(null=True)
    age_low = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name="AGEL")
    age_high = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name="AGEH")
    close_status = models.CharField(max_length=3, blank=True, verbose_name="ICLOSE",
                                    help_text="As published: 1, 2 (closed that year) or 3.")
    open_date = models.DateField(null=True, blank=True)
    close_date = models.DateField(null=True, blank=True)
    is_new = models.BooleanField(null=True)
    other_urn = models.PositiveIntegerField(null=True, blank=True, verbose_name="OTHERURN")
    source_file = models.CharField(max_length=255)

    class Meta:
        ordering = ["year", "urn"]
        constraints = [models.UniqueConstraint(fields=["year", "urn"], name="unique_spine_establishment")]
        indexes = [
            models.Index(fields=["urn"], name="evidence_spine_urn"),
            models.Index(fields=["other_urn"], name="evidence_spine_other_urn"),
        ]

    def __str__(self) -> str:
        return f"{self.urn} {self.name} ({self.year})"


class LaRegion(models.Model):
    """An LA's region as LAIT's ``la_code_list.xlsx`` gives it: the regions of rules.md 7.2
    ("same region first" in the similar-pupils comparator), not the DfE meta sub-regions the
    register keeps (``LocalAuthority.region_name``, e.g. "South East A")."""

    la_code = models.CharField(max_length=4, unique=True, verbose_name="LA number")
    la_name = models.CharField(max_length=200, blank=True)
    region = models.CharField(max_length=100, blank=True, help_text="Blank where the list gives none (NA).")
    la_type = models.CharField(max_length=20, blank=True)
    source_file = models.CharField(max_length=255)

    class Meta:
        ordering = ["la_code"]

    def __str__(self) -> str:
        return f"{self.la_code} {self.la_name}: {self.region or 'no region'}"
