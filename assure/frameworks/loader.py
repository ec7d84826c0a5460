"""Read and validate a framework file. No Django here: the importer in services.py writes what this returns."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from .schema import Framework, check_references, parse_path

MAX_FILE_BYTES = 2 * 1024 * 1024
# libyaml's parser when PyYAML was built with it (about twenty times faster); the same results either way.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    place: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}, " if self.line else ""
        return f"{where}{self.place or 'top level'}: {self.message}"


class FrameworkFileError(Exception):
    """A framework file was rejected. Carries every problem found, each with its place in the file."""

    def __init__(self, filename: str, problems: list[Problem]):
        self.filename = filename
        self.problems = problems
        listing = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{filename} was not imported: {len(problems)} problem(s)\n{listing}")


def load_file(path: Path | str) -> Framework:
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FrameworkFileError(str(path), [Problem("", f"cannot be read ({exc.strerror})")]) from None
    if size > MAX_FILE_BYTES:
        raise FrameworkFileError(str(path), [Problem("", f"is larger than {MAX_FILE_BYTES // 1024} KB")])
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise FrameworkFileError(str(path), [Problem("", "is not UTF-8 text")]) from None
    return load_text(text, filename=str(path))


def load_text(text: str, *, filename: str = "<framework>") -> Framework:
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except RecursionError:
        raise FrameworkFileError(filename, [Problem("", "is nested too deeply to be a framework")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise FrameworkFileError(filename, [Problem("", f"is not valid YAML ({reason})", line)]) from None
    finally:
        loader.dispose()
    if data is None:
        raise FrameworkFileError(
            filename, [Problem("", "is empty: expected a mapping of keys such as slug, title, domains")]
        )
    if not isinstance(data, dict):
        raise FrameworkFileError(
            filename, [Problem("", "must be a mapping of keys such as slug, title, domains")]
        )
    lines = _line_index(node)
    try:
        nulls = [
            Problem(_format_loc(loc), NULL_CHARACTER, _line_for(loc, lines)) for loc in _null_characters(data)
        ]
    except RecursionError:
        raise FrameworkFileError(filename, [Problem("", "is nested too deeply to be a framework")]) from None
    if nulls:
        raise FrameworkFileError(filename, nulls)
    try:
        framework = Framework.model_validate(data)
    except RecursionError:
        raise FrameworkFileError(
            filename, [Problem("", "is nested too deeply, or refers to itself, to be a framework")]
        ) from None
    except ValidationError as exc:
        raise FrameworkFileError(filename, [_problem(error, lines) for error in exc.errors()]) from None
    problems = [
        Problem(place, message, _line_for(parse_path(place), lines))
        for place, message in check_references(framework)
    ]
    if problems:
        raise FrameworkFileError(filename, problems)
    return framework


NULL_CHARACTER = "contains a null character (\\0), which cannot be stored: remove it"


def _null_characters(data: object, loc: tuple = (), seen: set[int] | None = None):
    """The places of every key or text holding a null character (YAML writes one as "\\0" in double quotes;
    PostgreSQL cannot store it). Each list or mapping is visited once, so a file that refers to itself ends."""
    seen = set() if seen is None else seen
    if isinstance(data, str):
        if "\x00" in data:
            yield loc
        return
    if not isinstance(data, dict | list) or id(data) in seen:
        return
    seen.add(id(data))
    pairs = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in pairs:
        if isinstance(key, str) and "\x00" in key:
            yield (*loc, key)
            continue
        yield from _null_characters(value, (*loc, key), seen)


def content_hash(framework: Framework) -> str:
    canonical = json.dumps(framework.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _problem(error: dict, lines: dict[tuple, int]) -> Problem:
    loc = tuple(error["loc"])
    return Problem(_format_loc(loc), _message(error), _line_for(loc, lines))


# Pydantic's messages name regular expressions and Python classes; say what a person editing the file must do.
PATTERN_WORDS = {
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$": "must be lower-case letters, digits and single hyphens, like ccg-authorisation-2012",
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$": "must start with a letter or digit and use only letters, digits, dots, hyphens "
    "and underscores, like 1.1",
}


def _message(error: dict) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    found = error.get("input")
    if kind == "missing":
        return "this field is required"
    if kind == "extra_forbidden":
        return f"unknown key {error['loc'][-1]!r}"
    if kind in {"model_type", "dict_type"}:
        return f"must be a mapping of keys and values, not {_kind_of(found)}"
    if kind == "list_type":
        return f"must be a list (each entry starting with '- '), not {_kind_of(found)}"
    if kind == "string_type":
        if isinstance(found, bool | int | float):
            return f'must be text; put it in quotes, like "{found}"'
        return f"must be text, not {_kind_of(found)}"
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters (it has {len(str(found))})"
    if kind == "string_pattern_mismatch":
        words = PATTERN_WORDS.get(ctx.get("pattern"), "is not in the expected form")
        return f"{words} (found {_show(found)})"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"must be a whole number (found {_show(found)})"
    if kind in {"float_type", "float_parsing"}:
        return f"must be a number (found {_show(found)})"
    if kind in {"bool_type", "bool_parsing"}:
        return f"must be true or false (found {_show(found)})"
    if kind == "too_short":
        n = ctx.get("min_length")
        return (
            f"must have at least {n} {'entry' if n == 1 else 'entries'} (it has {ctx.get('actual_length')})"
        )
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    message = str(error["msg"]).replace("Input should be", "should be")
    if "input" in error and not isinstance(found, dict | list):
        message += f" (found {_show(found)})"
    return message


def _kind_of(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"true/false ({value!r})"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return f"text ({_show(value)})"
    return _show(value)


def _show(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _format_loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_for(loc: tuple, lines: dict[tuple, int]) -> int | None:
    loc = tuple(loc)
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get(())


def _line_index(node: yaml.Node | None) -> dict[tuple, int]:
    """The line of every place in the document. Iterative, and each node is visited once: an alias that refers to
    itself (`a: &a [*a]`) or very deep nesting cannot exhaust the stack."""
    index: dict[tuple, int] = {}
    if node is None:
        return index
    visited: set[int] = set()
    stack: list[tuple[yaml.Node, tuple]] = [(node, ())]
    while stack:
        current, path = stack.pop()
        index.setdefault(path, current.start_mark.line + 1)
        if id(current) in visited:
            continue
        visited.add(id(current))
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                child = (*path, key.value)
                index[child] = key.start_mark.line + 1
                stack.append((value, child))
        elif isinstance(current, yaml.SequenceNode):
            for i, value in enumerate(current.value):
                stack.append((value, (*path, i)))
    return index
