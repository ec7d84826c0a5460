import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assure.core.demo import DEMO_PASSWORD
from assure.national.dataset import DEFAULT_SEED, PREFIX, Size, generate


class Command(BaseCommand):
    help = (
        "Generate a synthetic England (211 CCGs, 152 HWBs, 8,000 practices, three cycles of complete "
        "self-assessments with evidence) for trying Assure at national scale. Deterministic; running it again "
        f"replaces its own data (organisations coded {PREFIX}…) and leaves everything else alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Fraction of the country's breadth to generate (default 1: all of England; 0.02 for a quick try).",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"Random seed (default {DEFAULT_SEED})."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DEBUG is off (the demo logins it attaches have a known password).",
        )

    def handle(self, *args, scale: float, seed: int, force: bool, verbosity: int, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_national attaches the demo logins, which have a published password, so it only runs with "
                "DEBUG on. Use --force if you really want the national dataset on this installation."
            )
        if not 0 < scale <= 1:
            raise CommandError("--scale must be more than 0 and at most 1.")
        started = time.monotonic()
        try:
            ds = generate(size=Size().scaled(scale), seed=seed, progress=verbosity > 0)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from None
        took = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"National dataset ready in {took:.0f} s: {len(ds.ccgs)} CCGs, {len(ds.hwbs)} HWBs, "
                f"{ds.size.practices:,} practices, {len(ds.cycles)} cycles, {len(ds.assessments) or len(ds.cycles) * len(ds.ccgs)} "
                "self-assessments."
            )
        )
        if verbosity > 1:
            for stage, seconds in ds.timings.items():
                self.stdout.write(f"  {stage:<20} {seconds:6.1f} s")
        first = ds.ccgs[0]
        self.stdout.write(
            f"The demo logins (password {DEMO_PASSWORD}) are attached to {first.name} ({first.code}) and "
            f"{ds.partners[first.pk][0].name}; region@example.org leads every region."
        )
