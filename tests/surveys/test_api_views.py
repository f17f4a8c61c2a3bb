"""The survey's API and pages: permissions, anonymity, bad input, exports, query counts."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from accounts.choices import Role
from surveys.models import Answer
from tests.factories import user_with_role
from tests.surveys.factories import answer, focal_points
from tests.surveys.factories import open_campaign as open_campaign_on


def open_campaign(world, **kwargs):
    """A campaign open today (answers given now)."""
    today = timezone.localdate()
    kwargs.setdefault("opens_on", today - dt.timedelta(days=10))
    kwargs.setdefault("closes_on", today + dt.timedelta(days=30))
    return open_campaign_on(world, **kwargs)


pytestmark = pytest.mark.django_db

SCORES = {"overall": 4, "timeliness": 3, "quality": 5, "communication": 4, "ease_of_access": 2}


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_login(user)
    return api


def fill(campaign, offering, client, overalls, comments=(), people=None):
    people = people or focal_points(client, len(overalls), prefix=f"c{campaign.pk}-{offering.pk}-")
    for i, (person, overall) in enumerate(zip(people, overalls, strict=True)):
        answer(
            person,
            campaign,
            offering,
            overall=overall,
            comment=(comments or [""] * 99)[i],
            now=timezone.now(),
        )
    return people


class TestAnswersApi:
    def test_a_focal_point_answers_and_changes_their_answer(self, world):
        campaign = open_campaign(world)
        (person,) = focal_points(world["unep"], 1)
        api = api_for(person)
        body = {"campaign": campaign.pk, "provider": "UNON", "service": "TRV-OFF", **SCORES}
        created = api.post("/api/v1/survey-answers/", body, format="json")
        assert created.status_code == 201, created.json()
        assert created.json()["provider"]["code"] == "UNON"
        again = api.post("/api/v1/survey-answers/", {**body, "overall": 5}, format="json")
        assert again.json()["id"] == created.json()["id"]
        changed = api.put(
            f"/api/v1/survey-answers/{created.json()['id']}/",
            {**SCORES, "overall": 1, "comment": "late"},
            format="json",
        )
        assert changed.status_code == 200 and changed.json()["overall"] == 1
        assert Answer.objects.get().overall == 1

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"overall": 6}, "overall"),
            ({"quality": 0}, "quality"),
            ({"timeliness": "high"}, "timeliness"),
            ({"comment": "x" * 2001}, "comment"),
            ({"comment": "nul\x00"}, "comment"),
            ({"service": "NOPE"}, "service"),
            ({"service": "CONF-DOC"}, "offering"),  # offered, not in the campaign
            ({"campaign": "abc"}, "campaign"),
        ],
    )
    def test_bad_input_is_refused_and_nothing_stored(self, world, change, field):
        campaign = open_campaign(world)
        (person,) = focal_points(world["unep"], 1)
        body = {"campaign": campaign.pk, "provider": "UNON", "service": "TRV-OFF", **SCORES}
        response = api_for(person).post(
            "/api/v1/survey-answers/", {**body, **change}, format="json"
        )
        assert response.status_code == 400, response.json()
        assert field in response.json()["errors"]
        assert response.json()["message"]
        assert not Answer.objects.exists()

    def test_another_entitys_campaign_is_not_found(self, world):
        campaign = open_campaign(world)
        (outsider,) = focal_points(world["unama"], 1)
        api = api_for(outsider)
        body = {"campaign": campaign.pk, "provider": "UNON", "service": "TRV-OFF", **SCORES}
        response = api.post("/api/v1/survey-answers/", body, format="json")
        assert response.status_code == 400 and "campaign" in response.json()["errors"]
        assert api.get(f"/api/v1/survey-campaigns/{campaign.pk}/").status_code == 404
        assert not Answer.objects.exists()

    def test_answering_a_closed_campaign_is_refused(self, world):
        campaign = open_campaign(world)
        (person,) = focal_points(world["unep"], 1)
        curator = api_for(world["curator"])
        assert curator.post(f"/api/v1/survey-campaigns/{campaign.pk}/close/").status_code == 200
        body = {"campaign": campaign.pk, "provider": "UNON", "service": "TRV-OFF", **SCORES}
        response = api_for(person).post("/api/v1/survey-answers/", body, format="json")
        assert response.status_code == 400 and "closed" in response.json()["message"]
        assert not Answer.objects.exists()

    def test_nobody_reads_someone_elses_answer(self, world):
        campaign = open_campaign(world)
        author, colleague = focal_points(world["unep"], 2)
        mine = answer(author, campaign, world["unon_trv"])
        for user in (
            colleague,
            user_with_role(Role.PROVIDER_MANAGER, provider=world["unon"]),
            user_with_role(Role.MANAGEMENT),
        ):
            api = api_for(user)
            assert api.get("/api/v1/survey-answers/").json()["results"] == []
            assert api.get(f"/api/v1/survey-answers/{mine.pk}/").status_code == 404


class TestCampaignsApi:
    def test_a_catalogue_manager_creates_and_opens_a_campaign(self, world):
        focal_points(world["unep"], 2)
        api = api_for(world["curator"])
        body = {
            "name": "Survey 2027",
            "opens_on": "2027-01-01",
            "closes_on": "2027-01-31",
            "offerings": [{"provider": "UNON", "service": "TRV-OFF"}],
            "clients": ["UNEP"],
        }
        created = api.post("/api/v1/survey-campaigns/", body, format="json")
        assert created.status_code == 201, created.json()
        assert created.json()["status"] == "draft"
        opened = api.post(f"/api/v1/survey-campaigns/{created.json()['id']}/open/")
        assert opened.json()["status"] == "open"

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"closes_on": "2026-12-01"}, "closes_on"),
            ({"offerings": [{"provider": "UNON", "service": "NOPE"}]}, "offerings"),
            ({"offerings": []}, "offerings"),
            ({"clients": ["NOPE"]}, "clients"),
            ({"opens_on": "yesterday"}, "opens_on"),
        ],
    )
    def test_bad_campaigns_are_refused(self, world, change, field):
        body = {
            "name": "Survey 2027",
            "opens_on": "2027-01-01",
            "closes_on": "2027-01-31",
            "offerings": [{"provider": "UNON", "service": "TRV-OFF"}],
            "clients": ["UNEP"],
        }
        response = api_for(world["curator"]).post(
            "/api/v1/survey-campaigns/", {**body, **change}, format="json"
        )
        assert response.status_code == 400 and field in response.json()["errors"]

    def test_providers_and_clients_cannot_run_campaigns(self, world):
        campaign = open_campaign(world)
        for user in (
            user_with_role(Role.PROVIDER_MANAGER, provider=world["unon"]),
            focal_points(world["unep"], 1)[0],
        ):
            response = api_for(user).post(f"/api/v1/survey-campaigns/{campaign.pk}/close/")
            assert response.status_code == 403


class TestResults:
    def test_no_cell_below_five_answers(self, world):
        campaign = open_campaign(world)
        fill(campaign, world["unon_trv"], world["unep"], [5, 4, 4, 3], ["secret"] * 4)
        api = api_for(user_with_role(Role.MANAGEMENT))
        (cell,) = [
            c
            for c in api.get("/api/v1/survey-results/").json()["results"]
            if c["provider"]["code"] == "UNON"
        ]
        assert cell["shown"] is False
        assert cell["answers"] is None and cell["means"] is None
        assert cell["satisfied_share"] is None and cell["comments"] == []

    def test_five_answers_show_the_figures_and_anonymous_comments(self, world):
        people = focal_points(world["unep"], 5)  # invited when the campaign opens
        campaign = open_campaign(world)
        fill(
            campaign,
            world["unon_trv"],
            world["unep"],
            [5, 4, 4, 3, 2],
            ["", "Fast", "", "", ""],
            people=people,
        )
        staff = user_with_role(Role.PROVIDER_STAFF, provider=world["unon"])
        cells = api_for(staff).get("/api/v1/survey-results/").json()["results"]
        assert [c["provider"]["code"] for c in cells] == ["UNON"]  # never KJSO's
        (cell,) = cells
        assert cell["shown"] is True and cell["answers"] == 5 and cell["invited"] == 5
        assert cell["response_rate"] == "100.0"
        assert cell["satisfied_share"] == "60.0"  # 3 of 5 with overall ≥ 4
        assert cell["means"]["overall"] == "3.60"  # 18 / 5
        assert cell["means"]["timeliness"] == "4.00"
        assert cell["comments"] == ["Fast"]
        text = str(cell)
        assert all(p.username not in text and p.email not in text for p in people)

    def test_a_provider_never_sees_another_providers_results(self, world):
        campaign = open_campaign(world)
        fill(campaign, world["kjso_trv"], world["unep"], [5, 5, 5, 5, 5])
        staff = user_with_role(Role.PROVIDER_STAFF, provider=world["unon"])
        api = api_for(staff)
        cells = api.get("/api/v1/survey-results/", {"provider": "KJSO"}).json()
        assert cells["results"] == [] and cells["count"] == 0
        everything = api.get("/api/v1/survey-results/").json()["results"]
        assert {c["provider"]["code"] for c in everything} == {"UNON"}

    def test_bad_filters_are_refused(self, world):
        api = api_for(user_with_role(Role.MANAGEMENT))
        for params in ({"period": "2026-13"}, {"provider": "NOPE"}, {"campaign": "x"}):
            response = api.get("/api/v1/survey-results/", params)
            assert response.status_code == 400, params
        assert api.get("/api/v1/survey-results/export/", {"file": "pdf"}).status_code == 400

    def test_exports_neutralise_formulas(self, world):
        people = focal_points(world["unep"], 5)
        campaign = open_campaign(world, name='=HYPERLINK("http://evil")')
        fill(campaign, world["unon_trv"], world["unep"], [5, 4, 4, 3, 2], people=people)
        api = api_for(user_with_role(Role.MANAGEMENT))
        csv = api.get("/api/v1/survey-results/export/", {"file": "csv"})
        text = b"".join(csv.streaming_content).decode("utf-8-sig")
        assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text
        assert "UNON,TRV-OFF,5,5,100.0,60.0,3.60" in text
        xlsx = api.get("/api/v1/survey-results/export/", {"file": "xlsx"})
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        rows = list(sheet.values)
        assert rows[0][0] == "campaign" and rows[1][0].startswith("'=")
        page = api_for(world["curator"]).get("/surveys/results/", {"export": "csv"})
        assert page.status_code == 200 and page["Content-Type"].startswith("text/csv")


class TestPages:
    def test_a_focal_point_answers_on_the_page(self, client, world):
        campaign = open_campaign(world)
        (person,) = focal_points(world["unep"], 1)
        client.force_login(person)
        detail = client.get(f"/surveys/{campaign.pk}/")
        assert detail.status_code == 200 and b"not answered" in detail.content
        url = f"/surveys/{campaign.pk}/answer/{world['unon_trv'].pk}/"
        bad = client.post(url, {**SCORES, "overall": "9"})
        assert bad.status_code == 400 and not Answer.objects.exists()
        good = client.post(url, {**SCORES, "comment": "<script>alert(1)</script>"})
        assert good.status_code == 302
        assert Answer.objects.get().comment == "<script>alert(1)</script>"

    def test_hostile_comments_are_escaped_on_the_results_page(self, client, world):
        campaign = open_campaign(world)
        fill(campaign, world["unon_trv"], world["unep"], [5] * 5, ["<script>x()</script>"] * 5)
        client.force_login(user_with_role(Role.PROVIDER_MANAGER, provider=world["unon"]))
        page = client.get("/surveys/results/")
        assert b"&lt;script&gt;x()&lt;/script&gt;" in page.content
        assert b"<script>x()" not in page.content

    def test_out_of_scope_pages_are_not_found(self, client, world):
        campaign = open_campaign(world)
        (outsider,) = focal_points(world["unama"], 1)
        client.force_login(outsider)
        assert client.get(f"/surveys/{campaign.pk}/").status_code == 404
        url = f"/surveys/{campaign.pk}/answer/{world['unon_trv'].pk}/"
        assert client.post(url, SCORES).status_code == 404
        assert not Answer.objects.exists()

    def test_only_catalogue_managers_open_and_close(self, client, world):
        campaign = open_campaign(world)
        client.force_login(user_with_role(Role.MANAGEMENT))
        assert client.post(f"/surveys/{campaign.pk}/close/").status_code == 403
        client.force_login(world["curator"])
        assert client.post(f"/surveys/{campaign.pk}/close/").status_code == 302
        campaign.refresh_from_db()
        assert campaign.status == "closed"


def _queries(request) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = request()
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("url", "ceiling"),
    [
        ("/api/v1/survey-campaigns/", 9),
        ("/api/v1/survey-answers/", 5),
        ("/api/v1/survey-results/", 8),
        ("/surveys/", 10),
        ("/surveys/results/", 14),
        ("campaign", 12),
    ],
)
def test_query_count_is_fixed(client, world, url, ceiling):
    """The same number of queries with more campaigns, services and answers."""
    from tests.factories import OfferingFactory

    (respondent,) = focal_points(world["unep"], 1, prefix="me")
    first = open_campaign(world)
    fill(first, world["unon_trv"], world["unep"], [5, 4, 4, 3, 2], ["a", "b", "", "", ""])
    answer(respondent, first, world["unon_trv"])
    if url == "campaign":
        url = f"/surveys/{first.pk}/"

    def grow(n):
        for i in range(n):
            campaign = open_campaign(
                world,
                name=f"More {i}",
                offerings=[world["unon_trv"], world["kjso_trv"], OfferingFactory()],
            )
            fill(campaign, world["kjso_trv"], world["unep"], [5, 4, 4, 3, 2], ["c"] * 5)
            answer(respondent, campaign, world["unon_trv"])
            first.offerings.add(OfferingFactory())
            if i == 0:
                answer(respondent, first, world["kjso_trv"])

    api = api_for(respondent) if url.startswith("/api/") else None
    client.force_login(respondent)
    get = (lambda: api.get(url)) if api else (lambda: client.get(url))
    grow(1)
    few = _queries(get)
    grow(3)
    many = _queries(get)
    assert few == many
    assert many <= ceiling
