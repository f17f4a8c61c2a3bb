"""The time zone a user reads times in: by default their organisation's duty-station zone
(else UTC), changed on their own page; bad input refused with nothing stored; the API
unchanged whoever calls it."""

import pytest
from django.contrib.messages import get_messages
from rest_framework.test import APIClient

from accounts.choices import Role
from accounts.models import Preference
from accounts.selectors import viewer_zone
from accounts.services import grant_role, set_time_zone
from clients.models import ClientEntity
from core.exceptions import ApplicationError
from core.models import AuditEntry
from providers.models import ServiceProvider
from tests.factories import ClientEntityFactory, UserFactory, user_with_role
from tests.records.factories import import_csv

pytestmark = pytest.mark.django_db

PAGE = "/account/time-zone/"


def provider(code):
    return ServiceProvider.objects.get(code=code)


def entity(code):
    return ClientEntity.objects.get(code=code)


class TestDefault:
    @pytest.mark.parametrize(
        ("role", "organisation", "zone"),
        [
            (Role.PROVIDER_STAFF, {"provider": "UNON"}, "Africa/Nairobi"),
            (Role.PROVIDER_MANAGER, {"provider": "KJSO"}, "Asia/Kuwait"),
            (Role.INTEGRATION, {"provider": "UNGSC"}, "Europe/Rome"),
            (Role.CLIENT_FOCAL_POINT, {"client": "UNAMA"}, "Asia/Kabul"),
            (Role.CLIENT_FOCAL_POINT, {"client": "DOS"}, "America/New_York"),
            (Role.MANAGEMENT, {}, "UTC"),
            (Role.CATALOGUE_MANAGER, {}, "UTC"),
        ],
    )
    def test_is_the_duty_station_zone_of_the_users_organisation(self, role, organisation, zone):
        org = {
            key: provider(code) if key == "provider" else entity(code)
            for key, code in organisation.items()
        }
        user = user_with_role(role, **org)
        found = viewer_zone(user)
        assert (found.name, found.chosen) == (zone, "")
        assert found.organisation == ("" if zone == "UTC" else zone)

    def test_of_several_memberships_the_first_granted_with_a_duty_station(self):
        user = user_with_role(Role.MANAGEMENT)  # no organisation: skipped
        grant_role(user=user, role=Role.CLIENT_FOCAL_POINT, client=entity("UNAMA"))
        grant_role(user=user, role=Role.PROVIDER_STAFF, provider=provider("UNON"))
        assert viewer_zone(user).name == "Asia/Kabul"
        other = user_with_role(Role.PROVIDER_STAFF, provider=provider("KJSO"))
        grant_role(user=other, role=Role.CLIENT_FOCAL_POINT, client=entity("UNAMA"))
        assert viewer_zone(other).name == "Asia/Kuwait"

    def test_a_client_entity_without_a_duty_station_gives_utc(self):
        stationless = ClientEntityFactory(duty_station=None)
        user = user_with_role(Role.CLIENT_FOCAL_POINT, client=stationless)
        assert viewer_zone(user).name == "UTC"

    def test_anonymous_visitors_read_utc(self, client):
        from django.contrib.auth.models import AnonymousUser

        assert viewer_zone(AnonymousUser()).name == "UTC"
        assert viewer_zone(None).name == "UTC"

    def test_a_preference_wins_and_an_unknown_stored_name_counts_as_none(self):
        user = user_with_role(Role.PROVIDER_STAFF, provider=provider("UNON"))
        set_time_zone(user=user, name="Europe/Rome")
        assert viewer_zone(user, fresh=True).name == "Europe/Rome"
        # A name that is not (or no longer) a zone, e.g. written around the services.
        Preference.objects.filter(user=user).update(timezone="Atlantis/Capital")
        assert viewer_zone(user, fresh=True).name == "Africa/Nairobi"

    def test_read_with_the_scope_in_one_query(self, django_assert_num_queries):
        from accounts.selectors import user_scope

        unon = provider("UNON")
        user = user_with_role(Role.PROVIDER_STAFF, provider=unon)
        fresh = type(user).objects.get(pk=user.pk)
        with django_assert_num_queries(1):
            assert viewer_zone(fresh).name == "Africa/Nairobi"
            assert user_scope(fresh).provider_ids == {unon.pk}


class TestService:
    def test_sets_changes_and_goes_back_to_the_default(self):
        user = UserFactory()
        assert set_time_zone(user=user, name="Asia/Kuwait").timezone == "Asia/Kuwait"
        assert Preference.objects.get(user=user).timezone == "Asia/Kuwait"
        set_time_zone(user=user, name=" Africa/Nairobi ")
        assert Preference.objects.get(user=user).timezone == "Africa/Nairobi"
        set_time_zone(user=user, name="")
        assert Preference.objects.get(user=user).timezone == ""
        # Going back to the default stores nothing for someone who never chose.
        other = UserFactory()
        set_time_zone(user=other, name="")
        assert not Preference.objects.filter(user=other).exists()

    @pytest.mark.parametrize(
        "bad",
        ["Mars/Olympus", "US/Eastern", "Etc/GMT+3", "africa/nairobi", "x" * 500, "../etc/passwd"],
    )
    def test_refuses_anything_but_a_zone_of_the_list_storing_nothing(self, bad):
        user = UserFactory()
        set_time_zone(user=user, name="Asia/Kuwait")
        with pytest.raises(ApplicationError) as refused:
            set_time_zone(user=user, name=bad)
        assert "timezone" in refused.value.errors
        assert "not a time zone in the list" in refused.value.errors["timezone"][0]
        assert Preference.objects.get(user=user).timezone == "Asia/Kuwait"
        stranger = UserFactory()
        with pytest.raises(ApplicationError):
            set_time_zone(user=stranger, name=bad)
        assert not Preference.objects.filter(user=stranger).exists()

    def test_a_change_is_audited(self):
        user = UserFactory()
        set_time_zone(user=user, name="Asia/Kuwait")
        set_time_zone(user=user, name="Europe/Rome")
        entries = AuditEntry.objects.filter(model="accounts.preference").order_by("pk")
        assert [e.kind for e in entries] == ["created", "changed"]
        assert "Europe/Rome" in str(entries.last().changes)


