"""The notice sent when a client runs over its SLA's expected volume: at least 20% above
the volume expected to date (``LineVolume.runs_over``). The client's focal points and the
provider's managers are told once per SLA line (in the app and by e-mail); the notice is
recorded in the same transaction, so a second check never tells them again.
"""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from accounts.services import Notice, notify_all, role_holders
from sla.choices import BINDING_STATUSES
from sla.models import SlaLine

from ..choices import VOLUME_NOTICE_OVER_PCT
from ..models import VolumeNotice
from ..selectors.volumes import line_volumes


def lines_in_force(*, now: dt.datetime) -> list[SlaLine]:
    """The lines of SLA versions binding their parties around today (approved or active),
    with what ``line_volumes`` reads. A day either side: each provider's own date decides."""
    today = now.date()
    return list(
        SlaLine.objects.filter(
            sla__status__in=BINDING_STATUSES,
            sla__start_date__lte=today + dt.timedelta(days=1),
            sla__end_date__gte=today - dt.timedelta(days=1),
        ).select_related(
            "sla__agreement__provider__duty_station",
            "sla__agreement__client",
            "offering__service",
        )
    )


@transaction.atomic
def volume_notices_send(*, now: dt.datetime | None = None) -> int:
    """Tell the parties of every SLA line whose client runs over its expected volume, once.
    Returns how many lines were noticed."""
    now = now or timezone.now()
    volumes = [v for v in line_volumes(lines=lines_in_force(now=now), now=now) if v.runs_over]
    told = set(
        VolumeNotice.objects.filter(line_id__in=[v.line.pk for v in volumes]).values_list(
            "line_id", flat=True
        )
    )
    volumes = [v for v in volumes if v.line.pk not in told]
    if not volumes:
        return 0
    managers, focal_points = role_holders(
        provider_roles=[Role.PROVIDER_MANAGER],
        provider_ids={v.sla.agreement.provider_id for v in volumes},
        client_roles=[Role.CLIENT_FOCAL_POINT],
        client_ids={v.sla.agreement.client_id for v in volumes},
    )
    notices = []
    for volume in volumes:
        VolumeNotice.objects.create(
            line=volume.line,
            sent_at=now,
            actual=volume.actual,
            expected_to_date=volume.expected_to_date,
        )
        agreement = volume.sla.agreement
        service = volume.line.offering.service
        notices.append(
            Notice(
                users=managers.get(agreement.provider_id, [])
                + focal_points.get(agreement.client_id, []),
                verb="sla.volume_over",
                title=(
                    f"{agreement.client.code} runs over its expected volume of {service.code} "
                    f"({volume.sla})"
                ),
                message=(
                    f"{agreement.client.name} has used {volume.actual} {service.unit_of_service}"
                    f" unit(s) of {service.code} from {agreement.provider.code} so far, against "
                    f"{volume.expected_to_date} expected to date ({volume.expected} over the "
                    f"SLA's period): {volume.variance_pct}% over, the notice being sent from "
                    f"{VOLUME_NOTICE_OVER_PCT}% over. Amount to date: {volume.amount} "
                    f"{volume.currency}."
                ),
                url=reverse("sla:sla-detail", args=[volume.sla.pk]) + "#volumes",
            )
        )
    notify_all(notices)
    return len(volumes)
