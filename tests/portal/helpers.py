"""Shared steps of the portal's tests: a link for Emma, opened and confirmed on a client."""

from __future__ import annotations

from django.test import Client

from portal.models import PortalLink
from portal.services import portal_link_create
from portal.tokens import link_token


def open_url(link: PortalLink) -> str:
    return f"/r/{link_token(link.pk)}/"


def signed_in_runner(link: PortalLink, date_of_birth: str) -> Client:
    """A browser (test client) that opened the link and confirmed the date of birth."""
    client = Client()
    response = client.post(open_url(link), {"date_of_birth": date_of_birth})
    assert response.status_code == 302, response.content[:300]
    return client


def link_for(patient, by) -> PortalLink:
    return portal_link_create(patient=patient, by=by)
