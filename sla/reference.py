"""The common SLA template shipped with the project (``reference/sla_template.json``)."""

import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import SlaTemplate, SlaTemplateSection

TEMPLATE_FILE = Path(settings.BASE_DIR) / "reference" / "sla_template.json"


@transaction.atomic
def load_sla_template(*, path: Path = TEMPLATE_FILE) -> tuple[SlaTemplate, bool]:
    """Create the shipped template version if it does not exist yet; never overwrite a
    version (agreements refer to it). Returns the version and whether it was created.
    The first version loaded becomes current when none is."""
    data = json.loads(path.read_text(encoding="utf-8"))
    existing = SlaTemplate.objects.filter(version=data["version"]).first()
    if existing:
        return existing, False
    template = SlaTemplate.objects.create(
        version=data["version"],
        title=data["title"],
        published_on=dt.date.fromisoformat(data["published_on"]),
        is_current=not SlaTemplate.objects.filter(is_current=True).exists(),
    )
    for order, section in enumerate(data["sections"], start=1):
        SlaTemplateSection.objects.create(
            template=template,
            order=order,
            key=section["key"],
            title=section["title"],
            body=section["body"],
        )
    return template, True
