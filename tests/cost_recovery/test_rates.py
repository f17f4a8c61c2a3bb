"""The rate card (DOMAIN §10): rates with periods that never overlap, one currency per
provider from the accepted ISO 4217 codes, never negative; kept by the provider's managers
and catalogue managers, with history; bad input refused naming the field, nothing stored;
the catalogue and new SLAs show the rate in force from the card (one source)."""

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.choices import Role
from catalogue.models import Offering
from core.exceptions import ApplicationError
from cost_recovery.models import Rate
from cost_recovery.services import rate_create, rate_update
from providers.models import ServiceProvider
from tests.factories import OfferingFactory, user_with_role
from tests.sla.factories import line, make_draft, make_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def unon():
    return ServiceProvider.objects.get(code="UNON")


@pytest.fixture
def fin_acc(unon):
    """UNON's FIN-ACC, with its reference rate 16.80 USD from 2020-01-01, no end."""
    return Offering.objects.select_related("provider", "service").get(
        provider=unon, service__code="FIN-ACC"
    )


@pytest.fixture
def manager(unon):
    return user_with_role(Role.PROVIDER_MANAGER, provider=unon)


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def body(**values) -> dict:
    data = {
        "provider": "UNON",
        "service": "FIN-ACC",
        "rate": "17.25",
        "currency": "USD",
        "valid_from": "2027-01-01",
    }
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


class TestRules:
    def test_the_reference_rate_is_on_the_card(self, fin_acc):
        (rate,) = fin_acc.rates.all()
        assert (rate.rate, rate.currency, rate.valid_from, rate.valid_to) == (
            Decimal("16.80"),
            "USD",
            dt.date(2020, 1, 1),
            None,
        )
        assert rate.is_illustrative and not rate.charge_defective

    def test_a_new_rate_follows_the_old_one_once_it_is_ended(self, fin_acc, manager):
        old = fin_acc.rates.get()
        rate_update(user=manager, rate=old, changes={"valid_to": dt.date(2026, 12, 31)})
        new = rate_create(
            user=manager,
            offering=fin_acc,
            rate=Decimal("17.25"),
            currency="USD",
            valid_from=dt.date(2027, 1, 1),
        )
        assert [r.pk for r in fin_acc.rates.order_by("valid_from")] == [old.pk, new.pk]
        assert old.history.count() == 2  # added by the loader, then ended
        assert new.history.get().history_user == manager

    @pytest.mark.parametrize(
        ("start", "end"),
        [
            (dt.date(2026, 6, 1), None),  # open-ended, inside the open reference rate
            (dt.date(2019, 1, 1), dt.date(2020, 1, 1)),  # ends on its first day
        ],
    )
    def test_refuses_an_overlapping_rate_naming_the_one_in_the_way(
        self, fin_acc, manager, start, end
    ):
        with pytest.raises(ApplicationError) as refused:
            rate_create(
                user=manager,
                offering=fin_acc,
                rate=Decimal(1),
                currency="USD",
                valid_from=start,
                valid_to=end,
            )
        assert "overlaps the rate 16.80 USD in force from 2020-01-01 with no end" in (
            refused.value.message
        )
        assert "valid_from" in refused.value.errors
        assert fin_acc.rates.count() == 1

    def test_a_rate_ending_the_day_before_does_not_overlap(self, fin_acc, manager):
        rate = rate_create(
            user=manager,
            offering=fin_acc,
            rate=Decimal("15"),
            currency="USD",
            valid_from=dt.date(2019, 1, 1),
            valid_to=dt.date(2019, 12, 31),
        )
        assert rate.pk

    @pytest.mark.parametrize(
        ("values", "field", "says"),
        [
            ({"rate": Decimal("-0.01")}, "rate", "greater than or equal to 0"),
            ({"currency": "XYZ"}, "currency", "not a currency the portal accepts"),
            (
                {"currency": "EUR", "valid_to": dt.date(2019, 1, 1)},
                "currency",
                "UNON's rates are in USD",
            ),
            ({"valid_to": dt.date(2018, 1, 1)}, "valid_to", "before the first day"),
            ({"valid_from": dt.date(1, 1, 1)}, "valid_from", "from 2000-01-01"),
            ({"rate": Decimal("1.23456")}, "rate", "4 decimal places"),
        ],
    )
    def test_refuses_bad_values_naming_the_field(self, fin_acc, manager, values, field, says):
        fields = {"rate": Decimal(1), "currency": "USD", "valid_from": dt.date(2018, 6, 1)}
        fields.update(values)
        with pytest.raises(ApplicationError) as refused:
            rate_create(user=manager, offering=fin_acc, **fields)
        assert says in " ".join(refused.value.errors[field])
        assert fin_acc.rates.count() == 1

    def test_only_the_providers_managers_and_catalogue_managers_keep_its_rates(self, fin_acc):
        kjso = ServiceProvider.objects.get(code="KJSO")
        for user in (
            user_with_role(Role.PROVIDER_STAFF, provider=fin_acc.provider),
            user_with_role(Role.PROVIDER_MANAGER, provider=kjso),
            user_with_role(Role.MANAGEMENT),
        ):
            with pytest.raises(ApplicationError) as refused:
                rate_update(user=user, rate=fin_acc.rates.get(), changes={"rate": Decimal(1)})
            assert refused.value.status_code == 403
        curator = user_with_role(Role.CATALOGUE_MANAGER)
        rate_update(user=curator, rate=fin_acc.rates.get(), changes={"charge_defective": True})
        assert fin_acc.rates.get().charge_defective


