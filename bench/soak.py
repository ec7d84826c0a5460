"""`make soak`: mixed traffic for SOAK_SECONDS (default 600) at concurrency SOAK_CONCURRENCY (default 16).

The same server as `make bench` (gunicorn, the production settings, the national dataset in `DATABASE_URL`,
default SQLite in `var/bench.sqlite3`), but instead of one page at a time every simulated person picks, for each
request, one of the scenarios of `bench/scenarios.py` at random (pages, item saves by page and API, survey
submissions, API reads), so the server sees everything at once. gunicorn's workers are not recycled during the
soak (no `max_requests`), so a leak would show.

Every few seconds the resident memory (RSS) of each gunicorn worker is sampled. At the end it writes
`bench/soak.json` (requests, errors by scenario, the samples) and `bench/soak.txt` (a table), and exits 1 if any
request failed or if the workers' mean total RSS in the last minute is more than SOAK_MAX_GROWTH_PERCENT (default
10) percent above that of the first minute (after a 30-second warm-up, which is not counted).
"""

# locust patches the standard library for gevent on import, so it comes first.
from locust import FastHttpUser, constant, task  # isort: skip
from locust.env import Environment  # isort: skip

import contextlib
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

import gevent
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_START_SECONDS", "300")


from bench import run  # noqa: E402
from bench.scenarios import SCENARIOS  # noqa: E402

SECONDS = float(os.environ.get("SOAK_SECONDS", "600"))
CONCURRENCY = int(os.environ.get("SOAK_CONCURRENCY", "16"))
MAX_GROWTH_PERCENT = float(os.environ.get("SOAK_MAX_GROWTH_PERCENT", "10"))
SAMPLE_EVERY = 5.0
WARM_UP = 30.0
WINDOW = min(60.0, SECONDS / 3)  # "the first minute" and "the last minute" (shorter for a short soak)
RESULTS = ROOT / "bench" / "soak.json"
TABLE = ROOT / "bench" / "soak.txt"


def workers_rss(server) -> dict[int, int]:
    """Resident memory of each gunicorn worker (the master's children), in bytes."""
    rss = {}
    for child in psutil.Process(server.pid).children():
        with contextlib.suppress(psutil.NoSuchProcess):
            rss[child.pid] = child.memory_info().rss
    return rss


def mean_total(samples: list[dict], start: float, end: float) -> float:
    totals = [s["total_rss"] for s in samples if start <= s["t"] < end]
    return statistics.fmean(totals) if totals else 0.0


