"""The dashboards keep their tables for every viewer of a page (the cache key holds no time
zone): the times in them are formatted only when a page is rendered, so that a table
built for a viewer in one zone shows another viewer their own zone, and its exports the
same instants in UTC."""

import pytest
from django.core.cache import cache

from accounts.choices import Role
from accounts.services import set_time_zone
from dashboards.views import ProviderDashboardView
from tests.factories import user_with_role
from tests.records.factories import import_csv

pytestmark = pytest.mark.django_db

URL = "/dashboards/providers/UNON/"


@pytest.fixture
def overdue_record():
    # Open since 09:00 Nairobi time on 5 January 2026 (06:00 UTC): long overdue.
    result = import_csv("Z-OPEN,UNON,UNEP,CONF-DOC,2026-01-05T09:00,,open,,false\n")
    assert result.status == "done", result.message


@pytest.fixture
def builds(monkeypatch, settings):
    """Counts the times the provider dashboard builds its tables (with the cache on)."""
    settings.DASHBOARD_CACHE_SECONDS = 60
    cache.clear()
    calls = []
    build = ProviderDashboardView.build_tables

    def counted(self):
        calls.append(self.request.user.pk)
        return build(self)

    monkeypatch.setattr(ProviderDashboardView, "build_tables", counted)
    yield calls
    cache.clear()


def signed_in(client, zone: str):
    client.logout()
    user = user_with_role(Role.MANAGEMENT)
    if zone:
        set_time_zone(user=user, name=zone)
    client.force_login(user)
    return client


def test_a_cached_table_shows_each_viewer_their_own_zone(client, overdue_record, builds):
    nairobi = signed_in(client, "Africa/Nairobi").get(URL).content.decode()
    assert ">2026-01-05 09:00 EAT</time>" in nairobi
    kuwait = signed_in(client, "Asia/Kuwait").get(URL).content.decode()
    assert ">2026-01-05 09:00 UTC+03</time>" in kuwait
    new_york = signed_in(client, "America/New_York").get(URL).content.decode()
    assert ">2026-01-05 01:00 EST</time>" in new_york
    utc = signed_in(client, "").get(URL).content.decode()
    assert ">2026-01-05 06:00 UTC</time>" in utc
    # Built once, served from the cache to the three others: no zone leaked across.
    assert len(builds) == 1
    for page, other in ((kuwait, "EAT"), (new_york, "EAT"), (utc, "EAT"), (nairobi, "EST")):
        assert f" {other}</time>" not in page


def test_its_exports_are_the_same_instants_for_everyone(client, overdue_record, builds):
    exports = []
    for zone in ("Africa/Nairobi", "America/New_York"):
        response = signed_in(client, zone).get(URL, {"export": "csv", "table": "overdue-records"})
        exports.append(b"".join(response.streaming_content).decode("utf-8-sig"))
    assert exports[0] == exports[1]
    assert ",2026-01-05 06:00:00+00:00," in exports[0]
    assert len(builds) == 1
