"""The month-by-month matrix of a provider's or an SLA's results: one row per measure, the
rows in a fixed order and a page at a time, so that a provider with hundreds of SLA targets
gets a page that answers at once."""

import datetime as dt

import pytest

from accounts.choices import Role
from compliance import views
from compliance.models import ComplianceResult
from compliance.selectors import compliance_matrix
from sla.models import ServiceLevelTarget
from tests.compliance.factories import result, standards
from tests.factories import user_with_role
from tests.sla.factories import make_draft, make_people

pytestmark = pytest.mark.django_db

JANUARY, FEBRUARY = dt.date(2026, 1, 1), dt.date(2026, 2, 1)


def test_rows_come_in_code_order_a_page_at_a_time():
    made = standards(5)
    for standard in reversed(made):  # stored out of order
        result(standard=standard, month=JANUARY)
        result(standard=standard, month=FEBRUARY, met=3)
    (quiet,) = standards(1, prefix="TST-Q")  # a measure without a record in these months
    result(standard=quiet, month=FEBRUARY, eligible=0, met=0)
    results = ComplianceResult.objects.filter(provider__code="UNON")

    everything = compliance_matrix(results=results)
    assert [row.label for row in everything.rows] == [s.code for s in made]
    assert everything.hidden == 1 and everything.page_obj is None
    assert everything.months == [JANUARY, FEBRUARY]
    assert [(c.eligible, c.met) for c in everything.rows[0].cells] == [(10, 9), (10, 3)]

    second = compliance_matrix(results=results, per_page=2, page="2")
    assert [row.label for row in second.rows] == [made[2].code, made[3].code]
    assert (second.page_obj.number, second.page_obj.paginator.count) == (2, 5)
    assert second.hidden == 1  # counted over every page
    assert [row.cells for row in second.rows] == [row.cells for row in everything.rows[2:4]]
    # What a hand-edited address may hold: the first page, or the last.
    assert compliance_matrix(results=results, per_page=2, page="x").page_obj.number == 1
    assert compliance_matrix(results=results, per_page=2, page="-3").page_obj.number == 3
    assert compliance_matrix(results=results, per_page=2, page="99").page_obj.number == 3


def test_a_month_without_a_result_is_an_empty_cell_and_no_results_an_empty_matrix():
    first, second = standards(2)
    result(standard=first, month=JANUARY)
    result(standard=second, month=FEBRUARY)
    matrix = compliance_matrix(results=ComplianceResult.objects.all(), per_page=25)
    assert [[c is not None for c in row.cells] for row in matrix.rows] == [
        [True, False],
        [False, True],
    ]
    empty = compliance_matrix(results=ComplianceResult.objects.none(), per_page=25)
    assert (empty.rows, empty.months, empty.hidden) == ([], [], 0)


def test_the_provider_page_shows_its_sla_targets_by_client_a_page_at_a_time(client, monkeypatch):
    people = make_people()
    slas = [make_draft(people, client_code=code) for code in ("UNEP", "UN-HABITAT")]
    targets = list(ServiceLevelTarget.objects.filter(line__sla__in=slas))
    assert len(targets) >= 2
    for target in targets:
        result(standard=target.standard, target=target, month=JANUARY)
    expected = [
        t.line.sla.agreement.number
        for t in sorted(
            targets,
            key=lambda t: (t.line.sla.agreement.client.code, t.line.sla.agreement.number,
                           t.standard.code, t.pk),
        )
    ]  # fmt: skip
    assert expected[0] == slas[1].agreement.number  # UN-HABITAT sorts before UNEP
    monkeypatch.setattr(views, "MATRIX_ROWS_PER_PAGE", 1)
    client.force_login(user_with_role(Role.MANAGEMENT))

    seen = []
    for number in range(1, len(targets) + 1):
        page = client.get(f"/compliance/providers/UNON/?page={number}").content.decode()
        assert f"Measures {number}–{number} of {len(targets)}" in page
        seen.append(next(n for n in set(expected) if f"{n} v" in page))
        if number < len(targets):
            assert f'rel="next" href="?page={number + 1}"' in page
    assert seen == expected


def test_the_provider_page_lists_the_newest_breaches_and_links_to_all(client, monkeypatch):
    for standard in standards(3):
        result(standard=standard, month=JANUARY, met=3)  # 30% against 90%: breached
    client.force_login(user_with_role(Role.MANAGEMENT))
    link = "/compliance/?provider=UNON&amp;status=breached"

    page = client.get("/compliance/providers/UNON/").content.decode()
    assert page.count('class="code">TST-M0') == 6  # three matrix rows, three breaches
    assert link not in page

    monkeypatch.setattr(views, "BREACHES_SHOWN", 2)
    page = client.get("/compliance/providers/UNON/").content.decode()
    assert "The 2 newest." in page and link in page
