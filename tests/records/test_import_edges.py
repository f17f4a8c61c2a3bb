"""Edge cases of the import: repeats of rejected rows, separators, empty header names,
keeping good rows when none is good."""

import pytest

from records.models import RecordStagingRow, ServiceRecord
from tests.records.factories import HEADER, import_csv

pytestmark = pytest.mark.django_db

GOOD = "{ref},KJSO,UNAMA,PAY-OFF,2026-01-05T09:00,2026-01-05T10:00,,,false\n"


def errors_of(result):
    return [(e.line, e.column, e.message) for e in result.errors.all()]


def test_a_ref_repeating_a_rejected_row_is_a_duplicate_too():
    rows = (
        "R-1,KJSO,UNAMA,PAY-OFF,2026-01-05T09:00,2026-01-04T10:00,,,false\n"  # line 2: bad
        + GOOD.format(ref="R-2")
        + GOOD.format(ref="R-1")  # line 4 repeats line 2's ref
    )
    result = import_csv(rows, keep_good_rows=True)
    assert (4, "external_ref", "'R-1' is already on line 2") in errors_of(result)
    assert list(ServiceRecord.objects.values_list("external_ref", flat=True)) == ["R-2"]


def test_semicolon_separated_file_is_named_as_such():
    text = HEADER.replace(",", ";") + GOOD.format(ref="S-1").replace(",", ";")
    result = import_csv(text)
    assert result.status == "rejected"
    assert "semicolons" in result.message
    assert not ServiceRecord.objects.exists()


def test_empty_header_name_is_named_by_position():
    result = import_csv(HEADER.rstrip("\n") + ",\n" + GOOD.format(ref="E-1").rstrip("\n") + ",\n")
    assert result.status == "rejected"
    assert "column 10 of the header has no name" in result.message


def test_keeping_good_rows_when_none_is_good_stores_nothing_and_says_so():
    result = import_csv(
        "B-1,KJSO,UNAMA,PAY-OFF,2026-01-05T09:00,2026-01-04T10:00,,,false\n",
        keep_good_rows=True,
    )
    assert result.status == "rejected"
    assert result.message.endswith("No row is valid. Nothing was stored.")
    assert not ServiceRecord.objects.exists()
    assert not RecordStagingRow.objects.exists()


def test_header_only_file_reports_a_line():
    result = import_csv(HEADER)
    assert result.status == "rejected"
    assert errors_of(result) == [(2, "", "no records after the header")]
