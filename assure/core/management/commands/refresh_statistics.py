import time

from django.core.management.base import BaseCommand

from assure.core import statistics


class Command(BaseCommand):
    help = (
        "Gather fresh statistics on every table for the database's query planner: ANALYZE, and on PostgreSQL "
        "VACUUM too, so that indexes alone can answer. Run it after a bulk import and daily "
        "(deploy/assure-statistics.timer): without them the planner can choose very slow plans."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        statistics.refresh()
        self.stdout.write(f"Statistics refreshed in {time.monotonic() - started:.1f} s.")