class TestApi:
    def test_everyone_signed_in_reads_the_card_with_its_filters(self, fin_acc):
        api = api_for(user_with_role(Role.CLIENT_FOCAL_POINT, client=_unep()))
        found = api.get(
            "/api/v1/rates/",
            {"provider": "UNON", "service": "FIN-ACC", "in_force_on": "2026-03-01"},
        ).json()
        assert found["count"] == 1
        (rate,) = found["results"]
        assert rate["provider"]["code"] == "UNON" and rate["service"]["code"] == "FIN-ACC"
        assert (rate["rate"], rate["currency"], rate["valid_to"]) == ("16.8000", "USD", None)
        assert rate["illustrative"] is True

    def test_a_manager_ends_a_rate_and_adds_the_next(self, fin_acc, manager):
        api = api_for(manager)
        old = fin_acc.rates.get()
        response = api.patch(f"/api/v1/rates/{old.pk}/", {"valid_to": "2026-12-31"}, format="json")
        assert response.status_code == 200, response.json()
        response = api.post("/api/v1/rates/", body(charge_defective=True), format="json")
        assert response.status_code == 201, response.json()
        created = Rate.objects.get(pk=response.json()["id"])
        assert (created.rate, created.charge_defective) == (Decimal("17.25"), True)

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            (body(), "valid_from"),  # overlaps the open reference rate
            (body(rate="-5"), "rate"),
            (body(rate="NaN"), "rate"),
            (body(rate="1e999"), "rate"),
            (body(rate="12345678901.5"), "rate"),
            (body(currency="usd"), "currency"),
            (body(currency="BTC"), "currency"),
            (body(currency="EUR", valid_from="2010-01-01", valid_to="2010-12-31"), "currency"),
            (body(valid_from="2010-01-02", valid_to="2010-01-01"), "valid_to"),
            (body(valid_from="0001-01-01", valid_to="0001-01-02"), "valid_from"),
            (body(valid_from="9999-12-31"), "valid_from"),
            (body(valid_from="not a date"), "valid_from"),
            (body(service="CONF-MTG\x00"), "service"),
            (body(service="HR-ONB", valid_from="2010-01-01"), "service"),  # not UNON's
            (body(provider=None), "provider"),
            (body(valid_until="2027-12-31"), "valid_until"),  # a field it does not take
            (body(is_demo=True), "is_demo"),
        ],
    )
    def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(
        self, fin_acc, manager, payload, field
    ):
        before = Rate.objects.count()
        response = api_for(manager).post("/api/v1/rates/", payload, format="json")
        assert response.status_code == 400, response.json()
        assert field in response.json()["errors"], response.json()
        assert response.json()["message"]
        assert Rate.objects.count() == before

    def test_a_change_keeps_the_offering_and_refuses_what_it_does_not_take(self, fin_acc, manager):
        rate = fin_acc.rates.get()
        response = api_for(manager).patch(
            f"/api/v1/rates/{rate.pk}/", {"service": "CONF-MTG"}, format="json"
        )
        assert response.status_code == 400
        assert "service" in response.json()["errors"]
        assert Rate.objects.get(pk=rate.pk).offering_id == fin_acc.pk

    def test_another_providers_manager_is_refused(self, fin_acc):
        kjso = ServiceProvider.objects.get(code="KJSO")
        api = api_for(user_with_role(Role.PROVIDER_MANAGER, provider=kjso))
        response = api.post("/api/v1/rates/", body(valid_from="2010-01-01"), format="json")
        assert response.status_code == 403
        assert response.json() == {
            "message": "Only the provider's managers and catalogue managers change its rates.",
            "errors": {},
        }


