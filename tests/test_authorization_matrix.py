"""The authorization matrix: every role against every page and API operation.

Each role signs in (the integration has only an API token: P's manager's, for P's
records) and tries every route
of the URLconf, reading and writing, on its own organisation's objects and on another
organisation's. ``MATRIX`` states, one line per operation, who succeeds; everyone else
must be refused, and whoever may not see the object must get a 404.

Outcomes: ``ok`` 2xx/3xx; ``bad`` the request passed authorization and its (deliberately
empty or incomplete) payload was refused with 400/409; ``404``; everyone else ``deny``
(403, or the sign-in redirect for anonymous callers of pages and 401 for those of the
API). A 5xx always fails.

A route of the URLconf with no line here fails ``test_every_route_has_a_matrix_entry``,
which says what to add.
"""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.views.generic.edit import ProcessFormView
from rest_framework.test import APIClient

from accounts.choices import Role
from accounts.services import notify
from catalogue.models import Designation, MinimumServiceStandard, Offering, Service
from catalogue.services import designation_request
from clients.models import ClientEntity
from compliance.engine import compute_provider_month
from compliance.models import ComplianceResult
from core.models import AuditEntry, DutyStation, Holiday
from cost_recovery.models import Rate
from cost_recovery.services import statement_issue
from providers.models import ServiceProvider
from records.models import ServiceRecord
from records.services import record_import_create
from records.tasks import validate_record_import
from surveys.services import AnswerInput, answer_submit, campaign_create, campaign_open
from tests.factories import user_with_role
from tests.integrations.factories import issue_token
from tests.records.factories import import_csv
from tests.sla.factories import line, sla_approve, sla_create, sla_submit
from tests.webhooks.factories import DeliveryFactory, SubscriptionFactory

# The roles, by the organisation they act for: P = UNON, Q = KJSO (providers),
# A = UNEP, B = UNAMA (client entities; P serves A and Q serves B).
CLIENT_A, CLIENT_B = "client_a", "client_b"
STAFF_P, STAFF_Q, MANAGER_P = "staff_p", "staff_q", "manager_p"
CATALOGUE, MANAGEMENT = "catalogue", "management"
INTEGRATION_P, ANONYMOUS = "integration_p", "anonymous"
ROLES = (CLIENT_A, CLIENT_B, STAFF_P, STAFF_Q, MANAGER_P, CATALOGUE, MANAGEMENT,
         INTEGRATION_P, ANONYMOUS)  # fmt: skip

# Sets used by the matrix lines.
NOBODY: frozenset[str] = frozenset()
GLOBAL = frozenset({CATALOGUE, MANAGEMENT})
SESSION = frozenset(ROLES) - {INTEGRATION_P, ANONYMOUS}  # signed in to the pages
SIGNED_IN = frozenset(ROLES) - {ANONYMOUS}  # API: session or token
P_SIDE = frozenset({STAFF_P, MANAGER_P, INTEGRATION_P})
P_PAGES = frozenset({STAFF_P, MANAGER_P})
SEES_PA = GLOBAL | P_SIDE | {CLIENT_A}  # who sees a P–A record, SLA or result
SEES_QB = GLOBAL | {STAFF_Q, CLIENT_B}
NOT_PA = SIGNED_IN - SEES_PA  # they get a 404 for a P–A object
NOT_QB = SIGNED_IN - SEES_QB
CURATOR = frozenset({CATALOGUE})
IMPORTERS = frozenset({STAFF_P, STAFF_Q, MANAGER_P, INTEGRATION_P, CATALOGUE})
WRITERS_P = frozenset({CATALOGUE}) | P_SIDE  # records of P through the API
WRITERS_Q = frozenset({CATALOGUE, STAFF_Q})
SIGNERS_PA = frozenset({CLIENT_A, MANAGER_P})
SEES_P_PAGES = GLOBAL | P_PAGES | {CLIENT_A}  # a provider's pages: P's people, A (P serves A)
SEES_Q_PAGES = GLOBAL | {STAFF_Q, CLIENT_B}
ONLY_A = frozenset({CLIENT_A})  # a client A user's own survey answer: nobody else reads it
RATE_KEEPERS_P = frozenset({CATALOGUE, MANAGER_P})  # P's rates: its managers, catalogue managers
CAPACITY_KEEPERS = frozenset({CATALOGUE, CLIENT_A, CLIENT_B})  # focal points, catalogue managers
SEES_CAPACITY_A = GLOBAL | {CLIENT_A}  # A's own team
SEES_CAPACITY_B = GLOBAL | {CLIENT_B, STAFF_Q}  # B's, served by Q
REQUESTERS = frozenset({CLIENT_A, CLIENT_B, CATALOGUE})  # designations: focal points, curators
WITHDRAWS_PA = frozenset({CLIENT_A, CATALOGUE})  # A's pending request
ISSUERS = frozenset({CATALOGUE, MANAGER_P})  # integration tokens, signed in
# Webhooks: kept by an organisation's managers (provider managers, client focal points)
# and catalogue managers; another organisation's subscription is a 404 to the other keepers.
HOOK_KEEPERS = frozenset({CATALOGUE, MANAGER_P, CLIENT_A, CLIENT_B})
HOOKS_P, HOOKS_B = frozenset({CATALOGUE, MANAGER_P}), frozenset({CATALOGUE, CLIENT_B})


@dataclass(frozen=True)
class E:
    """One operation: route name, method, path (with ``{object}`` slots) and who may."""

    route: str
    method: str
    path: str
    ok: frozenset = NOBODY
    bad: frozenset = NOBODY
    hidden: frozenset = NOBODY
    data: dict | list | None = field(default=None, hash=False)

    def expected(self, role: str) -> str:
        if role == INTEGRATION_P and not self.path.startswith("/api/"):
            role = ANONYMOUS  # a token opens only the API
        for outcome, roles in (("ok", self.ok), ("bad", self.bad), ("404", self.hidden)):
            if role in roles:
                return outcome
        return "deny"


def record(provider="UNON", client="UNEP", ref="MATRIX-NEW"):
    return {"external_ref": ref, "provider": provider, "client": client,
            "service": "CONF-DOC" if provider == "UNON" else "PAY-OFF",
            "received_at": "2026-02-02T08:00", "completed_at": "2026-02-03T09:00"}  # fmt: skip


SLA_BODY = {"provider": "UNON", "client": "UNEP", "start_date": "2031-01-01",
            "end_date": "2031-12-31", "lines": [{"service": "CONF-DOC", "expected_volume": 10}]}  # fmt: skip
CSV = "external_ref,provider,client,service,received_at\nM-9,UNON,UNEP,CONF-DOC,2026-02-02\n"
SCORES = {"overall": 4, "timeliness": 4, "quality": 3, "communication": 5, "ease_of_access": 4}
# "{...}" in a value of a payload is filled in like the path.
ANSWER_PA = {"campaign": "{campaign_pa}", "provider": "UNON", "service": "CONF-DOC", **SCORES}
STATEMENT_PA = {"provider": "UNON", "client": "UNEP", "period": "2026-02"}  # issued