class TestPage:
    def test_says_which_zone_and_why_and_is_linked_from_every_page(self, client):
        client.force_login(user_with_role(Role.PROVIDER_STAFF, provider=provider("UNON")))
        page = client.get(PAGE)
        assert page.status_code == 200
        text = page.content.decode()
        assert "<strong>Africa/Nairobi</strong>" in text
        assert "time zone of your organisation's duty station" in text
        assert '<option value="" selected>The default: Africa/Nairobi</option>' in text
        assert '<option value="Asia/Kuwait">Asia/Kuwait (now UTC+03)</option>' in text
        home = client.get("/").content.decode()
        assert f'href="{PAGE}"' in home and "Time zone: Africa/Nairobi" in home

    def test_without_an_organisation_it_is_utc(self, client):
        client.force_login(user_with_role(Role.MANAGEMENT))
        text = client.get(PAGE).content.decode()
        assert "<strong>UTC</strong>" in text and "the default (UTC)" in text

    def test_changing_it_says_so_and_every_page_follows(self, client):
        user = user_with_role(Role.MANAGEMENT)
        client.force_login(user)
        response = client.post(PAGE, {"timezone": "Asia/Kuwait"})
        assert response.status_code == 302 and response["Location"] == PAGE
        (message,) = [str(m) for m in get_messages(response.wsgi_request)]
        assert message.startswith("Saved. Times are now shown in Asia/Kuwait")
        assert Preference.objects.get(user=user).timezone == "Asia/Kuwait"
        text = client.get(PAGE).content.decode()
        assert "<strong>Asia/Kuwait</strong>" in text and "You chose this zone." in text
        assert '<option value="Asia/Kuwait" selected>' in text
        assert "Time zone: Asia/Kuwait" in client.get("/records/").content.decode()
        # Back to the default.
        client.post(PAGE, {"timezone": ""})
        assert viewer_zone(user, fresh=True).name == "UTC"

    @pytest.mark.parametrize(
        "bad", ["Mars/Olympus", "US/Eastern", "<script>alert(1)</script>", "z" * 300]
    )
    def test_bad_input_is_refused_clearly_and_nothing_is_stored(self, client, bad):
        user = user_with_role(Role.PROVIDER_STAFF, provider=provider("UNON"))
        client.force_login(user)
        response = client.post(PAGE, {"timezone": bad})
        assert response.status_code == 400
        text = response.content.decode()
        assert 'class="error" role="alert"' in text
        assert "not a time zone in the list" in text or "at most 200 characters" in text
        assert "<script>alert" not in text
        assert not Preference.objects.filter(user=user).exists()
        assert viewer_zone(user, fresh=True).name == "Africa/Nairobi"

    def test_anonymous_visitors_sign_in_first(self, client):
        response = client.post(PAGE, {"timezone": "Asia/Kuwait"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert not Preference.objects.exists()


def test_the_api_answers_the_same_instants_whoever_calls_it():
    import_csv("TZ-1,UNON,UNEP,CONF-DOC,2026-01-05T09:00,2026-01-06T10:00,,,false\n")
    far = user_with_role(Role.MANAGEMENT)
    set_time_zone(user=far, name="America/New_York")
    answers = []
    for user in (user_with_role(Role.PROVIDER_STAFF, provider=provider("UNON")), far):
        api = APIClient()
        api.force_login(user)
        (row,) = api.get("/api/v1/service-records/", {"q": "TZ-1"}).json()["results"]
        answers.append((row["received_at"], row["completed_at"]))
    assert answers[0] == answers[1]
    received, completed = answers[0]
    assert received.startswith("2026-01-05T06:00:00") and received.endswith(("Z", "+00:00"))
    assert completed.startswith("2026-01-06T07:00:00")


class TestEveryPage:
    """The pages that show instants show them in the viewer's zone, named."""

    @pytest.fixture
    def kuwait_reader(self, client):
        user = user_with_role(Role.CATALOGUE_MANAGER)  # reads the audit trail, imports
        set_time_zone(user=user, name="Asia/Kuwait")
        client.force_login(user)
        return user

    def test_notifications_audit_trail_sla_history_import_and_review_pack(
        self, client, kuwait_reader
    ):
        from django.core.files.base import ContentFile

        from accounts.services import notify
        from records.services import record_import_create
        from sla.services import sla_submit
        from tests.sla.factories import make_draft, make_people

        notify(users=[kuwait_reader], verb="test", title="Hello")
        sla = make_draft(make_people())
        sla_submit(sla=sla, user=sla.created_by)
        upload = record_import_create(
            user=kuwait_reader, filename="x.csv", source=ContentFile(b"external_ref\n")
        )
        named = " UTC+03</time>"
        pages = {
            "/notifications/": 1,
            "/audit/": 1,
            f"/slas/{sla.pk}/": 4,  # registered, submitted, and two history entries
            f"/imports/{upload.pk}/": 1,
            "/dashboards/review/": 1,  # when it was generated
        }
        for url, at_least in pages.items():
            text = client.get(url).content.decode()
            assert text.count(named) >= at_least, url
            assert " UTC</time>" not in text and "(UTC)" not in text, url
        sla_text = client.get(f"/slas/{sla.pk}/").content.decode()
        assert '<th scope="col">When</th>' in sla_text
