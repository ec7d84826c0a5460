"""Crash the server and the worker, for real, in the middle of work; after a restart nothing is half-written.

Real processes on a temporary SQLite database and media folder, with the production settings as `make serve`
runs them (gunicorn from deploy/gunicorn.conf.py, `manage.py db_worker`), and a real SMTP server (aiosmtpd) in
this process. While stakeholders submit survey answers, the CCG lead uploads evidence files and imports
stakeholder lists through the API, and the worker sends a batch of invitations, the test kills (SIGKILL) gunicorn
(master and workers) and the worker. The kill comes while the worker is in the middle of an SMTP conversation:
the SMTP server holds one message without answering it, as a slow mail server would. Then everything is started
again as an operator would after a crash: `manage.py recover --older-than 0`, gunicorn, the worker.

Afterwards:
- every survey response has every answer (the burst sends complete answers only), every acknowledged submission
  is stored, and the responses agree with the stakeholders marked as having responded;
- every evidence row with a file has its whole file, every acknowledged upload is there, and no file is left
  that no row refers to;
- every stakeholder import is there whole or not at all, and every acknowledged one whole;
- every invitation queued is delivered exactly once (the held message was never accepted, so it counts as not
  delivered, and is sent again after the restart).

Run with `.venv/bin/pytest -m faults tests/faults -p no:xdist` (CI runs it as its own step). About a minute.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BIN = Path(PYTHON).parent
SURVEY_LINKS = 24  # stakeholders answering during the burst
TO_INVITE = 20  # invitations the worker sends (plus any the demo left uninvited)
HOLD_AT = 6  # the SMTP server holds the 6th message unanswered; the kill comes then
IMPORT_ROWS = 200

pytestmark = pytest.mark.faults


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """Accepts messages, except the HOLD_AT-th, which it holds unanswered until `release` and then refuses
    (the sender never hears "250 OK", so it has not been delivered)."""

    def __init__(self) -> None:
        self.delivered: list[str] = []  # the To addresses of accepted messages
        self.seen = 0
        self.holding = threading.Event()
        self.released = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.seen == HOLD_AT:
            self.holding.set()
            while not self.released.is_set():
                await asyncio.sleep(0.05)
            return "451 Requested action aborted: try again later"
        self.delivered.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


SETUP = """
import json, django
django.setup()
from assure.accounts.models import ApiToken, User
from assure.assessments.models import Assessment
from assure.surveys import services
from assure.surveys.models import Stakeholder, Survey
from django.utils import timezone

lead = User.objects.get(email="ccg.lead@example.org")
survey = Survey.objects.get(organisation__code="07R")
links = []
for n in range({links}):
    person = Stakeholder.objects.create(
        survey=survey, name=f"Responder {{n}}", email=f"responder{{n}}@faults.example.org", group="provider"
    )
    links.append(services._rotate_link(person))
    person.invited_at = timezone.now()
    person.save()
for n in range({invite}):
    Stakeholder.objects.create(
        survey=survey, name=f"Invitee {{n}}", email=f"invitee{{n}}@faults.example.org", group="hwb"
    )
print(json.dumps({{
    "token": ApiToken.issue(user=lead, name="Faults")[1],
    "survey": str(survey.public_id),
    "statements": survey.statement_codes,
    "assessment": str(Assessment.objects.get(organisation__code="07R").public_id),
    "evidence_type": survey.cycle.framework.evidence_types.first().code,
    "links": links,
}}))
"""


class Deployment:
    """The processes of one small deployment, on a temporary database and media folder."""

    def __init__(self, tmp: Path, smtp_port: int) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.database = tmp / "assure.sqlite3"
        self.media = tmp / "media"
        self.logs = tmp
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "PYTEST"))},
            "DJANGO_SETTINGS_MODULE": "assure.config.settings.production",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "SITE_URL": self.base,
            "DATABASE_URL": f"sqlite:///{self.database}",
            "MEDIA_ROOT": str(self.media),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_TIMEOUT": "30",
            "RATELIMIT_ENABLED": "false",  # the burst comes from one address
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "WEB_CONCURRENCY": "2",
            "GUNICORN_THREADS": "4",
            "PYTHONUNBUFFERED": "1",
        }
        self.server: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.starts = 0

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def python(self, code: str) -> str:
        done = subprocess.run(
            [PYTHON, "-c", code], cwd=ROOT, env=self.env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self) -> None:
        self.starts += 1
        log = open(self.logs / f"server-{self.starts}.log", "w")  # noqa: SIM115 (kept open by the process)
        self.server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so master and workers can be killed at once
        )
        log = open(self.logs / f"worker-{self.starts}.log", "w")  # noqa: SIM115
        self.worker = subprocess.Popen(
            [PYTHON, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.server.poll() is None, (self.logs / f"server-{self.starts}.log").read_text()
            try:
                if requests.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise AssertionError("gunicorn did not answer /healthz within a minute")

    def kill(self) -> None:
        """SIGKILL the server's whole process group (master and workers) and the worker: no clean-up runs."""
        for process in (self.server, self.worker):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def stop(self) -> None:
        for process in (self.server, self.worker):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)

    def query(self, sql: str, *params) -> list[tuple]:
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=30) as db:
            return db.execute(sql, params).fetchall()


