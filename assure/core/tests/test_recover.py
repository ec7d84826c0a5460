"""`manage.py recover` finishes what a crash left: abandoned tasks, emails no task will send, orphan files."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from assure.evidence.models import Evidence
from assure.surveys.models import EmailDelivery
from assure.surveys.tasks import send_survey_email
from assure.surveys.tests.factories import StakeholderFactory, SurveyFactory

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def recover(*args: str) -> str:
    out = io.StringIO()
    call_command("recover", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def delivery(demo):
    survey = SurveyFactory(cycle=demo.cycle, organisation=demo.hackney)
    return EmailDelivery.objects.create(stakeholder=StakeholderFactory(survey=survey), kind="invitation")


def test_a_task_left_running_by_a_dead_worker_is_queued_again(delivery, settings):
    settings.TASKS = DB_TASKS
    result = send_survey_email.enqueue(delivery.pk)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - datetime.timedelta(hours=1)
    )

    report = recover()

    assert "Requeued 1 abandoned task(s)" in report
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.READY


def test_a_task_running_for_less_than_the_limit_is_left_alone(delivery, settings):
    settings.TASKS = DB_TASKS
    result = send_survey_email.enqueue(delivery.pk)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now()
    )

    recover()

    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING


def test_an_email_queued_without_a_task_gets_one(delivery, settings):
    settings.TASKS = DB_TASKS
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        queued_at=timezone.now() - datetime.timedelta(hours=1)
    )

    report = recover()

    assert f"email delivery {delivery.pk}" in report
    task = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert task.args_kwargs["args"] == [delivery.pk]
    recover()  # and only one
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1


def test_files_no_row_refers_to_are_deleted_and_others_kept(demo):
    kept = Evidence(
        organisation=demo.ccg,
        title="Strategy",
        evidence_type=demo.framework.evidence_types.first(),
        document_date=datetime.date(2012, 4, 1),
        owner="Lead",
        added_by=demo.ccg_lead,
    )
    kept.file.save("strategy.csv", ContentFile(b"a,b\r\n"), save=True)
    orphan = default_storage.save(f"evidence/{demo.ccg.public_id}/orphan.csv", ContentFile(b"a,b\r\n"))

    assert recover("--older-than", "60").count("orphan.csv") == 0  # too recent: an upload may be under way
    report = recover("--older-than", "0")

    assert "Deleted 1 orphan file(s)" in report and orphan in report
    assert not default_storage.exists(orphan)
    assert default_storage.exists(kept.file.name)


def test_a_dry_run_changes_nothing(demo):
    orphan = default_storage.save("evidence/x/orphan.csv", ContentFile(b"a,b\r\n"))

    assert "Would delete 1 orphan file(s)" in recover("--older-than", "0", "--dry-run")
    assert default_storage.exists(orphan)
