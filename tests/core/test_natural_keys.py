"""Natural keys in the API: every coded object is read at ``/api/v1/<things>/<CODE>/`` as at
its id, every filter on a related object takes the code (an SLA's number) or the id, and
a code is never digits only, so that the two never mix."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from accounts.choices import Role
from catalogue.models import FunctionalArea, MinimumServiceStandard, Service
from clients.models import ClientEntity
from compliance.models import ComplianceResult
from core.models import DIGITS_ONLY_CODE, DutyStation
from providers.models import ServiceProvider
from tests.factories import user_with_role
from tests.sla.factories import days, make_approved, make_people

CODED = [
    ("providers", ServiceProvider, "UNON"),
    ("client-entities", ClientEntity, "UNEP"),
    ("services", Service, "HR-ONB"),
    ("standards", MinimumServiceStandard, "MSS-HR-ONB-T"),
    ("duty-stations", DutyStation, "NBO"),
    ("areas", FunctionalArea, "HR"),
]

# (list, filter, model of the filter's object, a code, the rows it matches at least)
FILTERS = [
    ("offerings", "provider", ServiceProvider, "UNON"),
    ("offerings", "service", Service, "HR-ONB"),
    ("offerings", "area", FunctionalArea, "HR"),
    ("services", "area", FunctionalArea, "HR"),
    ("standards", "service", Service, "HR-ONB"),
    ("client-entities", "duty_station", DutyStation, "NBO"),
    ("providers", "duty_station", DutyStation, "NBO"),
    ("holidays", "duty_station", DutyStation, "NBO"),
    ("designations", "client", ClientEntity, "UNEP"),
    ("rates", "provider", ServiceProvider, "UNON"),
    ("slas", "provider", ServiceProvider, "UNON"),
    ("slas", "client", ClientEntity, "UNEP"),
    ("compliance", "provider", ServiceProvider, "UNON"),
    ("survey-campaigns", "provider", ServiceProvider, "UNON"),
    ("survey-results", "provider", ServiceProvider, "UNON"),
]


@pytest.fixture
def api(db):
    client = APIClient()
    client.force_login(user_with_role(Role.CATALOGUE_MANAGER))
    return client


@pytest.mark.parametrize(("things", "model", "code"), CODED, ids=[c[0] for c in CODED])
def test_a_coded_object_reads_the_same_at_its_code_and_its_id(api, things, model, code):
    obj = model.objects.get(code=code)
    by_code = api.get(f"/api/v1/{things}/{code}/")
    by_id = api.get(f"/api/v1/{things}/{obj.pk}/")
    assert by_code.status_code == 200, by_code.content
    assert by_code.json() == by_id.json()
    assert by_code.json()["code"] == code
    url = by_code.json().get("url")
    if url:  # the url the answer gives stays valid
        assert api.get(url).json()["id"] == obj.pk


@pytest.mark.parametrize(("things", "model", "code"), CODED, ids=[c[0] for c in CODED])
def test_an_unknown_code_is_a_404(api, things, model, code):
    response = api.get(f"/api/v1/{things}/NO-SUCH-{code}/")
    assert response.status_code == 404
    assert set(response.json()) == {"message", "errors"}
    assert api.get(f"/api/v1/{things}/99999999999999999999/").status_code == 404


def test_a_coded_object_is_changed_at_its_code(api):
    response = api.patch("/api/v1/areas/HR/", {"name": "Human resources"}, format="json")
    assert response.status_code == 200, response.content
    assert FunctionalArea.objects.get(code="HR").name == "Human resources"


@pytest.mark.parametrize(
    ("things", "name", "model", "code"), FILTERS, ids=[f"{f[0]}?{f[1]}" for f in FILTERS]
)
def test_a_filter_takes_the_code_or_the_id(api, things, name, model, code):
    obj = model.objects.get(code=code)
    by_code = api.get(f"/api/v1/{things}/", {name: code, "page_size": 500})
    by_id = api.get(f"/api/v1/{things}/", {name: str(obj.pk), "page_size": 500})
    assert by_code.status_code == 200, by_code.content
    assert by_code.json() == by_id.json()
    unknown = api.get(f"/api/v1/{things}/", {name: "NO-SUCH-CODE"})
    assert unknown.status_code == 400
    assert name in unknown.json()["errors"]


@pytest.mark.django_db
class TestSlaByNumber:
    @pytest.fixture
    def sla(self):
        people = make_people()
        self.people = people
        return make_approved(people)

    def test_an_sla_reads_at_its_number_as_at_its_id(self, sla):
        client = APIClient()
        client.force_login(self.people.staff)
        number = sla.agreement.number
        by_number = client.get(f"/api/v1/slas/{number}/")
        assert by_number.status_code == 200, by_number.content
        assert by_number.json() == client.get(f"/api/v1/slas/{sla.pk}/").json()
        assert client.get(by_number.json()["url"]).json()["number"] == number
        agreement = client.get(f"/api/v1/slas/{number}/agreement/")
        assert agreement.status_code == 200
        assert agreement.json()["number"] == number

    def test_by_number_is_the_latest_version(self, sla):
        from sla.services import sla_amend

        amendment = sla_amend(sla=sla, user=self.people.staff)
        client = APIClient()
        client.force_login(self.people.staff)
        answer = client.get(f"/api/v1/slas/{sla.agreement.number}/").json()
        assert (answer["id"], answer["version"]) == (amendment.pk, 2)

    def test_another_entitys_sla_is_a_404_by_number_too(self, sla):
        client = APIClient()
        client.force_login(self.people.other_focal)
        assert client.get(f"/api/v1/slas/{sla.agreement.number}/").status_code == 404

    def test_compliance_filters_by_the_sla_number_or_id(self):
        from compliance.engine import compute_provider_month

        people = self.people = make_people()
        sla = make_approved(people, start=days(-30))
        month = sla.start_date.replace(day=1)
        compute_provider_month(provider_id=sla.agreement.provider_id, month=month)
        client = APIClient()
        client.force_login(self.people.management)
        by_number = client.get("/api/v1/compliance/", {"sla": sla.agreement.number})
        by_id = client.get("/api/v1/compliance/", {"sla": str(sla.pk)})
        assert by_number.status_code == 200, by_number.content
        assert by_number.json() == by_id.json()
        expected = ComplianceResult.objects.filter(sla=sla).count()
        assert expected > 0
        assert by_number.json()["count"] == expected
        for result in by_number.json()["results"]:
            assert (result["sla"], result["sla_number"]) == (sla.pk, sla.agreement.number)
        none = client.get("/api/v1/compliance/", {"sla": "SLA-NO-SUCH"})
        assert none.json()["count"] == 0


@pytest.mark.django_db
class TestCodesAreNeverDigitsOnly:
    def test_the_reference_data_has_no_code_of_digits_only(self):
        for model in (ServiceProvider, ClientEntity, Service, MinimumServiceStandard):
            codes = model.objects.values_list("code", flat=True)
            assert not [c for c in codes if c.isdigit()], model
        for model in (DutyStation, FunctionalArea):
            assert not [c for c in model.objects.values_list("code", flat=True) if c.isdigit()]

    @pytest.mark.parametrize("model", [FunctionalArea, DutyStation, ServiceProvider])
    def test_a_code_of_digits_only_is_refused(self, model):
        obj = model(code="123")
        with pytest.raises(ValidationError) as refused:
            obj.full_clean()
        assert DIGITS_ONLY_CODE in refused.value.message_dict["code"]

    def test_the_api_refuses_it_naming_the_field(self, api):
        response = api.post("/api/v1/areas/", {"code": "2026", "name": "Digits"}, format="json")
        assert response.status_code == 400
        assert DIGITS_ONLY_CODE in response.json()["errors"]["code"]
        assert not FunctionalArea.objects.filter(code="2026").exists()
        assert api.post(
            "/api/v1/areas/", {"code": "A2026", "name": "Letters"}, format="json"
        ).status_code == (201)
