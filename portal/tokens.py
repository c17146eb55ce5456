"""The private link's URL: a signature of the link's id under the site's secret key.

The signature proves the URL was made by Talus; whether it still works (expired, revoked,
locked) is the row's state. No secret is stored: the token can be rebuilt from the id when a
message is rendered, and nothing in the database opens a link without SECRET_KEY.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.http import urlencode

SALT = "portal.link"


def link_token(link_id: int) -> str:
    """The URL-safe token of a link."""
    return signing.Signer(salt=SALT).sign_object({"l": link_id}, compress=True)


def link_id_from_token(token: str) -> int:
    """The link id a token names; ``signing.BadSignature`` if it was not made by Talus."""
    data = signing.Signer(salt=SALT).unsign_object(token)
    if not isinstance(data, dict) or not isinstance(data.get("l"), int):
        raise signing.BadSignature("Malformed link token.")
    return data["l"]


def link_url(link_id: int) -> str:
    """The absolute link the runner opens (on the clinic's SITE_URL)."""
    return f"{settings.SITE_URL}{reverse('portal:open', kwargs={'token': link_token(link_id)})}"


def case_questionnaire_url(case_id: int) -> str:
    """The link of the case's open questionnaire (the newest), or "" when none is open.

    The discharge check-ins carry it: a runner asked at six weeks gets one message, not two.
    """
    return case_questionnaire_urls([case_id])[case_id]


def case_questionnaire_urls(case_ids: list[int]) -> dict[int, str]:
    """``case_questionnaire_url`` of many cases in one query (a send batch's check-ins)."""
    from portal.models import OutcomeRequest, OutcomeRequestStatus

    newest: dict[int, int] = {}
    rows = (
        OutcomeRequest.objects.filter(
            case_id__in=case_ids, status=OutcomeRequestStatus.SENT, link__isnull=False
        )
        .order_by("-sent_at", "-id")
        .values_list("case_id", "link_id")
    )
    for case_id, link_id in rows:
        newest.setdefault(case_id, link_id)
    return {case_id: link_url(newest[case_id]) if case_id in newest else "" for case_id in case_ids}


def run_morning_url(run_id: int) -> str:
    """The link the next-morning message carries: the runner's newest working link, opening
    on that run's next-morning page; "" when they have no working link (the message then
    says to give the score on their runner page or to the physio)."""
    return run_morning_urls([run_id])[run_id]


def run_morning_urls(run_ids: list[int]) -> dict[int, str]:
    """``run_morning_url`` of many runs in two queries (a send batch's next-morning messages)."""
    from django.utils import timezone

    from portal.models import PortalLink
    from rehab.models import Run

    patient_of = dict(Run.objects.filter(pk__in=run_ids).values_list("id", "case__patient_id"))
    newest: dict[int, int] = {}
    links = (
        PortalLink.objects.filter(
            patient_id__in=set(patient_of.values()),
            revoked_at__isnull=True,
            locked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at", "-id")
        .values_list("patient_id", "id")
    )
    for patient_id, link_id in links:
        newest.setdefault(patient_id, link_id)
    urls = {}
    for run_id in run_ids:
        link_id = newest.get(patient_of.get(run_id))
        if link_id is None:
            urls[run_id] = ""
        else:
            morning = reverse("portal:run-morning", kwargs={"pk": run_id})
            urls[run_id] = f"{link_url(link_id)}?{urlencode({'next': morning})}"
    return urls
