"""What a user may see and do, read once per request from their memberships.

Every access question of the portal is a method of ``UserScope`` ("may this user see this
provider's figures? import records for it? register its SLAs? sign for this client?"),
so that pages, the API, commands and tasks ask it the same way and give the same answer.
The time zone a user reads times in is read here too (``viewer_zone``).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth import get_user_model

from core.zones import DEFAULT_ZONE, zone_of

from .choices import Role

# Provider roles that upload service records (pages, API, the command).
IMPORTING_ROLES = frozenset({Role.PROVIDER_STAFF, Role.PROVIDER_MANAGER, Role.INTEGRATION})
# Provider roles that register SLAs and act for the provider's side of one.
REGISTERING_ROLES = frozenset({Role.PROVIDER_STAFF, Role.PROVIDER_MANAGER})


@dataclass(frozen=True)
class UserScope:
    """The organisations a user acts for, by role, and the answers that follow.

    ``memberships`` holds (role, provider id, client id) for each of the user's roles; the
    global roles (catalogue manager, management) lift the organisation limits (DOMAIN §1).
    """

    authenticated: bool
    memberships: frozenset[tuple[str, int | None, int | None]] = frozenset()
    is_demo: bool = False
    superuser: bool = False
    # Reads, once and only when asked, the providers designated to serve the user's client
    # entities (``served_provider_ids``).
    load_served: Callable[[], Iterable[int]] | None = field(default=None, repr=False, compare=False)
    # A request made with an integration token (integrations.selectors.token_scope): the
    # token's organisation is the only membership, and a read-only token writes nothing.
    through_token: bool = False
    read_only: bool = False

    # --- who the user is ----------------------------------------------------------------

    @cached_property
    def roles(self) -> frozenset[str]:
        roles = {role for role, _, _ in self.memberships}
        if self.superuser:
            roles |= {Role.CATALOGUE_MANAGER, Role.MANAGEMENT}
        return frozenset(roles)

    @cached_property
    def provider_ids(self) -> frozenset[int]:
        """The providers the user belongs to, in any role."""
        return frozenset(p for _, p, _ in self.memberships if p)

    @cached_property
    def client_ids(self) -> frozenset[int]:
        """The client entities the user belongs to."""
        return frozenset(c for _, _, c in self.memberships if c)

    @cached_property
    def focal_point_client_ids(self) -> frozenset[int]:
        """The client entities the user is a focal point of (signs their SLAs, answers
        the survey for them)."""
        return frozenset(
            c for role, _, c in self.memberships if c and role == Role.CLIENT_FOCAL_POINT
        )

    @cached_property
    def managed_provider_ids(self) -> frozenset[int]:
        """The providers the user manages (signs SLAs and asks for computations for)."""
        return self._providers_with(frozenset({Role.PROVIDER_MANAGER}))

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

    def _providers_with(self, roles: frozenset[str]) -> frozenset[int]:
        return frozenset(p for role, p, _ in self.memberships if p and role in roles)

    # --- what the user may see -----------------------------------------------------------

    @cached_property
    def served_provider_ids(self) -> frozenset[int]:
        """The providers designated to serve one of the user's client entities (one query,
        made only when a client user's question needs it)."""
        if not self.client_ids or self.load_served is None:
            return frozenset()
        return frozenset(self.load_served())

    def sees_provider(self, provider_id: int) -> bool:
        """Whether the user may open a provider's pages of figures (its compliance page and
        its dashboard): global roles, the provider's own people, and the focal points of
        the client entities it is designated to serve. What a page then shows is scoped
        further, row by row (a client sees its own SLAs' figures and its providers'
        standards, never another client's)."""
        return (
            self.sees_everything
            or provider_id in self.provider_ids
            or provider_id in self.served_provider_ids
        )

    def sees_all_of_provider(self, provider_id: int) -> bool:
        """Whether the user sees every record and result of a provider (its people and
        global roles), not only those about their own client entities."""
        return self.sees_everything or provider_id in self.provider_ids

    @property
    def followed_provider_ids(self) -> frozenset[int] | None:
        """The providers whose computations the pages report on for this user ("computed
        3 minutes ago", pending months): ``None`` for every provider (global roles)."""
        return None if self.sees_everything else self.provider_ids

    @property
    def reads_management_dashboard(self) -> bool:
        """The dashboard across every provider: management and catalogue managers (others
        are sent to their own organisation's dashboard)."""
        return self.sees_everything

    def sees_client(self, client_id: int) -> bool:
        """Whether the user may open a client entity's figures (its dashboard): global roles
        and the entity's own focal points."""
        return self.sees_everything or client_id in self.client_ids

    @property
    def reads_audit_trail(self) -> bool:
        """The audit trail: catalogue managers and management."""
        return self.sees_everything

    @property
    def reads_review_pack(self) -> bool:
        """The semi-annual review pack for the Management Committee: the central roles."""
        return self.sees_everything

    # --- what the user may do ------------------------------------------------------------

    @property
    def importable_provider_ids(self) -> frozenset[int] | None:
        """Providers the user may import records for: ``None`` means every provider
        (catalogue managers); provider staff, managers and integrations import for their
        own provider; anyone else for none."""
        if self.is_catalogue_manager:
            return None
        return self._providers_with(IMPORTING_ROLES)

    @property
    def may_import(self) -> bool:
        """Whether the user may import records for some provider."""
        ids = self.importable_provider_ids
        return ids is None or bool(ids)

    def may_import_for(self, provider_id: int) -> bool:
        """Whether the user may import, change or delete this provider's records."""
        ids = self.importable_provider_ids
        return ids is None or provider_id in ids

    @cached_property
    def registering_provider_ids(self) -> frozenset[int]:
        """Providers whose SLAs the user registers: where they are staff or manager."""
        return self._providers_with(REGISTERING_ROLES)

    def may_register_for(self, provider_id: int) -> bool:
        return provider_id in self.registering_provider_ids

    def roles_towards(self, *, provider_id: int, client_id: int) -> frozenset[str]:
        """The roles the user holds towards the two parties of an SLA: provider staff or
        manager of its provider, focal point of its client."""
        roles = set()
        for role, provider, client in self.memberships:
            if provider == provider_id and role in REGISTERING_ROLES:
                roles.add(role)
            if client == client_id and role == Role.CLIENT_FOCAL_POINT:
                roles.add(role)
        return frozenset(roles)

    def answering_client_ids(self, invited: Iterable[int]) -> frozenset[int]:
        """Of the client entities a survey campaign invites, those the user answers for."""
        return self.focal_point_client_ids & frozenset(invited)

    @property
    def runs_survey_campaigns(self) -> bool:
        """Preparing, opening and closing survey campaigns: catalogue managers."""
        return self.is_catalogue_manager

    @property
    def may_write(self) -> bool:
        """Whether the request may write anything at all: not with a read-only token."""
        return not self.read_only

    # --- integration tokens ----------------------------------------------------------------

    @property
    def issues_tokens(self) -> bool:
        """Whether the user creates and revokes integration tokens: catalogue managers and
        provider managers, signed in (a token never makes or lists tokens)."""
        return not self.through_token and (
            self.is_catalogue_manager or bool(self.managed_provider_ids)
        )

    def may_bind_token_to(self, *, provider_id: int | None, client_id: int | None) -> bool:
        """Whether a token of the user's may act for this organisation (a provider, or a
        client entity): catalogue managers for any; provider managers for the providers
        they manage and the client entities they belong to."""
        if not self.issues_tokens:
            return False
        if self.is_catalogue_manager:
            return True
        if provider_id is not None:
            return provider_id in self.managed_provider_ids
        return client_id in self.client_ids

    # --- cost recovery (DOMAIN §10) --------------------------------------------------------

    @property
    def curates_rates(self) -> bool:
        """Whether the user keeps the rates of some provider: catalogue managers (every
        provider) and provider managers (their own)."""
        return self.is_catalogue_manager or bool(self.managed_provider_ids)

    def may_curate_rates_for(self, provider_id: int) -> bool:
        """Whether the user may add, change or end the rates of this provider's offerings."""
        return self.is_catalogue_manager or provider_id in self.managed_provider_ids

    def sees_statements_of(self, *, provider_id: int, client_id: int) -> bool:
        """Whether the user may read the statements between a provider and a client entity:
        global roles, the provider's people, the client's focal points. A client never
        sees another client's statements, a provider never another provider's."""
        return (
            self.sees_everything or provider_id in self.provider_ids or client_id in self.client_ids
        )

    def may_issue_statements_for(self, provider_id: int) -> bool:
        """Issuing a provider's statements: its provider managers only."""
        return provider_id in self.managed_provider_ids

    def may_answer_statements_for(self, client_id: int) -> bool:
        """Acknowledging or disputing a client's statements: its focal points only."""
        return client_id in self.focal_point_client_ids

    @property
    def reads_value_for_money(self) -> bool:
        """Cost per unit beside performance across providers: the central roles."""
        return self.sees_everything

    # --- support capacities and their duplication (DOMAIN §9) ----------------------------

    def sees_capacity(self, *, client_id: int, served_by_id: int | None) -> bool:
        """Whether the user may read a support capacity: global roles, the people of its
        client entity, and the people of the provider that serves it."""
        return (
            self.sees_everything
            or client_id in self.client_ids
            or (served_by_id is not None and served_by_id in self.provider_ids)
        )

    @property
    def edits_capacities(self) -> bool:
        """Whether the user records the support capacities of some client entity:
        catalogue managers (every entity) and client focal points (their own)."""
        return self.is_catalogue_manager or bool(self.focal_point_client_ids)

    def may_edit_capacities_of(self, client_id: int) -> bool:
        """Adding, changing or deleting a client entity's support capacities: its focal
        points and catalogue managers."""
        return self.is_catalogue_manager or client_id in self.focal_point_client_ids

    @property
    def reads_duplication_analysis(self) -> bool:
        """The duplication analysis across entities (local sharing, consolidation,
        hardship duty stations): management and catalogue managers."""
        return self.sees_everything

    # --- designations (DOMAIN §9) ----------------------------------------------------------

    @property
    def may_request_designations(self) -> bool:
        """Whether the user requests designations for some client entity: its focal
        points, and catalogue managers (for any)."""
        return self.is_catalogue_manager or bool(self.focal_point_client_ids)

    def may_request_designation_for(self, client_id: int) -> bool:
        """Requesting (or withdrawing a request of) a provider for this client entity: its
        focal points, and catalogue managers."""
        return self.is_catalogue_manager or client_id in self.focal_point_client_ids

    @property
    def decides_designations(self) -> bool:
        """Approving, declining and ending designations: catalogue managers."""
        return self.is_catalogue_manager

    def sees_designation(self, *, approved: bool, client_id: int, provider_id: int) -> bool:
        """Approved designations are public to signed-in users; requests (pending,
        declined, withdrawn) are seen by the central roles, the client entity's people and
        the requested provider's people."""
        return (
            approved
            or self.sees_everything
            or client_id in self.client_ids
            or provider_id in self.provider_ids
        )

    # --- the support network (DOMAIN §9) --------------------------------------------------

    @property
    def seeks_designation_advice(self) -> bool:
        """The designation advisor: catalogue managers, management and client focal points
        (for their own entities: ``may_seek_designation_advice_for``)."""
        return self.sees_everything or bool(self.focal_point_client_ids)

    def may_seek_designation_advice_for(self, client_id: int) -> bool:
        """Ranking the providers of a service for this client entity: global roles, and the
        entity's own focal points."""
        return self.sees_everything or client_id in self.focal_point_client_ids

    @property
    def reads_network_map(self) -> bool:
        """The network map: every signed-in user, like the catalogue, the provider and
        client profiles and approved designations (``sees_designation``) it draws. Each
        provider's attainment on it is shown only where ``sees_provider`` allows, as on
        the compliance pages."""
        return self.authenticated

    # --- webhooks ------------------------------------------------------------------------

    @property
    def manages_webhooks(self) -> bool:
        """Whether the user keeps the webhook subscriptions of some organisation: catalogue
        managers (every one), provider managers (their providers), client focal points
        (their entities)."""
        return (
            self.is_catalogue_manager
            or bool(self.managed_provider_ids)
            or bool(self.focal_point_client_ids)
        )

    def may_manage_webhooks_of(
        self, *, provider_id: int | None = None, client_id: int | None = None
    ) -> bool:
        """Whether the user may add, change, remove or read the webhook subscriptions (and
        their deliveries) of this provider or this client entity."""
        if self.is_catalogue_manager:
            return True
        if provider_id is not None:
            return provider_id in self.managed_provider_ids
        return client_id is not None and client_id in self.focal_point_client_ids

    def may_compute_for(self, provider_id: int | None) -> bool:
        """Whether the user may ask for a compliance computation of one provider (or, with
        ``None``, of all the providers they may: every one for global roles, their own
        for provider managers)."""
        if self.sees_everything:
            return True
        if provider_id is None:
            return bool(self.managed_provider_ids)
        return provider_id in self.managed_provider_ids


