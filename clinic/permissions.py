"""Role-based access for the API, deny by default.

Each viewset declares ``role_actions``: for each role, the viewset actions it may
run. A role missing from the table, or an action missing from its set, is refused.
Detail actions are checked *after* the scoped lookup, so a record outside the
user's reach answers 404 before any 403 can reveal that it exists.
"""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from clinic import roles

READ = frozenset({"list", "retrieve"})
READ_WRITE = frozenset({"list", "retrieve", "create", "update", "partial_update"})


class RolePermission(BasePermission):
    message = "Your role does not allow this action."

    def _allowed(self, request, view) -> frozenset[str]:
        table = getattr(view, "role_actions", None) or {}
        return frozenset(table.get(roles.role_of(request.user), ()))

    def has_permission(self, request, view) -> bool:
        if getattr(view, "role_actions", None) is None:
            # A plain APIView that sets no table is open to any authenticated role.
            return getattr(view, "open_to_all_roles", False) and bool(roles.role_of(request.user))
        allowed = self._allowed(request, view)
        action = getattr(view, "action", None)
        if action is None and hasattr(view, "action_map") and bool(roles.role_of(request.user)):
            # A method the viewset has no action for: let DRF answer 405 Method Not Allowed,
            # the same for every role and every route, rather than a 403 on some of them.
            return True
        if action in allowed:
            return True
        # Let the scoped lookup answer 404 first; has_object_permission then answers 403.
        return bool(getattr(view, "detail", False) and allowed)

    def has_object_permission(self, request, view, obj) -> bool:
        return getattr(view, "action", None) in self._allowed(request, view)
