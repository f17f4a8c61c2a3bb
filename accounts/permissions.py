"""API permissions. Querysets are scoped separately; these decide who may act at all."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from .selectors import user_scope


class ReadForMembersWriteForCurators(BasePermission):
    """Reference data: any signed-in user reads; only catalogue managers write."""

    message = "Only catalogue managers may change reference data."

    def has_permission(self, request, view) -> bool:
        scope = user_scope(request.user)
        if not scope.authenticated:
            return False
        if request.method in SAFE_METHODS:
            return True
        return scope.is_catalogue_manager
