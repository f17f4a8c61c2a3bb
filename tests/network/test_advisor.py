"""The designation advisor: a ranking computed by hand from stored results, answers, rates,
calendars and scopes; the page and the API give the same answer; bad input is refused."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.choices import Role
from network.selectors import designation_advice, reference_week
from tests.factories import (
    DesignationFactory,
    OfferingFactory,
    ServiceFactory,
    ServiceProviderFactory,
    user_with_role,
)
from tests.network.factories import NOW, WEEK, advisor_world

pytestmark = pytest.mark.django_db
D = Decimal
URL = "/api/v1/designation-advisor/"


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    """The pages and the API ask the advisor about "now": 15 July 2026."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


@pytest.fixture
def world():
    return advisor_world()


@pytest.fixture
def management():
    client = APIClient()
    client.force_authenticate(user_with_role(Role.MANAGEMENT))
    return client


def scores(advice):
    return {c.code: {n: f.score for n, f in c.factors.items()} for c in advice.candidates}


class TestRanking:
    def test_hand_computed_ranking(self, world):
        advice = designation_advice(
            client=world["client"], service=world["service"], week=WEEK, now=NOW
        )
        assert scores(advice) == {
            # 19 of 20; 4 of 5 satisfied; cheapest; same calendar; global.
            "TST-A": {"attainment": D("0.9500"), "satisfaction": D("0.8000"),
                      "cost": D("1.0000"), "overlap": D("1.0000"), "scope": D(1)},
            # no result; 3 answers (withheld); 10 ÷ 20; 100,800 of 144,000 s; serves KE.
            "TST-B": {"attainment": None, "satisfaction": None, "cost": D("0.5000"),
                      "overlap": D("0.7000"), "scope": D(1)},
            # 1 of 2; no answer; no rate; same calendar; local to UG.
            "TST-C": {"attainment": D("0.5000"), "satisfaction": None, "cost": None,
                      "overlap": D("1.0000"), "scope": D(0)},
        }  # fmt: skip
        # A: 33.25 + 16 + 15 + 15 + 15; B: 7.5 + 10.5 + 15; C: 17.5 + 15.
        assert [(c.position, c.code, c.score) for c in advice.candidates] == [
            (1, "TST-A", D("94.25")),
            (2, "TST-B", D("33.00")),
            (3, "TST-C", D("32.50")),
        ]
        b = advice.candidates[1]
        assert b.factors["satisfaction"].note.startswith("fewer than 5 answers")
        assert b.extra["overlap_seconds"] == 100_800
        assert advice.client_week_seconds == 144_000
        assert (b.extra["first_month"].month, b.extra["last_month"].month) == (1, 6)

    def test_a_tie_is_broken_by_provider_code(self, world):
        # A second provider exactly like C, with a code before it.
        twin = ServiceProviderFactory(code="TST-0C", duty_station=world["c"].duty_station)
        offering = OfferingFactory(
            provider=twin, service=world["service"], scope="local", rate_card=None
        )
        offering.countries.create(country="UG")
        from tests.network.factories import month, stored_result

        standard = world["service"].standards.get(kind="timeliness")
        stored_result(provider=twin, standard=standard, period=month(6), eligible=4, met=2)
        advice = designation_advice(
            client=world["client"], service=world["service"], week=WEEK, now=NOW
        )
        assert [(c.code, c.score) for c in advice.candidates[2:]] == [
            ("TST-0C", D("32.50")),
            ("TST-C", D("32.50")),
        ]

    def test_the_same_question_gives_the_same_answer(self, world):
        runs = [
            [(c.code, c.score) for c in designation_advice(
                client=world["client"], service=world["service"], week=WEEK, now=NOW
            ).candidates]
            for _ in range(3)
        ]  # fmt: skip
        assert runs[0] == runs[1] == runs[2]

    def test_the_designated_provider_is_marked(self, world):
        DesignationFactory(client=world["client"], area=world["service"].area, provider=world["c"])
        advice = designation_advice(
            client=world["client"], service=world["service"], week=WEEK, now=NOW
        )
        assert [c.code for c in advice.candidates if c.designated] == ["TST-C"]

    def test_a_client_without_duty_station_has_no_overlap(self, world):
        world["client"].duty_station = None
        advice = designation_advice(
            client=world["client"], service=world["service"], week=WEEK, now=NOW
        )
        assert all(c.factors["overlap"].no_data for c in advice.candidates)
        assert advice.client_week_seconds is None

    def test_a_service_nobody_offers_gives_an_empty_list_and_says_why(self, world):
        lonely = ServiceFactory(code="TST-SVC-NONE")
        advice = designation_advice(client=world["client"], service=lonely, now=NOW)
        assert advice.candidates == []
        assert advice.message == "No provider offers TST-SVC-NONE in the catalogue."

    def test_the_reference_week_is_the_last_complete_one(self):
        import datetime as dt

        assert reference_week(dt.date(2026, 3, 11)) == "2026-W10"
        assert reference_week(dt.date(2026, 1, 1)) == "2025-W52"


