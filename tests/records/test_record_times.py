"""A record's times on its page and in the list: in the viewer's zone, named, and in the
provider's local time (the zone of the calendar it is measured on, which compliance counts
its months in). The export gives the same instants to everyone."""

from zoneinfo import ZoneInfo

import pytest

from accounts.choices import Role
from accounts.services import set_time_zone
from providers.models import ServiceProvider
from records.models import ServiceRecord
from tests.factories import user_with_role
from tests.records.factories import import_csv

pytestmark = pytest.mark.django_db

# Received 09:00 and completed 10:00 Nairobi time (UTC+3), written as the provider's
# local time: 06:00 and 07:00 UTC. The Kuwait one at 08:00 Kuwait time: 05:00 UTC.
ROWS = (
    "TZ-N,UNON,UNEP,CONF-DOC,2026-01-05T09:00,2026-01-06T10:00,,,false\n"
    "TZ-K,KJSO,UNAMA,PAY-OFF,2026-01-04T08:00,2026-01-04T12:00,,,false\n"
    "TZ-O,UNON,UNEP,CONF-DOC,2026-01-05T09:00,,open,,false\n"
)


@pytest.fixture
def records():
    result = import_csv(ROWS)
    assert result.status == "done", result.message
    return {r.external_ref: r for r in ServiceRecord.objects.filter(external_ref__startswith="TZ-")}


def viewer(client, role=Role.MANAGEMENT, zone="", **org):
    user = user_with_role(role, **org)
    if zone:
        set_time_zone(user=user, name=zone)
    client.force_login(user)
    return user


def page(client, url, **query) -> str:
    response = client.get(url, query)
    assert response.status_code == 200
    return response.content.decode()


def time(text, zone, iso):
    return f'<time datetime="{iso}" title="{zone}">{text}</time>'


class TestRecordPage:
    def test_nairobi_staff_see_a_0900_import_as_0900(self, client, records):
        viewer(client, Role.PROVIDER_STAFF, provider=ServiceProvider.objects.get(code="UNON"))
        text = page(client, f"/records/{records['TZ-N'].pk}/")
        received = time("2026-01-05 09:00 EAT", "Africa/Nairobi", "2026-01-05T06:00:00Z")
        completed = time("2026-01-06 10:00 EAT", "Africa/Nairobi", "2026-01-06T07:00:00Z")
        assert f"<dt>Received</dt><dd>{received}" in text
        assert f"<dt>Completed</dt><dd>{completed}" in text
        assert f"Provider's local time: {received}" in text
        assert f"Provider's local time: {completed}" in text
        assert "2026-01-05 06:00" not in text and " UTC<" not in text
        assert "Times in Africa/Nairobi" in text

    def test_in_kuwait_time_with_the_providers_nairobi_time(self, client, records):
        viewer(client, zone="Asia/Kuwait")
        text = page(client, f"/records/{records['TZ-N'].pk}/")
        mine = time("2026-01-05 09:00 UTC+03", "Asia/Kuwait", "2026-01-05T06:00:00Z")
        theirs = time("2026-01-05 09:00 EAT", "Africa/Nairobi", "2026-01-05T06:00:00Z")
        assert f"<dt>Received</dt><dd>{mine}" in text
        assert f"Provider's local time: {theirs}" in text

    def test_a_kuwait_record_in_rome_time(self, client, records):
        viewer(client, zone="Europe/Rome")
        text = page(client, f"/records/{records['TZ-K'].pk}/")
        assert time("2026-01-04 06:00 CET", "Europe/Rome", "2026-01-04T05:00:00Z") in text
        local = time("2026-01-04 08:00 UTC+03", "Asia/Kuwait", "2026-01-04T05:00:00Z")
        assert f"Provider's local time: {local}" in text

    def test_without_a_preference_or_an_organisation_times_stay_in_utc(self, client, records):
        viewer(client)
        text = page(client, f"/records/{records['TZ-N'].pk}/")
        assert "2026-01-05 06:00 UTC</time>" in text
        assert "2026-01-06 07:00 UTC</time>" in text
        assert (
            "Provider's local time: "
            + time("2026-01-05 09:00 EAT", "Africa/Nairobi", "2026-01-05T06:00:00Z")
            in text
        )

    def test_an_open_records_deadlines_in_both_zones(self, client, records):
        viewer(client, zone="America/New_York")
        response = client.get(f"/records/{records['TZ-O'].pk}/")
        (deadline, *_) = response.context["deadlines"]
        text = response.content.decode()
        due = deadline.due_at
        ny = due.astimezone(ZoneInfo("America/New_York"))
        nbo = due.astimezone(ZoneInfo("Africa/Nairobi"))
        assert f">{ny:%Y-%m-%d %H:%M} EST</time>" in text
        assert f">{nbo:%Y-%m-%d %H:%M} EAT</time>" in text


class TestRecordList:
    def test_each_time_in_the_viewers_zone_and_the_providers(self, client, records):
        viewer(client, zone="Asia/Kuwait")
        text = page(client, "/records/", q="TZ-")
        assert time("2026-01-04 08:00 UTC+03", "Asia/Kuwait", "2026-01-04T05:00:00Z") in text
        assert time("2026-01-05 09:00 UTC+03", "Asia/Kuwait", "2026-01-05T06:00:00Z") in text
        assert "Provider&#x27;s local time: 2026-01-05 09:00 EAT" in text
        assert "Provider&#x27;s local time: 2026-01-04 08:00 UTC+03" in text
        assert "Times in Asia/Kuwait" in text

    def test_utc_for_a_viewer_without_preference_or_organisation(self, client, records):
        viewer(client)
        text = page(client, "/records/", q="TZ-N")
        assert "2026-01-05 06:00 UTC</time>" in text
        assert "Provider&#x27;s local time: 2026-01-05 09:00 EAT" in text

    def test_a_time_typed_in_a_filter_is_read_in_the_viewers_zone(self, client, records):
        # 08:30 in Nairobi is 05:30 UTC: the record received at 06:00 UTC is after it.
        viewer(client, Role.PROVIDER_STAFF, provider=ServiceProvider.objects.get(code="UNON"))
        listed = client.get("/records/", {"q": "TZ-N", "received_after": "2026-01-05T08:30"})
        assert [r.external_ref for r in listed.context["servicerecord_list"]] == ["TZ-N"]
        client.logout()
        viewer(client)  # in UTC, 08:30 is after 06:00
        listed = client.get("/records/", {"q": "TZ-N", "received_after": "2026-01-05T08:30"})
        assert list(listed.context["servicerecord_list"]) == []

    def test_the_export_is_the_same_for_every_zone(self, client, records):
        exports = []
        for zone in ("", "Asia/Kuwait", "America/New_York"):
            client.logout()
            viewer(client, zone=zone)
            response = client.get("/records/", {"export": "csv", "q": "TZ-"})
            exports.append(b"".join(response.streaming_content))
        assert exports[0] == exports[1] == exports[2]
        text = exports[0].decode("utf-8-sig")
        assert "2026-01-05T06:00:00+00:00,2026-01-06T07:00:00+00:00" in text
