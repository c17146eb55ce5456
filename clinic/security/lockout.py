"""django-axes hook: the answer to a locked-out login (the address: clinic.security.proxies)."""

from __future__ import annotations

import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def cool_off_minutes() -> int:
    """Minutes until the lock lifts: a failure during the lock restarts the whole cool-off."""
    return math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)


def locked_out_response(request: HttpRequest, original_response=None, credentials=None):
    """429 for a locked-out login: JSON for the API, a page that says when to retry."""
    minutes = cool_off_minutes()
    message = (
        f"Too many failed logins. This account is locked on this computer; "
        f"try again in {minutes} minutes."
    )
    response: HttpResponse
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            {"detail": message, "code": "locked_out", "retry_after_minutes": minutes},
            status=429,
        )
    else:
        response = render(request, "security/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
