"""Timeline sources of the triage app (see clinic.timeline): intake, consultations, exams,
diagnoses, imaging.

One query per source, whatever the number of records, and none of them joins the user
table: the practitioners are named through ``BY`` and ``by_id`` (clinic.timeline), all of
them in one query. Intake and triage are not clinical notes (reception recorded them);
everything a doctor wrote is ``clinical=True``.

Each source reads the case's records through the case's own relations, prefetched
(``prefetch_related_objects``): a caller that already read them on the same case instance
(the doctors' case page lists the same exams, diagnoses, referrals and consultations) is not
asked for them again, since Django skips a relation already prefetched.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.timezone import localtime

from clinic.models import Urgency
from clinic.selectors import sees_clinical_notes
from clinic.timeline import BY, TimelineEntry, register_case_relation, register_source
from triage.models import ConsultationStatus, Diagnosis

# The consultations the timeline tells: those the doctor recorded.
RECORDED = (ConsultationStatus.ATTENDED, ConsultationStatus.NO_SHOW)
# What the diagnoses source reads, at the least (a caller may have prefetched more joins).
DIAGNOSES = Prefetch("diagnoses", queryset=Diagnosis.objects.select_related("condition"))


register_case_relation("intake")


@register_source
def intake(case, user) -> Iterator[TimelineEntry]:
    """The questionnaire reception recorded and the triage it produced."""
    prefetch_related_objects([case], "intake")
    record = getattr(case, "intake", None)  # RelatedObjectDoesNotExist is an AttributeError
    if record is None:
        return
    urgency = Urgency(record.urgency).label if record.urgency in Urgency.values else record.urgency
    yield TimelineEntry(
        at=record.recorded_at,
        kind="intake.recorded",
        title=f"Intake and triage: {urgency}",
        detail=" ".join(record.rationale),
        object_type="triage.intake",
        object_id=record.pk,
        clinical=False,
    )


@register_source
def consultations(case, user) -> Iterator[TimelineEntry]:
    """Each consultation the doctor recorded (attended, with the notes, or missed), at its time."""
    if not sees_clinical_notes(user):
        return
    prefetch_related_objects([case], "consultations")
    for consultation in case.consultations.all():
        if consultation.status not in RECORDED:
            continue
        yield TimelineEntry(
            at=consultation.scheduled_at,
            kind=f"consultation.{consultation.status}",
            title=f"Consultation with {BY}: {consultation.get_status_display().lower()}",
            by_id=consultation.doctor_id,
            detail=consultation.notes,
            object_type="triage.consultation",
            object_id=consultation.pk,
        )


@register_source
def examinations(case, user) -> Iterator[TimelineEntry]:
    """Each exam, with the imaging it recommended."""
    if not sees_clinical_notes(user):
        return
    prefetch_related_objects([case], "examinations")
    for exam in case.examinations.all():
        studies = exam.recommended_labels
        recommended = ", ".join(studies) if studies else "no imaging"
        yield TimelineEntry(
            at=exam.examined_at,
            kind="examination.recorded",
            title=f"Examined by {BY} — recommended: {recommended}",
            by_id=exam.examined_by_id,
            detail=" ".join(exam.imaging_recommendation.get("rationale", [])),
            object_type="triage.examination",
            object_id=exam.pk,
        )


@register_source
def diagnoses(case, user) -> Iterator[TimelineEntry]:
    """Each diagnosis when recorded, and when confirmed or refuted."""
    if not sees_clinical_notes(user):
        return
    prefetch_related_objects([case], DIAGNOSES)
    for d in case.diagnoses.all():
        what = f"{d.condition.title} ({d.condition.icd10}), {d.get_laterality_display().lower()}"
        common = {"object_type": "triage.diagnosis", "object_id": d.pk}
        confirmed_at_once = d.confirmed_at is not None and d.confirmed_at == d.diagnosed_at
        yield TimelineEntry(
            at=d.diagnosed_at,
            kind="diagnosis.recorded",
            title=(
                f"Diagnosis {'confirmed' if confirmed_at_once else 'recorded (provisional)'}: "
                f"{what} — {BY}"
            ),
            detail=d.notes,
            by_id=d.diagnosed_by_id,
            **common,
        )
        if d.confirmed_at is not None and not confirmed_at_once:
            yield TimelineEntry(
                at=d.confirmed_at,
                kind="diagnosis.confirmed",
                title=f"Diagnosis confirmed: {what} — {BY}",
                by_id=d.confirmed_by_id,
                **common,
            )
        if d.refuted_at is not None:
            yield TimelineEntry(
                at=d.refuted_at,
                kind="diagnosis.refuted",
                title=f"Diagnosis refuted: {what} — {BY}",
                by_id=d.refuted_by_id,
                **common,
            )


@register_source
def imaging_referrals(case, user) -> Iterator[TimelineEntry]:
    """Each referral and each step of its lifecycle."""
    if not sees_clinical_notes(user):
        return
    prefetch_related_objects([case], "imaging_referrals")
    for r in case.imaging_referrals.all():
        study = (
            f"{r.get_modality_display()} of the {r.get_laterality_display().lower()} {r.body_site}"
        )
        common = {"object_type": "triage.imagingreferral", "object_id": r.pk}
        requested_detail = r.reason
        if r.override_reason:
            requested_detail = f"{r.reason} Ordered against the exam's recommendation: "
            requested_detail += r.override_reason
        steps = [
            (
                r.requested_at,
                "requested",
                f"{study} requested by {BY}",
                requested_detail.strip(),
                r.requested_by_id,
            ),
            (
                r.scheduled_at,
                "scheduled",
                f"{study} scheduled for {localtime(r.scheduled_for):%d %b %Y %H:%M}"
                if r.scheduled_for
                else "",
                "",
                None,
            ),
            (r.performed_at, "performed", f"{study} performed", "", None),
            (r.reported_at, "reported", f"{study}: report received", r.report, None),
            (
                r.reviewed_at,
                "reviewed",
                f"{study}: report reviewed by {BY}",
                r.review_note,
                r.reviewed_by_id,
            ),
            (
                r.cancelled_at,
                "cancelled",
                f"{study} cancelled by {BY}",
                r.cancel_reason,
                r.cancelled_by_id,
            ),
        ]
        for at, step, title, detail, by_id in steps:
            if at is not None:
                yield TimelineEntry(
                    at=at,
                    kind=f"referral.{step}",
                    title=title,
                    detail=detail,
                    by_id=by_id,
                    **common,
                )
