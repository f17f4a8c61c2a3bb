"""Time the filter forms of the list pages, rendered by Django's form templates and by the
portal's renderer (``core.forms.PortalFormRenderer``, which writes ``<select>`` in Python).

    .venv/bin/python benchmarks/filter_forms.py [--repeat N]

It builds a throw-away SQLite database with the reference data (235 client entities, the
catalogue's services, the providers) in a temporary directory, renders each list page's
filter form N times (default 50) with each renderer, interleaved, and prints the medians
and their ratio. Nothing else is touched.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="filter-forms-bench-")
    try:
        run(workdir, args.repeat)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(workdir: str, repeat: int) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.local"
    os.environ["DJANGO_DEBUG"] = "false"
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.forms.renderers import DjangoTemplates
    from django.template.loader import render_to_string

    from catalogue.filtersets import ServiceFilterSet
    from clients.filtersets import ClientEntityFilterSet
    from compliance.filtersets import ComplianceResultFilterSet
    from core.forms import PortalFormRenderer
    from records.filtersets import ServiceRecordFilterSet
    from sla.filtersets import SlaFilterSet

    with open(os.devnull, "w") as quiet:
        call_command("migrate", verbosity=0, stdout=quiet)
        call_command("load_reference", verbosity=0, stdout=quiet)

    pages = {
        "/records/": ServiceRecordFilterSet,
        "/slas/": SlaFilterSet,
        "/compliance/": ComplianceResultFilterSet,
        "/catalogue/": ServiceFilterSet,
        "/clients/": ClientEntityFilterSet,
    }
    renderers = {"Django templates": DjangoTemplates(), "portal renderer": PortalFormRenderer()}
    print(f"filter forms rendered {repeat} times each (median ms), SQLite, reference data")
    print(f"{'page':14} {'options':>8} {'templates':>10} {'portal':>8} {'ratio':>6}")
    for page, filterset_class in pages.items():
        times: dict[str, list[float]] = {name: [] for name in renderers}
        options = 0
        for _ in range(repeat):
            for name, renderer in renderers.items():
                form = filterset_class(data={}, queryset=filterset_class._meta.model.objects.none())
                form.form.renderer = renderer
                start = time.perf_counter()
                html = render_to_string("includes/filter_form.html", {"filterset": form})
                times[name].append(time.perf_counter() - start)
                options = html.count("<option")
        django_ms = statistics.median(times["Django templates"]) * 1000
        portal_ms = statistics.median(times["portal renderer"]) * 1000
        print(
            f"{page:14} {options:>8} {django_ms:>10.1f} {portal_ms:>8.1f} "
            f"{django_ms / portal_ms:>6.1f}"
        )


if __name__ == "__main__":
    main()
