"""API permissions: each view names a permission from ``accounts.permissions.PERMISSIONS``."""

from __future__ import annotations

from typing import Any

from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission

from school_improvement.accounts.permissions import has_perm, needs_second_factor


class RoleRulesPermission(BasePermission):
    """The same role rules as the pages. A view without a declared permission refuses everyone."""

    def has_permission(self, request: Any, view: Any) -> bool:
        permission = getattr(view, "permission", None)
        if not permission or not request.user or not request.user.is_authenticated:
            return False
        # A signed-in browser session of a role that reads restricted intelligence must have
        # passed its second factor here too (tokens are only issued to verified sessions).
        if isinstance(getattr(request, "successful_authenticator", None), SessionAuthentication) \
                and needs_second_factor(request.user) and not request.user.is_verified():
            return False
        return has_perm(request.user, permission)


class PermissionByMethod:
    """A view whose permission (read by :class:`RoleRulesPermission`) depends on the method:
    ``read_permission`` for GET, ``write_permission`` for POST."""

    read_permission = ""
    write_permission = ""

    @property
    def permission(self) -> str:
        request = getattr(self, "request", None)
        return self.write_permission if request is not None and request.method == "POST" else self.read_permission
