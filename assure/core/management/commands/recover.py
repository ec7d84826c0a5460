"""`manage.py recover`: tidy up after a crash (a killed worker or server, a lost machine).

Every write Assure makes to the database is one transaction, so a crash never leaves half a row behind. Two things
outside a single transaction can be left over, and this command finishes them:

- A background task that was running when its worker died stays marked *running* and would never run again.
  Tasks running for longer than `--older-than` seconds are put back in the queue. Every task is safe to run twice
  (an email already sent is not sent again; a PDF already made is not made again).
- An email queued in the same transaction as its delivery record is handed to the worker just after that
  transaction commits; a crash in between leaves a delivery that no task will send. Deliveries still waiting,
  queued longer ago than `--older-than`, with no task waiting to send them get one.
- An uploaded file is written before its database row; a crash in between leaves a file that nothing refers to
  (and a deleted row's file is removed after the deletion commits). Files in the evidence and good practice
  folders that no row refers to, last changed more than `--older-than` seconds ago, are deleted.

The worker's service runs it before starting (deploy/assure-worker.service). The default age (15 minutes) is
longer than any task or upload takes, so it is safe while other workers and servers are running; after stopping
every process, `--older-than 0` finishes everything at once.
"""

from __future__ import annotations

import datetime

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

FOLDERS = ("evidence", "good-practice")


class Command(BaseCommand):
    help = "Requeue background tasks abandoned by a dead worker and delete uploaded files no row refers to."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=float,
            default=900,
            metavar="SECONDS",
            help="Only tasks running, and files last changed, longer ago than this (default 900).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Say what would be done; change nothing.")

    def handle(self, *args, older_than: float, dry_run: bool, **options):
        cutoff = timezone.now() - datetime.timedelta(seconds=older_than)
        tasks = requeue_abandoned_tasks(before=cutoff, dry_run=dry_run)
        tasks += requeue_unsent_emails(before=cutoff, dry_run=dry_run)
        files = remove_orphan_files(before=cutoff, dry_run=dry_run)
        verb = "Would requeue" if dry_run else "Requeued"
        self.stdout.write(f"{verb} {len(tasks)} abandoned task(s)" + "".join(f"\n  {t}" for t in tasks))
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(f"{verb} {len(files)} orphan file(s)" + "".join(f"\n  {f}" for f in files))


def requeue_abandoned_tasks(*, before: datetime.datetime, dry_run: bool = False) -> list[str]:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    abandoned = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=before)
    found = [
        f"{task.task_path} {task.args_kwargs} (started {task.started_at:%Y-%m-%d %H:%M:%S})"
        for task in abandoned
    ]
    if not dry_run:
        abandoned.update(status=TaskResultStatus.READY, started_at=None)
    return found


def requeue_unsent_emails(*, before: datetime.datetime, dry_run: bool = False) -> list[str]:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from assure.surveys.models import EmailDelivery
    from assure.surveys.tasks import send_survey_email

    path = send_survey_email.module_path
    pending = DBTaskResult.objects.filter(
        task_path=path, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    )
    waiting_for = {task.args_kwargs["args"][0] for task in pending}
    unsent = EmailDelivery.objects.filter(
        status__in=[EmailDelivery.Status.QUEUED, EmailDelivery.Status.RETRYING], queued_at__lt=before
    ).exclude(pk__in=waiting_for)
    found = []
    for delivery_id in unsent.values_list("pk", flat=True):
        found.append(f"{path} for email delivery {delivery_id} (no task was waiting to send it)")
        if not dry_run:
            send_survey_email.enqueue(delivery_id)
    return found


def remove_orphan_files(*, before: datetime.datetime, dry_run: bool = False) -> list[str]:
    from assure.evidence.models import Evidence
    from assure.goodpractice.models import Attachment

    referenced = set(Evidence.objects.exclude(file="").values_list("file", flat=True))
    referenced |= set(Attachment.objects.values_list("file", flat=True))
    orphans = []
    for folder in FOLDERS:
        for name in _walk(folder):
            if name in referenced:
                continue
            try:
                changed = default_storage.get_modified_time(name)
            except (NotImplementedError, OSError):
                continue  # a storage that cannot tell a file's age (or a file gone meanwhile): never delete it
            if changed < before:
                orphans.append(name)
                if not dry_run:
                    default_storage.delete(name)
    return orphans


def _walk(folder: str):
    try:
        folders, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _walk(f"{folder}/{sub}")
