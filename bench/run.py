"""`make bench`: load-test Assure over HTTP with the national dataset and the production settings.

Starts gunicorn as production does (`deploy/gunicorn.conf.py`, `assure.config.settings.production`, DEBUG off)
and the background workers (`BENCH_TASK_WORKERS`, one per core), on the database in `DATABASE_URL` (default:
SQLite in `var/bench.sqlite3`), generating the national dataset there first if it is missing. Then, for every
scenario in `bench/scenarios.py`, at each concurrency in `BENCH_CONCURRENCY` (default 1 and 8), locust (in this
process) keeps that many simulated people each sending the next request as soon as the last one answers, for
`BENCH_SECONDS` (default 10) after a short warm-up. Writes `bench/results.json` and `bench/results.txt`.

The server sits behind no TLS proxy here, so requests carry `X-Forwarded-Proto: https` as a proxy would add; the
production settings are used unchanged apart from what must come from the environment (SECRET_KEY,
ALLOWED_HOSTS).
"""

# locust patches the standard library for gevent on import, so it comes first.
from locust import FastHttpUser, constant, task  # isort: skip
from locust.env import Environment  # isort: skip

import itertools
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import gevent
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


from bench.scenarios import CCG_LEAD, FLOOR, SCENARIOS, Scenario  # noqa: E402

PYTHON = sys.executable
BIN = Path(PYTHON).parent
PORT = int(os.environ.get("BENCH_PORT") or "0") or free_port()
BASE = f"http://127.0.0.1:{PORT}"
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
CONCURRENCY = [int(c) for c in os.environ.get("BENCH_CONCURRENCY", "1,8").split(",")]
WORKERS = int(os.environ.get("BENCH_WORKERS", str(min((os.cpu_count() or 1) + 1, 8))))
# Background workers (db_worker), which lay out the PDFs one at a time each: one per core, as the README advises.
TASK_WORKERS = int(os.environ.get("BENCH_TASK_WORKERS", str(os.cpu_count() or 1)))
ONLY = [s.strip() for s in os.environ.get("BENCH_ONLY", "").split(",") if s.strip()]
PASSWORD = "assure-demo"
PROXY = {"X-Forwarded-Proto": "https"}
LINKS = 16  # respondent links for the survey submissions (the simulated people share them out)
RESULTS = ROOT / "bench" / "results.json"
TABLE = ROOT / "bench" / "results.txt"


def server_environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="assure.config.settings.production",
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}",
        MEDIA_ROOT=os.environ.get("MEDIA_ROOT") or str(ROOT / "var" / "bench-media"),
        # The simulated people share one address and one token each: the limits meant for one person would
        # refuse them. The limiter itself still runs on every request.
        RATELIMIT_API=os.environ.get("RATELIMIT_API") or "1000000/m",
        # deploy/gunicorn.conf.py, as in production, on the benchmark's port and with its number of workers.
        GUNICORN_BIND=f"127.0.0.1:{PORT}",
        WEB_CONCURRENCY=str(WORKERS),
        GUNICORN_MAX_REQUESTS="0",  # no restarts in the middle of a measurement
    )
    return env


def manage(env, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=check, capture_output=True, text=True
    )


def prepare(env) -> dict:
    (ROOT / "var").mkdir(exist_ok=True)
    print("Migrating and collecting static files…", flush=True)
    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input")
    logins = sorted({s.who for s in SCENARIOS if s.who and (s.api or s.request == "report_pdf")})
    tokens = [arg for email in logins for arg in ("--token", email)]
    tokens += ["--links", str(LINKS)]
    found = manage(env, "bench_setup", *tokens, check=False)
    if found.returncode == 3 or os.environ.get("BENCH_RESEED"):
        print("Generating the national dataset (seed_national)…", flush=True)
        started = time.monotonic()
        subprocess.run([PYTHON, "manage.py", "seed_national", "--force"], cwd=ROOT, env=env, check=True)
        print(f"Generated in {time.monotonic() - started:.0f} s.", flush=True)
        found = manage(env, "bench_setup", *tokens, check=False)
    if found.returncode:
        sys.exit(found.stderr)
    return json.loads(found.stdout)