class TestPages:
    def test_the_card_offers_a_change_only_to_who_may(self, client, fin_acc, manager):
        client.force_login(manager)
        page = client.get("/cost-recovery/rates/", {"provider": "UNON"}).content.decode()
        assert f"/cost-recovery/rates/{fin_acc.rates.get().pk}/edit/" in page
        assert "Add a rate" in page
        client.force_login(user_with_role(Role.PROVIDER_STAFF, provider=fin_acc.provider))
        page = client.get("/cost-recovery/rates/", {"provider": "UNON"}).content.decode()
        assert "/edit/" not in page and "Add a rate" not in page

    def test_adding_an_overlapping_rate_shows_why_and_stores_nothing(
        self, client, fin_acc, manager
    ):
        client.force_login(manager)
        response = client.post(
            "/cost-recovery/rates/new/",
            {"offering": fin_acc.pk, "rate": "17", "currency": "USD", "valid_from": "2026-01-01"},
        )
        assert response.status_code == 400
        assert "overlaps the rate 16.80 USD" in response.content.decode()
        assert fin_acc.rates.count() == 1

    def test_a_manager_cannot_pick_another_providers_offering(self, client, manager):
        other = Offering.objects.filter(provider__code="KJSO").first()
        client.force_login(manager)
        response = client.post(
            "/cost-recovery/rates/new/",
            {"offering": other.pk, "rate": "1", "currency": "USD", "valid_from": "2010-01-01"},
        )
        assert response.status_code == 400
        assert other.rates.count() == 1

    @pytest.mark.parametrize(
        ("values", "says"),
        [
            ({"valid_from": "0001-01-01"}, "Give a day from 2000-01-01"),
            ({"valid_from": "2026-02-30"}, "Enter a valid date"),
            ({"rate": "-1"}, "greater than or equal to 0"),
            ({"rate": "1e9999"}, "Ensure that there are no more than"),
            ({"rate": "<b>1</b>"}, "Enter a number"),
            ({"currency": "XYZ"}, "Select a valid choice"),
            ({"offering": "999999999"}, "Select a valid choice"),
        ],
    )
    def test_bad_or_hostile_input_says_why_and_stores_nothing(
        self, client, fin_acc, manager, values, says
    ):
        client.force_login(manager)
        data = {"offering": fin_acc.pk, "rate": "1", "currency": "USD", "valid_from": "2010-01-01"}
        data.update(values)
        response = client.post("/cost-recovery/rates/new/", data)
        assert response.status_code == 400
        assert says in response.content.decode()
        assert "<b>1</b>" not in response.content.decode()
        assert fin_acc.rates.count() == 1

    def test_a_change_on_the_page_cannot_move_a_rate_to_another_offering(
        self, client, fin_acc, manager
    ):
        client.force_login(manager)
        rate = fin_acc.rates.get()
        other = Offering.objects.get(provider=fin_acc.provider, service__code="CONF-DOC")
        client.post(
            f"/cost-recovery/rates/{rate.pk}/edit/",
            {"offering": other.pk, "rate": "16.80", "currency": "USD", "valid_from": "2020-01-01"},
        )
        assert Rate.objects.get(pk=rate.pk).offering_id == fin_acc.pk

    def test_ending_a_rate_on_its_page(self, client, fin_acc, manager):
        client.force_login(manager)
        rate = fin_acc.rates.get()
        response = client.post(
            f"/cost-recovery/rates/{rate.pk}/edit/",
            {
                "rate": "16.80",
                "currency": "USD",
                "valid_from": "2020-01-01",
                "valid_to": "2026-12-31",
            },
        )
        assert response.status_code == 302
        assert Rate.objects.get(pk=rate.pk).valid_to == dt.date(2026, 12, 31)


class TestOneSource:
    def test_the_catalogue_shows_the_rate_in_force_today_from_the_card(self, client, fin_acc):
        client.force_login(user_with_role(Role.MANAGEMENT))
        assert "16.80 USD" in client.get("/catalogue/services/FIN-ACC/").content.decode()
        fin_acc.rates.update(valid_to=dt.date(2021, 12, 31))
        page = client.get("/catalogue/services/FIN-ACC/").content.decode()
        assert "no rate in force" in page

    def test_a_new_sla_quotes_the_rate_in_force_and_needs_one(self):
        people = make_people()
        sla = make_draft(people, lines=[line("FIN-ACC")])
        (stored,) = sla.lines.all()
        assert (stored.cost_recovery_rate, stored.currency) == (Decimal("16.80"), "USD")
        Rate.objects.filter(
            offering__provider__code="UNON", offering__service__code="FIN-ACC"
        ).update(valid_to=dt.date(2021, 12, 31))
        with pytest.raises(ApplicationError) as refused:
            make_draft(people, lines=[line("FIN-ACC")])
        assert "No rate is in force today for FIN-ACC" in refused.value.message

    def test_an_offering_made_by_the_tests_has_a_rate(self):
        assert OfferingFactory().rates.get().rate == Decimal("12.50")


def _unep():
    from clients.models import ClientEntity

    return ClientEntity.objects.get(code="UNEP")
