from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from records.choices import ImportStatus
from records.imports.parse import read_csv
from records.models import RecordImport
from records.services import records_import
from records.signals import records_changed


class Command(BaseCommand):
    help = (
        "Import service records from a CSV file (DOMAIN §4). A file with any bad row stores "
        "nothing unless --keep-good-rows is given. Importing the same file again changes nothing. "
        "The months the file changed are then computed (here without a broker, by the workers "
        "with one)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--keep-good-rows",
            action="store_true",
            help="Store the valid rows even when other rows have errors.",
        )

    def handle(self, *args, file: Path, keep_good_rows: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        with file.open("rb") as handle:
            result = records_import(
                rows=read_csv(handle), keep_good_rows=keep_good_rows, filename=file.name
            )
        for error in result.errors.all()[:50]:
            self.stderr.write(f"line {error.line}, {error.column or 'file'}: {error.message}")
        if result.error_count > 50:
            self.stderr.write(f"... {result.error_count - 50} more errors")
        if result.status != ImportStatus.DONE:
            raise CommandError(result.message)
        self.stdout.write(self.style.SUCCESS(result.message))
        if result.undesignated_count:
            self.stdout.write(
                self.style.WARNING(
                    f"Warning: {result.undesignated_count} row(s) for a provider not designated "
                    "for that client and service on the received date (imported all the same):"
                )
            )
            for row in result.undesignated_sample:
                self.stdout.write(
                    f"  line {row['line']}: {row['provider']} {row['client']} {row['service']} "
                    f"received {row['received_on']} (designated: {row['designated'] or 'nobody'})"
                )
        # As the page and the API do: whoever computes compliance hears of the change
        # (without a broker it computes here, before the command exits).
        for _receiver, said in records_changed.send(sender=RecordImport):
            if said:
                self.stdout.write(said)