# fmt: off
MATRIX = [
    # Pages
    E("home", "GET", "/", ok=SESSION),
    E("login", "GET", "/accounts/login/", ok=frozenset(ROLES)),
    E("login", "POST", "/accounts/login/", ok=frozenset(ROLES)),
    E("logout", "POST", "/accounts/logout/", ok=frozenset(ROLES)),
    E("catalogue:service-list", "GET", "/catalogue/", ok=SESSION),
    E("catalogue:service-detail", "GET", "/catalogue/services/CONF-DOC/", ok=SESSION),
    E("catalogue:serviceprovider-list", "GET", "/providers/", ok=SESSION),
    E("catalogue:serviceprovider-detail", "GET", "/providers/KJSO/", ok=SESSION),
    E("catalogue:cliententity-list", "GET", "/clients/", ok=SESSION),
    E("catalogue:cliententity-detail", "GET", "/clients/UNAMA/", ok=SESSION),
    E("records:servicerecord-list", "GET", "/records/", ok=SESSION),
    E("records:servicerecord-detail", "GET", "/records/{record_qb}/", ok=SEES_QB, hidden=NOT_QB),
    E("records:servicerecord-detail", "GET", "/records/{record_pa}/", ok=SEES_PA, hidden=NOT_PA),
    E("records:recordimport-list", "GET", "/imports/", ok=SESSION),
    E("records:recordimport-create", "GET", "/imports/new/", ok=IMPORTERS),
    E("records:recordimport-create", "POST", "/imports/new/", ok=IMPORTERS),
    E("records:recordimport-detail", "GET", "/imports/{import_p}/", ok=GLOBAL | P_SIDE, hidden=SIGNED_IN - GLOBAL - P_SIDE),
    E("records:recordimport-detail", "GET", "/imports/{import_q}/", ok=GLOBAL | {STAFF_Q}, hidden=SIGNED_IN - GLOBAL - {STAFF_Q}),
    E("records:recordimport-confirm", "POST", "/imports/{import_p}/confirm/", ok={STAFF_P}, hidden=SIGNED_IN - {STAFF_P}),  # its author only
    E("compliance:compliance-list", "GET", "/compliance/", ok=SESSION),
    # A provider's pages of figures: its people, global roles, and the clients it is
    # designated to serve (UserScope.sees_provider); rows scoped further.
    E("compliance:provider-compliance", "GET", "/compliance/providers/UNON/", ok=SEES_P_PAGES, hidden=SIGNED_IN - SEES_P_PAGES),
    E("compliance:provider-compliance", "GET", "/compliance/providers/KJSO/", ok=SEES_Q_PAGES, hidden=SIGNED_IN - SEES_Q_PAGES),
    E("sla:sla-list", "GET", "/slas/", ok=SESSION),
    E("sla:sla-create", "GET", "/slas/new/", ok=P_PAGES | {STAFF_Q}),
    E("sla:sla-create", "POST", "/slas/new/", bad=P_PAGES | {STAFF_Q}),
    E("sla:sla-detail", "GET", "/slas/{sla_pa}/", ok=SEES_PA, hidden=NOT_PA),
    E("sla:sla-detail", "GET", "/slas/{sla_qb}/", ok=SEES_QB, hidden=NOT_QB),
    E("sla:sla-edit", "GET", "/slas/{sla_pa}/edit/", ok=P_PAGES, hidden=NOT_PA),
    E("sla:sla-edit", "POST", "/slas/{sla_pa}/edit/", bad=P_PAGES, hidden=NOT_PA),
    E("sla:sla-edit", "GET", "/slas/{sla_qb}/edit/", ok={STAFF_Q}, hidden=NOT_QB),
    E("sla:sla-agreement", "GET", "/slas/{sla_pa}/agreement/", ok=SEES_PA, hidden=NOT_PA),
    E("sla:sla-compare", "GET", "/slas/{sla_pa}/compare/{sla_pa}/", ok=SEES_PA, hidden=NOT_PA),
    E("sla:sla-action", "POST", "/slas/{sla_pa}/submit/", ok=P_PAGES, hidden=NOT_PA),
    E("sla:sla-sign", "GET", "/slas/{sla_pa_submitted}/sign/", ok=SIGNERS_PA, hidden=NOT_PA),
    E("sla:sla-action", "POST", "/slas/{sla_pa_submitted}/approve/", ok=SIGNERS_PA, hidden=NOT_PA),
    E("sla:sla-action", "POST", "/slas/{sla_pa_submitted}/return/", ok=SIGNERS_PA, hidden=NOT_PA, data={"comment": "No."}),
    E("sla:sla-action", "POST", "/slas/{sla_pa_approved}/terminate/", ok=SIGNERS_PA, hidden=NOT_PA, data={"reason": "Closed."}),
    E("sla:sla-action", "POST", "/slas/{sla_pa_approved}/amend/", ok=P_PAGES, hidden=NOT_PA),
    E("sla:sla-action", "POST", "/slas/{sla_qb}/submit/", ok={STAFF_Q}, hidden=NOT_QB),
    E("accounts:notification-list", "GET", "/notifications/", ok=SESSION),
    E("accounts:notification-mark-all-read", "POST", "/notifications/read/", ok=SESSION),
    E("accounts:notification-read", "POST", "/notifications/{notification_staff_q}/read/", ok={STAFF_Q}, hidden=SIGNED_IN - {STAFF_Q}),
    E("accounts:time-zone", "GET", "/account/time-zone/", ok=SESSION),
    E("accounts:time-zone", "POST", "/account/time-zone/", ok=SESSION, data={"timezone": "Asia/Kuwait"}),
    E("accounts:time-zone", "POST", "/account/time-zone/", bad=SESSION, data={"timezone": "Mars/Olympus"}),
    E("audit:auditentry-list", "GET", "/audit/", ok=GLOBAL),
    # Integration tokens: their issuers' own (a token never manages tokens)
    E("integrations:token-list", "GET", "/integration-tokens/", ok=ISSUERS),
    E("integrations:token-create", "GET", "/integration-tokens/new/", ok=ISSUERS),
    E("integrations:token-create", "POST", "/integration-tokens/new/", bad=ISSUERS),
    E("integrations:token-revoke", "POST", "/integration-tokens/{token_p}/revoke/", ok={MANAGER_P}, hidden={CATALOGUE}),
    E("integrations-api:integrationtoken-list", "GET", "/api/v1/integration-tokens/", ok=ISSUERS),
    E("integrations-api:integrationtoken-list", "POST", "/api/v1/integration-tokens/", bad=ISSUERS),
    E("integrations-api:integrationtoken-detail", "GET", "/api/v1/integration-tokens/{token_p}/", ok={MANAGER_P}, hidden={CATALOGUE}),
    E("integrations-api:integrationtoken-revoke", "POST", "/api/v1/integration-tokens/{token_p}/revoke/", ok={MANAGER_P}, hidden={CATALOGUE}),

    # The support network: the advisor for central roles and a client's own focal points
    # (UserScope.may_seek_designation_advice_for); the map for every signed-in user, like
    # the catalogue and approved designations, each provider's attainment scoped
    # (UserScope.sees_provider, tests/network/test_map.py).
    E("network:designation-advisor", "GET", "/network/advisor/", ok=GLOBAL | {CLIENT_A, CLIENT_B}),
    E("network:designation-advisor", "GET", "/network/advisor/?client=UNEP&service=CONF-DOC", ok=GLOBAL | {CLIENT_A}),
    E("network:designation-advisor", "GET", "/network/advisor/?client=UNAMA&service=PAY-OFF", ok=GLOBAL | {CLIENT_B}),
    E("network:network-map", "GET", "/network/map/", ok=SESSION),
    E("network:network-map", "GET", "/network/map/?area=HR&on=2026-02-15", ok=SESSION),
    # Probes and metrics: no sign-in; /metrics only with its token or from its networks
    # (the test settings set neither: tests/ops/test_metrics.py grants them).
    E("ops:healthz", "GET", "/healthz", ok=frozenset(ROLES)),
    E("ops:readyz", "GET", "/readyz", ok=frozenset(ROLES)),
    E("ops:metrics", "GET", "/metrics"),
    E("admin", "GET", "/admin/", ok=CURATOR),
    E("admin", "GET", "/admin/catalogue/service/", ok=CURATOR),
    E("schema", "GET", "/api/schema/", ok=frozenset(ROLES)),  # public: integrators read it first
    E("api-docs", "GET", "/api/docs/", ok=frozenset(ROLES)),
    # API: reference data (reads for all, writes for catalogue managers)
    *[
        op
        for ns, name, prefix, obj, delete in (
            # (namespace, basename, path, object, outcome of a curator's DELETE:
            # "bad" = 409, the row is still in use)
            ("core-api", "dutystation", "duty-stations", "station", "bad"),
            ("core-api", "holiday", "holidays", "holiday", "ok"),
            ("providers-api", "serviceprovider", "providers", "provider_q", "bad"),
            ("clients-api", "cliententity", "client-entities", "client_b", "bad"),
            ("catalogue-api", "functionalarea", "areas", "area", "bad"),
            ("catalogue-api", "service", "services", "service", "bad"),
            ("catalogue-api", "offering", "offerings", "offering_q", "ok"),
            ("catalogue-api", "minimumservicestandard", "standards", "standard", "ok"),
        )
        for op in (
            E(f"{ns}:{name}-list", "GET", f"/api/v1/{prefix}/", ok=SIGNED_IN),
            E(f"{ns}:{name}-list", "POST", f"/api/v1/{prefix}/", bad=CURATOR, data={}),
            E(f"{ns}:{name}-detail", "GET", f"/api/v1/{prefix}/{{{obj}}}/", ok=SIGNED_IN),
            E(f"{ns}:{name}-detail", "PUT", f"/api/v1/{prefix}/{{{obj}}}/", bad=CURATOR, data={}),
            E(f"{ns}:{name}-detail", "PATCH", f"/api/v1/{prefix}/{{{obj}}}/", ok=CURATOR, data={}),
            E(f"{ns}:{name}-detail", "DELETE", f"/api/v1/{prefix}/{{{obj}}}/", **{delete: CURATOR}),
        )
    ],
    # Designations (DOMAIN §9): approved ones are public to signed-in users, a P–A request
    # is seen like a P–A object; focal points request, catalogue managers decide and end.
    E("catalogue:designation-list", "GET", "/designations/", ok=SESSION),
    E("catalogue:designation-request", "GET", "/designations/request/", ok=REQUESTERS),
    E("catalogue:designation-request", "POST", "/designations/request/", bad=REQUESTERS, data={}),
    E("catalogue:designation-detail", "GET", "/designations/{designation_b}/", ok=SESSION),
    E("catalogue:designation-detail", "GET", "/designations/{designation_pa}/", ok=SEES_PA, hidden=NOT_PA),
    E("catalogue:designation-action", "POST", "/designations/{designation_pa}/approve/", ok=CURATOR, hidden=NOT_PA),
    E("catalogue:designation-action", "POST", "/designations/{designation_pa}/decline/", bad=CURATOR, hidden=NOT_PA),  # no reason
    E("catalogue:designation-action", "POST", "/designations/{designation_pa}/withdraw/", ok=WITHDRAWS_PA, hidden=NOT_PA),
    E("catalogue:designation-action", "POST", "/designations/{designation_b}/end/", ok=CURATOR, data={"end-valid_to": "2031-12-31", "end-reason": "Closing."}),
    E("catalogue-api:designation-list", "GET", "/api/v1/designations/", ok=SIGNED_IN),
    E("catalogue-api:designation-list", "POST", "/api/v1/designations/", bad=REQUESTERS, data={}),
    E("catalogue-api:designation-detail", "GET", "/api/v1/designations/{designation_b}/", ok=SIGNED_IN),
    E("catalogue-api:designation-detail", "GET", "/api/v1/designations/{designation_pa}/", ok=SEES_PA, hidden=NOT_PA),
    E("catalogue-api:designation-approve", "POST", "/api/v1/designations/{designation_pa}/approve/", ok=CURATOR, hidden=NOT_PA),
    E("catalogue-api:designation-decline", "POST", "/api/v1/designations/{designation_pa}/decline/", bad=CURATOR, hidden=NOT_PA),  # no reason
    E("catalogue-api:designation-decline", "POST", "/api/v1/designations/{designation_pa}/decline/", ok=CURATOR, hidden=NOT_PA, data={"reason": "No."}),
    E("catalogue-api:designation-withdraw", "POST", "/api/v1/designations/{designation_pa}/withdraw/", ok=WITHDRAWS_PA, hidden=NOT_PA),
    E("catalogue-api:designation-end", "POST", "/api/v1/designations/{designation_b}/end/", ok=CURATOR, data={"valid_to": "2031-12-31", "reason": "Closing."}),
    E("core-api:calendar-overlap", "GET", "/api/v1/calendar-overlap/?a=KWI&b=NBO&week=2026-W10", ok=SIGNED_IN),
    E("audit-api:auditentry-list", "GET", "/api/v1/audit/", ok=GLOBAL),
    E("network-api:designation-advisor", "GET", "/api/v1/designation-advisor/?client=UNEP&service=CONF-DOC", ok=GLOBAL | {CLIENT_A}),
    E("network-api:designation-advisor", "GET", "/api/v1/designation-advisor/?client=UNAMA&service=PAY-OFF", ok=GLOBAL | {CLIENT_B}),
    E("network-api:designation-advisor", "GET", "/api/v1/designation-advisor/?client=UNEP&service=NOPE", bad=GLOBAL | {CLIENT_A, CLIENT_B}),
    E("network-api:network-map", "GET", "/api/v1/network-map/", ok=SIGNED_IN),
    E("network-api:network-map", "GET", "/api/v1/network-map/?area=HR&on=2026-02-15", ok=SIGNED_IN),
    E("network-api:network-map", "GET", "/api/v1/network-map/?area=NOPE", bad=SIGNED_IN),
    E("audit-api:auditentry-detail", "GET", "/api/v1/audit/{audit_entry}/", ok=GLOBAL),
    # API: service records and imports
    E("records-api:servicerecord-list", "GET", "/api/v1/service-records/", ok=SIGNED_IN),
    E("records-api:servicerecord-list", "POST", "/api/v1/service-records/", ok=WRITERS_P, bad={STAFF_Q}, data=record()),
    E("records-api:servicerecord-list", "POST", "/api/v1/service-records/", ok=WRITERS_Q, bad=P_SIDE, data=record("KJSO", "UNAMA")),
    E("records-api:servicerecord-detail", "GET", "/api/v1/service-records/{record_pa}/", ok=SEES_PA, hidden=NOT_PA),
    E("records-api:servicerecord-detail", "GET", "/api/v1/service-records/{record_qb}/", ok=SEES_QB, hidden=NOT_QB),
    E("records-api:servicerecord-detail", "PUT", "/api/v1/service-records/{record_pa}/", ok=WRITERS_P, hidden={STAFF_Q}, data=record(ref="N-1")),
    E("records-api:servicerecord-detail", "PATCH", "/api/v1/service-records/{record_pa}/", ok=WRITERS_P, hidden={STAFF_Q}, data={"defective": True}),
    E("records-api:servicerecord-detail", "DELETE", "/api/v1/service-records/{record_pa}/", ok=WRITERS_P, hidden={STAFF_Q}),
    E("records-api:servicerecord-bulk", "POST", "/api/v1/service-records/bulk/", ok=WRITERS_P, bad={STAFF_Q}, data=[record()]),
    E("records-api:servicerecord-bulk", "POST", "/api/v1/service-records/bulk/", ok=WRITERS_Q, bad=P_SIDE, data=[record("KJSO", "UNAMA")]),
    E("records-api:recordimport-list", "GET", "/api/v1/record-imports/", ok=SIGNED_IN),
    E("records-api:recordimport-detail", "GET", "/api/v1/record-imports/{import_p}/", ok=GLOBAL | P_SIDE, hidden=SIGNED_IN - GLOBAL - P_SIDE),
    E("records-api:recordimport-detail", "GET", "/api/v1/record-imports/{import_q}/", ok=GLOBAL | {STAFF_Q}, hidden=SIGNED_IN - GLOBAL - {STAFF_Q}),
    # API: SLAs
    E("sla-api:sla-list", "GET", "/api/v1/slas/", ok=SIGNED_IN),
    E("sla-api:sla-list", "POST", "/api/v1/slas/", ok=P_PAGES, bad=SIGNED_IN - P_PAGES, data=SLA_BODY),  # 400 "provider: not yours"
    E("sla-api:sla-detail", "GET", "/api/v1/slas/{sla_pa}/", ok=SEES_PA, hidden=NOT_PA),
    E("sla-api:sla-detail", "GET", "/api/v1/slas/{sla_qb}/", ok=SEES_QB, hidden=NOT_QB),
    E("sla-api:sla-detail", "PUT", "/api/v1/slas/{sla_pa}/", ok=P_PAGES, hidden=NOT_PA, data=SLA_BODY),
    E("sla-api:sla-detail", "PATCH", "/api/v1/slas/{sla_pa}/", ok=P_PAGES, hidden=NOT_PA, data={"notes": "x"}),
    E("sla-api:sla-agreement", "GET", "/api/v1/slas/{sla_pa}/agreement/", ok=SEES_PA, hidden=NOT_PA),
    E("sla-api:sla-submit", "POST", "/api/v1/slas/{sla_pa}/submit/", ok=P_PAGES, hidden=NOT_PA),
    E("sla-api:sla-submit", "POST", "/api/v1/slas/{sla_qb}/submit/", ok={STAFF_Q}, hidden=NOT_QB),
    E("sla-api:sla-approve", "POST", "/api/v1/slas/{sla_pa_submitted}/approve/", ok=SIGNERS_PA, hidden=NOT_PA),
    E("sla-api:sla-return-to-draft", "POST", "/api/v1/slas/{sla_pa_submitted}/return/", ok=SIGNERS_PA, hidden=NOT_PA, data={"comment": "no"}),
    E("sla-api:sla-terminate", "POST", "/api/v1/slas/{sla_pa_approved}/terminate/", ok=SIGNERS_PA, hidden=NOT_PA, data={"reason": "r"}),
    E("sla-api:sla-amend", "POST", "/api/v1/slas/{sla_pa_approved}/amend/", ok=P_PAGES, hidden=NOT_PA),
    # API: compliance
    E("compliance-api:complianceresult-list", "GET", "/api/v1/compliance/", ok=SIGNED_IN),
    E("compliance-api:complianceresult-summary", "GET", "/api/v1/compliance/summary/", ok=SIGNED_IN),
    E("compliance-api:complianceresult-detail", "GET", "/api/v1/compliance/{result_p}/", ok=SEES_PA, hidden=NOT_PA),
    E("compliance-api:complianceresult-detail", "GET", "/api/v1/compliance/{result_q}/", ok=SEES_QB, hidden=NOT_QB),
    E("compliance-api:complianceresult-compute", "POST", "/api/v1/compliance/compute/", ok=GLOBAL | {MANAGER_P}, data={"provider": "UNON", "period": "2026-02"}),
    E("compliance-api:complianceresult-compute", "POST", "/api/v1/compliance/compute/", ok=GLOBAL, data={"provider": "KJSO", "period": "2026-02"}),
    # Dashboards: a provider's or client's only for its own people and the central roles;
    # the management page sends everyone else to their own dashboard.
    E("dashboards:management", "GET", "/dashboards/", ok=SESSION),
    E("dashboards:provider", "GET", "/dashboards/providers/UNON/", ok=SEES_P_PAGES, hidden=SIGNED_IN - SEES_P_PAGES),
    E("dashboards:provider", "GET", "/dashboards/providers/KJSO/", ok=SEES_Q_PAGES, hidden=SIGNED_IN - SEES_Q_PAGES),
    E("dashboards:client", "GET", "/dashboards/clients/UNEP/", ok=GLOBAL | {CLIENT_A}, hidden=SIGNED_IN - GLOBAL - {CLIENT_A}),
    E("dashboards:client", "GET", "/dashboards/clients/UNAMA/", ok=GLOBAL | {CLIENT_B}, hidden=SIGNED_IN - GLOBAL - {CLIENT_B}),
    E("dashboards:review", "GET", "/dashboards/review/", ok=GLOBAL),
    # Survey pages: a campaign P–A (A invited about P's service) is seen like a P–A object,
    # a draft by the central roles only; only an invited focal point answers; only
    # catalogue managers open and close (management sees, is refused).
    E("surveys:campaign-list", "GET", "/surveys/", ok=SESSION),
    E("surveys:results", "GET", "/surveys/results/", ok=SESSION),  # cells scoped
    E("surveys:campaign-detail", "GET", "/surveys/{campaign_pa}/", ok=SEES_PA, hidden=NOT_PA),
    E("surveys:campaign-detail", "GET", "/surveys/{campaign_qb}/", ok=SEES_QB, hidden=NOT_QB),
    E("surveys:campaign-detail", "GET", "/surveys/{campaign_draft}/", ok=GLOBAL, hidden=SIGNED_IN - GLOBAL),
    E("surveys:answer", "GET", "/surveys/{campaign_pa}/answer/{surveyed_p}/", ok=ONLY_A, hidden=SIGNED_IN - ONLY_A),
    E("surveys:answer", "GET", "/surveys/{campaign_qb}/answer/{surveyed_q}/", ok={CLIENT_B}, hidden=SIGNED_IN - {CLIENT_B}),
    E("surveys:answer", "POST", "/surveys/{campaign_pa}/answer/{surveyed_p}/", bad=ONLY_A, hidden=SIGNED_IN - ONLY_A),
    E("surveys:answer", "POST", "/surveys/{campaign_pa}/answer/{surveyed_p}/", ok=ONLY_A, hidden=SIGNED_IN - ONLY_A, data=SCORES),
    E("surveys:campaign-create", "GET", "/surveys/new/", ok=CURATOR),
    E("surveys:campaign-create", "POST", "/surveys/new/", bad=CURATOR, data={}),
    E("surveys:campaign-action", "POST", "/surveys/{campaign_draft}/open/", ok=CURATOR, hidden=SIGNED_IN - GLOBAL),
    E("surveys:campaign-action", "POST", "/surveys/{campaign_pa}/close/", ok=CURATOR, hidden=NOT_PA),
    E("surveys:campaign-action", "POST", "/surveys/{campaign_qb}/close/", ok=CURATOR, hidden=NOT_QB),
    # Survey API: the same campaigns; each caller's own answers only; anonymous results.
    E("surveys-api:campaign-list", "GET", "/api/v1/survey-campaigns/", ok=SIGNED_IN),
    E("surveys-api:campaign-list", "POST", "/api/v1/survey-campaigns/", bad=CURATOR, data={}),
    E("surveys-api:campaign-detail", "GET", "/api/v1/survey-campaigns/{campaign_pa}/", ok=SEES_PA, hidden=NOT_PA),
    E("surveys-api:campaign-detail", "GET", "/api/v1/survey-campaigns/{campaign_qb}/", ok=SEES_QB, hidden=NOT_QB),
    E("surveys-api:campaign-detail", "GET", "/api/v1/survey-campaigns/{campaign_draft}/", ok=GLOBAL, hidden=SIGNED_IN - GLOBAL),
    E("surveys-api:campaign-open", "POST", "/api/v1/survey-campaigns/{campaign_draft}/open/", ok=CURATOR, hidden=SIGNED_IN - GLOBAL),
    E("surveys-api:campaign-close", "POST", "/api/v1/survey-campaigns/{campaign_pa}/close/", ok=CURATOR, hidden=NOT_PA),
    E("surveys-api:campaign-close", "POST", "/api/v1/survey-campaigns/{campaign_qb}/close/", ok=CURATOR, hidden=NOT_QB),
    E("surveys-api:answer-list", "GET", "/api/v1/survey-answers/", ok=SIGNED_IN),  # rows: one's own
    E("surveys-api:answer-list", "POST", "/api/v1/survey-answers/", ok=ONLY_A, bad=NOT_PA, data=ANSWER_PA),  # 400 "no such campaign open to you"
    E("surveys-api:answer-detail", "GET", "/api/v1/survey-answers/{answer_a}/", ok=ONLY_A, hidden=SIGNED_IN - ONLY_A),
    E("surveys-api:answer-detail", "PUT", "/api/v1/survey-answers/{answer_a}/", ok=ONLY_A, hidden=SIGNED_IN - ONLY_A, data=SCORES),
    E("surveys-api:result-list", "GET", "/api/v1/survey-results/", ok=SIGNED_IN),  # cells scoped
    E("surveys-api:result-export", "GET", "/api/v1/survey-results/export/", ok=SIGNED_IN),
    # Cost recovery: a P–A statement is seen like a P–A object (January a draft, February
    # issued); only P's managers issue, only A's focal points acknowledge or dispute; the
    # rate card is read by everyone and kept by P's managers (P's rates) and catalogue
    # managers; value for money is for the central roles.
    E("cost_recovery:statement-list", "GET", "/cost-recovery/", ok=SESSION),  # rows scoped
    E("cost_recovery:statement-detail", "GET", "/cost-recovery/statements/UNON/UNEP/2026-02/", ok=SEES_P_PAGES, hidden=NOT_PA),
    E("cost_recovery:statement-detail", "GET", "/cost-recovery/statements/KJSO/UNAMA/2026-02/", ok=SEES_Q_PAGES, hidden=NOT_QB),
    E("cost_recovery:statement-action", "POST", "/cost-recovery/statements/UNON/UNEP/2026-01/issue/", ok={MANAGER_P}, hidden=NOT_PA),
    E("cost_recovery:statement-action", "POST", "/cost-recovery/statements/UNON/UNEP/2026-02/acknowledge/", ok=ONLY_A, hidden=NOT_PA),
    E("cost_recovery:statement-action", "POST", "/cost-recovery/statements/UNON/UNEP/2026-02/dispute/", bad=ONLY_A, hidden=NOT_PA),  # no comment
    E("cost_recovery:statement-action", "POST", "/cost-recovery/statements/UNON/UNEP/2026-02/dispute/", ok=ONLY_A, hidden=NOT_PA, data={"comment": "Two pages missing."}),
    E("cost_recovery:rate-list", "GET", "/cost-recovery/rates/", ok=SESSION),
    E("cost_recovery:rate-create", "GET", "/cost-recovery/rates/new/", ok=RATE_KEEPERS_P),
    E("cost_recovery:rate-create", "POST", "/cost-recovery/rates/new/", bad=RATE_KEEPERS_P, data={}),
    E("cost_recovery:rate-edit", "GET", "/cost-recovery/rates/{rate_p}/edit/", ok=RATE_KEEPERS_P),
    E("cost_recovery:rate-edit", "POST", "/cost-recovery/rates/{rate_p}/edit/", bad=RATE_KEEPERS_P, data={}),
    E("cost_recovery:rate-edit", "GET", "/cost-recovery/rates/{rate_q}/edit/", ok=CURATOR),
    E("cost_recovery:volume-list", "GET", "/cost-recovery/volumes/", ok=SESSION),  # rows scoped
    E("cost_recovery:value-for-money", "GET", "/cost-recovery/value-for-money/", ok=GLOBAL),
    E("cost_recovery-api:rate-list", "GET", "/api/v1/rates/", ok=SIGNED_IN),
    E("cost_recovery-api:rate-list", "POST", "/api/v1/rates/", bad=RATE_KEEPERS_P, data={}),
    E("cost_recovery-api:rate-detail", "GET", "/api/v1/rates/{rate_p}/", ok=SIGNED_IN),
    E("cost_recovery-api:rate-detail", "PUT", "/api/v1/rates/{rate_p}/", bad=RATE_KEEPERS_P, data={}),
    E("cost_recovery-api:rate-detail", "PATCH", "/api/v1/rates/{rate_p}/", ok=RATE_KEEPERS_P, data={}),
    E("cost_recovery-api:rate-detail", "PATCH", "/api/v1/rates/{rate_q}/", ok=CURATOR, data={}),
    E("cost_recovery-api:rate-detail", "DELETE", "/api/v1/rates/{rate_p}/", ok=RATE_KEEPERS_P),
    E("cost_recovery-api:statement-list", "GET", "/api/v1/statements/?provider=UNON&client=UNEP&period=2026-02", ok=SEES_PA, hidden=NOT_PA),
    E("cost_recovery-api:statement-list", "GET", "/api/v1/statements/?provider=KJSO&client=UNAMA&period=2026-02", ok=SEES_QB, hidden=NOT_QB),
    E("cost_recovery-api:statement-issue", "POST", "/api/v1/statements/issue/", ok={MANAGER_P}, data={"provider": "UNON", "client": "UNEP", "period": "2026-01"}),
    E("cost_recovery-api:statement-acknowledge", "POST", "/api/v1/statements/acknowledge/", ok=ONLY_A, hidden={CLIENT_B}, data=STATEMENT_PA),
    E("cost_recovery-api:statement-dispute", "POST", "/api/v1/statements/dispute/", ok=ONLY_A, hidden={CLIENT_B}, data={**STATEMENT_PA, "comment": "Two pages missing."}),
    E("cost_recovery-api:statement-dispute", "POST", "/api/v1/statements/dispute/", bad=ONLY_A, hidden={CLIENT_B}, data=STATEMENT_PA),  # no comment
    # Support capacities: read by the entity's people and its provider's (and the central
    # roles); kept by the entity's focal points and catalogue managers. The duplication
    # analysis: the central roles only.
    E("capacities:capacity-list", "GET", "/capacities/", ok=SESSION),  # rows scoped
    E("capacities:capacity-create", "GET", "/capacities/new/", ok=CAPACITY_KEEPERS),
    E("capacities:capacity-create", "POST", "/capacities/new/", bad=CAPACITY_KEEPERS, data={}),
    E("capacities:capacity-detail", "GET", "/capacities/{capacity_a}/", ok=SEES_CAPACITY_A, hidden=SIGNED_IN - SEES_CAPACITY_A),
    E("capacities:capacity-detail", "GET", "/capacities/{capacity_b}/", ok=SEES_CAPACITY_B, hidden=SIGNED_IN - SEES_CAPACITY_B),
    E("capacities:capacity-edit", "GET", "/capacities/{capacity_a}/edit/", ok={CATALOGUE, CLIENT_A}, hidden=SIGNED_IN - SEES_CAPACITY_A),
    E("capacities:capacity-edit", "POST", "/capacities/{capacity_a}/edit/", bad={CATALOGUE, CLIENT_A}, hidden=SIGNED_IN - SEES_CAPACITY_A, data={}),
    E("capacities:capacity-edit", "GET", "/capacities/{capacity_b}/edit/", ok={CATALOGUE, CLIENT_B}, hidden=SIGNED_IN - SEES_CAPACITY_B),
    E("capacities:capacity-delete", "POST", "/capacities/{capacity_a}/delete/", ok={CATALOGUE, CLIENT_A}, hidden=SIGNED_IN - SEES_CAPACITY_A),
    E("capacities:duplication", "GET", "/capacities/duplication/local-sharing/", ok=GLOBAL),
    E("capacities:duplication", "GET", "/capacities/duplication/consolidation/?export=csv", ok=GLOBAL),
    E("capacities:duplication", "GET", "/capacities/duplication/hardship/?export=xlsx", ok=GLOBAL),
    E("capacities-api:supportcapacity-list", "GET", "/api/v1/support-capacities/", ok=SIGNED_IN),  # rows scoped
    E("capacities-api:supportcapacity-list", "POST", "/api/v1/support-capacities/", bad=CAPACITY_KEEPERS, data={}),
    E("capacities-api:supportcapacity-detail", "GET", "/api/v1/support-capacities/{capacity_a}/", ok=SEES_CAPACITY_A, hidden=SIGNED_IN - SEES_CAPACITY_A),
    E("capacities-api:supportcapacity-detail", "GET", "/api/v1/support-capacities/{capacity_b}/", ok=SEES_CAPACITY_B, hidden=SIGNED_IN - SEES_CAPACITY_B),
    E("capacities-api:supportcapacity-detail", "PUT", "/api/v1/support-capacities/{capacity_a}/", bad={CATALOGUE, CLIENT_A}, hidden={CLIENT_B}, data={}),
    E("capacities-api:supportcapacity-detail", "PATCH", "/api/v1/support-capacities/{capacity_a}/", ok={CATALOGUE, CLIENT_A}, hidden={CLIENT_B}, data={}),
    E("capacities-api:supportcapacity-detail", "PATCH", "/api/v1/support-capacities/{capacity_b}/", ok={CATALOGUE, CLIENT_B}, hidden={CLIENT_A}, data={}),
    E("capacities-api:supportcapacity-detail", "DELETE", "/api/v1/support-capacities/{capacity_a}/", ok={CATALOGUE, CLIENT_A}, hidden={CLIENT_B}),
    E("capacities-api:duplication-local-sharing", "GET", "/api/v1/duplication/local-sharing/", ok=GLOBAL),
    E("capacities-api:duplication-consolidation", "GET", "/api/v1/duplication/consolidation/", ok=GLOBAL),
    E("capacities-api:duplication-hardship", "GET", "/api/v1/duplication/hardship/", ok=GLOBAL),

    E("webhooks:subscription-list", "GET", "/webhooks/", ok=HOOK_KEEPERS),  # rows scoped
    E("webhooks:subscription-create", "GET", "/webhooks/new/", ok=HOOK_KEEPERS),
    E("webhooks:subscription-create", "POST", "/webhooks/new/", bad=HOOK_KEEPERS, data={}),
    E("webhooks:subscription-edit", "GET", "/webhooks/{hook_p}/edit/", ok=HOOKS_P, hidden=HOOK_KEEPERS - HOOKS_P),
    E("webhooks:subscription-edit", "POST", "/webhooks/{hook_p}/edit/", bad=HOOKS_P, hidden=HOOK_KEEPERS - HOOKS_P, data={}),
    E("webhooks:subscription-edit", "GET", "/webhooks/{hook_b}/edit/", ok=HOOKS_B, hidden=HOOK_KEEPERS - HOOKS_B),
    E("webhooks:subscription-delete", "POST", "/webhooks/{hook_p}/delete/", ok=HOOKS_P, hidden=HOOK_KEEPERS - HOOKS_P),
    E("webhooks:delivery-list", "GET", "/webhooks/deliveries/", ok=HOOK_KEEPERS),  # rows scoped
    E("webhooks:delivery-detail", "GET", "/webhooks/deliveries/{delivery_p}/", ok=HOOKS_P, hidden=HOOK_KEEPERS - HOOKS_P),
    E("webhooks:delivery-detail", "GET", "/webhooks/deliveries/{delivery_b}/", ok=HOOKS_B, hidden=HOOK_KEEPERS - HOOKS_B),
    E("webhooks:delivery-redeliver", "POST", "/webhooks/deliveries/{delivery_p}/redeliver/", ok=HOOKS_P, hidden=HOOK_KEEPERS - HOOKS_P),
    E("webhooks-api:subscription-list", "GET", "/api/v1/webhook-subscriptions/", ok=HOOK_KEEPERS),  # rows scoped
    E("webhooks-api:subscription-list", "POST", "/api/v1/webhook-subscriptions/", bad=HOOK_KEEPERS, data={}),
    E("webhooks-api:subscription-detail", "GET", "/api/v1/webhook-subscriptions/{hook_p}/", ok=HOOKS_P, hidden=HOOK_KEEPERS - HOOKS_P),
    E("webhooks-api:subscription-detail", "GET", "/api/v1/webhook-subscriptions/{hook_b}/", ok=HOOKS_B, hidden=HOOK_KEEPERS - HOOKS_B),
    E("webhooks-api:subscription-detail", "PUT", "/api/v1/webhook-subscriptions/{hook_p}/", bad=HOOKS_P, hidden=HOOK_KEEPERS - HOOKS_P, data={}),
    E("webhooks-api:subscription-detail", "PATCH", "/api/v1/webhook-subscriptions/{hook_p}/", ok=HOOKS_P, hidden=HOOK_KEEPERS - HOOKS_P, data={}),
    E("webhooks-api:subscription-detail", "DELETE", "/api/v1/webhook-subscriptions/{hook_p}/", ok=HOOKS_P, hidden=HOOK_KEEPERS - HOOKS_P),
    E("webhooks-api:delivery-list", "GET", "/api/v1/webhook-deliveries/", ok=HOOK_KEEPERS),  # rows scoped
    E("webhooks-api:delivery-detail", "GET", "/api/v1/webhook-deliveries/{delivery_p}/", ok=HOOKS_P, hidden=HOOK_KEEPERS - HOOKS_P),
    E("webhooks-api:delivery-detail", "GET", "/api/v1/webhook-deliveries/{delivery_b}/", ok=HOOKS_B, hidden=HOOK_KEEPERS - HOOKS_B),
    E("webhooks-api:delivery-redeliver", "POST", "/api/v1/webhook-deliveries/{delivery_p}/redeliver/", ok=HOOKS_P, hidden=HOOK_KEEPERS - HOOKS_P),
]
# fmt: on


