"""/api/v1/duty-stations/ takes a calendar's holidays as it shows them (DOMAIN §3): a list
of ISO dates, stored as the station's Holiday rows in one transaction with the station;
bad holidays are refused with the item and the reason; a change re-measures the records
the calendar governs, once per transaction."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from accounts.choices import Role
from core.models import MAX_HOLIDAYS, AuditEntry, DutyStation, Holiday
from records import tasks
from records.models import ServiceRecord
from tests.factories import user_with_role
from tests.records.factories import import_csv

pytestmark = pytest.mark.django_db

URL = "/api/v1/duty-stations/"
# DOMAIN §3, "A calendar as JSON", with the country a duty station also has.
DOMAIN_CALENDAR = {
    "code": "KWI",
    "name": "Kuwait City",
    "timezone": "Asia/Kuwait",
    "working_hours": {
        "sun": [["08:00", "16:00"]],
        "mon": [["08:00", "16:00"]],
        "tue": [["08:00", "16:00"]],
        "wed": [["08:00", "16:00"]],
        "thu": [["08:00", "16:00"]],
        "fri": [],
        "sat": [],
    },
    "holidays": ["2026-03-20", "2026-05-27"],
    "working_day_hours": 8,
}
WRITABLE = ("code", "name", "country", "timezone", "working_hours", "holidays")
WRITABLE += ("working_day_hours", "source", "verification")
KUWAIT_RECORD = "K-1,KJSO,UNAMA,PAY-OFF,2026-01-01T10:00,2026-01-04T09:00,,,false\n"


@pytest.fixture
def api() -> APIClient:
    client = APIClient()
    client.force_login(user_with_role(Role.CATALOGUE_MANAGER))
    return client


def kuwait() -> DutyStation:
    return DutyStation.objects.get(code="KWI")


def dates_of(station: DutyStation) -> list[str]:
    return [d.isoformat() for d in station.holidays.order_by("date").values_list("date", flat=True)]


def as_written(body: dict) -> dict:
    """The writable part of a station as the API shows it."""
    return {key: body[key] for key in WRITABLE}


def stored() -> dict:
    """Everything a refused write must leave as it was."""
    return {
        "stations": list(DutyStation.objects.order_by("pk").values()),
        "holidays": list(Holiday.objects.order_by("pk").values()),
        "audit": AuditEntry.objects.count(),
    }


class TestRoundTrip:
    def test_the_domain_example_calendar_is_stored_with_its_holidays(self, api):
        body = {**DOMAIN_CALENDAR, "code": "KWX", "country": "KW"}
        response = api.post(URL, body, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["holidays"] == ["2026-03-20", "2026-05-27"]
        station = DutyStation.objects.get(code="KWX")
        assert dates_of(station) == ["2026-03-20", "2026-05-27"]
        assert station.work_calendar().holidays == {dt.date(2026, 3, 20), dt.date(2026, 5, 27)}
        assert api.get(f"{URL}{station.pk}/").json() == response.json()

    def test_the_domain_example_replaces_a_stations_calendar(self, api):
        station = kuwait()
        response = api.put(f"{URL}{station.pk}/", {**DOMAIN_CALENDAR, "country": "KW"}, "json")
        assert response.status_code == 200, response.content
        assert dates_of(station) == DOMAIN_CALENDAR["holidays"]
        read = api.get(f"{URL}{station.pk}/").json()
        assert read["holidays"] == DOMAIN_CALENDAR["holidays"]
        assert read["working_hours"] == DOMAIN_CALENDAR["working_hours"]

    def test_get_put_get_gives_back_what_was_written(self, api):
        station = kuwait()
        url = f"{URL}{station.pk}/"
        first = api.get(url).json()
        assert len(first["holidays"]) > 2
        kept, dropped = first["holidays"][1:], first["holidays"][0]
        names = dict(Holiday.objects.filter(duty_station=station).values_list("date", "name"))
        body = {**as_written(first), "holidays": [*reversed(kept), "2026-01-04"]}
        written = api.put(url, body, format="json")
        assert written.status_code == 200, written.content
        again = api.get(url).json()
        assert again == written.json()
        assert again["holidays"] == sorted([*kept, "2026-01-04"])
        assert dropped not in dates_of(station)
        # The dates kept are the same rows, names and sources included.
        for day in kept:
            date = dt.date.fromisoformat(day)
            assert Holiday.objects.get(duty_station=station, date=date).name == names[date]
        # Unchanged, the whole body goes round again.
        assert api.put(url, as_written(again), format="json").json() == again

    def test_patch_with_holidays_replaces_them_and_without_leaves_them(self, api):
        station = kuwait()
        url = f"{URL}{station.pk}/"
        response = api.patch(url, {"holidays": ["2027-01-01"]}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["holidays"] == ["2027-01-01"] == dates_of(station)
        response = api.patch(url, {"name": "Kuwait"}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["holidays"] == ["2027-01-01"] == dates_of(station)
        response = api.patch(url, {"holidays": []}, format="json")
        assert (response.json()["holidays"], dates_of(station)) == ([], [])

    def test_put_without_holidays_leaves_them(self, api):
        station = kuwait()
        url = f"{URL}{station.pk}/"
        before = dates_of(station)
        body = {k: v for k, v in as_written(api.get(url).json()).items() if k != "holidays"}
        assert api.put(url, body, format="json").status_code == 200
        assert dates_of(station) == before

    def test_holidays_come_as_repeated_form_fields_too(self, api):
        station = kuwait()
        response = api.patch(
            f"{URL}{station.pk}/", {"holidays": ["2027-02-01", "2027-01-01"]}, format="multipart"
        )
        assert response.status_code == 200, response.content
        assert dates_of(station) == ["2027-01-01", "2027-02-01"]


TOO_MANY = [(dt.date(2000, 1, 1) + dt.timedelta(days=n)).isoformat() for n in range(1001)]
BAD_HOLIDAYS = {
    "not a list": ("2026-03-20", "list of dates"),
    "an object": ({"2026-03-20": "Eid"}, "list of dates"),
    "null": (None, "null"),
    "not a date": (["2026-03-20", "Eid al-Fitr"], "[1]: 'Eid al-Fitr' is not a date"),
    "day that does not exist": (["2026-02-30"], "[0]: '2026-02-30' is not a date"),
    "day first": (["20/03/2026"], "[0]: '20/03/2026' is not a date"),
    "basic format": (["20260320"], "[0]: '20260320' is not a date"),
    "a date-time": (["2026-03-20T00:00"], "[0]: '2026-03-20T00:00' is not a date"),
    "a number": ([20260320], "[0]: 20260320 is not a date"),
    "an object item": ([{"date": "2026-03-20"}], "[0]: {'date': '2026-03-20'} is not a date"),
    "duplicate": (
        ["2026-03-20", "2026-05-27", "2026-03-20"],
        "[2]: 2026-03-20 is listed twice (also at [0])",
    ),
    "year before": (["1899-12-25"], "[0]: 1899-12-25 is outside the years 1990 to 2100"),
    "year after": (["2101-01-01"], "[0]: 2101-01-01 is outside the years 1990 to 2100"),
    "too many": (TOO_MANY, f"At most {MAX_HOLIDAYS} holidays per duty station; 1001 given"),
}


class TestBadHolidays:
    @pytest.mark.parametrize(("value", "reason"), BAD_HOLIDAYS.values(), ids=BAD_HOLIDAYS.keys())
    @pytest.mark.parametrize("method", ["put", "patch", "post"])
    def test_answer_400_naming_the_item_and_store_nothing(self, api, method, value, reason):
        station = kuwait()
        url = f"{URL}{station.pk}/" if method != "post" else URL
        body = as_written(api.get(f"{URL}{station.pk}/").json())
        if method == "post":
            body["code"] = "KWX"
        body["holidays"] = value
        body["name"] = "Renamed"  # a valid change that must not be stored either
        before = stored()
        response = getattr(api, method)(url, body, format="json")
        assert response.status_code == 400, response.content
        payload = response.json()
        assert set(payload) == {"message", "errors"}
        assert list(payload["errors"]) == ["holidays"]
        assert any(reason in message for message in payload["errors"]["holidays"]), payload
        assert stored() == before

    def test_a_bad_station_field_stores_no_holiday(self, api):
        station = kuwait()
        before = stored()
        body = {"holidays": ["2030-01-01"], "timezone": "Mars/Olympus"}
        response = api.patch(f"{URL}{station.pk}/", body, format="json")
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["timezone"]
        assert stored() == before

    def test_every_bad_item_is_named(self, api):
        body = {"holidays": ["2026-02-30", "2026-03-20", "x", "2026-03-20", "1700-01-01"]}
        response = api.patch(f"{URL}{kuwait().pk}/", body, format="json")
        messages = response.json()["errors"]["holidays"]
        assert [m.split(":")[0] for m in messages] == ["[0]", "[2]", "[3]", "[4]"]


class TestRemeasure:
    def test_changing_the_holidays_re_measures_once_per_transaction(
        self, api, monkeypatch, django_capture_on_commit_callbacks
    ):
        import_csv(KUWAIT_RECORD)
        record = ServiceRecord.objects.get(external_ref="K-1")
        assert record.elapsed_working_seconds == 25_200
        station = kuwait()
        sent = []
        delay = tasks.recompute_calendar_records.delay
        monkeypatch.setattr(
            tasks.recompute_calendar_records,
            "delay",
            lambda *args: sent.append(args) or delay(*args),
        )
        # Three holiday rows change (two added, one deleted) and the station itself.
        body = {"holidays": [*dates_of(station)[1:], "2026-01-04", "2026-01-05"]}
        with django_capture_on_commit_callbacks(execute=True):
            response = api.patch(f"{URL}{station.pk}/", body, format="json")
        assert response.status_code == 200, response.content
        assert sent == [(station.pk,)]
        record.refresh_from_db()
        assert record.elapsed_working_seconds == 21_600  # Sunday 4 January is a holiday now

    def test_a_refused_change_re_measures_nothing(
        self, api, monkeypatch, django_capture_on_commit_callbacks
    ):
        sent = []
        monkeypatch.setattr(tasks.recompute_calendar_records, "delay", sent.append)
        body = {"holidays": ["2026-01-04"], "working_hours": {"mon": [["18:00", "08:00"]]}}
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = api.patch(f"{URL}{kuwait().pk}/", body, format="json")
        assert response.status_code == 400
        assert (callbacks, sent) == ([], [])


class TestHolidaysEndpoint:
    """/api/v1/holidays/ writes one row: the same rules, and the same re-measure."""

    def test_a_holiday_moved_to_another_station_re_measures_both(
        self, api, monkeypatch, django_capture_on_commit_callbacks
    ):
        nairobi = Holiday.objects.filter(duty_station__code="NBO").values("date")
        holiday = Holiday.objects.filter(duty_station__code="KWI").exclude(date__in=nairobi)[0]
        sent = []
        monkeypatch.setattr(tasks.recompute_calendar_records, "delay", sent.append)
        with django_capture_on_commit_callbacks(execute=True):
            response = api.patch(
                f"/api/v1/holidays/{holiday.pk}/", {"duty_station": "NBO"}, format="json"
            )
        assert response.status_code == 200, response.content
        assert sorted(sent) == sorted([kuwait().pk, DutyStation.objects.get(code="NBO").pk])

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"duty_station": "KWI", "date": "1850-01-01"}, "date"),
            ({"duty_station": "KWI", "date": "2026-02-30"}, "date"),
            ({"duty_station": "KWI", "date": "2026-03-20", "url": "x"}, "url"),
            ({"duty_station": "KWI", "date": "2026-03-21", "observed": True}, "observed"),
        ],
        ids=["year out of range", "no such day", "read-only", "unknown"],
    )
    def test_bad_input_is_refused(self, api, body, field):
        before = stored()
        response = api.post("/api/v1/holidays/", body, format="json")
        assert response.status_code == 400, response.content
        assert field in response.json()["errors"]
        assert stored() == before

    def test_a_date_the_station_has_already_is_refused(self, api):
        day = Holiday.objects.filter(duty_station__code="KWI").first().date.isoformat()
        before = stored()
        response = api.post("/api/v1/holidays/", {"duty_station": "KWI", "date": day}, "json")
        assert response.status_code == 400, response.content
        assert stored() == before
