from django.core.management.base import BaseCommand

from sla.reference import load_sla_template


class Command(BaseCommand):
    help = "Load the shipped common SLA template (a version is never overwritten)."

    def handle(self, *args, **options):
        template, created = load_sla_template()
        self.stdout.write(f"{template}: {'created' if created else 'already there'}")