class TestApi:
    def test_answers_the_ranking_with_every_factor(self, world, management):
        response = management.get(URL, {"client": "TST-CLIENT-N", "service": "TST-SVC-N",
                                        "week": WEEK})  # fmt: skip
        assert response.status_code == 200
        body = response.json()
        assert (body["client"], body["service"], body["week"]) == (
            "TST-CLIENT-N",
            "TST-SVC-N",
            WEEK,
        )
        assert [p["provider"] for p in body["providers"]] == ["TST-A", "TST-B", "TST-C"]
        first = body["providers"][0]
        assert first["rank"] == 1 and set(first["factors"]) == {
            "attainment", "satisfaction", "cost", "overlap", "scope"
        }  # fmt: skip
        assert body["providers"][1]["factors"]["attainment"] == {
            "score": None, "weight": 35, "points": "0.00", "no_data": True,
            "shown": "no data", "note": "no eligible record in these months",
        }  # fmt: skip
        assert body["weights"]["attainment"] == 35 and body["method"]
        # The API keeps the overlap in seconds (DOMAIN §9); only the page words it.
        overlap = body["providers"][1]["factors"]["overlap"]
        assert (overlap["seconds"], overlap["client_seconds"]) == (100_800, 144_000)
        assert body["client_week_seconds"] == 144_000

    def test_no_provider_gives_an_empty_list_with_a_message(self, world, management):
        ServiceFactory(code="TST-SVC-NONE")
        body = management.get(URL, {"client": "TST-CLIENT-N", "service": "TST-SVC-NONE"}).json()
        assert body["providers"] == []
        assert body["message"] == "No provider offers TST-SVC-NONE in the catalogue."

    @pytest.mark.parametrize(
        ("query", "field", "reason"),
        [
            ({"client": "NOPE", "service": "TST-SVC-N"}, "client", "No client entity"),
            ({"client": "TST-CLIENT-N", "service": "NOPE"}, "service", "No service"),
            ({"service": "TST-SVC-N"}, "client", "required"),
            ({"client": "TST-CLIENT-N"}, "service", "required"),
            ({"client": "TST-CLIENT-N", "service": "TST-SVC-N", "week": "2026-W99"}, "week",
             "no week 99"),
            ({"client": "TST-CLIENT-N", "service": "TST-SVC-N", "week": "last"}, "week",
             "YYYY-Www"),
            ({"client": "TST-CLIENT-N", "service": "TST-SVC-N", "week": "9999-W01"}, "week",
             "between 1990 and 2100"),
            ({"client": "A\x00B", "service": "TST-SVC-N"}, "client", "No client entity"),
            ({"client": "X" * 500, "service": "TST-SVC-N"}, "client", "No client entity"),
            ({"client": "TST-CLIENT-N", "service": "TST-SVC-N", "sort": "cost"}, "sort",
             "Unknown query parameter"),
        ],
    )  # fmt: skip
    def test_bad_input_is_a_400_naming_the_field(self, world, management, query, field, reason):
        response = management.get(URL, query)
        assert response.status_code == 400
        body = response.json()
        assert body["message"] and reason in " ".join(body["errors"][field])

    def test_runs_a_fixed_number_of_queries_whatever_the_number_of_providers(
        self, world, management
    ):
        query = {"client": "TST-CLIENT-N", "service": "TST-SVC-N", "week": WEEK}
        management.get(URL, query)  # the user's scope is read once, then cached
        with CaptureQueriesContext(connection) as few:
            assert management.get(URL, query).status_code == 200
        for _ in range(4):
            OfferingFactory(service=world["service"])
        with CaptureQueriesContext(connection) as more:
            body = management.get(URL, query).json()
        assert len(body["providers"]) == 7
        assert len(few) == len(more) <= 12


