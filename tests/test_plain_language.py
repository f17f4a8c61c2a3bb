"""Pages speak to staff, not to developers: no label generated from a field's name or
lookup ("Received at is greater than or equal to", "Sla", "Offerings provider"), no row of
dashes or "Unknown" as a choice, months picked with a month control, countries by name.

Every FilterSet of every app is walked (the pages' filter forms are built from them), then
every page of the README's table is opened and its HTML checked."""

import importlib

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.test import Client

from accounts.choices import Role
from core.filters import CountrySelect, MonthFilter, MonthInput
from tests.factories import user_with_role
from tests.sla.factories import client, provider
from tests.support import DASHES, plain_language_problems
from tests.support import GENERATED_LABEL as GENERATED


def filtersets() -> list[type[django_filters.FilterSet]]:
    found = []
    for config in apps.get_app_configs():
        if config.name.split(".")[0] not in {
            "core",
            "catalogue",
            "providers",
            "clients",
            "records",
            "sla",
            "compliance",
            "surveys",
            "cost_recovery",
            "audit",
            "dashboards",
        }:
            continue
        try:
            module = importlib.import_module(f"{config.name}.filtersets")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, django_filters.FilterSet)
                and value.__module__ == module.__name__
                and value._meta.model is not None
            ):
                found.append(value)
    return found


FILTERSETS = filtersets()


def test_every_app_with_a_filterset_is_walked():
    assert len(FILTERSETS) >= 20


@pytest.mark.django_db
@pytest.mark.parametrize("filterset", FILTERSETS, ids=lambda f: f.__name__)
def test_filter_labels_and_choices_are_plain_language(filterset):
    form = filterset(data={}, queryset=filterset._meta.model.objects.none()).form
    for name, field in form.fields.items():
        if name == "ordering":  # sorted through the tables' headers, not shown in the form
            continue
        assert not GENERATED.search(str(field.label)), f"{filterset.__name__}.{name}: {field.label}"
        widget = field.widget
        html = str(form[name])
        assert DASHES not in html, f"{filterset.__name__}.{name}: a choice of dashes"
        assert ">Unknown<" not in html, f"{filterset.__name__}.{name}: an 'Unknown' choice"
        if name in {"month", "period", "completed_month"} or isinstance(
            filterset.base_filters[name], MonthFilter
        ):
            assert isinstance(widget, MonthInput), (
                f"{filterset.__name__}.{name}: not a month control"
            )
        if name == "country":
            assert isinstance(widget, CountrySelect), f"{filterset.__name__}.{name}: not by name"
        assert not isinstance(widget, forms.NullBooleanSelect) or widget.choices[0][1] == "Any"


# The pages of the README's table that need no object, and who opens them.
PAGES = [
    "/",
    "/catalogue/",
    "/providers/",
    "/clients/",
    "/records/",
    "/imports/",
    "/slas/",
    "/compliance/",
    "/dashboards/",
    "/surveys/",
    "/surveys/results/",
    "/surveys/new/",
    "/cost-recovery/",
    "/cost-recovery/rates/",
    "/cost-recovery/volumes/",
    "/cost-recovery/value-for-money/",
    "/notifications/",
    "/account/time-zone/",
    "/audit/",
]
PROVIDER_PAGES = ["/imports/new/", "/slas/new/", "/records/", "/slas/", "/"]


def check_page(browser: Client, url: str) -> None:
    response = browser.get(url, follow=True)
    assert response.status_code == 200, url
    problems = plain_language_problems(response.content.decode())
    assert not problems, f"{url}: {problems}"


@pytest.mark.django_db
def test_pages_speak_plain_language():
    curator = Client()
    curator.force_login(user_with_role(Role.CATALOGUE_MANAGER))
    for url in PAGES:
        check_page(curator, url)
    staff = Client()
    staff.force_login(user_with_role(Role.PROVIDER_MANAGER, provider=provider("UNON")))
    for url in PROVIDER_PAGES:
        check_page(staff, url)
    focal = Client()
    focal.force_login(user_with_role(Role.CLIENT_FOCAL_POINT, client=client("UNEP")))
    for url in ["/", "/slas/", "/surveys/", "/cost-recovery/"]:
        check_page(focal, url)
