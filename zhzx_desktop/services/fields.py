"""Checks the services share: free-text limits, code-table codes, references to other rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.domain.validation import field_label, parse_date
from zhzx_desktop.errors import UserError

T = TypeVar("T")

# Longest free text accepted per kind of field (characters).
SHORT_TEXT = 60
LINE_TEXT = 200
LONG_TEXT = 4000


class InvalidInput(UserError):
    """Several fields are wrong at once; ``errors`` holds one ``UserError`` per field, in form order."""

    def __init__(self, errors: list[UserError]) -> None:
        super().__init__(errors[0].field, errors[0].code, "；".join(e.message for e in errors))
        self.errors = tuple(errors)


class Collector:
    """Run each field's check, keep every error, raise them together at the end."""

    def __init__(self) -> None:
        self.errors: list[UserError] = []

    def check(self, fn: Callable[[], T], default: T) -> T:
        try:
            return fn()
        except UserError as exc:
            self.errors.append(exc)
            return default

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors)


def text(value: str | None, field: str, max_len: int, *, required: bool = False) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise UserError(field, "required", f"请填写{field_label(field)}")
    if len(cleaned) > max_len:
        raise UserError(field, "text_too_long",
                        f"{field_label(field)}太长：最多{max_len}个字，现有{len(cleaned)}个字")
    return cleaned


def code(table: str, value: str | None, field: str, *, required: bool = False) -> str | None:
    cleaned = (value or "").strip()
    if not cleaned:
        if required:
            raise UserError(field, "required", f"请选择{field_label(field)}")
        return None
    return code_table(table).validate(cleaned, field=field)


def optional_date(value: str | date | None, field: str, *, required: bool = False) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise UserError(field, "required", f"请填写{field_label(field)}")
        return None
    return parse_date(value, field=field).isoformat()


def like_escape(text: str) -> str:
    """``text`` for a ``LIKE … ESCAPE '\\'`` pattern: what the clerk typed matches literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def reference(conn: sqlite3.Connection, table: str, row_id: str | None, field: str, *,
              required: bool = False) -> str | None:
    """``row_id`` must name an existing row of ``table`` (or be empty when not required)."""
    if not row_id:
        if required:
            raise UserError(field, "required", f"请选择{field_label(field)}")
        return None
    if conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)).fetchone() is None:
        raise UserError(field, "not_found", f"所选的{field_label(field)}不存在，可能已被删除")
    return row_id