class TestPage:
    def test_shows_every_factor_the_score_and_the_method(self, world, client):
        client.force_login(user_with_role(Role.CATALOGUE_MANAGER))
        query = {"client": "TST-CLIENT-N", "service": "TST-SVC-N", "week": WEEK}
        response = client.get("/network/advisor/", query)
        html = response.content.decode()
        assert response.status_code == 200
        for text in ("94.25", "33.00", "32.50", "95.0%", "fewer than 5 answers",
                     "does not serve KE (serves UG)", "no data: adds 0",
                     "How the rank is made", "0.9500 × 35 = 33.25"):  # fmt: skip
            assert text in html, text
        table = html[html.index("<table") :]
        assert table.index("TST-A") < table.index("TST-B") < table.index("TST-C<")

    def test_working_hours_in_common_are_hours_and_minutes_a_week(self, world, client):
        client.force_login(user_with_role(Role.MANAGEMENT))
        query = {"client": "TST-CLIENT-N", "service": "TST-SVC-N", "week": WEEK}
        html = client.get("/network/advisor/", query).content.decode()
        # B shares 100,800 s (28 h) of the client's 144,000 s (40 h) in week 2026-W10.
        for text in ("28 h 00 min a week", "70.0% of the client&#x27;s 40 h 00 min",
                     "the week of <strong>2026-03-02 to 2026-03-08</strong> (week 2026-W10)",
                     "works 40 h 00 min that week",
                     '<label for="id_week">Week compared (e.g. 2026-W10)</label>'):  # fmt: skip
            assert text in html, text
        assert "YYYY-Www" not in html and "Reference week" not in html

    def test_the_menu_marks_network_as_the_current_section_only(self, world, client):
        client.force_login(user_with_role(Role.MANAGEMENT))
        html = client.get("/network/advisor/").content.decode()
        assert html.count('aria-current="page"') == 1
        assert 'aria-current="page">Network</a>' in html

    def test_a_bad_code_is_a_form_error_and_nothing_else(self, world, client):
        client.force_login(user_with_role(Role.MANAGEMENT))
        response = client.get("/network/advisor/", {"client": "NOPE", "service": "TST-SVC-N"})
        assert response.status_code == 200
        assert "No client entity with this code." in response.content.decode()

    def test_runs_a_fixed_number_of_queries_whatever_the_number_of_providers(self, world, client):
        client.force_login(user_with_role(Role.MANAGEMENT))
        query = {"client": "TST-CLIENT-N", "service": "TST-SVC-N", "week": WEEK}
        with CaptureQueriesContext(connection) as few:
            client.get("/network/advisor/", query)
        for _ in range(4):
            OfferingFactory(service=world["service"])
        with CaptureQueriesContext(connection) as more:
            client.get("/network/advisor/", query)
        assert len(few) == len(more) <= 16


class TestScope:
    """Who may ask: the same answer from the page and the API (UserScope)."""

    @pytest.mark.parametrize(
        ("role", "own", "expected"),
        [
            (Role.CATALOGUE_MANAGER, False, 200),
            (Role.MANAGEMENT, False, 200),
            (Role.CLIENT_FOCAL_POINT, True, 200),
            (Role.CLIENT_FOCAL_POINT, False, 403),
            (Role.PROVIDER_STAFF, False, 403),
            (Role.PROVIDER_MANAGER, False, 403),
        ],
    )
    def test_pages_and_api_agree(self, world, client, role, own, expected):
        from tests.factories import ClientEntityFactory

        kwargs = {}
        if role == Role.CLIENT_FOCAL_POINT:
            kwargs["client"] = world["client"] if own else ClientEntityFactory()
        elif role in (Role.PROVIDER_STAFF, Role.PROVIDER_MANAGER):
            kwargs["provider"] = world["a"]
        user = user_with_role(role, **kwargs)
        query = {"client": "TST-CLIENT-N", "service": "TST-SVC-N", "week": WEEK}
        client.force_login(user)
        api = APIClient()
        api.force_authenticate(user)
        assert client.get("/network/advisor/", query).status_code == expected
        assert api.get(URL, query).status_code == expected

    def test_a_focal_point_is_offered_only_their_own_entities(self, world, client):
        from tests.factories import ClientEntityFactory

        other = ClientEntityFactory(code="TST-CLIENT-OTHER")
        client.force_login(user_with_role(Role.CLIENT_FOCAL_POINT, client=world["client"]))
        html = client.get("/network/advisor/").content.decode()
        assert 'value="TST-CLIENT-N"' in html and other.code not in html

    def test_anonymous_callers_are_refused(self, world, client):
        assert client.get(URL).status_code in (401, 403)
        assert client.get("/network/advisor/").status_code == 302
