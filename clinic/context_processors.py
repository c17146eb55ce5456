from django.conf import settings

from clinic import roles


def clinic(request):
    """The clinic's name and the user's role, for the base layout."""
    return {
        "clinic_name": settings.CLINIC_NAME,
        "clinic_address": settings.CLINIC_ADDRESS,
        "user_role": roles.role_of(getattr(request, "user", None)),
        # The idle log-off, for the page's warning before it (static/talus/session.js).
        "idle_seconds": settings.SESSION_COOKIE_AGE,
        # A form posted after the session expired, given back once (clinic.kept_forms).
        "kept_form": getattr(request, "kept_form", None),
    }
