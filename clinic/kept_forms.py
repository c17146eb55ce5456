"""Nothing typed is lost: a page form posted after the session expired is kept and given back.

When the idle log-off (``SESSION_COOKIE_AGE``) has ended the session, a form posted to a staff
page cannot be saved: the user must log in again. ``keep`` stores what was typed in the new,
anonymous session of the same browser (the database session backend: server-side, tied to
the browser's session cookie, never written to a log), and the login page sends the user back
to the page. There ``take`` gives the fields back once, and the page's script
(``static/talus/session.js``) puts them into the form for the user to check and submit: the
form's own idempotency token comes back too, so a form that was in fact saved is not saved
twice. The CSRF check has run before (the token is a cookie, which outlives the session):
another site cannot plant a form in someone's browser.

A kept form belongs to the member of staff whose session expired: every staff page sets a
signed cookie naming them (``remember_owner``), the kept form records it, and only that person
gets it back after logging in. Someone else logging in at the same browser (the front desk's
shared screen) never sees it; without the cookie nothing is kept. Passwords and file uploads
are never kept.
"""

from __future__ import annotations

import time

from django.conf import settings

SESSION_KEY = "talus_kept_form"
OWNER_COOKIE = "talus_staff"
OWNER_SALT = "clinic.kept_forms"
OWNER_MAX_AGE = 12 * 60 * 60  # a working day
# A form kept longer than this is stale: its page has likely moved on.
KEEP_SECONDS = 60 * 60
# Fields never kept: the CSRF token (a new one comes with the page) and any password.
NOT_KEPT = ("csrfmiddlewaretoken", "password", "password1", "password2")
MAX_FIELDS = 200
MAX_CHARS = 20_000


def remember_owner(request, response) -> None:
    """Name the signed-in member of staff in a signed cookie (their id only), for ``keep``."""
    owner = str(request.user.pk)
    if _owner(request) != owner:
        response.set_signed_cookie(
            OWNER_COOKIE,
            owner,
            salt=OWNER_SALT,
            max_age=OWNER_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )


def _owner(request) -> str | None:
    return request.get_signed_cookie(
        OWNER_COOKIE, default=None, salt=OWNER_SALT, max_age=OWNER_MAX_AGE
    )


def keep(request) -> bool:
    """Keep the fields of a form posted without a live session; False when nothing is kept."""
    owner = _owner(request)
    if owner is None or getattr(request, "session", None) is None:
        return False
    data = {
        name: request.POST.getlist(name)
        for name in list(request.POST)[:MAX_FIELDS]
        if name not in NOT_KEPT
    }
    if not data or sum(len(v) for values in data.values() for v in values) > MAX_CHARS:
        return False
    request.session[SESSION_KEY] = {
        "path": request.path,
        "owner": owner,
        "data": data,
        "at": time.time(),
    }
    return True


def take(request) -> dict[str, list[str]] | None:
    """The form kept for this page, once (the next visit shows an empty form again)."""
    session = getattr(request, "session", None)  # a request built without the middleware
    kept = session.get(SESSION_KEY) if session is not None else None
    if not kept or kept.get("path") != request.path:
        return None
    del request.session[SESSION_KEY]
    if kept.get("owner") != str(request.user.pk):
        return None
    if time.time() - kept.get("at", 0) > KEEP_SECONDS:
        return None
    return kept["data"]
