"""The four staff roles as Django groups, and the model permissions each one holds.

The API and the pages decide access from the role (see clinic.permissions and
clinic.selectors); the model permissions below mirror the design's matrix (docs/design.md) so that
Django admin and any permission check agree with it.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, Group, Permission

RECEPTION = "reception"
PHYSIO = "physio"
DOCTOR = "doctor"
ADMIN = "admin"
ROLES = (RECEPTION, PHYSIO, DOCTOR, ADMIN)
# The roles that read clinical notes: every role but reception (docs/design.md).
CLINICAL_ROLES = (DOCTOR, PHYSIO, ADMIN)

# role -> {"app_label.model": actions}. A model that does not exist yet is skipped,
# so later apps only add their rows here.
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    RECEPTION: {
        "clinic.patient": ("add", "change", "view"),
        "clinic.case": ("add", "change", "view"),
        "triage.intake": ("add", "view"),
        "rehab.physiosession": ("add", "change", "view"),
        "rehab.reminder": ("view",),
    },
    PHYSIO: {
        "clinic.patient": ("view",),
        "clinic.case": ("view",),
        "triage.intake": ("view",),
        "triage.examination": ("view",),
        "triage.diagnosis": ("view",),
        "triage.imagingreferral": ("view",),
        "rehab.treatmentplan": ("add", "change", "view"),
        "rehab.physiosession": ("add", "change", "view"),
        "rehab.outcomemeasure": ("add", "change", "view"),
        "rehab.returntorun": ("add", "change", "view"),
        "rehab.reminder": ("view",),
    },
    DOCTOR: {
        "clinic.patient": ("view",),
        "clinic.case": ("change", "view"),
        "triage.intake": ("view",),
        "triage.examination": ("add", "change", "view"),
        "triage.diagnosis": ("add", "change", "view"),
        "triage.imagingreferral": ("add", "change", "view"),
        "triage.condition": ("view",),
        "rehab.treatmentplan": ("view",),
        "rehab.physiosession": ("view",),
        "rehab.outcomemeasure": ("view",),
        "rehab.reminder": ("view",),
    },
}


def sync_roles() -> None:
    """Make sure the four groups exist and hold the permissions of ROLE_PERMISSIONS."""
    all_permissions = Permission.objects.select_related("content_type")
    by_key = {
        (p.content_type.app_label, p.content_type.model, p.codename): p for p in all_permissions
    }
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        if role == ADMIN:
            group.permissions.set(all_permissions)
            continue
        wanted = []
        for label, actions in ROLE_PERMISSIONS[role].items():
            app_label, model = label.split(".")
            for action in actions:
                permission = by_key.get((app_label, model, f"{action}_{model}"))
                if permission is not None:
                    wanted.append(permission)
        group.permissions.set(wanted)


def sync_roles_after_migrate(sender, app_config=None, using="default", **kwargs) -> None:
    """post_migrate receiver: runs once, after the last app has created its permissions."""
    if app_config is None or app_config.label != "rehab":
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
    if user.is_superuser:
        role = ADMIN
    else:
        names = {g.name for g in user.groups.all()}
        role = next((r for r in ROLE_PRECEDENCE if r in names), None)
    user._talus_role = role
    return role
