"""The real reference data: loaded idempotently, with the facts users rely on."""

import datetime as dt
import shutil

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from catalogue.models import Designation, FunctionalArea, MinimumServiceStandard, Service
from catalogue.reference import REFERENCE_DIR
from clients.models import ClientEntity
from core.models import DutyStation
from providers.models import ServiceProvider

pytestmark = pytest.mark.django_db

CURATED_APPS = ("core", "clients", "providers", "catalogue")


def snapshot() -> dict[str, int]:
    """Row counts of every curated table, history tables included."""
    return {
        model._meta.label: model.objects.count()
        for app in CURATED_APPS
        for model in apps.get_app_config(app).get_models()
    }


def test_loading_twice_gives_the_same_rows():
    # The session already loaded it once.
    before = snapshot()
    call_command("load_reference", verbosity=0)
    assert snapshot() == before


def test_catalogue_is_broad_enough():
    assert Service.objects.count() >= 40
    assert FunctionalArea.objects.filter(services__isnull=False).distinct().count() >= 10
    live_without_standard = Service.objects.filter(lifecycle="live", standards__isnull=True)
    assert not live_without_standard.exists()


def test_kuwait_works_sunday_to_thursday_on_kuwait_time():
    kjso = ServiceProvider.objects.select_related("duty_station").get(code="KJSO")
    station = kjso.duty_station
    assert station.timezone == "Asia/Kuwait"
    worked = {day for day, intervals in station.working_hours.items() if intervals}
    assert worked == {"sun", "mon", "tue", "wed", "thu"}
    assert station.holidays.filter(date=dt.date(2026, 2, 25)).exists()


@pytest.mark.parametrize(
    ("provider", "zone"),
    [
        ("RSCE", "Africa/Kampala"),
        ("UNGSC", "Europe/Rome"),
        ("UNICTF", "Europe/Madrid"),
        ("UNON", "Africa/Nairobi"),
        ("UNOG", "Europe/Zurich"),
        ("UNOV", "Europe/Vienna"),
        ("ESCAP", "Asia/Bangkok"),
        ("DOS", "America/New_York"),
    ],
)
def test_provider_time_zones(provider, zone):
    assert ServiceProvider.objects.get(code=provider).duty_station.timezone == zone


def test_every_calendar_is_valid():
    for station in DutyStation.objects.prefetch_related("holidays"):
        station.work_calendar()  # raises on a bad calendar


@pytest.mark.parametrize(
    ("provider", "clients"),
    [
        ("KJSO", {"UNAMA", "UNAMI"}),
        ("UNON", {"UNEP", "UN-HABITAT"}),
        ("UNOG", {"OHCHR", "UNCTAD", "ECE"}),
        ("RSCE", {"MONUSCO", "UNMISS", "MINUSCA"}),
    ],
)
def test_designations_reflect_who_serves_whom(provider, clients):
    served = set(
        Designation.objects.filter(provider__code=provider).values_list("client__code", flat=True)
    )
    assert clients <= served


def test_published_indicators_keep_their_source():
    published = MinimumServiceStandard.objects.exclude(verification__istartswith="illustrative")
    assert published.exists()
    for standard in published:
        assert standard.source.startswith("http") or "newsletter" in standard.source.lower()


def test_missions_are_typed_and_closed_ones_inactive():
    assert ClientEntity.objects.get(code="UNMISS").type == "peacekeeping_operation"
    assert ClientEntity.objects.get(code="UNAMA").type == "special_political_mission"
    assert ClientEntity.objects.filter(active=False).exists()


def test_a_bad_row_names_file_and_line_and_stores_nothing(tmp_path):
    directory = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, directory)
    services = directory / "services.csv"
    lines = services.read_text(encoding="utf-8").splitlines()
    lines.append("NEW-SVC,New,Desc,NO-SUCH-AREA,true,remote,case,live,src,illustrative")
    services.write_text("\n".join(lines) + "\n", encoding="utf-8")
    areas = directory / "areas.csv"
    areas.write_text(areas.read_text(encoding="utf-8") + "ZZZ,Brand new area,\n", encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError, match=rf"services\.csv, line {len(lines)}: unknown area"):
        call_command("load_reference", directory=directory, verbosity=0)
    assert snapshot() == before
    assert not FunctionalArea.objects.filter(code="ZZZ").exists()


def test_a_bad_calendar_is_rejected(tmp_path):
    directory = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, directory)
    stations = directory / "duty_stations.json"
    text = stations.read_text(encoding="utf-8").replace('"Asia/Kuwait"', '"Asia/Atlantis"', 1)
    stations.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=r"duty_stations\.json"):
        call_command("load_reference", directory=directory, verbosity=0)
    assert DutyStation.objects.get(code="KWI").timezone == "Asia/Kuwait"
