"""Locate and load the published JSON Schemas, with `format` really checked."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker, validators

from provenance.jsontext import LongInteger

_REPO_SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def schema_path(name: str) -> Path:
    """Path of `schemas/<name>`: the copy shipped in the wheel, else the repository's."""
    shipped = resources.files("provenance").joinpath("schemas", name)
    if shipped.is_file():
        return Path(str(shipped))
    return _REPO_SCHEMAS / name


@cache
def load_schema(name: str) -> dict[str, Any]:
    with schema_path(name).open(encoding="utf-8") as fh:
        return json.load(fh)


def _format_checker() -> FormatChecker:
    checker = FormatChecker()
    # Without rfc3339-validator jsonschema silently accepts any string as a date-time.
    if "date-time" not in checker.checkers:
        raise RuntimeError("jsonschema cannot check date-time: install rfc3339-validator")
    return checker


def _is_string(checker: Any, instance: Any) -> bool:
    # A number too long for Python is kept as its digits: still a number, never a string.
    return isinstance(instance, str) and not isinstance(instance, LongInteger)


_Validator = validators.extend(
    Draft202012Validator, type_checker=Draft202012Validator.TYPE_CHECKER.redefine("string", _is_string)
)


@cache
def _part(name: str, definition: str | None) -> dict[str, Any]:
    """The named schema, or the part of it one of its `$defs` describes (references still resolve)."""
    schema = load_schema(name)
    if definition is None:
        return schema
    return {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": f"#/$defs/{definition}"}


@cache
def validator(name: str, definition: str | None = None) -> Draft202012Validator:
    """A draft 2020-12 validator for the named schema (or its `definition`) that checks
    `format` keywords."""
    schema = _part(name, definition)
    Draft202012Validator.check_schema(schema)
    return _Validator(schema, format_checker=_format_checker())


_SHOWN = 80  # characters of a value a message quotes; a whole article would be no message


def _message(error: Any) -> str:
    """The error's message, a long value it quotes cut short in the middle."""
    quoted = repr(error.instance)
    if len(quoted) <= _SHOWN or quoted not in error.message:
        return str(error.message)
    cut = f"{quoted[: _SHOWN - 20]}…{quoted[-10:]}"
    return str(error.message).replace(quoted, cut)


def errors(
    name: str, instance: Any, definition: str | None = None, at: tuple[str | int, ...] = ()
) -> list[str]:
    """Every validation error as `path: message`, in a stable order; empty when valid.

    With `definition`, `instance` is checked against that part of the schema, and `at` is where
    it stands in the whole, for the paths of the messages.
    """
    found = sorted(
        validator(name, definition).iter_errors(instance), key=lambda e: (list(map(str, e.path)), e.message)
    )
    return [f"{'/'.join(map(str, (*at, *e.path))) or '(root)'}: {_message(e)}" for e in found]


@cache
def _screen(name: str, definition: str | None) -> jsonschema_rs.Draft202012Validator:
    return jsonschema_rs.Draft202012Validator(_part(name, definition), validate_formats=True)


def screened_errors(
    name: str, instance: Any, definition: str | None = None, at: tuple[str | int, ...] = ()
) -> list[str]:
    """`errors(name, instance, definition, at)`, for large instances such as a whole report.

    A compiled validator (jsonschema-rs) checks the instance first, in milliseconds where
    jsonschema takes seconds; only when it finds a problem does jsonschema run, so the
    messages are always jsonschema's.
    """
    if _screen(name, definition).is_valid(instance):
        return []
    return errors(name, instance, definition, at)