# --- the world every role is tried against -------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for every role, in a transaction rolled back after the module; each test
    runs inside it (its own savepoint), and each call in a savepoint of its own."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


def _build_world():
    """P–A and Q–B objects of every kind, and one user per role."""
    unon, kjso = (ServiceProvider.objects.get(code=c) for c in ("UNON", "KJSO"))
    unep, unama = (ClientEntity.objects.get(code=c) for c in ("UNEP", "UNAMA"))
    users = {
        CLIENT_A: user_with_role(Role.CLIENT_FOCAL_POINT, client=unep),
        CLIENT_B: user_with_role(Role.CLIENT_FOCAL_POINT, client=unama),
        STAFF_P: user_with_role(Role.PROVIDER_STAFF, provider=unon),
        STAFF_Q: user_with_role(Role.PROVIDER_STAFF, provider=kjso),
        MANAGER_P: user_with_role(Role.PROVIDER_MANAGER, provider=unon),
        CATALOGUE: user_with_role(Role.CATALOGUE_MANAGER),
        MANAGEMENT: user_with_role(Role.MANAGEMENT),
    }
    import_csv(
        "N-0,UNON,UNEP,CONF-DOC,2026-01-05T08:00,2026-01-06T09:00,,,false\n"
        "N-1,UNON,UNEP,CONF-DOC,2026-02-02T08:00,2026-02-03T09:00,,,false\n"
        "K-1,KJSO,UNAMA,PAY-OFF,2026-02-01T08:00,2026-02-02T09:00,,,false\n"
    )
    for provider in (unon, kjso):
        compute_provider_month(
            provider_id=provider.pk,
            month=dt.date(2026, 2, 1),
            now=dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
        )
    imports = {}
    for key, user, text in (("import_p", users[STAFF_P], "M-1,UNON,UNEP,CONF-DOC,2026-02-02"),
                            ("import_q", users[STAFF_Q], "M-2,KJSO,UNAMA,PAY-OFF,2026-02-02")):  # fmt: skip
        source = ContentFile((CSV.splitlines()[0] + "\n" + text + "\n").encode())
        record_import = record_import_create(user=user, filename="m.csv", source=source)
        validate_record_import(record_import.pk)
        imports[key] = record_import.pk
    sla_pa = sla_create(
        user=users[STAFF_P], provider=unon, client=unep, start_date=dt.date(2030, 1, 1),
        end_date=dt.date(2030, 12, 31), lines=[line("CONF-DOC")],
    )  # fmt: skip
    submitted, approved = (
        sla_create(
            user=users[STAFF_P],
            provider=unon,
            client=unep,
            start_date=start,
            end_date=start + dt.timedelta(days=300),
            lines=[line("CONF-DOC")],
        )
        for start in (dt.date(2032, 1, 1), timezone.localdate() - dt.timedelta(days=30))
    )
    for sla in (submitted, approved):
        sla_submit(sla=sla, user=users[STAFF_P])
    sla_approve(sla=approved, user=users[CLIENT_A])
    sla_approve(sla=approved, user=users[MANAGER_P])
    sla_qb = sla_create(
        user=users[STAFF_Q], provider=kjso, client=unama, start_date=dt.date(2030, 1, 1),
        end_date=dt.date(2030, 12, 31), lines=[line("PAY-OFF", provider_code="KJSO")],
    )  # fmt: skip
    notify(users=[users[STAFF_Q]], verb="test", title="For staff of Q only")
    statement_issue(user=users[MANAGER_P], provider=unon, client=unep, month=dt.date(2026, 2, 1))
    surveyed = _build_surveys(users, unon, kjso, unep, unama)
    capacities = _build_capacities(unep, unama, kjso)
    hooks = _build_webhooks(unon, unama)
    objects = {
        **imports,
        "record_pa": ServiceRecord.objects.get(external_ref="N-1").pk,
        "record_qb": ServiceRecord.objects.get(external_ref="K-1").pk,
        "sla_pa": sla_pa.pk,
        "sla_qb": sla_qb.pk,
        "sla_pa_submitted": submitted.pk,
        "sla_pa_approved": approved.pk,
        "result_p": ComplianceResult.objects.filter(provider=unon).first().pk,
        "result_q": ComplianceResult.objects.filter(provider=kjso).first().pk,
        "notification_staff_q": users[STAFF_Q].notifications.get().pk,
        "station": DutyStation.objects.first().pk,
        "audit_entry": AuditEntry.objects.first().pk,
        "holiday": Holiday.objects.first().pk,
        "provider_q": kjso.pk,
        "client_b": unama.pk,
        "area": Service.objects.get(code="PAY-OFF").area_id,
        "service": Service.objects.get(code="PAY-OFF").pk,
        # Not the one surveyed (deleting that one is refused: 409).
        "offering_q": Offering.objects.filter(provider=kjso)
        .exclude(pk=surveyed["surveyed_q"])
        .first()
        .pk,
        "standard": MinimumServiceStandard.objects.first().pk,
        "designation_b": Designation.objects.filter(client=unama).first().pk,
        "designation_pa": designation_request(
            user=users[CLIENT_A],
            client=unep,
            provider=unon,
            service=Service.objects.get(code="FIN-VEN"),
            valid_from=dt.date(2030, 1, 1),
        ).pk,
        "rate_p": Rate.objects.get(offering__provider=unon, offering__service__code="CONF-DOC").pk,
        "rate_q": Rate.objects.get(offering__provider=kjso, offering__service__code="PAY-OFF").pk,
        "token_p": issue_token(user=users[MANAGER_P], provider=unon)[0].pk,
        **surveyed,
        **capacities,
        **hooks,
    }
    return users, objects


