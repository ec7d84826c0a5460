"""gunicorn settings for Assure: `gunicorn -c deploy/gunicorn.conf.py`. Each value can be set from the environment."""

import multiprocessing
import os

wsgi_app = "assure.config.wsgi:application"
bind = os.environ.get(
    "GUNICORN_BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
# Synchronous workers, each with a few threads: pages are short database-bound requests.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
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
