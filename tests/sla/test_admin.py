"""The admin shows SLAs and the template's versions with their history, and never writes
them: SLAs change through their life cycle only (DOMAIN §6)."""

import pytest

from sla.models import SlaTemplate
from tests.sla.factories import make_draft, make_people

pytestmark = pytest.mark.django_db


def test_slas_and_template_versions_are_shown_read_only(admin_client):
    sla = make_draft(make_people())
    template = SlaTemplate.objects.get(is_current=True)
    for url in (
        "/admin/sla/sla/",
        f"/admin/sla/sla/{sla.pk}/change/",
        f"/admin/sla/sla/{sla.pk}/history/",
        "/admin/sla/slatemplate/",
        f"/admin/sla/slatemplate/{template.pk}/change/",
    ):
        assert admin_client.get(url).status_code == 200, url
    assert sla.agreement.number in admin_client.get("/admin/sla/sla/").content.decode()
    assert admin_client.post(f"/admin/sla/sla/{sla.pk}/change/", {"notes": "x"}).status_code == 403
    assert admin_client.get("/admin/sla/sla/add/").status_code == 403
    assert admin_client.post(f"/admin/sla/sla/{sla.pk}/delete/", {"post": "yes"}).status_code == 403
