"""System checks of the security settings (run at start-up and by ``manage.py check``)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error

from clinic import roles


def two_factor_roles(app_configs, **kwargs) -> list[Error]:
    """TWO_FACTOR_ROLES names roles only: a typo must not leave a role without its factor."""
    unknown = sorted(set(settings.TWO_FACTOR_ROLES) - set(roles.ROLES))
    if not unknown:
        return []
    return [
        Error(
            f"TWO_FACTOR_ROLES lists {', '.join(unknown)}, which is no role.",
            hint=f"Use names among {', '.join(roles.ROLES)}.",
            id="talus.E001",
        )
    ]
