"""Support capacities (DOMAIN §9): an entity's own team (posts, optional annual cost) or the
provider that serves it, one per entity × duty station × area; kept by the entity's focal
points and catalogue managers, with history and audit entries; read per the scope (pages
and API agree); bad input refused naming the field, nothing stored."""

import re
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.choices import Role
from accounts.selectors import user_scope
from capacities.models import SupportCapacity
from clients.models import ClientEntity
from core.models import AuditEntry
from providers.models import ServiceProvider
from tests.capacities.factories import SupportCapacityFactory
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

URL = "/api/v1/support-capacities/"


@pytest.fixture
def unep():
    return ClientEntity.objects.get(code="UNEP")


@pytest.fixture
def focal(unep):
    return user_with_role(Role.CLIENT_FOCAL_POINT, client=unep)


@pytest.fixture
def api(focal):
    client = APIClient()
    client.force_login(focal)
    return client


BODY = {"client": "UNEP", "duty_station": "NBO", "area": "HR", "posts": "3.5",
        "annual_cost": "420000.00", "currency": "USD", "source": "Staffing table 2026"}  # fmt: skip


def test_a_focal_point_records_changes_and_deletes_their_entitys_capacity(api, focal):
    response = api.post(URL, BODY, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["client"]["code"], data["posts"], data["annual_cost"], data["in_house"]) == (
        "UNEP", "3.50", "420000.000", True,
    )  # fmt: skip
    assert data["illustrative"] is False and data["hardship_class"] == "B"
    pk = data["id"]
    changed = api.patch(f"{URL}{pk}/", {"posts": "4"}, format="json")
    assert changed.status_code == 200 and changed.json()["posts"] == "4.00"
    served = api.put(
        f"{URL}{pk}/",
        {"client": "UNEP", "duty_station": "NBO", "area": "HR", "served_by": "UNON"},
        format="json",
    )
    assert served.status_code == 200, served.json()
    assert (served.json()["posts"], served.json()["annual_cost"], served.json()["currency"]) == (
        None, None, "",
    )  # fmt: skip
    capacity = SupportCapacity.objects.get(pk=pk)
    assert [h.history_type for h in capacity.history.order_by("history_date")] == ["+", "~", "~"]
    assert capacity.history.first().history_user == focal
    assert api.delete(f"{URL}{pk}/").status_code == 204
    assert not SupportCapacity.objects.filter(pk=pk).exists()
    kinds = list(
        AuditEntry.objects.filter(model="capacities.supportcapacity", object_id=str(pk))
        .order_by("at", "id")
        .values_list("kind", "channel")
    )
    assert kinds == [("created", "api"), ("changed", "api"), ("changed", "api"), ("deleted", "api")]


