import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from compliance.engine import shards_to_compute
from compliance.tasks import enqueue_shards
from providers.models import ServiceProvider


class Command(BaseCommand):
    help = (
        "Compute compliance: the pending (provider, month) pairs by default, or a month "
        "(--period YYYY-MM), a provider (--provider CODE), or every month with records "
        "(--all). Enqueues the same tasks as the scheduler (run in-process without a broker): "
        "one per provider, or with --all one for everything (one pass over the records; "
        "--tasks N shares it between N workers)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", help="YYYY-MM")
        parser.add_argument("--provider", help="provider code")
        parser.add_argument("--all", action="store_true", dest="everything")
        parser.add_argument(
            "--tasks", type=int, help="with --all: split the providers into N tasks (default 1)"
        )

    def handle(self, *args, period=None, provider=None, everything=False, tasks=None, **options):
        if tasks is not None and (tasks < 1 or not everything):
            raise CommandError("--tasks N: a positive number, with --all")
        month = None
        if period:
            try:
                month = dt.date.fromisoformat(f"{period}-01")
            except ValueError as exc:
                raise CommandError(f"--period {period!r}: expected YYYY-MM") from exc
        provider_ids = None
        if provider:
            found = ServiceProvider.objects.filter(code=provider).values_list("pk", flat=True)
            if not found:
                raise CommandError(f"--provider {provider!r}: no such provider")
            provider_ids = list(found)
        shards = shards_to_compute(period=month, provider_ids=provider_ids, everything=everything)
        count = enqueue_shards(shards, "command", tasks=(tasks or 1) if everything else None)
        self.stdout.write(self.style.SUCCESS(f"{count} provider-months enqueued."))