def main() -> None:
    env = run.server_environment()
    database = env["DATABASE_URL"].split("@")[-1]
    print(
        f"Soak: {database}, gunicorn with {run.WORKERS} workers, {CONCURRENCY} people, {SECONDS:g} s of mixed "
        "traffic.",
        flush=True,
    )
    targets = run.prepare(env)
    server = run.start_server(env)
    scenarios = [s for s in SCENARIOS if s.path]
    try:
        headers = {email: run.sign_in(email) for email in {s.who for s in scenarios if s.who and not s.api}}

        def request_headers(scenario) -> dict:
            if scenario.api:
                auth = {"Authorization": f"Bearer {targets['tokens'][scenario.who]}"} if scenario.who else {}
            else:
                auth = headers.get(scenario.who, {})
            return {**run.PROXY, **auth}

        prepared = [(s, request_headers(s)) for s in scenarios]

        class Person(FastHttpUser):
            host = run.BASE
            wait_time = constant(0)

            @task
            def go(self):
                # Each person keeps their own state per scenario (the item they edit, their survey link).
                scenario, extra = random.choice(prepared)
                state = self.__dict__.setdefault("per_scenario", {}).setdefault(scenario.name, Person.State())
                state.client = self.client
                send = run.BUILDERS[scenario.request] if scenario.request else run.simple_request
                send(state, scenario, targets, extra)

            class State:
                client = None

        environment = Environment(user_classes=[Person])
        runner = environment.create_local_runner()
        samples: list[dict] = []
        started = time.monotonic()

        def sample() -> None:
            while True:
                rss = workers_rss(server)
                samples.append(
                    {
                        "t": round(time.monotonic() - started, 1),
                        "total_rss": sum(rss.values()),
                        "workers": rss,
                    }
                )
                gevent.sleep(SAMPLE_EVERY)

        sampler = gevent.spawn(sample)
        runner.start(CONCURRENCY, spawn_rate=CONCURRENCY)
        next_report = 60.0
        while (elapsed := time.monotonic() - started) < SECONDS:
            gevent.sleep(min(5.0, SECONDS - elapsed))
            if elapsed >= next_report:
                total = environment.stats.total
                print(
                    f"  {elapsed:5.0f} s  {total.num_requests:>7} requests  {total.num_failures} errors  "
                    f"workers' RSS {samples[-1]['total_rss'] / 2**20:.0f} MB",
                    flush=True,
                )
                next_report += 60.0
        runner.quit()
        sampler.kill()
        elapsed = time.monotonic() - started
    finally:
        for process in (*server.workers, server):
            process.terminate()
            process.wait(timeout=30)

    stats = environment.stats
    first = mean_total(samples, WARM_UP, WARM_UP + WINDOW)
    last = mean_total(samples, elapsed - WINDOW, elapsed + 1)
    growth = (last - first) / first * 100 if first else 0.0
    by_scenario = [
        {
            "name": entry.name,
            "requests": entry.num_requests,
            "errors": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.5) or 0,
            "p95_ms": entry.get_response_time_percentile(0.95) or 0,
        }
        for entry in sorted(stats.entries.values(), key=lambda e: e.name)
    ]
    errors = {f"{e.method} {e.name}: {e.error}": e.occurrences for e in stats.errors.values()}
    result = {
        "seconds": round(elapsed),
        "concurrency": CONCURRENCY,
        "gunicorn_workers": run.WORKERS,
        "database": database,
        "requests": stats.total.num_requests,
        "errors": stats.total.num_failures,
        "rps": round(stats.total.num_requests / elapsed, 1),
        "rss_first_minute_mb": round(first / 2**20, 1),
        "rss_last_minute_mb": round(last / 2**20, 1),
        "rss_growth_percent": round(growth, 1),
        "max_growth_percent": MAX_GROWTH_PERCENT,
        "scenarios": by_scenario,
        "error_messages": errors,
        "samples": samples,
    }
    ok = result["errors"] == 0 and growth <= MAX_GROWTH_PERCENT
    result["passed"] = ok
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    text = table(result)
    TABLE.write_text(text + "\n")
    print()
    print(text)
    print(f"\nWritten {RESULTS.relative_to(ROOT)} and {TABLE.relative_to(ROOT)}.")
    sys.exit(0 if ok else 1)


def table(result: dict) -> str:
    lines = [f"{'scenario':<20} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7}"]
    for s in result["scenarios"]:
        lines.append(
            f"{s['name']:<20} {s['requests']:>8} {s['errors']:>6} {s['p50_ms']:>7.0f} {s['p95_ms']:>7.0f}"
        )
    lines.append(
        f"{'all':<20} {result['requests']:>8} {result['errors']:>6}   ({result['rps']} req/s over "
        f"{result['seconds']} s, {result['concurrency']} people, {result['gunicorn_workers']} gunicorn workers)"
    )
    lines.append(
        f"gunicorn workers' RSS: first minute {result['rss_first_minute_mb']} MB, last minute "
        f"{result['rss_last_minute_mb']} MB ({result['rss_growth_percent']:+.1f}%, limit "
        f"+{result['max_growth_percent']:g}%)"
    )
    for message, count in result["error_messages"].items():
        lines.append(f"  error ×{count}: {message}")
    lines.append("PASSED" if result["passed"] else "FAILED")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
