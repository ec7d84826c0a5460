"""Strict reading of settings from the environment.

Every value is checked at start-up; a bad one stops the process with a message naming the variable.
"""

from __future__ import annotations

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def read_dotenv(path: Path) -> None:
    if path.is_file():
        environ.Env.read_env(str(path))


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"Set the environment variable {name}.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (got {value!r}).")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number (got {value!r}).") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum} (got {number}).")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum} (got {number}).")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


def env_database(name: str, default: str) -> dict:
    value = os.environ.get(name) or default
    try:
        config = environ.Env.db_url_config(value)
    except Exception as exc:  # django-environ raises several types for malformed URLs
        raise ImproperlyConfigured(f"{name} is not a database URL this platform understands: {exc}") from None
    engine = config.get("ENGINE", "")
    if engine not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
        raise ImproperlyConfigured(
            f"{name} must be a sqlite:/// or postgres:// URL (got scheme for {engine!r})."
        )
    return config


def env_cache(name: str, fallback_name: str, default: str) -> dict:
    """A cache from `CACHE_URL` (or `REDIS_URL`): `locmem://`, `redis://host:6379/0`, `rediss://…`, `dummy://`."""
    value = os.environ.get(name) or os.environ.get(fallback_name) or default
    scheme = value.split("://", 1)[0].lower() if "://" in value else ""
    if scheme in {"redis", "rediss", "unix"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": value}
    if scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": value.split("://", 1)[1] or "assure",
        }
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"{name} must be a locmem://, redis://, rediss:// or dummy:// URL (got {value!r})."
    )


def env_rate(name: str, default: str) -> str:
    """A rate such as `30/m` (per second s, minute m, hour h or day d)."""
    from assure.core.rates import parse_rate

    value = os.environ.get(name) or default
    try:
        parse_rate(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} {exc} (got {value!r}).") from None
    return value


def env_reminder_days(name: str, default: str) -> tuple[int, ...]:
    """Days before a deadline on which reminders go out, like "14,7,1" (empty: none)."""
    from assure.cycles.deadlines import parse_reminder_days

    value = os.environ.get(name)
    try:
        return parse_reminder_days(default if value is None else value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}.") from None
