"""The work inbox (``core.inbox``): each source finds what waits for the right person, and
the home page and the navigation read it in a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.selectors import user_scope
from catalogue.models import MinimumServiceStandard, Offering, Service
from catalogue.services import designation_decline, designation_request
from core.inbox import inbox_counts, inbox_sections, nav_counts
from core.months import add_months, month_start
from records.choices import ImportStatus
from records.models import RecordImport
from sla.services import sla_return, sla_submit
from surveys.services import campaign_create, campaign_open
from tests.compliance.factories import result
from tests.factories import user_with_role
from tests.sla.factories import client, make_draft, make_people, provider

pytestmark = pytest.mark.django_db


def sections(user) -> dict:
    return {s.source.key: s for s in inbox_sections(user, user_scope(user))}


def survey(people, n: int = 1):
    offering = Offering.objects.get(provider__code="UNON", service__code="TRV-OFF")
    today = timezone.localdate()
    for i in range(n):
        campaign = campaign_create(
            user=people.catalogue,
            name=f"Survey {i}",
            opens_on=today,
            closes_on=today + dt.timedelta(days=30),
            offerings=[offering],
            clients=[client("UNEP")],
        )
        campaign_open(campaign=campaign, user=people.catalogue)


def breaches(*months_ago: int):
    """Breached results of CONF-DOC's standard, ``months_ago`` complete months back."""
    this_month = month_start(timezone.localdate())
    standard = MinimumServiceStandard.objects.get(code="MSS-CONF-DOC-T")
    for ago in months_ago:
        result(standard=standard, month=add_months(this_month, -ago), eligible=10, met=1)


def imports(user, n: int):
    for i in range(n):
        RecordImport.objects.create(
            created_by=user,
            provider=provider("UNON"),
            filename=f"file-{i}.csv",
            status=ImportStatus.VALIDATED,
            rows_total=10,
            rows_valid=9,
        )


class TestSources:
    def test_submitted_sla_waits_for_both_signatories_not_for_staff(self):
        people = make_people()
        sla_submit(sla=make_draft(people), user=people.staff)
        assert sections(people.focal)["sla.to_sign"].count == 1
        assert sections(people.manager)["sla.to_sign"].count == 1
        assert "sla.to_sign" not in sections(people.staff)
        assert "sla.to_sign" not in sections(people.other_focal)
        item = sections(people.focal)["sla.to_sign"].items[0]
        assert "UNON" in item.text and "UNEP" in item.text and item.url.startswith("/slas/")

    def test_returned_sla_comes_back_to_the_provider_with_its_comment(self):
        people = make_people()
        sla = sla_submit(sla=make_draft(people), user=people.staff)
        sla_return(sla=sla, user=people.focal, comment="Volumes too high.")
        section = sections(people.staff)["sla.returned"]
        assert section.count == 1 and "Volumes too high." in section.items[0].detail
        assert "sla.returned" not in sections(people.other_staff)
        assert "sla.to_sign" not in sections(people.focal)

    def test_unanswered_survey_waits_for_the_invited_focal_point(self):
        people = make_people()
        survey(people)
        section = sections(people.focal)["surveys.unanswered"]
        assert section.count == 1 and section.items[0].url.startswith("/surveys/")
        assert "surveys.unanswered" not in sections(people.other_focal)

    def test_validated_import_waits_for_the_one_who_uploaded_it(self):
        people = make_people()
        imports(people.staff, 2)
        assert sections(people.staff)["records.to_confirm"].count == 2
        assert "records.to_confirm" not in sections(people.manager)

    def test_breaches_of_the_organisation_in_plain_words(self):
        people = make_people()
        breaches(1)
        section = sections(people.staff)["compliance.breaches"]
        text = section.items[0].text
        assert text.startswith("UNON missed the ") and "% on time" in text and "target" in text
        assert section.items[0].url.startswith("/compliance/?provider=UNON")
        assert "compliance.breaches" not in sections(people.other_staff)
        assert "compliance.breaches" in sections(people.management)

    def test_designation_requests_wait_for_a_catalogue_managers_decision(self):
        people = make_people()
        assert "catalogue.designation_requests" not in sections(people.catalogue)
        request = designation_request(
            user=people.focal,
            client=client("UNEP"),
            provider=provider("UNON"),
            service=Service.objects.get(code="FIN-VEN"),
            valid_from=dt.date(2026, 1, 1),
        )
        section = sections(people.catalogue)["catalogue.designation_requests"]
        assert section.count == 1
        assert section.items[0].text.startswith("UNEP asks for UNON to serve ")
        assert section.items[0].url == f"/designations/{request.pk}/"
        assert "catalogue.designation_requests" not in sections(people.focal)
        designation_decline(user=people.catalogue, designation=request, reason="Not offered.")
        assert "catalogue.designation_requests" not in sections(people.catalogue)

    def test_nav_counts_add_up_by_entry(self):
        people = make_people()
        imports(people.staff, 3)
        sla = sla_submit(sla=make_draft(people), user=people.staff)
        sla_return(sla=sla, user=people.focal, comment="No.")
        counts = nav_counts(inbox_counts(people.staff, user_scope(people.staff)))
        assert counts == {"records": 3, "sla": 1}


class TestHomePage:
    def test_home_lists_the_tasks_with_links_and_the_nav_counts(self):
        people = make_people()
        sla_submit(sla=make_draft(people), user=people.staff)
        browser = Client()
        browser.force_login(people.focal)
        page = browser.get("/").content.decode()
        assert "What needs you" in page and "SLAs waiting for your signature" in page
        assert 'class="nav-count">1<' in page

    def test_nothing_to_do_says_so(self):
        browser = Client()
        browser.force_login(user_with_role("management"))
        page = browser.get("/").content.decode()
        assert "Nothing waits for you" in page

    @pytest.mark.parametrize("role", ["focal", "staff", "manager", "management", "catalogue"])
    def test_fixed_number_of_queries_whatever_the_rows(self, role):
        people = make_people()

        def queries() -> int:
            browser = Client()
            browser.force_login(people[role])
            with CaptureQueriesContext(connection) as captured:
                assert browser.get("/").status_code == 200
            return len(captured)

        sla_submit(sla=make_draft(people), user=people.staff)
        survey(people)
        imports(people.staff, 1)
        breaches(1)
        few = queries()
        for start in (40, 80):
            sla_submit(
                sla=make_draft(people, start=timezone.localdate() + dt.timedelta(days=start + 400)),
                user=people.staff,
            )
        survey(people, 2)
        imports(people.staff, 6)
        breaches(2, 3)
        assert queries() == few
