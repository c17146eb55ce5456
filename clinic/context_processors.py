from django.conf import settings

from clinic import roles


def clinic(request):
    """The clinic's name and the user's role, for the base layout."""
    return {
        "clinic_name": settings.CLINIC_NAME,
        "clinic_address": settings.CLINIC_ADDRESS,
        "user_role": roles.role_of(getattr(request, "user", None)),
    }
