"""Volumes against the SLA: each line's expected volume beside the volume and amount to
date and the variance; a notice, once, when a client runs 20% over the volume expected to
date (expected × days elapsed ÷ days of the period)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Notification
from clients.models import ClientEntity
from cost_recovery.models import VolumeNotice
from cost_recovery.selectors import line_volumes
from cost_recovery.services import volume_notices_send
from providers.models import ServiceProvider
from records.models import ServiceRecord
from records.signals import records_changed
from tests.cost_recovery.factories import active_sla
from tests.factories import user_with_role
from tests.records.factories import import_csv

pytestmark = pytest.mark.django_db

KUWAIT = ZoneInfo("Asia/Kuwait")
# The 10th day of a 365-day SLA, in Kuwait: 10 days elapsed.
NOW = dt.datetime(2026, 1, 10, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def sla():
    kjso = ServiceProvider.objects.get(code="KJSO")
    offerings = {o.service.code: o for o in kjso.offerings.select_related("service")}
    return active_sla(
        provider=kjso,
        client=ClientEntity.objects.get(code="UNAMA"),
        lines=[(offerings["PAY-OFF"], 365), (offerings["TRV-OFF"], 730)],
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
    )


def records(service: str, count: int, *, day: int = 5, defective: bool = False, prefix="V"):
    rows = "".join(
        f"{prefix}-{service}-{n},KJSO,UNAMA,{service},2026-01-0{day}T08:00+03:00,"
        f"2026-01-0{day}T09:00+03:00,,,{'true' if defective else 'false'}\n"
        for n in range(count)
    )
    assert import_csv(rows).status == "done"


def volumes(sla, now=NOW):
    lines = list(
        sla.lines.select_related(
            "offering__service", "sla__agreement__provider__duty_station", "sla__agreement__client"
        )
    )
    return {v.line.offering.service.code: v for v in line_volumes(lines=lines, now=now)}


class TestFigures:
    def test_expected_to_date_actual_amount_and_variance_by_hand(self, sla):
        records("PAY-OFF", 12)
        records("PAY-OFF", 2, defective=True, prefix="D")  # not charged: not billed
        records("TRV-OFF", 5)
        # One completed on the 11th in Kuwait (after today): not yet.
        import_csv(
            "V-LATE,KJSO,UNAMA,TRV-OFF,2026-01-10T08:00+03:00,2026-01-10T21:30:00Z,,,false\n"
        )
        pay, trv = volumes(sla)["PAY-OFF"], volumes(sla)["TRV-OFF"]
        assert (pay.expected, pay.expected_to_date, pay.actual) == (365, Decimal("10.00"), 12)
        assert (pay.variance, pay.variance_pct, pay.amount) == (
            Decimal("2.00"),
            Decimal("20.0"),
            Decimal("290.40"),  # 12 × 24.20
        )
        assert pay.runs_over  # exactly 20% over
        assert (trv.expected_to_date, trv.actual, trv.amount) == (
            Decimal("20.00"),
            5,
            Decimal("154.00"),
        )
        assert (trv.variance, trv.variance_pct, trv.runs_over) == (
            Decimal("-15.00"),
            Decimal("-75.0"),
            False,
        )

    def test_just_under_20_percent_is_not_over(self, sla):
        records("PAY-OFF", 11)
        assert not volumes(sla)["PAY-OFF"].runs_over

    def test_before_the_period_nothing_is_expected_nor_counted(self, sla):
        records("PAY-OFF", 12)
        before = volumes(sla, now=dt.datetime(2025, 12, 31, 12, tzinfo=dt.UTC))["PAY-OFF"]
        assert (before.expected_to_date, before.actual, before.runs_over) == (Decimal(0), 0, False)


class TestNotice:
    def test_the_parties_are_told_once(self, sla, django_capture_on_commit_callbacks):
        kjso, unama = sla.agreement.provider, sla.agreement.client
        user_with_role(Role.PROVIDER_MANAGER, provider=kjso, username="kjso-manager")
        user_with_role(Role.CLIENT_FOCAL_POINT, client=unama, username="unama-focal")
        user_with_role(Role.PROVIDER_STAFF, provider=kjso, username="kjso-staff")
        records("PAY-OFF", 12)
        assert volume_notices_send(now=NOW) == 1
        notes = Notification.objects.filter(verb="sla.volume_over")
        assert sorted(n.user.username for n in notes) == ["kjso-manager", "unama-focal"]
        assert "PAY-OFF" in notes[0].title and "20.0% over" in notes[0].message
        assert notes[0].url == f"/slas/{sla.pk}/#volumes"
        assert VolumeNotice.objects.get().actual == 12
        records("PAY-OFF", 5, prefix="MORE")
        assert volume_notices_send(now=NOW) == 0
        assert notes.count() == 2

    def test_records_changing_checks_the_volumes(self, django_capture_on_commit_callbacks):
        kjso = ServiceProvider.objects.get(code="KJSO")
        today = timezone.now().astimezone(KUWAIT).date()
        start = today - dt.timedelta(days=9)
        sla = active_sla(
            provider=kjso,
            client=ClientEntity.objects.get(code="UNAMA"),
            lines=[(kjso.offerings.get(service__code="PAY-OFF"), 365)],
            start=start,
            end=start + dt.timedelta(days=364),
        )
        done = (timezone.now() - dt.timedelta(hours=1)).isoformat(timespec="minutes")
        rows = "".join(
            f"R-{n},KJSO,UNAMA,PAY-OFF,{start.isoformat()}T00:30+03:00,{done},,,false\n"
            for n in range(12)
        )
        assert import_csv(rows).status == "done"
        with django_capture_on_commit_callbacks(execute=True):
            records_changed.send(sender=ServiceRecord)
        assert VolumeNotice.objects.filter(line__sla=sla).exists()


class TestPages:
    def test_the_sla_page_and_the_volumes_page_show_the_variance(self, client, sla):
        records("PAY-OFF", 12)
        client.force_login(user_with_role(Role.MANAGEMENT))
        page = client.get(f"/slas/{sla.pk}/").content.decode()
        assert "Volumes and amounts to date" in page and "290.40" in page
        response = client.get("/cost-recovery/volumes/", {"provider": "KJSO"})
        table = response.context["table"]
        assert [row[2].value for row in table.rows] == ["PAY-OFF", "TRV-OFF"]

    def test_a_client_sees_only_its_own_slas_lines(self, client, sla):
        unep = ClientEntity.objects.get(code="UNEP")
        client.force_login(user_with_role(Role.CLIENT_FOCAL_POINT, client=unep))
        assert client.get("/cost-recovery/volumes/").context["table"].rows == []
        assert client.get(f"/slas/{sla.pk}/").status_code == 404
