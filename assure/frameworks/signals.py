"""Load the built-in frameworks after every `migrate`, so a fresh install needs no extra step."""

from __future__ import annotations

import sys

from .loader import FrameworkFileError


def load_builtin_frameworks(sender, *, verbosity: int = 1, using: str = "default", **kwargs) -> None:
    from .services import builtin_framework_files, framework_import

    for path in builtin_framework_files():
        try:
            result = framework_import(path=path)
        except FrameworkFileError as exc:
            # A built-in file that a cycle already uses was edited in place: say so, and keep the stored one.
            print(f"Warning: {exc}", file=sys.stderr)
            continue
        if verbosity >= 1 and result.outcome.value != "unchanged":
            print(f"  Framework {result}")