def _refused(api, body, field, method="post", url=URL):
    before = list(SupportCapacity.objects.values_list("pk", "posts", "served_by", "annual_cost"))
    response = getattr(api, method)(url, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert (
        list(SupportCapacity.objects.values_list("pk", "posts", "served_by", "annual_cost"))
        == before
    )
    return response.json()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"posts": "0"}, "posts"),
        ({"posts": "-1"}, "posts"),
        ({"posts": "1000.01"}, "posts"),
        ({"posts": "1e30"}, "posts"),
        ({"posts": "NaN"}, "posts"),
        ({"posts": "three"}, "posts"),
        ({"posts": "0.001"}, "posts"),
        ({"posts": None, "annual_cost": None, "currency": ""}, "posts"),
        ({"served_by": "UNON"}, "posts"),  # posts with a provider
        ({"duty_station": "ZZZ"}, "duty_station"),
        ({"duty_station": "NB\x00"}, "duty_station"),
        ({"client": "<script>alert(1)</script>"}, "client"),
        ({"area": ["HR"]}, "area"),
        ({"annual_cost": "-5"}, "annual_cost"),
        ({"annual_cost": "10.005"}, "annual_cost"),  # USD has 2 decimals
        ({"annual_cost": "1000000000.01"}, "annual_cost"),
        ({"currency": "XXX"}, "currency"),
        ({"currency": ""}, "currency"),  # a cost with no currency
        ({"annual_cost": None}, "annual_cost"),  # a currency with no cost
        ({"source": "x" * 301}, "source"),
        ({"source": "bad\x00byte"}, "source"),
        ({"valid_until": "2026-01-01"}, "valid_until"),  # unknown
        ({"illustrative": True}, "illustrative"),  # read-only
        ({"is_demo": True}, "is_demo"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_stored(api, change, field):
    body = {**BODY, **change}
    _refused(api, {k: v for k, v in body.items() if v is not None or k in change}, field)


def test_a_second_row_for_the_same_entity_station_and_area_is_refused(api, unep):
    assert api.post(URL, BODY, format="json").status_code == 201
    errors = _refused(api, {**BODY, "posts": "1"}, "area")
    assert "already has a capacity for HR at NBO" in errors["errors"]["area"][0]


def test_cost_and_posts_with_a_provider_are_refused_on_change(api, unep):
    pk = api.post(URL, BODY, format="json").json()["id"]
    _refused(api, {"served_by": "UNON"}, "posts", method="patch", url=f"{URL}{pk}/")
    _refused(
        api, {"served_by": "UNON", "posts": None}, "annual_cost", method="patch", url=f"{URL}{pk}/"
    )


def test_a_focal_point_cannot_keep_another_entitys_capacities(api):
    before = SupportCapacity.objects.count()
    response = api.post(URL, {**BODY, "client": "UNAMA"}, format="json")
    assert response.status_code == 403
    other = SupportCapacityFactory(client=ClientEntity.objects.get(code="UNAMA"))
    assert api.patch(f"{URL}{other.pk}/", {"posts": "1"}, format="json").status_code == 404
    assert SupportCapacity.objects.count() == before + 1


def test_provider_staff_and_management_cannot_write():
    for user in (
        user_with_role(Role.MANAGEMENT),
        user_with_role(Role.PROVIDER_MANAGER, provider=ServiceProvider.objects.get(code="UNON")),
    ):
        client = APIClient()
        client.force_login(user)
        assert client.post(URL, BODY, format="json").status_code == 403
    assert not SupportCapacity.objects.exists()


def test_the_page_form_refuses_bad_posts_naming_the_field(client, focal, unep):
    client.force_login(focal)
    station = ClientEntity.objects.get(code="UNEP").duty_station
    from catalogue.models import FunctionalArea

    form = {"client": unep.pk, "duty_station": station.pk,
            "area": FunctionalArea.objects.get(code="HR").pk}  # fmt: skip
    for posts in ("0", "-2", "5000", "abc"):
        response = client.post("/capacities/new/", {**form, "posts": posts})
        assert response.status_code == 400
        assert re.search(r'id_posts.*?class="error"', response.content.decode(), re.S)
    served = {**form, "posts": "2", "served_by": ServiceProvider.objects.get(code="UNON").pk}
    response = client.post("/capacities/new/", served)
    assert response.status_code == 400 and b"no posts or cost of its own" in response.content
    unama = ClientEntity.objects.get(code="UNAMA")
    assert (
        client.post("/capacities/new/", {**form, "client": unama.pk, "posts": "1"}).status_code
        == 400
    )
    assert not SupportCapacity.objects.exists()
    response = client.post("/capacities/new/", {**form, "posts": "2.5", "source": "<b>x</b>"})
    assert response.status_code == 302
    capacity = SupportCapacity.objects.get()
    page = client.get(f"/capacities/{capacity.pk}/").content.decode()
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
    assert AuditEntry.objects.filter(
        model="capacities.supportcapacity", object_id=str(capacity.pk), channel="page"
    ).exists()


def _ids_on_page(client, query="") -> set[int]:
    text = client.get(f"/capacities/?page_size=100{query}").content.decode()
    return {int(pk) for pk in re.findall(r'href="/capacities/(\d+)/"', text)}


def _ids_in_api(api, query="") -> set[int]:
    data = api.get(f"{URL}?page_size=500{query}").json()
    return {row["id"] for row in data["results"]}


@pytest.fixture
def three_capacities():
    """UNEP's own team, UNAMA's served by KJSO, UN-HABITAT's own team."""
    get = ClientEntity.objects.get
    kjso = ServiceProvider.objects.get(code="KJSO")
    return {
        "unep": SupportCapacityFactory(client=get(code="UNEP")),
        "unama": SupportCapacityFactory(client=get(code="UNAMA"), posts=None, served_by=kjso),
        "habitat": SupportCapacityFactory(client=get(code="UN-HABITAT")),
    }


@pytest.mark.parametrize(
    ("role", "org", "seen"),
    [
        (Role.MANAGEMENT, None, {"unep", "unama", "habitat"}),
        (Role.CATALOGUE_MANAGER, None, {"unep", "unama", "habitat"}),
        (Role.CLIENT_FOCAL_POINT, ("client", "UNEP"), {"unep"}),
        (Role.CLIENT_FOCAL_POINT, ("client", "UNAMA"), {"unama"}),
        (Role.PROVIDER_STAFF, ("provider", "KJSO"), {"unama"}),
        (Role.PROVIDER_MANAGER, ("provider", "UNON"), set()),
    ],
)
def test_pages_and_api_show_the_same_capacities_per_the_scope(
    client, three_capacities, role, org, seen
):
    kwargs = {}
    if org:
        model = ClientEntity if org[0] == "client" else ServiceProvider
        kwargs[org[0]] = model.objects.get(code=org[1])
    user = user_with_role(role, **kwargs)
    client.force_login(user)
    api = APIClient()
    api.force_login(user)
    expected = {three_capacities[k].pk for k in seen}
    assert _ids_on_page(client) == expected
    assert _ids_in_api(api) == expected
    scope = user_scope(user)
    for capacity in three_capacities.values():
        visible = capacity.pk in expected
        assert (
            scope.sees_capacity(client_id=capacity.client_id, served_by_id=capacity.served_by_id)
            is visible
        )
        assert client.get(f"/capacities/{capacity.pk}/").status_code == (200 if visible else 404)
        assert api.get(f"{URL}{capacity.pk}/").status_code == (200 if visible else 404)
        editable = scope.may_edit_capacities_of(capacity.client_id)
        assert editable is (
            role == Role.CATALOGUE_MANAGER or (visible and role == Role.CLIENT_FOCAL_POINT)
        )
        if visible:
            code = client.get(f"/capacities/{capacity.pk}/edit/").status_code
            assert code == (200 if editable else 403)


def test_the_list_filters_by_codes_and_sorts_on_pages_and_api(client, three_capacities):
    user = user_with_role(Role.MANAGEMENT)
    client.force_login(user)
    api = APIClient()
    api.force_login(user)
    unama = {three_capacities["unama"].pk}
    for query in ("&client=UNAMA", "&served_by=KJSO", "&in_house=false"):
        assert _ids_on_page(client, query) == _ids_in_api(api, query) == unama
    assert api.get(f"{URL}?client=NOPE").status_code == 400
    assert api.get(f"{URL}?duty_station=%00").status_code == 400
    rows = api.get(f"{URL}?ordering=-client").json()["results"]
    assert [r["client"]["code"] for r in rows] == ["UNEP", "UNAMA", "UN-HABITAT"]
    export = client.get("/capacities/?export=csv&client=UNEP")
    lines = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == ("client,duty_station,hardship_class,area,served_by,posts,annual_cost,"
                        "currency,illustrative")  # fmt: skip
    assert len(lines) == 2 and lines[1].startswith("UNEP,")


def test_the_list_query_count_is_fixed(client, three_capacities):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = user_with_role(Role.MANAGEMENT)
    client.force_login(user)
    api = APIClient()
    api.force_login(user)

    def count(call):
        with CaptureQueriesContext(connection) as ctx:
            assert call().status_code == 200
        return len(ctx.captured_queries)

    few = (count(lambda: client.get("/capacities/")), count(lambda: api.get(URL)))
    kjso = ServiceProvider.objects.get(code="KJSO")
    for _ in range(6):
        SupportCapacityFactory(served_by=kjso, posts=None)
        SupportCapacityFactory(annual_cost=Decimal(10), currency="USD")
    assert (count(lambda: client.get("/capacities/")), count(lambda: api.get(URL))) == few
    assert few[0] <= 10 and few[1] <= 5


def test_demo_rows_are_labelled_illustrative_on_pages_and_api(client):
    capacity = SupportCapacityFactory(client=ClientEntity.objects.get(code="UNEP"), is_demo=True)
    client.force_login(user_with_role(Role.MANAGEMENT))
    assert "badge-illustrative" in client.get("/capacities/").content.decode()
    assert "Demo data" in client.get(f"/capacities/{capacity.pk}/").content.decode()
    api = APIClient()
    api.force_login(user_with_role(Role.MANAGEMENT))
    assert api.get(f"{URL}{capacity.pk}/").json()["illustrative"] is True
