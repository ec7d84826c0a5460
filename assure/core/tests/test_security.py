"""Production settings, the Content Security Policy, security headers and sessions that end when left idle."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "assure.config.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "assure.example.org",
    "DEBUG": "false",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh process, so settings are read from this environment alone."""
    # Only what a process needs to run: nothing of the test run's own settings (DJANGO_*, DATABASE_URL...).
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV"}
    environment = {k: v for k, v in os.environ.items() if k in keep}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_the_deployment_checks_with_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_debug():
    result = manage("check", **{**PRODUCTION_ENV, "DEBUG": "true"})

    assert result.returncode != 0
    assert "DEBUG must be false" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("RATELIMIT_LOGIN", "lots", "RATELIMIT_LOGIN must be a rate like 30/m"),
        ("CACHE_URL", "memcached://127.0.0.1", "CACHE_URL must be a locmem://, redis://"),
        ("SESSION_COOKIE_AGE", "10", "SESSION_COOKIE_AGE must be at least 60"),
        ("OIDC_ENABLED", "true", "Set the environment variable OIDC_RP_CLIENT_ID"),
    ],
)
def test_a_bad_security_setting_stops_start_up_with_a_message_naming_it(variable, value, message):
    result = manage("check", **{**PRODUCTION_ENV, variable: value})

    assert result.returncode != 0
    assert message in result.stderr


def test_a_redis_cache_url_selects_the_redis_cache():
    from assure.config.settings.env import env_cache

    os.environ["ASSURE_TEST_CACHE"] = "redis://127.0.0.1:6379/3"
    try:
        config = env_cache("ASSURE_TEST_CACHE", "ASSURE_TEST_UNSET", "locmem://x")
    finally:
        del os.environ["ASSURE_TEST_CACHE"]
    assert config == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/3",
    }


def test_pages_carry_a_content_security_policy_without_inline_script_or_style(client, db):
    response = client.get("/")

    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip()
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_base_page_loads_the_js_enabled_script_from_a_file(client, db):
    html = client.get("/").content.decode()

    assert re.search(r'<script src="/static/js-enabled\.js"></script>', html)
    script = (ROOT / "assure/core/static/js-enabled.js").read_text()
    assert "js-enabled" in script
    assert "nhsuk-frontend-supported" in script


COMMENT = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.S)
TEMPLATE_RULES = {
    "an inline <script> (use a static file)": re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>"
    ),
    "a <style> element (use the stylesheet)": re.compile(r"<style\b"),
    'a style="…" attribute (use a class)': re.compile(r"\sstyle\s*="),
    "an on…= event handler (use a static script)": re.compile(r"<[^>]*\son[a-z]+\s*=", re.S),
    "a javascript: URL": re.compile(r"javascript:", re.I),
}


def test_no_template_has_inline_script_style_or_event_handlers():
    """The policy would block them in the browser; this names the template before anyone gets that far."""
    found = []
    for template in sorted((ROOT / "assure").rglob("templates/**/*.html")):
        if "emails" in template.parts:
            continue  # an email's HTML is read by mail clients, which load no stylesheet; no policy applies there
        text = COMMENT.sub(lambda m: "\n" * m.group().count("\n"), template.read_text(encoding="utf-8"))
        for what, pattern in TEMPLATE_RULES.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{template.relative_to(ROOT)}:{line}: {what}")
    assert not found, "\n".join(found)


@pytest.fixture
def signed_in(client, demo):
    client.post("/accounts/login/", {"username": "ccg.lead@example.org", "password": "assure-demo"})
    assert client.get("/accounts/profile/").status_code == 200
    return client


def test_a_session_left_idle_for_longer_than_the_session_age_is_signed_out(signed_in, settings):
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)):
        response = signed_in.get("/accounts/profile/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_session_in_use_stays_signed_in_past_the_session_age(signed_in, settings):
    age = settings.SESSION_COOKIE_AGE
    start = timezone.now()
    # Each visit comes before the session would have expired; together they run well past its age.
    for visit in range(1, 4):
        with time_machine.travel(start + timedelta(seconds=visit * (age - 120))):
            assert signed_in.get("/accounts/profile/").status_code == 200
