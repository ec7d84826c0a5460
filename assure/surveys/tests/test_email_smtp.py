"""Invitations go out through a real SMTP server, sent by the django-tasks database worker, with retries.

The tests start aiosmtpd on localhost, point Django's SMTP backend at it, queue invitations and run the worker
command (`db_worker --batch`) as production does.
"""

from __future__ import annotations

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command

from assure.surveys import services
from assure.surveys.models import EmailDelivery, Stakeholder

from .factories import StakeholderFactory, SurveyFactory

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class Inbox:
    def __init__(self):
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "Assure <surveys@assure.example.org>"
    yield inbox
    controller.stop()


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_invitations_over_smtp_in_plain_text_and_html(demo, smtp_server, settings):
    settings.TASKS = DB_TASKS
    survey = SurveyFactory(cycle=demo.cycle, organisation=demo.hackney)
    StakeholderFactory.create_batch(3, survey=survey)
    assert services.invitations_send(survey=survey, user=demo.ccg_lead) == 3
    assert smtp_server.messages == []  # queued, not sent by the request

    run_worker()

    assert len(smtp_server.messages) == 3
    message = smtp_server.messages[0]
    assert message["From"] == "Assure <surveys@assure.example.org>"
    assert message["Subject"].strip() == "Your views on NHS City and Hackney CCG: 360° stakeholder survey"
    parts = {
        part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()
    }
    assert "Answer the survey: http" in parts["text/plain"]
    assert "Answer the survey</a>" in parts["text/html"]
    assert EmailDelivery.objects.filter(status="sent").count() == 3
    assert Stakeholder.objects.filter(survey=survey, invited_at__isnull=False).count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_failed_send_is_recorded_and_tried_again_later(demo, settings):
    settings.TASKS = DB_TASKS
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        free_port(),
        2,
    )  # nobody there
    survey = SurveyFactory(cycle=demo.cycle, organisation=demo.hackney)
    person = StakeholderFactory(survey=survey)
    services.invitations_send(survey=survey, user=demo.ccg_lead)

    run_worker()

    delivery = EmailDelivery.objects.get(stakeholder=person)
    assert (delivery.status, delivery.attempts) == ("retrying", 1)
    assert "ConnectionRefusedError" in delivery.error
    person.refresh_from_db()
    assert person.invited_at is None and person.token_hash is None  # the failed send changed nothing

    from django_tasks_db.models import DBTaskResult

    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.run_after is not None  # waits before the next attempt


def test_after_the_last_attempt_the_delivery_is_marked_failed(demo, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    survey = SurveyFactory(cycle=demo.cycle, organisation=demo.hackney)
    person = StakeholderFactory(survey=survey)
    delivery = EmailDelivery.objects.create(stakeholder=person, kind="invitation")
    from assure.surveys.tasks import send_survey_email

    send_survey_email.enqueue(delivery.pk)  # the test settings run tasks at once, retries included

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", services.MAX_SEND_ATTEMPTS)
