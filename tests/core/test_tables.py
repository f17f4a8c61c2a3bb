"""The table system (core/tables.py): a column declared once makes the page's cell and the
export's value; headers sort through ``?ordering=``; an empty list says why; whatever a
cell holds is escaped on the page and neutralised in the exports."""

import csv
import io
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.http import QueryDict
from openpyxl import load_workbook

from accounts.choices import Role
from core.exports import csv_response, xlsx_response
from core.tables import Action, Cell, Column, ListTable, Table, badge, render_table, resolve
from providers.models import ServiceProvider
from records.imports.parse import COLUMNS, MEASURED_COLUMNS
from records.tables import SERVICE_RECORDS
from tests.factories import user_with_role
from tests.records.factories import import_csv

HOSTILE_REF = '<script>alert("x")</script>'
FORMULA_REF = "=cmd|' /C calc'!A0"
QUOTED_REF = '"' + HOSTILE_REF.replace('"', '""') + '"'  # as a CSV field


class Tags(HTMLParser):
    """The tags and attribute values of a fragment of HTML."""

    def __init__(self):
        super().__init__()
        self.tags, self.values = set(), []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.values += [value for name, value in attrs if name not in ("scope", "aria-hidden")]


ALLOWED_TAGS = {"div", "table", "caption", "thead", "tbody", "tr", "th", "td", "a", "span", "abbr"}
SAFE_VALUES = {"table-wrap", "data", "visually-hidden", "num", "small muted", "ascending"}


class FakeQuerySet:
    """Just what ``ListTable.export_rows`` asks of a queryset, over objects in memory."""

    def __init__(self, objects):
        self.objects = objects

    def values_list(self, *fields):
        rows = [tuple(resolve(obj, f) for f in fields) for obj in self.objects]
        return SimpleNamespace(iterator=lambda chunk_size: iter(rows))


def thing(code, name, size=None, owner=None):
    return SimpleNamespace(code=code, name=name, size=size, owner=owner)


THINGS = ListTable(
    key="things",
    caption="Things",
    css="data stack",
    columns=[
        Column(
            "Code",
            name="code",
            field="code",
            sort="code",
            cell=lambda t: Cell(t.code, href=f"/things/{t.code}/"),
        ),
        Column("Name", name="name", field="name", sort="name"),
        Column("Size", True, name="size", field="size", export=lambda v: v or 0),
        Column("Owner", name="owner", field="owner__code", page=False),
        Column("Badge", cell=lambda t: Cell(t.code, badge=f"badge-{t.code}")),
    ],
    empty="No thing yet.",
    empty_filtered="No thing matches these filters.",
)


def render(table: Table, **kwargs) -> str:
    return str(render_table(table, **kwargs))


class TestColumnsDeclaredOnce:
    def test_a_column_makes_the_page_cell_and_the_export_value(self):
        owner = SimpleNamespace(code="UNON")
        objects = [thing("A-1", "First", 3, owner), thing("B-2", "Second")]
        table = THINGS.page(objects)
        assert [c.label for c in table.columns] == ["Code", "Name", "Size", "Badge"]
        assert [[cell.value for cell in row] for row in table.rows] == [
            ["A-1", "First", 3, "A-1"],
            ["B-2", "Second", None, "B-2"],
        ]
        assert table.rows[1][2].shown == "—"  # an empty field shows a dash
        assert THINGS.export_header() == ["code", "name", "size", "owner"]
        assert list(THINGS.export_rows(FakeQuerySet(objects))) == [
            ["A-1", "First", 3, "UNON"],
            ["B-2", "Second", 0, None],
        ]
        html = render(table)
        assert '<th scope="col" class="num">Size</th>' in html
        assert "Owner" not in html  # an export-only column

    def test_the_records_export_has_the_import_files_columns(self):
        assert SERVICE_RECORDS.export_header() == [*COLUMNS, *MEASURED_COLUMNS]

    def test_a_dashboard_table_exports_what_it_shows(self):
        table = Table(
            key="t",
            caption="T",
            columns=[Column("Provider"), Column("Breached", True)],
            rows=[[Cell("UNON"), Cell(3, href="/compliance/?provider=UNON")]],
        )
        assert table.header() == ["Provider", "Breached"]
        assert table.values() == [["UNON", 3]]
        html = render(table)
        assert '<th scope="row" data-value="UNON">UNON</th>' in html
        assert '<td class="num" data-value="3"><a href="/compliance/?provider=UNON">3</a></td>' in (
            html
        )


