"""Queue today's deadline reminders. Run once a day (cron or a systemd timer); running it again is harmless."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from assure.cycles.services import reminders_queue


class Command(BaseCommand):
    help = (
        "Email the responsible leads about step deadlines coming up, on the days set by REMINDER_DAYS (or the "
        "cycle's own). Each reminder is sent once; steps already done get none. The emails are sent by the worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Act as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, date=None, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"--date must be a date like 2013-04-01 (got {date!r})") from None
        run = reminders_queue(today=today)
        self.stdout.write(
            f"{run.queued} reminder{'s' if run.queued != 1 else ''} queued; "
            f"{run.already_sent} already sent before."
        )
