"""The diary: rooms, practitioners' weekly availability and time off, appointment kinds, and
one ``Booking`` row per appointment (a physiotherapy session or a doctor's consultation).

The no-clash rule lives here once. Every live booking holds a ``Booking`` row, the span of time
it takes (``starts_at`` to ``ends_at``) for a practitioner and, optionally, a room; the session or
consultation points at its row (one-to-one). ``diary.services.booking_reserve`` checks the rule
for pages and API alike, and on PostgreSQL two exclusion constraints (btree_gist, migration
``0002_booking_no_overlap``) make two overlapping live bookings of one practitioner, or of one
room, impossible even for two concurrent requests. SQLite has no such constraint: there the
service's check, inside SQLite's one-writer-at-a-time transactions, is what holds.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from clinic.history import HistoricalRecords
from clinic.models import Case


class Room(models.Model):
    """A treatment or consulting room; an inactive one takes no new booking."""

    name = models.CharField(max_length=80, unique=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class Availability(models.Model):
    """One weekly window in which a practitioner takes bookings (clinic time), in a room or not.

    A practitioner with no rows works the clinic's opening hours (``CLINIC_OPENING_HOURS``).
    """

    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()
    room = models.ForeignKey(
        Room,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The room a booking in this window takes when none is chosen.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["practitioner", "weekday", "start_time"]
        verbose_name_plural = "availability"
        indexes = [
            # The booking rule and free slots: one practitioner's windows on one weekday.
            models.Index(fields=["practitioner", "weekday"], name="availability_day"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="availability_weekday_0_6"),
            models.CheckConstraint(
                condition=Q(start_time__lt=F("end_time")), name="availability_starts_before_end"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class TimeOff(models.Model):
    """A span in which a practitioner takes no booking (leave, training, a day off)."""

    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_off"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at"]
        verbose_name_plural = "time off"
        indexes = [
            # The booking rule: a practitioner's time off overlapping a span.
            models.Index(fields=["practitioner", "starts_at"], name="timeoff_practitioner"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="timeoff_starts_before_end"
            ),
        ]

    def __str__(self) -> str:
        return f"Time off {self.starts_at:%Y-%m-%d %H:%M} to {self.ends_at:%Y-%m-%d %H:%M}"


class BookingType(models.TextChoices):
    SESSION = "session", "Physiotherapy session"
    CONSULTATION = "consultation", "Doctor's consultation"


# A booking's length when neither the request nor its kind says: the design's defaults.
DEFAULT_MINUTES = {BookingType.SESSION: 45, BookingType.CONSULTATION: 20}
BOOKING_MINUTES_MIN = 5
BOOKING_MINUTES_MAX = 240


class AppointmentKind(models.Model):
    """What a clinic books, with its default length: the kind whose ``code`` is a booking type
    (``session``, ``consultation``) gives that type's default duration."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    booking_type = models.CharField(max_length=16, choices=BookingType.choices)
    duration_minutes = models.PositiveSmallIntegerField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["booking_type", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=BOOKING_MINUTES_MIN)
                & Q(duration_minutes__lte=BOOKING_MINUTES_MAX),
                name="kind_duration_5_240",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.duration_minutes} min)"


class Booking(models.Model):
    """The time one appointment takes in the diary; ``live`` until it is cancelled.

    The session or consultation it belongs to points at it (``physio_session`` /
    ``consultation``, one-to-one). A cancelled appointment's row stays, not live, so its time
    is free again.
    """

    booking_type = models.CharField(max_length=16, choices=BookingType.choices)
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="diary_bookings"
    )
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="bookings"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    live = models.BooleanField(default=True)
    # Why it was cancelled, in the desk's words ("the patient called in sick"): not clinical.
    cancel_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            # The clash check and a practitioner's day: live bookings of one practitioner in a span.
            models.Index(fields=["practitioner", "starts_at"], name="booking_practitioner_day"),
            # The clash check of a room and a room's day.
            models.Index(fields=["room", "starts_at"], name="booking_room_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="booking_starts_before_end"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_booking_type_display()} {self.starts_at:%Y-%m-%d %H:%M}"


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    OFFERED = "offered", "Offered a time"
    BOOKED = "booked", "Booked"
    WITHDRAWN = "withdrawn", "Withdrawn"


class WaitlistEntry(models.Model):
    """A patient who would take an earlier time: a freed booking is offered to the oldest
    fitting entry (``diary.services.waitlist_offer``), through the outbox."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="waitlist_entries")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: any practitioner of the freed appointment's kind.",
    )
    booking_type = models.CharField(
        max_length=16, choices=BookingType.choices, default=BookingType.SESSION
    )
    earliest = models.DateTimeField()
    latest = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    # The time offered (the freed booking's), while the offer stands.
    offered_booking = models.ForeignKey(
        Booking, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "waitlist entries"
        indexes = [
            # The offer: the oldest waiting entry whose window holds the freed time.
            models.Index(fields=["status", "created_at"], name="waitlist_oldest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(earliest__lt=F("latest")), name="waitlist_earliest_before_latest"
            ),
        ]

    def __str__(self) -> str:
        return f"Waitlist #{self.pk} ({self.get_status_display()})"

    @property
    def audit_patient_id(self) -> int:
        return self.case.patient_id