class TestMarkup:
    def test_caption_headers_and_narrow_screen_labels(self):
        html = render(THINGS.page([thing("A-1", "First", 3)]))
        assert html.startswith('<div class="table-wrap"><table class="data stack">')
        assert '<caption class="visually-hidden">Things; select a column heading to sort' in html
        assert html.count('scope="col"') == 4
        # Each cell but the first (which heads the row's block) is labelled by its column.
        assert '<td><a href="/things/A-1/">A-1</a></td>' in html
        assert '<td data-label="Name">First</td>' in html
        assert '<td class="num" data-label="Size">3</td>' in html
        assert '<span class="badge badge-A-1">A-1</span>' in html
        assert "style=" not in html and "<script" not in html

    def test_a_filtered_caption_says_so(self):
        table = THINGS.page([thing("A-1", "First")], filtered=True)
        assert table.caption.startswith("Things matching the filters")

    def test_row_classes_and_a_button_that_posts_with_the_csrf_token(self):
        table = Table(
            key="t",
            caption="T",
            columns=[Column("Title"), Column("Status")],
            rows=[
                [Cell("Note"), Cell("unread", action=Action("/read/1/", "Mark as read", "Note"))]
            ],
            row_headers=False,
            figures=False,
            row_css=["notification unread"],
        )
        html = render(table, csrf_token="tok")
        assert '<tr class="notification unread">' in html
        assert (
            '<form method="post" action="/read/1/" class="inline">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="tok">'
            '<button type="submit" class="text-button">Mark as read'
            '<span class="visually-hidden">: Note</span></button></form>'
        ) in html
        assert "data-value" not in html


class TestSorting:
    def page(self, query: str):
        return render(THINGS.page([thing("A-1", "First")], query=QueryDict(query)))

    def test_headers_link_to_the_ordering_keeping_the_filters_but_not_the_page(self):
        html = self.page("q=x&page=3")
        assert '<a href="?q=x&amp;ordering=code">Code</a>' in html
        assert '<a href="?q=x&amp;ordering=name">Name</a>' in html
        assert "page=3" not in html
        assert "aria-sort" not in html

    def test_the_sorted_column_says_so_and_links_to_the_other_way(self):
        html = self.page("ordering=name")
        assert (
            '<th scope="col" aria-sort="ascending"><a href="?ordering=-name">Name'
            '<span aria-hidden="true"> ▲</span></a></th>'
        ) in html
        html = self.page("ordering=-name")
        assert '<th scope="col" aria-sort="descending"><a href="?ordering=name">' in html
        assert '<a href="?ordering=code">Code</a>' in html


class TestEmptyState:
    def test_nothing_at_all(self):
        html = render(THINGS.page([]))
        assert html == '<p class="empty">No thing yet.</p>'
        assert "<table" not in html

    def test_nothing_matches_the_filters(self):
        html = render(THINGS.page([], filtered=True, path="/things/"))
        assert html == (
            '<p class="empty">No thing matches these filters. '
            '<a href="/things/">Clear the filters</a>.</p>'
        )

    def test_what_to_do_about_it(self):
        table = THINGS.page([])
        table.empty_link = ("Add one", "/things/new/")
        assert (
            render(table)
            == '<p class="empty">No thing yet. <a href="/things/new/">Add one</a>.</p>'
        )


