"""API permissions. Querysets are scoped separately; these decide who may act at all."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from .selectors import UserScope, user_scope


class ReadForMembers(BasePermission):
    """Any signed-in user reads (what they read is scoped by the queryset); who may write
    is the scope's answer to ``may_write``."""

    def may_write(self, scope: UserScope) -> bool:
        return False

    def has_permission(self, request, view) -> bool:
        scope = user_scope(request.user)
        if not scope.authenticated:
            return False
        if request.method in SAFE_METHODS:
            return True
        return self.may_write(scope)


class ReadForMembersWriteForCurators(ReadForMembers):
    """Reference data: any signed-in user reads; only catalogue managers write."""

    message = "Only catalogue managers may change reference data."

    def may_write(self, scope: UserScope) -> bool:
        return scope.is_catalogue_manager
