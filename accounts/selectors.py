"""What a user may see and do, read once per request from their memberships."""

from dataclasses import dataclass

from .choices import Role


@dataclass(frozen=True)
class UserScope:
    """The organisations a user acts for, by role.

    ``provider_ids`` and ``client_ids`` are the organisations the user belongs to;
    the global flags lift the organisation limits (DOMAIN §1).
    """

    authenticated: bool
    roles: frozenset[str]
    provider_ids: frozenset[int]
    client_ids: frozenset[int]
    managed_provider_ids: frozenset[int]
    is_demo: bool = False

    @property
    def is_catalogue_manager(self) -> bool:
        return Role.CATALOGUE_MANAGER in self.roles

    @property
    def is_management(self) -> bool:
        return Role.MANAGEMENT in self.roles

    @property
    def sees_everything(self) -> bool:
        """Management and catalogue managers read across organisations."""
        return self.is_catalogue_manager or self.is_management

    @property
    def is_provider_user(self) -> bool:
        return bool(self.provider_ids)

    @property
    def is_client_user(self) -> bool:
        return bool(self.client_ids)


ANONYMOUS_SCOPE = UserScope(False, frozenset(), frozenset(), frozenset(), frozenset())


def user_scope(user) -> UserScope:
    """The user's scope, computed with one query and cached on the user object."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS_SCOPE
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    roles, providers, clients, managed = set(), set(), set(), set()
    is_demo = False
    for role, provider_id, client_id, demo in user.memberships.values_list(
        "role", "provider_id", "client_id", "is_demo"
    ):
        roles.add(role)
        is_demo = is_demo or demo
        if provider_id:
            providers.add(provider_id)
            if role == Role.PROVIDER_MANAGER:
                managed.add(provider_id)
        if client_id:
            clients.add(client_id)
    if user.is_superuser:
        roles.update({Role.CATALOGUE_MANAGER, Role.MANAGEMENT})
    scope = UserScope(
        True,
        frozenset(roles),
        frozenset(providers),
        frozenset(clients),
        frozenset(managed),
        is_demo,
    )
    user._portal_scope = scope
    return scope


def memberships_of(user):
    """The user's memberships with their organisations, for display."""
    return list(user.memberships.select_related("provider", "client").order_by("role"))