def _build_capacities(unep, unama, kjso) -> dict:
    """A's own HR team in Nairobi, and B's HR in Kabul served by Q."""
    from capacities.models import SupportCapacity

    station = DutyStation.objects.get
    area = Service.objects.get(code="PAY-OFF").area
    own = SupportCapacity.objects.create(
        client=unep, duty_station=station(code="NBO"), area=area, posts=3
    )
    served = SupportCapacity.objects.create(
        client=unama, duty_station=station(code="KBL"), area=area, served_by=kjso
    )
    return {"capacity_a": own.pk, "capacity_b": served.pk}


def _build_webhooks(unon, unama) -> dict:
    """A webhook of P and one of B, each with a failed delivery (redeliverable)."""
    hook_p = SubscriptionFactory(provider=unon)
    hook_b = SubscriptionFactory(provider=None, client=unama)
    return {
        "hook_p": hook_p.pk,
        "hook_b": hook_b.pk,
        "delivery_p": DeliveryFactory(subscription=hook_p, status="failed").pk,
        "delivery_b": DeliveryFactory(subscription=hook_b, status="failed").pk,
    }


def _build_surveys(users, unon, kjso, unep, unama) -> dict:
    """Open campaigns asking A about P's service and B about Q's, a draft, and an answer
    of the client A user."""
    offerings = Offering.objects.select_related("provider__duty_station", "service")
    offering_p = offerings.get(provider=unon, service__code="CONF-DOC")
    offering_q = offerings.get(provider=kjso, service__code="PAY-OFF")
    today = timezone.localdate()
    campaigns = {
        key: campaign_create(
            user=users[CATALOGUE],
            name=key,
            opens_on=today - dt.timedelta(days=10),
            closes_on=today + dt.timedelta(days=60),
            offerings=[offering],
            clients=[client],
        )
        for key, offering, client in (
            ("campaign_pa", offering_p, unep),
            ("campaign_qb", offering_q, unama),
            ("campaign_draft", offering_p, unep),
        )
    }
    for key in ("campaign_pa", "campaign_qb"):
        campaigns[key] = campaign_open(campaign=campaigns[key], user=users[CATALOGUE])
    answer = answer_submit(
        user=users[CLIENT_A], campaign=campaigns["campaign_pa"], offering=offering_p,
        data=AnswerInput(4, 4, 4, 4, 4, "Fine."),
    )  # fmt: skip
    return {
        **{key: campaign.pk for key, campaign in campaigns.items()},
        "surveyed_p": offering_p.pk,
        "surveyed_q": offering_q.pk,
        "answer_a": answer.pk,
    }


