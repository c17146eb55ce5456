"""The clinic core: patients, their cases (episodes of care) and the audit trail."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower, Upper
from django.utils import timezone

from clinic import vocabulary
from clinic.history import HistoricalRecords
from clinic.names import name_key


def text_choices(name: str, labels: Mapping[str, str], *, module: str) -> type[models.TextChoices]:
    """The ``TextChoices`` of a vocabulary's word list (value -> label, clinic.vocabulary), so
    that the models, forms and admin show the very words the pure rules use. Each member is
    named by its value in capitals: ``Side.LEFT == "left"``."""
    members = [(value.upper(), (value, label)) for value, label in labels.items()]
    return models.TextChoices(name, members, module=module)


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message (SMS)"
    NONE = "none", "No reminders"


class Patient(models.Model):
    # Assigned by clinic.services.patient_create from the never-reused primary key; NULL
    # (not "") for the instant between INSERT and UPDATE, so that uniqueness holds.
    mrn = models.CharField(  # noqa: DJ001
        "MRN", max_length=16, unique=True, null=True, editable=False
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    preferred_channel = models.CharField(
        max_length=8, choices=Channel.choices, default=Channel.NONE
    )
    reminder_consent = models.BooleanField(default=False)
    reminder_consent_at = models.DateTimeField(
        null=True, blank=True, help_text="When consent was last given or withdrawn."
    )
    # Privacy (docs/privacy.md): restriction hides the record from every non-admin role;
    # anonymisation (after the retention period) replaces the identity, keeps the clinical content.
    restricted = models.BooleanField(
        "processing restricted",
        default=False,
        help_text="Hidden from every role but admin; kept for audit and legal retention.",
    )
    # name_key(given family): what the search and the near-duplicate warning compare (set
    # by save(), whichever door wrote the names: a service, admin, anonymising).
    search_name = models.CharField(max_length=300, blank=True, default="", editable=False)
    restricted_at = models.DateTimeField(null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        indexes = [
            # Serves the duplicate-patient check and the search by name + date of birth.
            models.Index(
                Lower("family_name"), Lower("given_name"), "date_of_birth", name="patient_identity"
            ),
            # The API's ?search=: "=mrn" compiles to UPPER(mrn) = UPPER(term). The name
            # parts (icontains) are served on PostgreSQL by trigram indexes that SQLite
            # cannot build: see migration 0004_patient_search_trigram.
            models.Index(Upper("mrn"), name="patient_mrn_upper"),
            # The few patients whose processing is restricted: every role's case query
            # leaves them out with NOT IN (this index's handful of ids), no join.
            models.Index(
                fields=["id"], condition=models.Q(restricted=True), name="patient_restricted"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(given_name="") & ~models.Q(family_name=""),
                name="patient_names_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family_name.upper()}, {self.given_name} ({self.mrn or 'new'})"

    def save(self, *args, **kwargs):
        # A derived column, not a rule: it follows the names on every write path.
        self.search_name = name_key(f"{self.given_name} {self.family_name}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"given_name", "family_name"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def age_on(self, day: date) -> int:
        """Completed years of age on the given day."""
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    @property
    def audit_patient_id(self) -> int:
        return self.pk


Side = text_choices("Side", vocabulary.SIDE_LABELS, module=__name__)


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    TRIAGED = "triaged", "Triaged"
    DIAGNOSED = "diagnosed", "Diagnosed"
    IN_REHAB = "in_rehab", "In rehabilitation"
    DISCHARGED = "discharged", "Discharged"
    CLOSED = "closed", "Closed"


# A case that has ended: it takes no new treatment, booking or plan.
ENDED_STATUSES = (CaseStatus.DISCHARGED, CaseStatus.CLOSED)


Urgency = text_choices("Urgency", vocabulary.URGENCY_LABELS, module=__name__)


# Sort key: urgent first. Used by the case lists. A case without urgency, or whose urgency is
# history (a doctor has seen the patient), comes after every case still waiting.
URGENCY_RANK = {Urgency.URGENT: 0, Urgency.SOON: 1, Urgency.ROUTINE: 2}
NO_URGENCY_RANK = 3


class Case(models.Model):
    """An episode of care: one painful ankle, from intake to discharge."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="cases")
    side = models.CharField(max_length=8, choices=Side.choices, blank=True)
    # The earlier case this one recurs (same patient, same side, within 12 months of its
    # discharge: clinic.recurrence), set when the case opens.
    recurrence_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="recurrences"
    )
    status = models.CharField(max_length=12, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    urgency = models.CharField(max_length=8, choices=Urgency.choices, blank=True)
    # Denormalised from urgency so that "urgent first" is an index scan, not a CASE sort.
    urgency_rank = models.PositiveSmallIntegerField(default=NO_URGENCY_RANK, editable=False)
    assigned_physio = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="physio_cases",
    )
    opened_at = models.DateTimeField(default=timezone.now)
    # When a doctor first saw the patient (their first examination): from then on the
    # triage's urgency is history, not a call to act (Case.urgency_is_current).
    seen_by_doctor_at = models.DateTimeField(null=True, blank=True, editable=False)
    discharged_at = models.DateTimeField(null=True, blank=True)
    # Who sent the patient (a GP, a sports doctor): the discharge letter goes to them.
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_email = models.EmailField(blank=True)
    # The physio's caseload is ordered by these two (open alert first, then the soonest
    # booked session): kept here so that its page is read in an index's order instead of
    # evaluating every active case. Derived from the case's alerts and sessions, and written
    # only by the rehab app's services (rehab.caseload_order), in the transaction of the
    # change, with an UPDATE of these columns alone; next_session_at goes stale as time
    # passes a booked session, and a beat task catches it up (docs/physio.md).
    has_open_alert = models.BooleanField(default=False, editable=False)
    next_session_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    # The two derived columns are not the case's history: they follow its alerts and sessions.
    history = HistoricalRecords(excluded_fields=["has_open_alert", "next_session_at"])

    class Meta:
        ordering = ["urgency_rank", "-opened_at", "-id"]
        indexes = [
            # The doctors' case list: filtered by status, urgent first, newest first.
            models.Index(fields=["status", "urgency_rank", "-opened_at"], name="case_worklist"),
            # Its default view, every case not ended in that order: read in index order, not
            # sorted (60,000 open cases on the bench: 102 ms -> 2 ms; docs/benchmarks.md).
            models.Index(
                fields=["urgency_rank", "-opened_at", "-id"],
                name="case_open_worklist",
                condition=~models.Q(status__in=ENDED_STATUSES),
            ),
            # A physio's caseload.
            models.Index(fields=["assigned_physio", "status"], name="case_physio"),
            # Its page, in its order (rehab.selectors.CASELOAD_ORDER): WHERE assigned_physio_id
            # = … AND status NOT IN (ended) ORDER BY has_open_alert DESC, next_session_at ASC
            # NULLS LAST (PostgreSQL's default for ASC), id LIMIT 51, from a cursor on.
            models.Index(
                fields=["assigned_physio", "-has_open_alert", "next_session_at", "id"],
                name="case_caseload",
                condition=~models.Q(status__in=ENDED_STATUSES),
            ),
            # The beat's catch-up (rehab.tasks.refresh_caseload_order): the cases whose stored
            # next session has passed, WHERE next_session_at < now (few: those booked ahead).
            models.Index(
                fields=["next_session_at"],
                name="case_next_session",
                condition=models.Q(next_session_at__isnull=False),
            ),
            # The API's case list: ?status=… in cursor order (newest id first), LIMIT 51.
            models.Index(fields=["status", "-id"], name="case_status_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discharged_at__isnull=True)
                | models.Q(status__in=list(ENDED_STATUSES)),
                name="case_discharged_at_only_when_discharged",
            ),
        ]

    def __str__(self) -> str:
        return f"Case #{self.pk} ({self.get_status_display()})"

    @property
    def is_ended(self) -> bool:
        """Discharged or closed: the case takes no new treatment or booking."""
        return self.status in ENDED_STATUSES

    @property
    def urgency_is_current(self) -> bool:
        """The triage's urgency still calls to act: the case waits for its first doctor visit.

        Once a doctor has seen the patient, or the case has ended, the pages show it as
        history ("was urgent at triage").
        """
        return bool(self.urgency) and self.seen_by_doctor_at is None and not self.is_ended

    def set_urgency(self, urgency: str) -> None:
        self.urgency = urgency
        self.urgency_rank = URGENCY_RANK.get(urgency, NO_URGENCY_RANK)

    # The column that names the patient, for lists read as values() (audit.touch_rows).
    audit_patient_column = "patient_id"

    @property
    def audit_patient_id(self) -> int:
        return self.patient_id


