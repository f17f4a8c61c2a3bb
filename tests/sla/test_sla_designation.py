"""An SLA is registered only between a client and the provider designated for each of its
services on the SLA's start date (DOMAIN §9), on every path: services, page and API."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from catalogue.models import Designation
from core.exceptions import ApplicationError
from sla.models import Agreement, Sla
from sla.services import sla_amend, sla_approve, sla_create, sla_submit, sla_update_draft
from tests.sla.factories import (
    client,
    days,
    line,
    make_approved,
    make_draft,
    make_people,
    provider,
    table_counts,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return make_people()


def _end_unep_conference_designation(last_day: dt.date) -> None:
    # Set straight on the row: the workflow never ends one retroactively, but the data an
    # SLA relies on may have changed since its draft was written.
    Designation.objects.filter(client__code="UNEP", area__code="CONF").update(valid_to=last_day)


class TestServices:
    def test_a_client_the_provider_is_not_designated_for_is_refused_naming_the_service(
        self, people
    ):
        before = table_counts()
        with pytest.raises(ApplicationError) as refused:
            sla_create(
                user=people.staff,
                provider=provider("UNON"),
                client=client("UNAMA"),
                start_date=days(10),
                end_date=days(300),
                lines=[line("CONF-DOC")],
            )
        assert "CONF-DOC" in refused.value.message and "UNAMA" in refused.value.message
        assert any("CONF-DOC" in reason for reason in refused.value.errors["lines"])
        assert table_counts() == before

    def test_a_start_before_the_designation_is_refused(self, people):
        with pytest.raises(ApplicationError) as refused:
            make_draft(people, start=dt.date(2023, 6, 1))
        assert "2023-06-01" in refused.value.message
        assert not Agreement.objects.exists()

    def test_editing_a_draft_to_an_undesignated_start_is_refused(self, people):
        sla = make_draft(people)
        with pytest.raises(ApplicationError):
            sla_update_draft(sla=sla, user=people.staff, start_date=dt.date(2023, 6, 1))
        assert Sla.objects.get(pk=sla.pk).start_date == sla.start_date

    def test_submit_and_approval_check_again(self, people):
        sla = make_draft(people)
        _end_unep_conference_designation(days(5))
        with pytest.raises(ApplicationError) as refused:
            sla_submit(sla=sla, user=people.staff)
        assert "CONF-DOC" in refused.value.message
        _end_unep_conference_designation(None)
        sla_submit(sla=sla, user=people.staff)
        sla_approve(sla=sla, user=people.focal)
        _end_unep_conference_designation(days(5))
        with pytest.raises(ApplicationError):
            sla_approve(sla=sla, user=people.manager)
        assert Sla.objects.get(pk=sla.pk).status == "submitted"

    def test_an_amendment_needs_the_designation_on_its_own_start(self, people):
        sla = make_approved(people, start=days(-30))
        _end_unep_conference_designation(days(-1))
        with pytest.raises(ApplicationError) as refused:
            sla_amend(sla=sla, user=people.staff)
        assert "CONF-DOC" in refused.value.message
        assert sla.agreement.versions.count() == 1

    def test_a_service_level_designation_of_another_provider_overrides_the_area(self, people):
        Designation.objects.create(
            client=client("UNEP"),
            service=line("CONF-DOC").offering.service,
            provider=provider("UNOG"),
            valid_from=dt.date(2024, 1, 1),
            status="approved",
        )
        with pytest.raises(ApplicationError) as refused:
            make_draft(people)
        assert "UNOG is designated" in refused.value.message


class TestApiAndPage:
    def test_api_refuses_with_400_naming_the_service(self, people):
        api = APIClient()
        api.force_login(people.staff)
        response = api.post(
            "/api/v1/slas/",
            {"provider": "UNON", "client": "UNAMA", "start_date": "2031-01-01",
             "end_date": "2031-12-31", "lines": [{"service": "CONF-DOC", "expected_volume": 10}]},
            format="json",
        )  # fmt: skip
        assert response.status_code == 400
        assert "CONF-DOC" in response.json()["message"]
        assert "lines" in response.json()["errors"]
        assert not Agreement.objects.exists()

    def test_page_refuses_with_400_naming_the_service(self, client, people):
        item = line("CONF-DOC").offering
        client.force_login(people.staff)
        data = {"client": "UNAMA", "start_date": "2031-01-01", "end_date": "2031-12-31",
                f"line-{item.pk}-selected": "on", f"line-{item.pk}-volume": "10"}  # fmt: skip
        for standard in item.service.standards.all():
            prefix = f"target-{item.pk}-{standard.code}"
            if standard.threshold is not None:
                data[f"{prefix}-threshold"] = f"{standard.threshold.normalize():f}"
            data[f"{prefix}-target_pct"] = f"{standard.target_pct.normalize():f}"
        response = client.post("/slas/new/", data)
        assert response.status_code == 400
        assert "not designated for UNAMA" in response.content.decode()
        assert not Agreement.objects.exists()