class Burst:
    """People using the service at once, recording what the server acknowledged before it died."""

    def __init__(self, deployment: Deployment, world: dict) -> None:
        self.d, self.world = deployment, world
        self.api = {"Authorization": f"Bearer {world['token']}"}
        self.stop = threading.Event()
        self.acknowledged = {"responses": set(), "evidence": set(), "imports": set()}
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self.answer, args=(links,), daemon=True)
            for links in (world["links"][0::2], world["links"][1::2])
        ]
        self.threads.append(threading.Thread(target=self.upload, args=(0,), daemon=True))
        self.threads.append(threading.Thread(target=self.import_stakeholders, daemon=True))

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def answer(self, links: list[str]) -> None:
        session = requests.Session()
        answers = ("agree", "strongly_agree", "neutral", "disagree", "dont_know")
        round_ = 0
        while not self.stop.is_set():
            round_ += 1
            for link in links:
                if self.stop.is_set():
                    return
                url = f"{self.d.base}/s/{link}/"
                try:
                    page = session.get(url, timeout=10)
                    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
                    data = {"csrfmiddlewaretoken": token, "comment-1": f"Round {round_}"}
                    data |= {
                        f"s-{code}": answers[(round_ + k) % len(answers)]
                        for k, code in enumerate(self.world["statements"])
                    }
                    answer = session.post(url, data=data, allow_redirects=False, timeout=10)
                except (requests.RequestException, AttributeError):
                    continue
                if answer.status_code == 302 and "/done/" in answer.headers.get("Location", ""):
                    with self.lock:
                        self.acknowledged["responses"].add(link)

    def upload(self, n: int) -> None:
        url = f"{self.d.base}/api/v1/assessments/{self.world['assessment']}/evidence"
        content = b"Quarter,Referrals,Seen within two weeks\r\n" + b"2012 Q1,1200,1150\r\n" * 2000
        count = 0
        while not self.stop.is_set():
            count += 1
            title = f"Referral figures {n}-{count}"
            try:
                answer = requests.post(
                    url,
                    headers=self.api,
                    data={
                        "title": title,
                        "evidence_type": self.world["evidence_type"],
                        "document_date": "2012-04-01",
                        "owner": "Performance team",
                    },
                    files={"file": (f"referrals-{n}-{count}.csv", content, "text/csv")},
                    timeout=20,
                )
            except requests.RequestException:
                continue
            if answer.status_code == 201:
                with self.lock:
                    self.acknowledged["evidence"].add(title)

    def import_stakeholders(self) -> None:
        url = f"{self.d.base}/api/v1/surveys/{self.world['survey']}/stakeholders"
        batch = 0
        while not self.stop.is_set():
            batch += 1
            rows = [
                {
                    "name": f"Imported {i}",
                    "email": f"person{i}@batch{batch}.faults.example.org",
                    "group": "other",
                }
                for i in range(IMPORT_ROWS)
            ]
            try:
                answer = requests.post(url, headers=self.api, json=rows, timeout=30)
            except requests.RequestException:
                continue
            if answer.status_code == 201:
                with self.lock:
                    self.acknowledged["imports"].add(f"batch{batch}")


