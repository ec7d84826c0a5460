"""Rates such as `30/m`, as used by the rate limits (`assure.core.ratelimit`). No Django imports: settings use it."""

from __future__ import annotations

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """`"30/m"` -> (30, 60): at most 30 requests in each 60-second window. `"100/5m"` is 100 per 5 minutes."""
    try:
        count_text, period_text = rate.strip().split("/")
        count = int(count_text)
        period_text = period_text.strip().lower()
        multiple = int(period_text[:-1]) if len(period_text) > 1 else 1
        seconds = UNITS[period_text[-1]] * multiple
    except (ValueError, KeyError, IndexError):
        raise ValueError("must be a rate like 30/m (a number, then per s, m, h or d)") from None
    if count < 1 or seconds < 1:
        raise ValueError("must allow at least one request in a period of at least one second")
    return count, seconds
