"""gunicorn settings for Assure: `gunicorn -c deploy/gunicorn.conf.py`. Each value can be set from the environment."""

import multiprocessing
import os

wsgi_app = "assure.config.wsgi:application"
bind = os.environ.get(
    "GUNICORN_BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
# Synchronous worker processes, one request at a time each: Assure's requests are short and spend their time in
# Python, where threads of one process take turns (the GIL). Measured with `make bench` on two cores, four threads
# a process gave survey submissions 120-170 a second at p95 130-150 ms; one thread, 165-185 a second at p95 70 ms
# (a thread holding SQLite's write lock was kept waiting for its turn while the others waited for the lock). A
# reverse proxy in front buffers slow clients, so they do not hold a process. GUNICORN_THREADS > 1 gives threads.
# One process per core and one more, for the moments a process waits on the database: more only take turns on the
# cores. On two cores with PostgreSQL beside it, 3 processes answered every page measured faster than 5 (README,
# "Benchmarks": the table of what the work on national scale changed); on SQLite the two were even.
# WEB_CONCURRENCY sets the number.
workers = int(os.environ.get("WEB_CONCURRENCY", min(multiprocessing.cpu_count() + 1, 8)))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Restart each worker now and then, so a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = 200
# Only the proxy in front may say a request came over HTTPS (X-Forwarded-Proto); a comma-separated list.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Uploads (evidence, workbooks) are held in temporary files rather than memory.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or None


def post_worker_init(worker):
    """Once the worker has loaded Assure: import every view (Django does so at the first request otherwise), then
    set everything loaded so far aside from the garbage collector (`gc.freeze`). A full collection otherwise walks
    those few hundred thousand long-lived objects each time, for 100–150 ms in the middle of some request.
    GUNICORN_GC_FREEZE=0 leaves the collector as Python sets it."""
    if os.environ.get("GUNICORN_GC_FREEZE", "1") == "0":
        return
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and with it every view
    gc.collect()
    gc.freeze()
