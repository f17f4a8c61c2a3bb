"""The designation questions of the scope (may_request_designation_for,
decides_designations, sees_designation), and the pages and the API answering every user
the same way."""

import pytest
from rest_framework.test import APIClient

from accounts.choices import Role
from accounts.selectors import user_scope
from catalogue.models import Designation
from clients.models import ClientEntity
from providers.models import ServiceProvider
from tests.catalogue.factories import request
from tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    unon, unictf = (ServiceProvider.objects.get(code=c) for c in ("UNON", "UNICTF"))
    unep, unama = (ClientEntity.objects.get(code=c) for c in ("UNEP", "UNAMA"))
    return {
        "client-unep": user_with_role(Role.CLIENT_FOCAL_POINT, client=unep),
        "client-unama": user_with_role(Role.CLIENT_FOCAL_POINT, client=unama),
        "staff-unon": user_with_role(Role.PROVIDER_STAFF, provider=unon),
        "staff-unictf": user_with_role(Role.PROVIDER_STAFF, provider=unictf),
        "manager-unon": user_with_role(Role.PROVIDER_MANAGER, provider=unon),
        "catalogue": user_with_role(Role.CATALOGUE_MANAGER),
        "management": user_with_role(Role.MANAGEMENT),
        "nobody": UserFactory(),
    }


def test_the_answers():
    unep = ClientEntity.objects.get(code="UNEP").pk
    unama = ClientEntity.objects.get(code="UNAMA").pk
    focal = user_scope(
        user_with_role(Role.CLIENT_FOCAL_POINT, client=ClientEntity.objects.get(pk=unep))
    )
    curator = user_scope(user_with_role(Role.CATALOGUE_MANAGER))
    management = user_scope(user_with_role(Role.MANAGEMENT))
    assert focal.may_request_designation_for(unep) and not focal.may_request_designation_for(unama)
    assert not focal.decides_designations and curator.decides_designations
    assert curator.may_request_designation_for(unama)
    assert not management.decides_designations and not management.may_request_designations
    assert management.sees_designation(approved=False, client_id=unama, provider_id=0)
    assert not focal.sees_designation(approved=False, client_id=unama, provider_id=0)
    assert focal.sees_designation(approved=True, client_id=unama, provider_id=0)


def test_request_page_and_api_answer_as_may_request_designations(client, people):
    for name, user in people.items():
        may = user_scope(user).may_request_designations
        client.force_login(user)
        page = client.get("/designations/request/").status_code
        api = APIClient()
        api.force_authenticate(user)
        answer = api.post("/api/v1/designations/", {}, format="json").status_code
        assert (page == 200) is may, name
        assert (answer == 400) is may and (answer == 403) is (not may), name


def test_detail_page_and_api_answer_as_sees_designation(client, people):
    pending = request(people["client-unep"])
    for name, user in people.items():
        sees = user_scope(user).sees_designation(
            approved=False, client_id=pending.client_id, provider_id=pending.provider_id
        )
        client.force_login(user)
        api = APIClient()
        api.force_authenticate(user)
        expected = 200 if sees else 404
        assert client.get(f"/designations/{pending.pk}/").status_code == expected, name
        assert api.get(f"/api/v1/designations/{pending.pk}/").status_code == expected, name


def test_decide_page_and_api_answer_as_decides_designations(client, people):
    for name, user in people.items():
        pending = request(people["client-unep"], valid_from=None)
        decides = user_scope(user).decides_designations
        client.force_login(user)
        page = client.post(f"/designations/{pending.pk}/decline/", {"decline-reason": "No."})
        assert (page.status_code == 302) is decides, name
        if decides:
            continue
        api = APIClient()
        api.force_authenticate(user)
        answer = api.post(
            f"/api/v1/designations/{pending.pk}/decline/", {"reason": "No."}, format="json"
        )
        assert answer.status_code in (403, 404), name
        assert Designation.objects.get(pk=pending.pk).status == "requested"
        Designation.objects.filter(pk=pending.pk).update(status="withdrawn")
