from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalogue.reference import REFERENCE_DIR, ReferenceDataError, load_reference


class Command(BaseCommand):
    help = (
        "Load the real reference data (duty stations, entities, providers, catalogue), "
        "idempotently."
    )

    def add_arguments(self, parser):
        parser.add_argument("--directory", type=Path, default=REFERENCE_DIR)

    def handle(self, *args, directory: Path, **options):
        try:
            counts = load_reference(directory=directory)
        except ReferenceDataError as exc:
            raise CommandError(exc.message) from exc
        for label, (created, updated, unchanged) in sorted(counts.by_model.items()):
            self.stdout.write(
                f"{label:32} created {created:4}  updated {updated:4}  unchanged {unchanged:4}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Reference data loaded: {counts.created} created, {counts.updated} updated, "
                f"{counts.unchanged} unchanged."
            )
        )