class TestHostileText:
    def test_every_part_of_a_cell_is_escaped(self):
        evil = '"><script>x()</script>'
        table = Table(
            key=evil,
            caption=evil,
            columns=[Column(evil), Column(evil, True, sort=evil)],
            rows=[
                [
                    Cell(evil, note=evil),
                    Cell(evil, href=evil, title=evil, badge=evil, after=evil, css=evil),
                ]
            ],
            chart={"type": evil, "unit": evil},
            ordering=evil,
            query="a=" + evil,
        )
        html = render(table)
        parser = Tags()
        parser.feed(html)
        # No element or attribute came from the text: it stays whole in each attribute.
        assert parser.tags <= ALLOWED_TAGS
        assert all(evil in value for value in parser.values if value not in SAFE_VALUES)
        assert html.count("&quot;&gt;&lt;script&gt;x()&lt;/script&gt;") == 18

    def test_markup_only_from_format_html(self):
        table = THINGS.page([thing("<b>A</b>", "<i>n</i>")])
        table.rows[0][0] = Cell("A", after=badge("<b>demo</b>", "badge-pipeline"))
        html = render(table)
        assert '<span class="badge badge-pipeline">&lt;b&gt;demo&lt;/b&gt;</span>' in html
        assert "&lt;i&gt;n&lt;/i&gt;" in html and "<i>" not in html

    def test_formulas_are_neutralised_in_both_exports(self):
        objects = [thing(FORMULA_REF, "+SUM(A1)", 1)]
        rows = list(THINGS.export_rows(FakeQuerySet(objects)))
        response = csv_response("t.csv", THINGS.export_header(), rows)
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        assert list(csv.reader(io.StringIO(text)))[1][:2] == ["'" + FORMULA_REF, "'+SUM(A1)"]
        response = xlsx_response("t.xlsx", [("Things", THINGS.export_header(), rows)])
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert [c.value for c in sheet[2]][:2] == ["'" + FORMULA_REF, "'+SUM(A1)"]
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.django_db
class TestRecordsPageAndExport:
    """The records list through the whole stack: one declaration, page and export."""

    @pytest.fixture
    def records(self):
        result = import_csv(
            f"{FORMULA_REF},UNON,UNEP,CONF-DOC,2026-01-06T08:00,2026-01-06T17:00,,,true\n"
            f"{QUOTED_REF},UNON,UNEP,CONF-DOC,2026-01-07T08:00,,,,\n"
        )
        assert result.status == "done", result.message

    def test_the_page_shows_the_declared_columns_escaped(self, client, records):
        client.force_login(user_with_role(Role.MANAGEMENT))
        html = client.get("/records/", {"ordering": "external_ref"}).content.decode()
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
        assert HOSTILE_REF not in html
        for label in ("Reference", "Provider", "Received", "Working time"):
            assert f">{label}" in html
        assert 'aria-sort="ascending"' in html and "ordering=-external_ref" in html
        assert '<span class="badge badge-pipeline">defective</span>' in html
        assert "Calendar time" not in html  # exported only

    def test_the_export_writes_the_same_records_neutralised(self, client, records):
        client.force_login(user_with_role(Role.MANAGEMENT))
        response = client.get("/records/", {"export": "csv", "ordering": "external_ref"})
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert list(rows[0]) == [*COLUMNS, *MEASURED_COLUMNS]
        assert {r["external_ref"] for r in rows} == {"'" + FORMULA_REF, HOSTILE_REF}
        done = next(r for r in rows if r["defective"] == "true")
        assert done["received_at"].startswith("2026-01-06T")
        assert done["elapsed_working_seconds"] and done["calendar"]

    def test_an_empty_list_offers_what_to_do(self, client):
        client.force_login(
            user_with_role(Role.PROVIDER_STAFF, provider=ServiceProvider.objects.get(code="UNON"))
        )
        html = client.get("/records/").content.decode()
        assert '<p class="empty">No service record yet. <a href="/imports/new/">' in html
        html = client.get("/records/", {"status": "open"}).content.decode()
        assert "No service record matches these filters." in html
        assert '<a href="/records/">Clear the filters</a>' in html