ANONYMOUS_SCOPE = UserScope(False)


def user_scope(user) -> UserScope:
    """The user's scope, computed with one query and cached on the user object (the same
    query reads the time zone they read times in: ``viewer_zone``)."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS_SCOPE
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    _read_user(user)
    return user._portal_scope


def _read_user(user) -> None:
    """Reads, with one query, what every request asks about a signed-in user: their
    memberships (``user_scope``) and their time zone (``viewer_zone``), and caches both on
    the user object."""
    # Note: the organisations' zones are read through relations this app's models
    # declare, importing nothing from the apps above it.
    rows = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values_list(
            "preference__timezone",
            "memberships__pk",
            "memberships__role",
            "memberships__provider_id",
            "memberships__client_id",
            "memberships__is_demo",
            "memberships__provider__duty_station__timezone",
            "memberships__client__duty_station__timezone",
        )
    )
    memberships, is_demo, chosen, zones = set(), False, "", []
    for preference, pk, role, provider_id, client_id, demo, provider_zone, client_zone in rows:
        chosen = preference or ""
        if pk is None:  # no membership
            continue
        memberships.add((role, provider_id, client_id))
        is_demo = is_demo or demo
        if provider_zone or client_zone:
            zones.append((pk, provider_zone or client_zone))
    organisation = min(zones)[1] if zones else ""
    user._portal_scope = UserScope(
        True,
        frozenset(memberships),
        is_demo,
        user.is_superuser,
        load_served=lambda: _served_provider_ids(user),
    )
    user._portal_zone = ViewerZone(
        chosen if zone_of(chosen) else "",
        organisation if zone_of(organisation) else "",
    )


def _served_provider_ids(user) -> list[int]:
    # Note: read through the client entities' designations, a relation the catalogue's
    # model declares, so that this module imports nothing from the apps above it.
    # Only approved designations count ("approved": the catalogue's DesignationStatus).
    return list(
        user.memberships.filter(client__designations__status="approved")
        .values_list("client__designations__provider_id", flat=True)
        .distinct()
    )


def memberships_of(user):
    """The user's memberships with their organisations, for display."""
    return list(user.memberships.select_related("provider", "client").order_by("role"))


@dataclass(frozen=True)
class ViewerZone:
    """The time zone a user reads times in: ``chosen`` (their preference, "" when unset),
    else ``organisation`` (the duty-station zone of their organisation, "" when none),
    else UTC. ``name`` is the one in effect."""

    chosen: str = ""
    organisation: str = ""

    @property
    def default(self) -> str:
        """The zone in effect without a preference."""
        return self.organisation or DEFAULT_ZONE

    @property
    def name(self) -> str:
        return self.chosen or self.default


def viewer_zone(user, *, fresh: bool = False) -> ViewerZone:
    """The zone ``user`` reads times in (``ViewerZone``), read with their scope (one query
    for both) and cached on the user; ``fresh`` reads it again (after a change).

    Without a preference: the duty-station zone of the first of their memberships (in the
    order they were granted) whose organisation has a duty station: a provider's, or a
    client entity's; UTC for anyone else (global roles, anonymous visitors). A stored name
    that is not a time zone (any more) counts as none."""
    if user is None or not user.is_authenticated:
        return ViewerZone()
    cached = getattr(user, "_portal_zone", None)
    if cached is not None and not fresh:
        return cached
    _read_user(user)
    return user._portal_zone