def start_server(env) -> subprocess.Popen:
    """gunicorn with the production configuration (deploy/gunicorn.conf.py), and the background workers that
    make the report PDFs."""
    log = open(ROOT / "var" / "bench-server.log", "w")  # noqa: SIM115 (open for the server's lifetime)
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-c",
            "deploy/gunicorn.conf.py",
            "--access-logfile",
            str(ROOT / "var" / "bench-access.log"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server.workers = [
        subprocess.Popen(
            [PYTHON, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(TASK_WORKERS)
    ]
    patience = float(os.environ.get("BENCH_START_SECONDS", "60"))  # longer on a busy machine
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped: see {ROOT / 'var' / 'bench-server.log'}")
        try:
            if requests.get(f"{BASE}/healthz", headers=PROXY, timeout=5).status_code == 200:
                return server
        except requests.RequestException:
            time.sleep(0.2)
    server.terminate()
    sys.exit(f"gunicorn did not answer /healthz within {patience:g} seconds (BENCH_START_SECONDS)")


def sign_in(email: str) -> dict[str, str]:
    """Sign in through the login page, as a person would; the session cookie is then sent with every request.

    The cookies are marked Secure (production settings), so they are sent by hand over this plain-HTTP hop.
    """
    login = f"{BASE}/accounts/login/"
    page = requests.get(login, headers=PROXY, timeout=10)
    csrf = page.cookies["csrftoken"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = requests.post(
        login,
        data={"csrfmiddlewaretoken": token, "username": email, "password": PASSWORD},
        headers={**PROXY, "Cookie": f"csrftoken={csrf}", "Referer": login.replace("http:", "https:", 1)},
        allow_redirects=False,
        timeout=10,
    )
    if answer.status_code != 302 or "sessionid" not in answer.cookies:
        sys.exit(f"Could not sign in as {email} (HTTP {answer.status_code})")
    csrf = answer.cookies.get("csrftoken", csrf)
    return {
        "Cookie": f"sessionid={answer.cookies['sessionid']}; csrftoken={csrf}",
        "X-CSRFToken": csrf,
        "Referer": f"https://127.0.0.1:{PORT}/",
    }


# Request builders: requests that need a body. Each simulated person saves an item of their own (no two edit the
# same item), sending the version the last answer gave, so every save is a real save.

_next_item = itertools.count()


def item_save_page(user, scenario: Scenario, targets: dict, headers: dict):
    if not hasattr(user, "item"):
        user.item = targets["items"][next(_next_item) % len(targets["items"])]
        user.version = targets["versions"][user.item]
    prefix = f"item-{user.item}-"
    data = {
        prefix + "rating": str(user.version % 4),
        prefix + "narrative": f"Saved {user.version}",
        prefix + "version": str(user.version),
    }
    path = scenario.path.format(**targets, item=user.item)
    with user.client.request(
        "POST",
        path,
        data=data,
        headers={**headers, "HX-Request": "true"},
        name=scenario.name,
        catch_response=True,
    ) as answer:
        found = re.search(rf'name="{re.escape(prefix)}version" value="(\d+)"', answer.text or "")
        if answer.status_code != 200 or not found:
            answer.failure(f"HTTP {answer.status_code}")
            return
        version = int(found.group(1))
        if version != user.version + 1:
            answer.failure("not saved (stale)")
        user.version = version


def item_save_api(user, scenario: Scenario, targets: dict, headers: dict):
    if not hasattr(user, "item"):
        user.item = targets["items"][next(_next_item) % len(targets["items"])]
        user.version = targets["versions"][user.item]
    body = {
        "rating": user.version % 4,
        "not_applicable": False,
        "reason": "",
        "narrative": f"Saved {user.version}",
        "version": user.version,
    }
    path = scenario.path.format(**targets, item=user.item)
    with user.client.request(
        "PUT", path, json=body, headers=headers, name=scenario.name, catch_response=True
    ) as answer:
        if answer.status_code != 200:
            answer.failure(f"HTTP {answer.status_code}")
            if answer.status_code == 409:
                user.version = answer.json()["current"]["version"]
            return
        user.version = answer.json()["version"]


_next_link = itertools.count()


def respondent_form(targets: dict) -> dict[str, str]:
    """The CSRF cookie and form token for the respondent page, fetched once (any of the links will do)."""
    if "respondent_form" not in targets:
        page = requests.get(f"{BASE}/s/{targets['links'][0]}/", headers=PROXY, timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if page.status_code != 200 or not token or "csrftoken" not in page.cookies:
            sys.exit(f"The respondent page did not answer with its form (HTTP {page.status_code})")
        targets["respondent_form"] = {"cookie": page.cookies["csrftoken"], "token": token.group(1)}
    return targets["respondent_form"]


def survey_submission(user, scenario: Scenario, targets: dict, headers: dict):
    """A stakeholder answering every statement with their link. A 302 to the thank-you page is a stored
    response; anything else is counted as lost."""
    form = respondent_form(targets)
    if not hasattr(user, "link"):
        user.link = targets["links"][next(_next_link) % len(targets["links"])]
        user.round = 0
    user.round += 1
    answers = ("agree", "strongly_agree", "neutral", "disagree")
    data = {"csrfmiddlewaretoken": form["token"], "comment-1": f"Round {user.round}"}
    data.update({f"s-{code}": answers[(user.round + k) % 4] for k, code in enumerate(targets["statements"])})
    path = scenario.path.format(**targets, link=user.link)
    with user.client.request(
        "POST",
        path,
        data=data,
        headers={
            **headers,
            "Cookie": f"csrftoken={form['cookie']}",
            "Referer": f"https://127.0.0.1:{PORT}{path}",
        },
        name=scenario.name,
        allow_redirects=False,
        catch_response=True,
    ) as answer:
        if answer.status_code != 302 or "/done/" not in (answer.headers.get("Location") or ""):
            answer.failure(f"HTTP {answer.status_code}")


def report_pdf(user, scenario: Scenario, targets: dict, headers: dict):
    """The CCG lead downloading the report as a PDF after changing the self-assessment, as they experience it:
    the item saved (through the API, not timed), then from the click on the download link until the PDF
    arrives: the page that says it is being prepared, asked again every quarter of a second while the worker
    lays it out, then the file. One request in the table is that whole wait."""
    if not hasattr(user, "item"):
        user.item = targets["items"][next(_next_item) % len(targets["items"])]
        user.version = targets["versions"][user.item]
        user.round = 0
    user.round += 1
    token = {"Authorization": f"Bearer {targets['tokens'][CCG_LEAD]}", **PROXY}
    body = {"rating": 2, "not_applicable": False, "reason": "", "narrative": "", "version": user.version}
    save = f"/api/v1/assessments/{targets['draft']}/items/{user.item}"
    for _ in range(2):  # a stale version (another scenario saved the item) is refreshed once
        body["narrative"] = f"Report {user.round} of person {id(user)}"
        answer = requests.put(f"{BASE}{save}", json=body, headers=token, timeout=30)
        if answer.status_code == 409:
            user.version = body["version"] = answer.json()["current"]["version"]
            continue
        user.version = answer.json().get("version", user.version)
        break
    path = scenario.path.format(**targets)
    started = time.perf_counter()
    failure = None
    deadline = started + 60
    while True:
        answer = requests.get(f"{BASE}{path}", headers=headers, allow_redirects=False, timeout=60)
        if answer.status_code == 200 and answer.headers.get("Content-Type") == "application/pdf":
            break
        if answer.status_code != 302 or time.perf_counter() > deadline:
            failure = Exception(f"HTTP {answer.status_code}")
            break
        gevent.sleep(0.25)
    user.environment.events.request.fire(
        request_type="GET",
        name=scenario.name,
        response_time=(time.perf_counter() - started) * 1000,
        response_length=len(answer.content),
        exception=failure,
        context={},
    )


BUILDERS = {
    "item_save_page": item_save_page,
    "item_save_api": item_save_api,
    "survey_submission": survey_submission,
    "report_pdf": report_pdf,
}


def simple_request(user, scenario: Scenario, targets: dict, headers: dict):
    path = scenario.path.format(**targets)
    with user.client.request(
        scenario.method, path, headers=headers, name=scenario.name, allow_redirects=False, catch_response=True
    ) as answer:
        if answer.status_code != 200:
            answer.failure(f"HTTP {answer.status_code}")


def measure(scenario: Scenario, concurrency: int, targets: dict, headers: dict) -> dict:
    send = BUILDERS[scenario.request] if scenario.request else simple_request

    class Person(FastHttpUser):
        host = BASE
        wait_time = constant(0)

        @task
        def go(self):
            send(self, scenario, targets, headers)

    env = Environment(user_classes=[Person])
    runner = env.create_local_runner()
    runner.start(concurrency, spawn_rate=concurrency * 10)
    gevent.sleep(min(2.0, SECONDS / 4))  # warm-up: connections, worker caches
    env.stats.reset_all()
    started = time.monotonic()
    gevent.sleep(SECONDS)
    total = env.stats.total
    elapsed = time.monotonic() - started
    result = {
        "name": scenario.name,
        "method": scenario.method,
        "path": scenario.path.format(**targets, item=targets["items"][0], link="<link>"),
        "concurrency": concurrency,
        "requests": total.num_requests,
        "errors": total.num_failures,
        "rps": round(total.num_requests / elapsed, 1),
        "p50_ms": total.get_response_time_percentile(0.5) or 0,
        "p95_ms": total.get_response_time_percentile(0.95) or 0,
        "p99_ms": total.get_response_time_percentile(0.99) or 0,
    }
    runner.quit()
    return result


def table(results: list[dict]) -> str:
    floors = {r["concurrency"]: r for r in results if r["name"] == FLOOR.name}
    by_name = {s.name: s for s in SCENARIOS}
    lines = [
        f"{'page':<20} {'c':>2} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'p50/floor':>9}  budget (c=8)",
    ]
    for r in results:
        floor = floors.get(r["concurrency"])
        ratio = f"{r['p50_ms'] / floor['p50_ms']:.1f}×" if floor and floor["p50_ms"] else "–"
        verdict = ""
        scenario = by_name[r["name"]]
        if r["concurrency"] == max(CONCURRENCY):
            checks = []
            if not r["requests"]:
                checks.append("NONE FINISHED")
            elif scenario.budget_p95_ms:
                ok = r["p95_ms"] < scenario.budget_p95_ms
                checks.append(f"p95 < {scenario.budget_p95_ms:.0f} ms: {'ok' if ok else 'OVER'}")
            if scenario.budget_rps:
                ok = r["rps"] >= scenario.budget_rps and not r["errors"]
                checks.append(f"≥ {scenario.budget_rps:.0f}/s, none lost: {'ok' if ok else 'UNDER'}")
            if r["errors"]:
                checks.append(f"{r['errors']} ERRORS")
            verdict = "; ".join(checks)
        lines.append(
            f"{r['name']:<20} {r['concurrency']:>2} {r['requests']:>8} {r['errors']:>6} {r['rps']:>7.1f} "
            f"{r['p50_ms']:>7.0f} {r['p95_ms']:>7.0f} {r['p99_ms']:>7.0f} {ratio:>9}  {verdict}"
        )
    pending = [s.name for s in SCENARIOS if s.path is None]
    if pending:
        lines.append(f"Not built yet: {', '.join(pending)}.")
    return "\n".join(lines)


def main() -> None:
    env = server_environment()
    database = env["DATABASE_URL"].split("@")[-1]
    print(
        f"Benchmark: {database}, gunicorn with {WORKERS} workers, {TASK_WORKERS} background workers, "
        f"{SECONDS:g} s per measurement.",
        flush=True,
    )
    targets = prepare(env)
    server = start_server(env)
    print(f"Serving on {BASE}.", flush=True)
    try:
        scenarios = [s for s in SCENARIOS if s.path and (not ONLY or s.name in ONLY or s is FLOOR)]
        headers = {}
        for email in {s.who for s in scenarios if s.who and not s.api}:
            headers[email] = sign_in(email)
        results = []
        for scenario in scenarios:
            if scenario.api:
                auth = {"Authorization": f"Bearer {targets['tokens'][scenario.who]}"} if scenario.who else {}
            else:
                auth = headers.get(scenario.who, {})
            for concurrency in CONCURRENCY:
                result = measure(scenario, concurrency, targets, {**PROXY, **auth})
                results.append(result)
                print(
                    f"  {scenario.name:<20} c={concurrency:<2} {result['rps']:>7.1f} req/s  "
                    f"p95 {result['p95_ms']:>5.0f} ms  errors {result['errors']}",
                    flush=True,
                )
    finally:
        for process in (*server.workers, server):
            process.terminate()
            process.wait(timeout=30)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    text = table(results)
    TABLE.write_text(text + "\n")
    print()
    print(text)
    print(f"\nWritten {RESULTS.relative_to(ROOT)} and {TABLE.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()
