"""The runner's session: separate from staff logins, and the decorator runner pages use.

A runner proves who they are once per device (the link, then their date of birth); the
session is then a signed cookie, ``talus_runner``, scoped to ``/r/``, HTTP-only, that names
the link and expires after ``PORTAL_SESSION_MINUTES`` (idle time). It is not Django's
session: a staff member logged in on the same browser stays who they are on staff pages,
and a runner never becomes a staff user. Every page behind ``runner_required`` is audited
with the patient as the actor (``clinic.audit``: no staff user, role ``patient``).

Other apps' runner pages (exercise logs, runs) use the same two pieces:

    from portal.runner import runner_required

    @runner_required
    def my_page(request):            # request.runner: the PortalLink; request.runner.patient
        ...
        return render(request, "my_app/page.html", {...})  # {% extends "portal/base.html" %}
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.core import signing
from django.shortcuts import render

from clinic.errors import NotFound
from portal.models import PortalLink
from portal.services import link_for_runner

COOKIE = "talus_runner"
COOKIE_SALT = "portal.runner-session"
COOKIE_PATH = "/r/"


def _max_age() -> int:
    return settings.PORTAL_SESSION_MINUTES * 60


def runner_session_start(response, link: PortalLink):
    """Start (or renew) the runner's session on this device for a verified link."""
    response.set_signed_cookie(
        COOKIE,
        str(link.pk),
        salt=COOKIE_SALT,
        max_age=_max_age(),
        path=COOKIE_PATH,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def runner_session_end(response):
    response.delete_cookie(COOKIE, path=COOKIE_PATH, samesite="Lax")
    return response


def runner_link(request) -> PortalLink | None:
    """The working, verified link this request's runner session names, or None."""
    try:
        value = request.get_signed_cookie(COOKIE, salt=COOKIE_SALT, max_age=_max_age())
    except (KeyError, signing.BadSignature):
        return None
    try:
        link = link_for_runner(link_id=int(value))
    except (ValueError, NotFound):
        return None
    return link if link.verified_at is not None else None


def act_as_patient(request, link: PortalLink) -> None:
    """From here on the request is the patient's: the audit trail names them as the actor."""
    request.runner = link
    request.audit_actor_role = "patient"


def runner_required(view):
    """A runner page: a working runner session, else the "open your link again" page (403).

    The session is renewed on every page (the idle timeout counts from the last one).
    NotFound from the view (another patient's record) answers 404.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        link = runner_link(request)
        if link is None:
            return render(request, "portal/session_ended.html", status=403)
        act_as_patient(request, link)
        try:
            response = view(request, *args, **kwargs)
        except NotFound:
            response = render(request, "portal/not_found.html", status=404)
        return runner_session_start(response, link)

    return wrapped
