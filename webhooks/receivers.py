"""What webhooks hear: the lower apps' announcements, each turned into events for the
subscribers of the organisations concerned (``services.emit_events``), whose deliveries
are then sent (``tasks.send_deliveries``).

Every signal heard here is sent once its change has committed, so an event never tells
of a change that was rolled back. Events carry ids, codes and the portal's URLs of the
objects (thin payloads): a receiver reads the rest through the API, with its own rights.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.urls import reverse

from catalogue.models import FunctionalArea, Service
from catalogue.signals import designation_changed
from clients.models import ClientEntity
from compliance.models import WITHHELD_RESULTS, ComplianceResult, ComplianceRun
from compliance.signals import compliance_computed
from cost_recovery.models import Statement
from cost_recovery.signals import statement_issued
from providers.models import ServiceProvider
from records.models import RecordImport
from records.signals import import_finished
from sla.models import Sla
from sla.signals import sla_status_changed

from .choices import EventType
from .models import Subscription
from .services import Event, emit_events
from .tasks import send_deliveries


def _url(name: str, *args, query: str = "") -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(name, args=args) + query


def _emit(events: list[Event]) -> list[int]:
    ids = emit_events(events)
    send_deliveries(ids)
    return ids


@receiver(compliance_computed, sender=ComplianceRun, dispatch_uid="webhooks.compliance")
def compliance_events(sender, runs=(), breached=(), **kwargs) -> list[int]:
    """``compliance.computed`` for each (provider, month) run; ``compliance.breached`` for
    each result newly announced as breached (its month final), to the provider and, for
    an SLA target, its client: the same results as the breach notices (a satisfaction
    figure from too few answers is withheld there, and here)."""
    codes = dict(
        ServiceProvider.objects.filter(pk__in={r.provider_id for r in runs}).values_list(
            "pk", "code"
        )
    )
    events = [
        Event(
            EventType.COMPLIANCE_COMPUTED,
            {
                "run": run.pk,
                "provider": codes[run.provider_id],
                "period": f"{run.period:%Y-%m}",
                "trigger": run.trigger,
                "rows_written": run.rows_written,
                "finished_at": run.finished_at,
                "url": _url(
                    "compliance:compliance-list",
                    query=f"?provider={codes[run.provider_id]}&period={run.period:%Y-%m}",
                ),
            },
            provider_id=run.provider_id,
            key=f"run:{run.pk}",
            occurred_at=run.finished_at,
        )
        for run in runs
    ]
    results = (
        ComplianceResult.objects.filter(key__in=list(breached), provisional=False)
        .exclude(WITHHELD_RESULTS)
        .select_related("provider", "client", "service", "standard", "sla__agreement")
        if breached
        else []
    )
    for result in results:
        events.append(
            Event(
                EventType.COMPLIANCE_BREACHED,
                {
                    "result": result.pk,
                    "key": result.key,
                    "provider": result.provider.code,
                    "client": result.client.code if result.client_id else None,
                    "service": result.service.code,
                    "standard": result.standard.code,
                    "sla": result.sla_id,
                    "agreement": result.sla.agreement.number if result.sla_id else None,
                    "period": f"{result.period:%Y-%m}",
                    "met": result.met,
                    "eligible": result.eligible,
                    "target_pct": str(result.target_pct.normalize()),
                    "final": True,
                    "url": _url(
                        "compliance:compliance-list",
                        query=f"?provider={result.provider.code}&period={result.period:%Y-%m}"
                        "&status=breached",
                    ),
                    "api_url": _url("compliance-api:complianceresult-detail", result.pk),
                },
                provider_id=result.provider_id,
                client_id=result.client_id,
                key=f"breach:{result.key}",
                occurred_at=result.breach_notified_at,
            )
        )
    return _emit(events)


@receiver(sla_status_changed, sender=Sla, dispatch_uid="webhooks.sla")
def sla_event(sender, sla, previous, status, **kwargs) -> list[int]:
    """``sla.state_changed``, to the provider's and the client's subscribers."""
    agreement = sla.agreement
    data = {
        "sla": sla.pk,
        "agreement": agreement.number,
        "version": sla.version,
        "provider": agreement.provider.code,
        "client": agreement.client.code,
        "from": previous,
        "to": status,
        "start_date": sla.start_date,
        "end_date": sla.end_date,
        "url": _url("sla:sla-detail", sla.pk),
        "api_url": _url("sla-api:sla-detail", sla.pk),
    }
    return _emit(
        [
            Event(
                EventType.SLA_STATE_CHANGED,
                data,
                provider_id=agreement.provider_id,
                client_id=agreement.client_id,
            )
        ]
    )


@receiver(import_finished, sender=RecordImport, dispatch_uid="webhooks.import")
def import_event(sender, record_import, **kwargs) -> list[int]:
    """``import.finished`` (done, rejected or failed), to the subscribers of the provider
    the uploader acted for (an import by a global user names no provider: no event)."""
    if not record_import.provider_id:
        return []
    data = {
        "import": record_import.pk,
        "provider": record_import.provider.code,
        "status": record_import.status,
        "rows_total": record_import.rows_total,
        "rows_valid": record_import.rows_valid,
        "error_count": record_import.error_count,
        "created": record_import.created,
        "updated": record_import.updated,
        "unchanged": record_import.unchanged,
        "url": _url("records:recordimport-detail", record_import.pk),
        "api_url": _url("records-api:recordimport-detail", record_import.pk),
    }
    return _emit(
        [
            Event(
                EventType.IMPORT_FINISHED,
                data,
                provider_id=record_import.provider_id,
                key=f"import:{record_import.pk}:{record_import.status}",
                occurred_at=record_import.finished_at,
            )
        ]
    )


@receiver(statement_issued, sender=Statement, dispatch_uid="webhooks.statement")
def statement_event(sender, statement, **kwargs) -> list[int]:
    """``statement.issued``, to the provider's and the client's subscribers."""
    period = f"{statement.month:%Y-%m}"
    provider, client = statement.provider.code, statement.client.code
    data = {
        "statement": statement.pk,
        "provider": provider,
        "client": client,
        "period": period,
        "currency": statement.currency,
        "total": str(statement.total),
        "url": _url("cost_recovery:statement-detail", provider, client, period),
        "api_url": _url(
            "cost_recovery-api:statement-list",
            query=f"?provider={provider}&client={client}&period={period}",
        ),
    }
    return _emit(
        [
            Event(
                EventType.STATEMENT_ISSUED,
                data,
                provider_id=statement.provider_id,
                client_id=statement.client_id,
                key=f"statement:{statement.pk}",
                occurred_at=statement.issued_at,
            )
        ]
    )


@receiver(designation_changed, dispatch_uid="webhooks.designation_changed")
def designation_event(sender, designation, action, **kwargs):
    """``designation.changed`` (requested, approved, declined, withdrawn or ended), to the
    designated provider's and the client entity's subscribers; the catalogue sends it once
    the change has committed."""
    data = {
        "designation": designation.pk,
        "action": action,
        "provider_id": designation.provider_id,
        "client_id": designation.client_id,
        "service_id": designation.service_id,
        "area_id": designation.area_id,
        "status": designation.status,
        "valid_from": designation.valid_from,
        "valid_to": designation.valid_to,
    }
    event = Event(
        EventType.DESIGNATION_CHANGED,
        data,
        provider_id=designation.provider_id,
        client_id=designation.client_id,
    )
    transaction.on_commit(lambda: _emit_designation(event))


def _emit_designation(event: Event) -> list[int]:
    """Emit the event, with the designation's organisations and service or area by code
    (read once it has committed; a deleted designation's objects may be gone: their ids
    stay), when anyone listens: the reference data loader saves hundreds."""
    listening = Subscription.objects.filter(is_active=True).filter(
        Q(provider_id=event.provider_id) | Q(client_id=event.client_id)
    )
    if not listening.exists():
        return []
    data = dict(event.data)
    for name, model in (
        ("provider", ServiceProvider),
        ("client", ClientEntity),
        ("service", Service),
        ("area", FunctionalArea),
    ):
        pk = data.get(f"{name}_id")
        data[name] = (
            model.objects.filter(pk=pk).values_list("code", flat=True).first() if pk else None
        )
    if data["client"]:
        data["url"] = _url("catalogue:cliententity-detail", data["client"])
    data["api_url"] = _url("catalogue-api:designation-detail", data["designation"])
    return _emit([Event(event.type, data, event.provider_id, event.client_id)])
