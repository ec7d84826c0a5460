"""REMINDER_DAYS is read strictly at start-up: a bad value stops the service with a message naming it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from assure.config.settings.env import env_reminder_days


def test_the_default_and_a_valid_value(monkeypatch):
    monkeypatch.delenv("REMINDER_DAYS", raising=False)
    assert env_reminder_days("REMINDER_DAYS", "14,7,1") == (14, 7, 1)
    monkeypatch.setenv("REMINDER_DAYS", "3, 10")
    assert env_reminder_days("REMINDER_DAYS", "14,7,1") == (10, 3)
    monkeypatch.setenv("REMINDER_DAYS", "")
    assert env_reminder_days("REMINDER_DAYS", "14,7,1") == ()


@pytest.mark.parametrize("value", ["14;7", "a week", "7,7", "1000"])
def test_a_bad_value_names_the_variable(monkeypatch, value):
    monkeypatch.setenv("REMINDER_DAYS", value)

    with pytest.raises(ImproperlyConfigured, match=r"^REMINDER_DAYS: Reminder days"):
        env_reminder_days("REMINDER_DAYS", "14,7,1")
