"""Working-hours overlap of two work calendars over an ISO week (DOMAIN §9): the clock's
function, with the brief's examples, and GET /api/v1/calendar-overlap/."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from accounts.choices import Role
from core.clock import ClockError, WorkCalendar, iso_week_bounds, working_overlap_seconds
from core.models import Holiday
from tests.factories import DutyStationFactory, user_with_role

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
KUWAIT = {"sun": [["08:00", "16:00"]], **{d: [["08:00", "16:00"]] for d in WEEKDAYS[:4]}}
NAIROBI = {d: [["08:00", "12:30"], ["13:30", "17:00"]] for d in WEEKDAYS}
BRINDISI = {d: [["09:00", "13:00"], ["14:00", "18:00"]] for d in WEEKDAYS}


def calendar(zone, hours, holidays=()) -> WorkCalendar:
    return WorkCalendar.from_json(
        {"timezone": zone, "working_hours": hours, "holidays": list(holidays)}
    )


class TestTheClock:
    W10 = iso_week_bounds("2026-W10")  # 2-8 March 2026

    def test_the_worked_examples_of_the_brief(self):
        kuwait = calendar("Asia/Kuwait", KUWAIT)
        assert (
            working_overlap_seconds(kuwait, calendar("Africa/Nairobi", NAIROBI), *self.W10)
            == 100_800
        )
        assert (
            working_overlap_seconds(kuwait, calendar("Europe/Rome", BRINDISI), *self.W10) == 57_600
        )

    def test_it_is_symmetric_and_counts_holidays(self):
        kuwait = calendar("Asia/Kuwait", KUWAIT)
        nairobi = calendar("Africa/Nairobi", NAIROBI, holidays=["2026-03-03"])  # a Tuesday
        week = self.W10
        assert working_overlap_seconds(kuwait, nairobi, *week) == working_overlap_seconds(
            nairobi, kuwait, *week
        )
        assert working_overlap_seconds(kuwait, nairobi, *week) == 100_800 - 25_200  # 7 h less

    def test_a_calendar_with_itself_overlaps_its_whole_working_time(self):
        nairobi = calendar("Africa/Nairobi", NAIROBI)
        assert working_overlap_seconds(nairobi, nairobi, *self.W10) == 5 * 8 * 3600

    def test_weeks(self):
        assert iso_week_bounds("2026-W01")[0] == dt.datetime(2025, 12, 29, tzinfo=dt.UTC)
        assert iso_week_bounds("2026-W53")[1] == dt.datetime(2027, 1, 4, tzinfo=dt.UTC)
        for bad in ("2027-W53", "2026-W00", "2026W10", "2026-w10", "26-W10", "", None, "2026-W1"):
            with pytest.raises(ClockError):
                iso_week_bounds(bad)

    def test_bad_instants(self):
        nairobi = calendar("Africa/Nairobi", NAIROBI)
        start, end = self.W10
        with pytest.raises(ClockError):
            working_overlap_seconds(nairobi, nairobi, end, start)
        with pytest.raises(ClockError):
            working_overlap_seconds(nairobi, nairobi, start.replace(tzinfo=None), end)
        assert working_overlap_seconds(nairobi, nairobi, start, start) == 0


@pytest.mark.django_db
class TestTheApi:
    @pytest.fixture
    def api(self):
        client = APIClient()
        client.force_authenticate(user_with_role(Role.MANAGEMENT))
        return client

    @pytest.fixture
    def stations(self):
        return (
            DutyStationFactory(code="T-KWI", timezone="Asia/Kuwait", working_hours=KUWAIT),
            DutyStationFactory(code="T-NBO", timezone="Africa/Nairobi", working_hours=NAIROBI),
            DutyStationFactory(code="T-BDS", timezone="Europe/Rome", working_hours=BRINDISI),
        )

    def test_answers_as_the_brief_says(self, api, stations):
        response = api.get(
            "/api/v1/calendar-overlap/", {"a": "T-KWI", "b": "T-NBO", "week": "2026-W10"}
        )
        assert response.status_code == 200
        assert response.json() == {
            "a": "T-KWI",
            "b": "T-NBO",
            "week": "2026-W10",
            "seconds": 100_800,
        }
        other = api.get(
            "/api/v1/calendar-overlap/", {"a": "T-BDS", "b": "T-KWI", "week": "2026-W10"}
        )
        assert other.json()["seconds"] == 57_600

    def test_a_holiday_of_the_station_counts(self, api, stations):
        Holiday.objects.create(duty_station=stations[1], date=dt.date(2026, 3, 3))
        response = api.get(
            "/api/v1/calendar-overlap/", {"a": "T-KWI", "b": "T-NBO", "week": "2026-W10"}
        )
        assert response.json()["seconds"] == 100_800 - 25_200

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ({"b": "T-NBO", "week": "2026-W10"}, "a"),
            ({"a": "NOPE", "b": "T-NBO", "week": "2026-W10"}, "a"),
            ({"a": "T-KWI", "b": "x" * 500, "week": "2026-W10"}, "b"),
            ({"a": "T-KWI", "b": "T-NBO", "week": "2027-W53"}, "week"),
            ({"a": "T-KWI", "b": "T-NBO", "week": "2026-03-02"}, "week"),
            ({"a": "T-KWI", "b": "T-NBO", "week": "2026-W10", "zone": "UTC"}, "zone"),
            ({"a": "T-KWI\x00", "b": "T-NBO", "week": "2026-W10"}, "a"),
        ],
    )
    def test_bad_input_is_a_400_naming_the_field(self, api, stations, query, field):
        response = api.get("/api/v1/calendar-overlap/", query)
        assert response.status_code == 400
        body = response.json()
        assert body["message"] and field in body["errors"], body

    def test_anonymous_callers_are_refused(self, stations):
        response = APIClient().get(
            "/api/v1/calendar-overlap/", {"a": "T-KWI", "b": "T-NBO", "week": "2026-W10"}
        )
        assert response.status_code in (401, 403)
