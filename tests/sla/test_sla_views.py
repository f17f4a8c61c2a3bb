"""SLA pages: scoped list and filters, registering and editing drafts, the life cycle through
the page (submit, two signatures, return, terminate, amend), the agreement text, the
comparison of versions, notifications, and 404/403 for what a user may not see or do."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Notification
from accounts.services import grant_role
from catalogue.models import Offering
from clients.models import ClientEntity
from providers.models import ServiceProvider
from sla.choices import SlaStatus
from sla.models import Agreement, ServiceLevelTarget, Sla
from sla.services import LineInput, sla_approve, sla_create, sla_submit
from tests.factories import ClientEntityFactory, DesignationFactory, user_with_role

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
START = TODAY
END = TODAY + dt.timedelta(days=364)


def provider(code: str) -> ServiceProvider:
    return ServiceProvider.objects.get(code=code)


def entity(code: str) -> ClientEntity:
    return ClientEntity.objects.get(code=code)


def offering(provider_code: str, service_code: str) -> Offering:
    return Offering.objects.get(provider__code=provider_code, service__code=service_code)


@pytest.fixture
def staff_unon():
    return user_with_role(Role.PROVIDER_STAFF, provider=provider("UNON"), first_name="Sam")


@pytest.fixture
def manager_unon():
    return user_with_role(Role.PROVIDER_MANAGER, provider=provider("UNON"), first_name="Mia")


@pytest.fixture
def focal_unep():
    return user_with_role(Role.CLIENT_FOCAL_POINT, client=entity("UNEP"), first_name="Fay")


@pytest.fixture
def staff_kjso():
    return user_with_role(Role.PROVIDER_STAFF, provider=provider("KJSO"))


@pytest.fixture
def focal_unama():
    return user_with_role(Role.CLIENT_FOCAL_POINT, client=entity("UNAMA"))


def draft(user, provider_code="UNON", client_code="UNEP", services=("CONF-DOC",), **kwargs):
    return sla_create(
        user=user,
        provider=provider(provider_code),
        client=entity(client_code),
        start_date=kwargs.get("start_date", START),
        end_date=kwargs.get("end_date", END),
        lines=[
            LineInput(offering=offering(provider_code, code), expected_volume=100)
            for code in services
        ],
    )


def approved(sla, staff, client_user, manager):
    sla_submit(sla=sla, user=staff)
    sla_approve(sla=sla, user=client_user)
    return sla_approve(sla=sla, user=manager)


def form_data(offering_ids_and_volumes, client_code="UNEP", **extra):
    """POST data of the register page for the given offerings, targets from the standards."""
    data = {
        "client": client_code,
        "start_date": START.isoformat(),
        "end_date": END.isoformat(),
        "notes": "",
    }
    for item, volume in offering_ids_and_volumes:
        data[f"line-{item.pk}-selected"] = "on"
        data[f"line-{item.pk}-volume"] = str(volume)
        for standard in item.service.standards.all():
            prefix = f"target-{item.pk}-{standard.code}"
            if standard.threshold is not None:
                data[f"{prefix}-threshold"] = f"{standard.threshold.normalize():f}"
            data[f"{prefix}-target_pct"] = f"{standard.target_pct.normalize():f}"
    data.update(extra)
    return data


class TestSlaList:
    def test_client_focal_point_sees_only_its_entitys_slas(
        self, client, staff_unon, staff_kjso, focal_unep
    ):
        mine = draft(staff_unon)
        theirs = draft(staff_kjso, "KJSO", "UNAMA", services=("PAY-OFF",))
        client.force_login(focal_unep)
        response = client.get("/slas/")
        assert response.status_code == 200
        assert [s.pk for s in response.context["sla_list"]] == [mine.pk]
        assert theirs.agreement.number.encode() not in response.content
        assert client.get(f"/slas/{theirs.pk}/").status_code == 404

    def test_filters_by_status_client_service_and_expiry(
        self, client, staff_unon, manager_unon, focal_unep, staff_kjso
    ):
        active = approved(draft(staff_unon), staff_unon, focal_unep, manager_unon)
        expiring = approved(
            draft(staff_unon, services=("FIN-VEN",), end_date=TODAY + dt.timedelta(days=20)),
            staff_unon,
            focal_unep,
            manager_unon,
        )
        kuwait = draft(staff_kjso, "KJSO", "UNAMA", services=("PAY-OFF",))
        client.force_login(user_with_role(Role.MANAGEMENT))

        def listed(**params):
            response = client.get("/slas/", params)
            assert response.status_code == 200
            return {s.pk for s in response.context["sla_list"]}

        assert listed() == {active.pk, expiring.pk, kuwait.pk}
        assert listed(status="draft") == {kuwait.pk}
        assert listed(client="UNAMA") == {kuwait.pk}
        assert listed(provider="UNON") == {active.pk, expiring.pk}
        assert listed(service="FIN-VEN") == {expiring.pk}
        assert listed(expiring_within=30) == {expiring.pk}
        assert listed(q=kuwait.agreement.number) == {kuwait.pk}

    def test_invalid_filter_shows_the_error_and_no_row(self, client, staff_unon):
        draft(staff_unon)
        client.force_login(staff_unon)
        response = client.get("/slas/", {"expiring_within": "soon"})
        assert response.status_code == 200
        assert list(response.context["sla_list"]) == []
        assert b'class="error"' in response.content

    def test_sorts_by_end_date_both_ways(self, client, staff_unon):
        early = draft(staff_unon, end_date=TODAY + dt.timedelta(days=30))
        late = draft(staff_unon, services=("FIN-VEN",))
        client.force_login(staff_unon)
        response = client.get("/slas/", {"ordering": "end_date"})
        assert [s.pk for s in response.context["sla_list"]] == [early.pk, late.pk]
        assert b'aria-sort="ascending"' in response.content
        assert b"ordering=-end_date" in response.content
        response = client.get("/slas/", {"ordering": "-end_date"})
        assert [s.pk for s in response.context["sla_list"]] == [late.pk, early.pk]

    def test_register_button_only_for_provider_staff_and_managers(
        self, client, staff_unon, focal_unep
    ):
        client.force_login(staff_unon)
        assert b"Register an SLA" in client.get("/slas/").content
        client.force_login(focal_unep)
        response = client.get("/slas/")
        assert b"Register an SLA" not in response.content
        assert b"No SLA yet." in response.content

    def test_paginates(self, client, staff_unon):
        for _ in range(27):
            draft(staff_unon)
        client.force_login(staff_unon)
        response = client.get("/slas/")
        assert len(response.context["sla_list"]) == 25
        assert b"Page 1 of 2" in response.content

    def test_query_count_is_fixed(self, client, staff_unon):
        client.force_login(user_with_role(Role.MANAGEMENT))

        def count() -> int:
            with CaptureQueriesContext(connection) as ctx:
                response = client.get("/slas/")
            assert response.status_code == 200
            return len(ctx.captured_queries)

        for _ in range(2):
            draft(staff_unon, services=("CONF-DOC", "FIN-VEN"))
        few = count()
        for _ in range(6):
            draft(staff_unon)
        many = count()
        assert few == many
        assert many <= 9


class TestRegisterPage:
    def test_form_offers_the_providers_offerings_with_rate_and_standards(self, client, staff_unon):
        client.force_login(staff_unon)
        response = client.get("/slas/new/")
        assert response.status_code == 200
        conf_doc = offering("UNON", "CONF-DOC")
        html = response.content.decode()
        assert f'name="line-{conf_doc.pk}-selected"' in html
        assert "114.00 USD" in html
        assert f'name="target-{conf_doc.pk}-MSS-CONF-DOC-T-threshold"' in html
        assert re.search(rf'name="target-{conf_doc.pk}-MSS-CONF-DOC-T-threshold" value="10"', html)
        # Only UNON's own offerings are listed.
        assert f"line-{offering('KJSO', 'PAY-OFF').pk}-selected" not in html

    def test_registers_a_draft_with_a_stricter_target(self, client, staff_unon):
        conf_doc = offering("UNON", "CONF-DOC")
        client.force_login(staff_unon)
        data = form_data(
            [(conf_doc, 1200)],
            **{
                f"target-{conf_doc.pk}-MSS-CONF-DOC-T-threshold": "8",
                f"target-{conf_doc.pk}-MSS-CONF-DOC-A-target_pct": "99.5",
                "notes": "Documentation for the UNEA sessions.",
            },
        )
        response = client.post("/slas/new/", data)
        sla = Sla.objects.get(agreement__client__code="UNEP")
        assert response.status_code == 302
        assert response["Location"] == f"/slas/{sla.pk}/"
        assert sla.status == SlaStatus.DRAFT
        assert sla.agreement.provider.code == "UNON"
        assert sla.notes == "Documentation for the UNEA sessions."
        line = sla.lines.get()
        assert line.expected_volume == 1200
        targets = {t.standard.code: t for t in ServiceLevelTarget.objects.filter(line=line)}
        assert targets["MSS-CONF-DOC-T"].threshold == 8
        assert targets["MSS-CONF-DOC-A"].target_pct == pytest.approx(99.5)
        page = client.get(response["Location"])
        assert b"registered" in page.content
        assert b"90% within 8 working days" in page.content

    def test_rejects_a_target_weaker_than_the_standard_and_stores_nothing(self, client, staff_unon):
        conf_doc = offering("UNON", "CONF-DOC")
        client.force_login(staff_unon)
        before = (Agreement.objects.count(), Sla.objects.count())
        data = form_data(
            [(conf_doc, 1200)], **{f"target-{conf_doc.pk}-MSS-CONF-DOC-T-threshold": "15"}
        )
        response = client.post("/slas/new/", data)
        assert response.status_code == 400
        html = response.content.decode()
        assert "Nothing was saved." in html
        assert "weaker" in html
        assert "MSS-CONF-DOC-T" in html
        assert (Agreement.objects.count(), Sla.objects.count()) == before
        # The user's input is kept: the line stays ticked, with the typed values.
        assert re.search(rf'name="line-{conf_doc.pk}-selected" checked', html)
        assert f'name="line-{conf_doc.pk}-volume" value="1200"' in html
        assert f'name="target-{conf_doc.pk}-MSS-CONF-DOC-T-threshold" value="15"' in html
        assert 'class="has-error"' in html  # the target row is marked

    def test_overlap_names_the_other_sla(self, client, staff_unon, focal_unep, manager_unon):
        other = approved(draft(staff_unon), staff_unon, focal_unep, manager_unon)
        client.force_login(staff_unon)
        response = client.post("/slas/new/", form_data([(offering("UNON", "CONF-DOC"), 5)]))
        assert response.status_code == 400
        assert f"overlaps {other}".encode() in response.content
        assert Sla.objects.count() == 1

    def test_period_and_volume_errors_are_shown_beside_the_fields(self, client, staff_unon):
        conf_doc = offering("UNON", "CONF-DOC")
        client.force_login(staff_unon)
        response = client.post(
            "/slas/new/",
            form_data([(conf_doc, "lots")], end_date=(START - dt.timedelta(days=1)).isoformat()),
        )
        assert response.status_code == 400
        assert b"the expected volume must be a whole number" in response.content
        assert not Sla.objects.exists()
        response = client.post(
            "/slas/new/",
            form_data([(conf_doc, 3)], end_date=(START - dt.timedelta(days=1)).isoformat()),
        )
        assert response.status_code == 400
        assert b"The end date is before the start date." in response.content
        assert response.context["form"].errors["end_date"] == ["before the start date"]
        assert not Sla.objects.exists()

    def test_an_sla_needs_a_service(self, client, staff_unon):
        client.force_login(staff_unon)
        response = client.post("/slas/new/", form_data([]))
        assert response.status_code == 400
        assert b"An SLA covers at least one service." in response.content
        assert not Agreement.objects.exists()

    def test_client_focal_point_cannot_register(self, client, focal_unep):
        client.force_login(focal_unep)
        response = client.get("/slas/new/")
        assert response.status_code == 403
        assert b"Only provider staff and managers register SLAs." in response.content
        response = client.post("/slas/new/", form_data([(offering("UNON", "CONF-DOC"), 5)]))
        assert response.status_code == 403
        assert not Sla.objects.exists()

    def test_anonymous_is_sent_to_sign_in(self, client):
        response = client.get("/slas/new/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    def test_user_with_two_providers_chooses_the_provider(self, client):
        user = user_with_role(Role.PROVIDER_STAFF, provider=provider("UNON"))
        grant_role(user=user, role=Role.PROVIDER_MANAGER, provider=provider("KJSO"))
        client.force_login(user)
        response = client.get("/slas/new/")
        assert response.status_code == 200
        assert response.context["chooser"] is not None
        assert b"Whose SLA do you register?" in response.content
        response = client.get("/slas/new/", {"provider": "KJSO"})
        pay_off = offering("KJSO", "PAY-OFF")
        assert f'name="line-{pay_off.pk}-selected"'.encode() in response.content
        response = client.post(
            "/slas/new/", form_data([(pay_off, 40)], client_code="UNAMA", provider="KJSO")
        )
        assert response.status_code == 302
        assert Sla.objects.get().agreement.provider.code == "KJSO"
        # A provider the user does not act for is not offered.
        response = client.post(
            "/slas/new/", form_data([(pay_off, 40)], client_code="UNAMA", provider="UNGSC")
        )
        assert response.status_code == 404

    def test_edits_a_draft_until_it_is_submitted(self, client, staff_unon):
        sla = draft(staff_unon)
        conf_doc, fin_ven = offering("UNON", "CONF-DOC"), offering("UNON", "FIN-VEN")
        client.force_login(staff_unon)
        page = client.get(f"/slas/{sla.pk}/edit/")
        assert page.status_code == 200
        assert f'name="line-{conf_doc.pk}-volume" value="100"'.encode() in page.content
        response = client.post(
            f"/slas/{sla.pk}/edit/", form_data([(conf_doc, 150), (fin_ven, 2000)])
        )
        assert response.status_code == 302
        assert sorted(sla.lines.values_list("expected_volume", flat=True)) == [150, 2000]
        sla_submit(sla=sla, user=staff_unon)
        assert client.get(f"/slas/{sla.pk}/edit/").status_code == 403
        response = client.post(f"/slas/{sla.pk}/edit/", form_data([(conf_doc, 1)]))
        assert response.status_code == 403
        assert sorted(sla.lines.values_list("expected_volume", flat=True)) == [150, 2000]


class TestLifeCycleThroughThePage:
    def test_submit_then_both_parties_approve(self, client, staff_unon, focal_unep, manager_unon):
        sla = draft(staff_unon)
        client.force_login(staff_unon)
        page = client.get(f"/slas/{sla.pk}/")
        assert b"Submit for signature" in page.content
        assert b"Review and sign" not in page.content
        response = client.post(f"/slas/{sla.pk}/submit/")
        assert response.status_code == 302
        sla.refresh_from_db()
        assert sla.status == SlaStatus.SUBMITTED

        client.force_login(focal_unep)
        page = client.get(f"/slas/{sla.pk}/")
        assert b"Review and sign" in page.content
        summary = client.get(f"/slas/{sla.pk}/sign/").content.decode()
        assert "Signing cannot be undone" in summary and "Approve and sign" in summary
        assert sla.agreement.number in summary
        client.post(f"/slas/{sla.pk}/approve/")
        sla.refresh_from_db()
        assert sla.status == SlaStatus.SUBMITTED
        assert sla.client_signed_by == focal_unep
        page = client.get(f"/slas/{sla.pk}/")
        assert b"waits for the other party" in page.content
        assert b"Review and sign" not in page.content  # already signed for the client
        assert client.get(f"/slas/{sla.pk}/sign/").status_code == 403

        client.force_login(manager_unon)
        client.post(f"/slas/{sla.pk}/approve/")
        sla.refresh_from_db()
        assert sla.status == SlaStatus.ACTIVE  # its period has begun
        assert sla.provider_signed_by == manager_unon
        page = client.get(f"/slas/{sla.pk}/").content.decode()
        assert "Active" in page
        assert "Fay" in page and "Mia" in page  # both signatures, with names
        assert "registered" in page and "approved" in page  # history

    def test_return_needs_a_comment_and_shows_it(self, client, staff_unon, focal_unep):
        sla = draft(staff_unon)
        sla_submit(sla=sla, user=staff_unon)
        client.force_login(focal_unep)
        response = client.post(f"/slas/{sla.pk}/return/", {"comment": "  "})
        assert response.status_code == 400
        assert b"This field is required." in response.content
        sla.refresh_from_db()
        assert sla.status == SlaStatus.SUBMITTED
        response = client.post(
            f"/slas/{sla.pk}/return/", {"comment": "Volumes <too> high for 2026."}
        )
        assert response.status_code == 302
        sla.refresh_from_db()
        assert sla.status == SlaStatus.DRAFT
        page = client.get(f"/slas/{sla.pk}/").content.decode()
        assert "Returned to draft." in page
        assert "Volumes &lt;too&gt; high for 2026." in page

    def test_terminate_with_a_reason_and_a_date(self, client, staff_unon, focal_unep, manager_unon):
        sla = approved(draft(staff_unon), staff_unon, focal_unep, manager_unon)
        client.force_login(focal_unep)
        response = client.post(f"/slas/{sla.pk}/terminate/", {"reason": ""})
        assert response.status_code == 400
        response = client.post(
            f"/slas/{sla.pk}/terminate/",
            {"reason": "Moved to GSC", "termination_date": (END + dt.timedelta(days=5))},
        )
        assert response.status_code == 400
        assert b"The termination date must lie within the period" in response.content
        assert b"Moved to GSC" in response.content  # the typed reason is kept
        sla.refresh_from_db()
        assert sla.status == SlaStatus.ACTIVE
        last_day = TODAY + dt.timedelta(days=10)
        response = client.post(
            f"/slas/{sla.pk}/terminate/",
            {"reason": "Moved to GSC", "termination_date": last_day.isoformat()},
        )
        assert response.status_code == 302
        sla.refresh_from_db()
        assert sla.status == SlaStatus.TERMINATED
        assert sla.termination_date == last_day
        page = client.get(f"/slas/{sla.pk}/").content.decode()
        assert "Moved to GSC" in page
        assert "Terminated" in page

    def test_amend_then_compare_the_versions(self, client, staff_unon, focal_unep, manager_unon):
        original = approved(draft(staff_unon), staff_unon, focal_unep, manager_unon)
        client.force_login(staff_unon)
        response = client.post(f"/slas/{original.pk}/amend/")
        amendment = Sla.objects.get(supersedes=original)
        assert response.status_code == 302
        assert response["Location"] == f"/slas/{amendment.pk}/"
        assert amendment.version == 2 and amendment.status == SlaStatus.DRAFT
        conf_doc = offering("UNON", "CONF-DOC")
        client.post(f"/slas/{amendment.pk}/edit/", form_data([(conf_doc, 250)]))

        page = client.get(f"/slas/{amendment.pk}/").content.decode()
        assert f"/slas/{amendment.pk}/compare/{original.pk}/" in page
        response = client.get(f"/slas/{original.pk}/compare/{amendment.pk}/")
        assert response.status_code == 200
        rows = {row.label: row for row in response.context["rows"]}
        assert rows["CONF-DOC volume"].differs
        assert (rows["CONF-DOC volume"].left, rows["CONF-DOC volume"].right) == ("100", "250")
        assert not rows["CONF-DOC · MSS-CONF-DOC-T"].differs
        assert response.content.decode().count('class="differs"') == sum(
            row.differs for row in response.context["rows"]
        )

    def test_forbidden_actions_are_403_and_change_nothing(self, client, staff_unon, focal_unep):
        sla = draft(staff_unon)
        client.force_login(focal_unep)
        response = client.post(f"/slas/{sla.pk}/submit/")
        assert response.status_code == 403
        assert b"Your role does not allow you to submit" in response.content
        sla_submit(sla=sla, user=staff_unon)
        client.force_login(staff_unon)  # staff do not sign
        assert client.post(f"/slas/{sla.pk}/approve/").status_code == 403
        assert client.post(f"/slas/{sla.pk}/terminate/", {"reason": "x"}).status_code == 403
        sla.refresh_from_db()
        assert sla.status == SlaStatus.SUBMITTED and not sla.provider_signed_at

    def test_unknown_action_is_404_and_get_is_not_allowed(self, client, staff_unon):
        sla = draft(staff_unon)
        client.force_login(staff_unon)
        assert client.post(f"/slas/{sla.pk}/frobnicate/").status_code == 404
        assert client.get(f"/slas/{sla.pk}/submit/").status_code == 405

    def test_another_clients_sla_is_404_everywhere(
        self, client, staff_unon, staff_kjso, focal_unep
    ):
        theirs = draft(staff_kjso, "KJSO", "UNAMA", services=("PAY-OFF",))
        mine = draft(staff_unon)
        client.force_login(focal_unep)
        for url in (
            f"/slas/{theirs.pk}/",
            f"/slas/{theirs.pk}/edit/",
            f"/slas/{theirs.pk}/agreement/",
            f"/slas/{theirs.pk}/compare/{mine.pk}/",
            f"/slas/{mine.pk}/compare/{theirs.pk}/",
        ):
            assert client.get(url).status_code == 404, url
        assert client.post(f"/slas/{theirs.pk}/submit/").status_code == 404
        client.force_login(staff_unon)  # another provider's SLA, too
        assert client.post(f"/slas/{theirs.pk}/submit/").status_code == 404
        assert client.get(f"/slas/{theirs.pk}/").status_code == 404

    def test_comparing_two_different_agreements_is_404(self, client, staff_unon):
        a, b = draft(staff_unon), draft(staff_unon)
        client.force_login(staff_unon)
        assert client.get(f"/slas/{a.pk}/compare/{b.pk}/").status_code == 404


class TestAgreementPage:
    def test_shows_the_parties_and_a_draft_mark_until_approved(
        self, client, staff_unon, focal_unep, manager_unon
    ):
        sla = draft(staff_unon)
        client.force_login(focal_unep)
        html = client.get(f"/slas/{sla.pk}/agreement/").content.decode()
        assert "United Nations Office at Nairobi" in html
        assert "United Nations Environment Programme" in html
        assert sla.agreement.number in html
        assert 'class="watermark"' in html and "DRAFT" in html
        assert "1. Parties" in html
        assert "window.print" not in html and "<script" not in html
        approved(sla, staff_unon, focal_unep, manager_unon)
        html = client.get(f"/slas/{sla.pk}/agreement/").content.decode()
        assert "DRAFT" not in html
        assert "Signed for the client: Fay" in html

    def test_section_text_is_escaped_once(self, client, staff_unon):
        odd = ClientEntityFactory(name="Bureau <b>X</b> & Co")
        # An SLA needs its provider designated for the client and service (DOMAIN §9).
        DesignationFactory(client=odd, area=None, service=offering("UNON", "CONF-DOC").service,
                           provider=provider("UNON"))  # fmt: skip
        sla = sla_create(
            user=staff_unon,
            provider=provider("UNON"),
            client=odd,
            start_date=START,
            end_date=END,
            lines=[LineInput(offering=offering("UNON", "CONF-DOC"), expected_volume=1)],
        )
        client.force_login(staff_unon)
        html = client.get(f"/slas/{sla.pk}/agreement/").content.decode()
        assert "Bureau &lt;b&gt;X&lt;/b&gt; &amp; Co" in html
        assert "<b>X</b>" not in html
        assert "&amp;lt;" not in html


class TestNotifications:
    def test_lists_unread_first_marked_and_counts_them_in_the_nav(
        self, client, staff_unon, focal_unep
    ):
        sla = draft(staff_unon)
        sla_submit(sla=sla, user=staff_unon)
        client.force_login(focal_unep)
        assert b"(1 unread)" in client.get("/slas/").content
        response = client.get("/notifications/")
        assert response.status_code == 200
        html = response.content.decode()
        assert f"{sla} submitted for your signature" in html
        assert 'class="notification unread"' in html
        assert f'href="/slas/{sla.pk}/"' in html
        response = client.post("/notifications/read/")
        assert response.status_code == 302
        assert not Notification.objects.filter(user=focal_unep, read_at__isnull=True).exists()
        html = client.get("/notifications/").content.decode()
        assert "unread)" not in html
        assert 'class="notification unread"' not in html

    def test_newest_first_and_paginated(self, client, focal_unep):
        Notification.objects.bulk_create(
            Notification(user=focal_unep, verb="test", title=f"Note {i:02d}") for i in range(30)
        )
        client.force_login(focal_unep)
        response = client.get("/notifications/")
        titles = [n.title for n in response.context["notifications"]]
        assert len(titles) == 25 and titles[0] == "Note 29"
        assert b"(30 unread)" in response.content
        assert len(client.get("/notifications/", {"page": 2}).context["notifications"]) == 5

    def test_only_the_users_own_and_one_can_be_marked_read(self, client, focal_unep, staff_unon):
        mine = Notification.objects.create(user=focal_unep, verb="t", title="Mine")
        theirs = Notification.objects.create(
            user=staff_unon, verb="t", title="Theirs", url="https://evil.example/"
        )
        client.force_login(focal_unep)
        html = client.get("/notifications/").content.decode()
        assert "Mine" in html and "Theirs" not in html
        assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
        assert client.post(f"/notifications/{mine.pk}/read/").status_code == 302
        mine.refresh_from_db()
        theirs.refresh_from_db()
        assert mine.read_at is not None and theirs.read_at is None
        client.force_login(staff_unon)
        assert b'href="https://evil.example/"' not in client.get("/notifications/").content

    def test_needs_sign_in(self, client):
        assert client.get("/notifications/").status_code == 302
        assert client.post("/notifications/read/").status_code == 302