@dataclass
class Clients:
    role: str
    pages: APIClient
    api: APIClient

    def __iter__(self):
        return iter((self.pages, self.api))


def _client_for(role: str, users: dict) -> Clients:
    """(pages, API) clients for a role: a session for people, a token for the integration."""
    pages, api = APIClient(), APIClient()
    if role == INTEGRATION_P:
        unon = ServiceProvider.objects.get(code="UNON")
        _token, clear = issue_token(user=users[MANAGER_P], provider=unon, name="Matrix ERP")
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {clear}")
    elif role != ANONYMOUS:
        pages.force_login(users[role])
        api.force_login(users[role])
    return Clients(role, pages, api)


def _outcome(response) -> str:
    code = response.status_code
    assert code < 500, f"server error {code}"
    if code in (301, 302, 303) and "login/?next=" in response.get("Location", ""):
        return "deny"
    if code < 400:
        return "ok"
    if code in (400, 409):
        return "bad"
    if code == 404:
        return "404"
    if code in (401, 403):
        return "deny"
    return str(code)


def _call(entry: E, clients, users, objects) -> str:
    pages, api = clients
    if entry.route == "logout":  # signing out ends the session: use one of its own
        pages = _client_for(clients.role, users).pages
    path = entry.path.format(**objects)
    is_api = path.startswith("/api/") and not path.startswith("/api/v1/auth/")
    caller = api if is_api else pages
    kwargs = {"format": "json"} if is_api else {}
    data = entry.data
    if isinstance(data, dict):
        data = {k: v.format(**objects) if isinstance(v, str) else v for k, v in data.items()}
    if entry.route == "login" and entry.method == "POST":
        data = {"username": "nobody", "password": "wrong"}
    # Every call in a savepoint rolled back afterwards: the next one sees the same world.
    with transaction.atomic():
        response = getattr(caller, entry.method.lower())(path, data, **kwargs)
        transaction.set_rollback(True)
    if is_api and clients.role == ANONYMOUS and response.status_code == 403:
        return "403 (an API call without credentials answers 401)"
    if response.status_code == 401 and not response.get("WWW-Authenticate"):
        return "401 without WWW-Authenticate"
    return _outcome(response)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_the_allowed_set(world, db, role):
    users, objects = world
    clients = _client_for(role, users)
    wrong = []
    for entry in MATRIX:
        got = _call(entry, clients, users, objects)
        if got != entry.expected(role):
            wrong.append(f"{entry.method} {entry.path}: expected {entry.expected(role)}, got {got}")
    assert not wrong, f"{role}:\n  " + "\n  ".join(wrong)