def test_a_crash_in_the_middle_of_work_leaves_nothing_half_written(tmp_path):
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    d = Deployment(tmp_path, smtp.port)
    burst = None
    try:
        d.manage("migrate", "--no-input", "--verbosity", "0")
        d.manage("collectstatic", "--no-input", "--verbosity", "0")
        d.manage("seed_demo", "--force")
        world = json.loads(d.python(SETUP.format(links=SURVEY_LINKS, invite=TO_INVITE)))
        d.start()

        burst = Burst(d, world)
        burst.start()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not all(burst.acknowledged.values()):
            time.sleep(0.2)  # until the burst is in full flow: some of each kind of write done
        for _attempt in range(5):  # a burst of writes on SQLite can keep a request waiting past its timeout
            queued = requests.post(
                f"{d.base}/api/v1/surveys/{world['survey']}/invitations",
                headers={"Authorization": f"Bearer {world['token']}"},
                timeout=60,
            )
            if queued.status_code == 202:
                break
        assert queued.status_code == 202, queued.text
        invited = d.query("SELECT count(*) FROM surveys_emaildelivery")[0][0]
        assert invited >= TO_INVITE

        assert inbox.holding.wait(timeout=60), "the worker never reached the held message"
        time.sleep(0.5)
        d.kill()
        burst.finish()
        inbox.released.set()
        acknowledged = burst.acknowledged
        assert all(acknowledged.values()), f"the burst did too little before the crash: {acknowledged}"

        # What an operator does after a crash: tidy up, start again.
        report = d.manage("recover", "--older-than", "0")
        d.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            pending = d.query(
                "SELECT count(*) FROM surveys_emaildelivery WHERE status NOT IN ('sent', 'skipped', 'failed')"
            )[0][0]
            if not pending:
                break
            time.sleep(0.3)
        d.stop()

        # Emails: every queued invitation delivered exactly once.
        deliveries = d.query("SELECT status, count(*) FROM surveys_emaildelivery GROUP BY status")
        assert dict(deliveries) == {"sent": invited}, (deliveries, report)
        counts = Counter(inbox.delivered)
        assert len(counts) == invited and set(counts.values()) == {1}, counts

        # Survey responses: whole, and consistent with the stakeholders who responded.
        survey_id = d.query(
            "SELECT id FROM surveys_survey WHERE public_id = ?", world["survey"].replace("-", "")
        )
        survey_id = survey_id[0][0]
        statements = set(world["statements"])
        answers = [
            json.loads(a)
            for (a,) in d.query("SELECT answers FROM surveys_response WHERE survey_id = ?", survey_id)
        ]
        assert all(set(a) == statements for a in answers)  # the demo's and the burst's: every statement
        responded = d.query(
            "SELECT count(*) FROM surveys_stakeholder WHERE survey_id = ? AND responded_at IS NOT NULL",
            survey_id,
        )[0][0]
        assert responded == len(answers)
        demo_responses = 8  # NHS Camden CCG's responses in the demo
        assert len(answers) - demo_responses >= len(acknowledged["responses"])

        # Evidence: every row's file whole, every acknowledged upload there, no file without a row.
        rows = d.query("SELECT title, file, size FROM evidence_evidence WHERE file != ''")
        stored_titles = {title for title, _, _ in rows}
        assert acknowledged["evidence"] <= stored_titles
        for _title, name, size in rows:
            assert (d.media / name).stat().st_size == size, name
        on_disk = {str(p.relative_to(d.media)) for p in (d.media / "evidence").rglob("*") if p.is_file()}
        assert on_disk == {name for _, name, _ in rows}

        # Stakeholder imports: whole or not at all.
        batches = d.query(
            "SELECT substr(email, instr(email, '@') + 1), count(*) FROM surveys_stakeholder "
            "WHERE email LIKE 'person%@batch%' GROUP BY 1"
        )
        sizes = {domain.split(".")[0]: count for domain, count in batches}
        assert set(sizes.values()) <= {IMPORT_ROWS}, sizes
        assert acknowledged["imports"] <= set(sizes)
    finally:
        if burst is not None:
            burst.finish()
        inbox.released.set()
        d.kill()
        smtp.stop()