class AuditAction(models.TextChoices):
    VIEW = "view", "View"
    CREATE = "create", "Create"
    UPDATE = "update", "Update"
    DELETE = "delete", "Delete"
    EXPORT = "export", "Export"


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit trail is append-only.")

    def delete(self):
        raise PermissionError("The audit trail is append-only.")


class AuditEvent(models.Model):
    """Who touched which patient's record, when and from where — never the data itself."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # No database constraint either (PROTECT still keeps Django from deleting an actor):
    # every event would check and share-lock its actor's row, 50 times for a page of a
    # list, all requests of one user on the same row (docs/benchmarks.md).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    actor_role = models.CharField(max_length=16, blank=True)
    action = models.CharField(max_length=8, choices=AuditAction.choices)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    # No foreign key constraint: the trail must outlive any change to the records it describes.
    # No index of its own: "audit_patient" below starts with it.
    patient = models.ForeignKey(
        Patient,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        related_name="+",
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            # "Who looked at this patient?" in admin and the access report.
            models.Index(fields=["patient", "-at"], name="audit_patient"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_role} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit trail is append-only.")


class IdempotencyKey(models.Model):
    """A creating request's key and the answer it got, replayed to a repeat (clinic.idempotency).

    API clients send the key (``Idempotency-Key``); page forms carry one in a hidden field
    (stored as ``form:<token>``). Kept 24 hours, then purged.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # SHA-256 of the method, path and body: the same key sent with another request is refused.
    fingerprint = models.CharField(max_length=64)
    # The first successful answer; null only while that first request is still running.
    status_code = models.PositiveSmallIntegerField(null=True)
    body = models.TextField(blank=True, help_text="The JSON body as it was sent.")
    location = models.CharField(max_length=2000, blank=True)
    # The created record, checked again on a replay: one out of reach by then answers 404.
    object_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # Two concurrent requests with one key: the second INSERT waits for the first
            # transaction, then fails and replays what the first one stored.
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user"),
        ]
        indexes = [
            # The hourly purge: DELETE … WHERE created_at < now() - 24 h.
            models.Index(fields=["created_at"], name="idempotency_key_created"),
        ]

    def __str__(self) -> str:
        return f"Idempotency key of user #{self.user_id} ({self.created_at:%Y-%m-%d %H:%M})"