# --- every route of the URLconf has a line -------------------------------------------

# Note: the admin's own pages are many; the lines named "admin" stand for all of them
# (the admin site itself lets only staff with permissions in).
COVERED_AS_A_WHOLE = {"admin"}
PAGE_METHODS = ("get", "post", "put", "patch", "delete")


def _routes(patterns=None, prefix="", namespace=""):
    """(route name, pattern, methods) for every endpoint of the URLconf."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            if ns in COVERED_AS_A_WHOLE:
                yield ns, prefix + str(pattern.pattern), {"GET"}
                continue
            full_ns = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else pattern.namespace or namespace
            )
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern), full_ns)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or str(pattern.pattern)
            if namespace:
                name = f"{namespace.split(':')[-1]}:{name}"
            yield name, prefix + str(pattern.pattern), _methods(pattern.callback)


def _methods(callback) -> set[str]:
    if getattr(callback, "actions", None):  # a DRF viewset route
        # HEAD is GET without a body; a method the viewset refuses (405) is no door.
        allowed = set(callback.cls.http_method_names) - {"head"}
        return {m.upper() for m in callback.actions if m in allowed}
    cls = callback.view_class
    methods = {m for m in cls.http_method_names if m in PAGE_METHODS and hasattr(cls, m)}
    if getattr(cls, "put", None) is ProcessFormView.put:
        methods.discard("put")  # Django's form views answer PUT as POST: no separate door
    return {m.upper() for m in methods}


def test_every_route_has_a_matrix_entry():
    covered = {(e.route, e.method) for e in MATRIX}
    missing = [
        f"{method} {route!r} ({pattern}): add a line to MATRIX in "
        f"tests/test_authorization_matrix.py, e.g. "
        f'E("{route}", "{method}", "/path/{{object}}/", ok=..., hidden=...)'
        for route, pattern, methods in _routes()
        for method in sorted(methods)
        if (route, method) not in covered
    ]
    assert not missing, "Routes without an authorization matrix entry:\n" + "\n".join(missing)
