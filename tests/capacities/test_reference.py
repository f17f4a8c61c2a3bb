"""The ICSC hardship class of every duty station, loaded from reference/hardship_classes.csv:
each row cited, every class marked illustrative (none checked against the ICSC's list),
loading again changes nothing, and a bad row names its file and line."""

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from capacities.choices import HardshipClass
from capacities.models import HardshipClassification
from catalogue.reference import REFERENCE_DIR
from core.models import DutyStation

pytestmark = pytest.mark.django_db


def test_every_duty_station_has_a_cited_illustrative_class():
    classes = HardshipClassification.objects.select_related("duty_station")
    assert classes.count() == DutyStation.objects.count() == 38
    for row in classes:
        assert row.hardship_class in HardshipClass.values
        assert "ICSC" in row.source and "hr.un.org" in row.source
        assert row.is_illustrative, row
    assert classes.get(duty_station__code="NYC").hardship_class == "H"


def test_loading_again_changes_nothing():
    before = list(HardshipClassification.history.values_list("history_id", flat=True))
    call_command("load_reference", verbosity=0, stdout=io.StringIO())
    assert list(HardshipClassification.history.values_list("history_id", flat=True)) == before


@pytest.mark.parametrize(
    ("line", "reason"),
    [("ZZZ,E,2026-01-01,src,illustrative", "unknown duty station"),
     ("NBO,F,2026-01-01,src,illustrative", "hardship_class")],
)  # fmt: skip
def test_a_bad_row_names_file_and_line_and_stores_nothing(tmp_path, line, reason):
    directory = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, directory)
    path = directory / "hardship_classes.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + line + "\n", encoding="utf-8")
    rows = len(text.splitlines()) + 1
    with pytest.raises(CommandError, match=rf"hardship_classes\.csv, line {rows}: .*{reason}"):
        call_command("load_reference", directory=directory, verbosity=0)
    assert HardshipClassification.objects.get(duty_station__code="NBO").hardship_class == "B"
