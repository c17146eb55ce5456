"""The four staff roles as Django groups, the model permissions each one holds, their homes.

The API and the pages decide access from the role (see clinic.permissions and
clinic.selectors); the model permissions mirror the design's matrix (docs/design.md) so that
Django admin and any permission check agree with it. The core declares the rows of its own
models here; each feature app declares its own with ``register_app`` (the core names no
feature app), and the groups are synced once every app has migrated.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.exceptions import ImproperlyConfigured

RECEPTION = "reception"
PHYSIO = "physio"
DOCTOR = "doctor"
ADMIN = "admin"
ROLES = (RECEPTION, PHYSIO, DOCTOR, ADMIN)
# The roles that read clinical notes: every role but reception (docs/design.md).
CLINICAL_ROLES = (DOCTOR, PHYSIO, ADMIN)
# The roles that assign or change a case's physio (the design's role matrix).
PHYSIO_ASSIGNERS = (RECEPTION, DOCTOR, ADMIN)

# role -> {"app_label.model": actions}: the core's own rows. Each feature app declares the
# rows of its own models from its AppConfig.ready() with ``register_app``; a model that does
# not exist (yet) is skipped.
CORE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    RECEPTION: {
        "clinic.patient": ("add", "change", "view"),
        "clinic.case": ("add", "change", "view"),
    },
    PHYSIO: {
        "clinic.patient": ("view",),
        "clinic.case": ("view",),
    },
    DOCTOR: {
        "clinic.patient": ("view",),
        "clinic.case": ("change", "view"),
    },
}

# Each role's landing page (a URL name). Admins land in Django admin; the apps that hold the
# other roles' daily work register theirs.
CORE_HOMES: dict[str, str] = {ADMIN: "admin:index"}

# app label -> what that app registered (register_app replaces an app's earlier call).
_APP_PERMISSIONS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {}
_APP_HOMES: dict[str, dict[str, str]] = {}


def register_app(
    app_label: str,
    *,
    permissions: dict[str, dict[str, tuple[str, ...]]] | None = None,
    homes: dict[str, str] | None = None,
) -> None:
    """Declare a feature app's model permissions per role and the roles' home pages it holds.

    Called from the app's ``AppConfig.ready()``. An app names only its own models, and a
    role has one home: anything else is a configuration error, found at start-up.
    """
    permissions = permissions or {}
    homes = homes or {}
    for role, rows in permissions.items():
        if role not in ROLES or role == ADMIN:
            raise ImproperlyConfigured(f"{app_label}: no permission rows for role {role!r}.")
        foreign = sorted(label for label in rows if label.split(".")[0] != app_label)
        if foreign:
            raise ImproperlyConfigured(
                f"{app_label} may declare permissions of its own models only, not {foreign}."
            )
    for role in homes:
        if role not in ROLES:
            raise ImproperlyConfigured(f"{app_label}: no home for role {role!r}.")
        holder = next(
            (
                label
                for label, taken in _all_homes().items()
                if role in taken and label != app_label
            ),
            None,
        )
        if holder is not None:
            raise ImproperlyConfigured(
                f"{app_label} and {holder} both register the home page of {role!r}."
            )
    _APP_PERMISSIONS[app_label] = permissions
    _APP_HOMES[app_label] = homes


def _all_homes() -> dict[str, dict[str, str]]:
    return {"clinic": CORE_HOMES, **_APP_HOMES}


def role_permissions() -> dict[str, dict[str, tuple[str, ...]]]:
    """Every role's rows: the core's and every registered app's."""
    merged: dict[str, dict[str, tuple[str, ...]]] = {role: {} for role in ROLES if role != ADMIN}
    for rows_by_role in (CORE_PERMISSIONS, *_APP_PERMISSIONS.values()):
        for role, rows in rows_by_role.items():
            merged[role].update(rows)
    return merged


def home_of(role: str) -> str | None:
    """The URL name of a role's landing page, or None when no installed app holds one."""
    for homes in _all_homes().values():
        if role in homes:
            return homes[role]
    return None


def sync_roles() -> None:
    """Make sure the four groups exist and hold the permissions every app declared."""
    all_permissions = Permission.objects.select_related("content_type")
    by_key = {
        (p.content_type.app_label, p.content_type.model, p.codename): p for p in all_permissions
    }
    wanted_by_role = role_permissions()
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        if role == ADMIN:
            group.permissions.set(all_permissions)
            continue
        wanted = []
        for label, actions in wanted_by_role[role].items():
            app_label, model = label.split(".")
            for action in actions:
                permission = by_key.get((app_label, model, f"{action}_{model}"))
                if permission is not None:
                    wanted.append(permission)
        group.permissions.set(wanted)


def last_migrated_app_label() -> str:
    """The app whose post_migrate signal comes last: the last installed app with models
    (Django sends the signal for those only, in INSTALLED_APPS order)."""
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    return with_models[-1].label


def sync_roles_after_migrate(sender, app_config=None, using="default", **kwargs) -> None:
    """post_migrate receiver: runs once, after the last app has created its permissions."""
    if app_config is None or app_config.label != last_migrated_app_label():
        return
    sync_roles()


# Precedence when someone holds several roles: the widest wins. role_subquery relies on these
# names sorting alphabetically in the same order.
ROLE_PRECEDENCE = (ADMIN, DOCTOR, PHYSIO, RECEPTION)
assert tuple(sorted(ROLE_PRECEDENCE)) == ROLE_PRECEDENCE  # noqa: S101 - an import-time invariant


def role_subquery(user_ref: str = "user_id"):
    """The role name of the user in ``user_ref``, as a subquery (folds the lookup into a join).

    The widest role wins; the role names sort alphabetically in that very order, so a plain
    ORDER BY name keeps the subquery cheap to plan (a CASE costs a millisecond a request).
    """
    from django.db.models import OuterRef, Subquery

    groups = Group.objects.filter(user=OuterRef(user_ref), name__in=ROLE_PRECEDENCE)
    return Subquery(groups.order_by("name").values("name")[:1])


def role_of(user) -> str | None:
    """The user's role name, or None for anonymous users and staff without a role.

    Cached on the user object: a request asks this many times.
    """
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return None
    cached = getattr(user, "_talus_role", False)
    if cached is not False:
        return cached
    names = () if user.is_superuser else {g.name for g in user.groups.all()}
    return remember_role(user, next((r for r in ROLE_PRECEDENCE if r in names), None))


def remember_role(user, widest_group: str | None) -> str | None:
    """Cache on ``user`` the role that its widest role group gives (``role_subquery`` reads
    it in the query that loads the user, as the API's token authentication does)."""
    role = ADMIN if user.is_superuser else widest_group
    user._talus_role = role
    return role
