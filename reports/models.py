"""The reports app's one record: a discharge letter sent to the referrer, with consent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from clinic.models import Case


class LetterSending(models.Model):
    """A discharge letter emailed to the case's referrer through the outbox.

    The patient's consent to share the letter is recorded here (who recorded it, when, and
    how it was given); the email itself is a reminder row of kind ``discharge_letter``.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="letters_sent")
    recipient_name = models.CharField(max_length=200, blank=True)
    recipient_email = models.EmailField()
    consent_at = models.DateTimeField(
        default=timezone.now, help_text="When the patient's consent to send it was recorded."
    )
    consent_note = models.TextField(
        blank=True, help_text="How the patient agreed (e.g. in person at the last session)."
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Discharge letter for case #{self.case_id}"

    @property
    def audit_patient_id(self) -> int:
        return self.case.patient_id


# --- Pre-aggregated report data (reports/aggregates.py fills it; docs/reports.md) ---------
#
# The reports read these instead of the clinical tables. Every row is rebuilt by one
# ``INSERT … SELECT … GROUP BY`` from the records (never written field by field), so a
# row is always what the records said when it was rebuilt. Ids of cases and staff are plain
# columns (``db_constraint=False``): an aggregate must never hold a record back from deletion,
# and a refresh drops the rows of a deleted case.


class SessionDay(models.Model):
    """Physiotherapy sessions of one day (clinic time), counted per group.

    A group: the session's physio, the case's assigned physio, the case's condition (its
    latest confirmed diagnosis, else provisional) and whether the patient's processing is
    restricted (doctors never count those; admins do).
    """

    day = models.DateField()
    physio = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    assigned_physio = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    # NULL: no diagnosis (what selectors.case_condition answers), not an empty code.
    condition = models.CharField(max_length=40, null=True)  # noqa: DJ001
    restricted = models.BooleanField()
    booked = models.PositiveIntegerField()
    scheduled = models.PositiveIntegerField()
    attended = models.PositiveIntegerField()
    no_show = models.PositiveIntegerField()
    cancelled = models.PositiveIntegerField()
    # Sessions not cancelled, and their booked minutes (utilisation's numerator).
    kept = models.PositiveIntegerField()
    kept_minutes = models.PositiveIntegerField()

    class Meta:
        indexes = [
            # Every report reads a period: its days, then the groups (a year is ~365 x groups).
            models.Index(fields=["day"], name="report_session_day"),
        ]

    def __str__(self) -> str:
        return f"Sessions of {self.day} (physio #{self.physio_id})"


class OutcomeFact(models.Model):
    """One follow-up outcome measure (its MCID judged), with the groups the report counts by.

    The outcomes report counts distinct cases over a period, which daily totals cannot give:
    a case followed on two days of the period counts once. So this keeps one narrow row per
    judged measure, with the day of the one before (``previous_day``), rebuilt per case.
    """

    case_id = models.BigIntegerField()
    day = models.DateField()
    instrument = models.CharField(max_length=16)
    # NULL: no diagnosis (what selectors.case_condition answers), not an empty code.
    condition = models.CharField(max_length=40, null=True)  # noqa: DJ001
    assigned_physio = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    restricted = models.BooleanField()
    reached = models.BooleanField()
    # The day of the case's previous judged measure of this instrument (null: it is the first),
    # and of its previous one that reached the MCID. A case counts once in a period [a, b]:
    # by its first measure there, the one whose previous is before a (or none). So the report
    # counts rows, with no DISTINCT (docs/reports.md).
    previous_day = models.DateField(null=True)
    previous_reached_day = models.DateField(null=True)

    class Meta:
        indexes = [
            # The report: a period's rows.
            models.Index(fields=["day"], name="report_outcome_day"),
            # A refresh replaces a case's rows.
            models.Index(fields=["case_id"], name="report_outcome_case"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} of case #{self.case_id} on {self.day}"


class EpisodeFact(models.Model):
    """One case's facts for ``episodes`` and ``recurrence``, rebuilt when the case changes."""

    case_id = models.BigIntegerField(primary_key=True)
    opened_on = models.DateField()
    # NULL: no diagnosis (what selectors.case_condition answers), not an empty code.
    condition = models.CharField(max_length=40, null=True)  # noqa: DJ001
    assigned_physio = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    restricted = models.BooleanField()
    has_side = models.BooleanField()
    visits = models.PositiveIntegerField()
    # From the intake to the first attended session (null: no intake or no visit yet).
    to_first_visit = models.DurationField(null=True)
    cleared = models.BooleanField()
    # From the intake's day to the return-to-run decision's day (null unless cleared).
    to_clearance = models.DurationField(null=True)
    # A new case on the same side within 365 days of a discharge of the same patient.
    recurrent = models.BooleanField()

    class Meta:
        indexes = [models.Index(fields=["opened_on"], name="report_episode_opened")]

    def __str__(self) -> str:
        return f"Facts of case #{self.case_id}"


class EpisodeDay(models.Model):
    """The case facts of one opened day (clinic time), summed per group.

    What ``episodes`` and ``recurrence`` add up, as ``SessionDay`` is for the sessions: a
    year is ~7,300 of these rows instead of 40,000 case facts on the benchmark's data. A
    group: the case's condition, its assigned physio and whether the patient's processing is
    restricted. Rebuilt from ``EpisodeFact`` (never from the records directly), for the days
    whose facts a refresh rebuilt, so the two never disagree. Means are sums over counts:
    ``to_first_visit`` sums the ``first_visits`` cases' durations, ``to_clearance`` those of
    ``clearances`` (the cleared cases with an intake).
    """

    day = models.DateField()
    # NULL: no diagnosis (what selectors.case_condition answers), not an empty code.
    condition = models.CharField(max_length=40, null=True)  # noqa: DJ001
    assigned_physio = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    restricted = models.BooleanField()
    episodes = models.PositiveIntegerField()
    visits = models.PositiveIntegerField()
    first_visits = models.PositiveIntegerField()
    to_first_visit = models.DurationField(null=True)
    cleared = models.PositiveIntegerField()
    clearances = models.PositiveIntegerField()
    to_clearance = models.DurationField(null=True)
    # Cases with a side (recurrence counts only those), and the recurrences among them.
    sided = models.PositiveIntegerField()
    recurrences = models.PositiveIntegerField()

    class Meta:
        indexes = [
            # episodes, recurrence and the index's totals: a period's days, then the groups.
            models.Index(fields=["day"], name="report_episode_day"),
        ]

    def __str__(self) -> str:
        return f"Episodes opened on {self.day}"


class StaleMark(models.Model):
    """A change the aggregates have not folded in yet: a case, a day, or both.

    Written in the transaction of the change (reports/aggregates.py's receivers), read and
    deleted by the refresh (``refresh_pending``). A case mark rebuilds that case's facts, the
    days of its sessions and its patient's other cases (recurrence looks at them); a day mark
    rebuilds that day's session counts (a session moved away from it).
    """

    case_id = models.BigIntegerField(null=True)
    day = models.DateField(null=True)
    marked_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Stale: case #{self.case_id}, day {self.day}"


class AggregateState(models.Model):
    """When the aggregates last folded in every pending change (one row, id 1), and how many
    times they have: ``generation`` moves on with every write of the aggregates, so figures
    worked out from them are known to be current while it has not (reports.memo)."""

    refreshed_at = models.DateTimeField(null=True)
    generation = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Reports refreshed at {self.refreshed_at}"
