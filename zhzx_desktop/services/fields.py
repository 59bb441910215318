"""Checks the services share: free-text limits, code-table codes, references to other rows."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.domain.validation import field_label, max_length, parse_date, shown, too_long
from zhzx_desktop.errors import InvalidInput as InvalidInput  # re-exported: the services raise it from here
from zhzx_desktop.errors import UserError

T = TypeVar("T")
_AMOUNT_RE = re.compile(r"(\d{1,15})(?:\.(\d{1,2}))?")

# Longest free text per kind of field (characters) for fields not in validation.MAX_LENGTHS — the declared table
# decides for the fields it names (a service's figure here can only lower it).
SHORT_TEXT = 60
LINE_TEXT = 200
LONG_TEXT = 20000


class Collector:
    """Run each field's check, keep every error, raise them together at the end."""

    def __init__(self) -> None:
        self.errors: list[UserError] = []

    def check(self, fn: Callable[[], T], default: T) -> T:
        try:
            return fn()
        except InvalidInput as exc:
            self.errors.extend(exc.errors)
            return default
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
    limit = max_length(field, max_len)
    if len(cleaned) > limit:
        raise too_long(field, limit, len(cleaned))
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


MAX_AMOUNT_FEN = 100_000_000_000_00  # 1,000 亿元: beyond any village dispute, well inside 大写 and SQLite integers


def amount_fen(value: str | int | None, field: str, *, required: bool = False) -> int | None:
    """An amount of money typed in 元 (``12000``, ``12,000.50``, ``￥1.2万`` is refused) → integer 分. An ``int`` is
    taken as 分 already (a stored value coming back through a form)."""
    if isinstance(value, int):
        cents = value
    else:
        text = unicodedata.normalize("NFKC", value or "").strip().replace(",", "").replace("¥", "").replace("元", "")
        text = text.replace(" ", "")
        if not text:
            if required:
                raise UserError(field, "required", f"请填写{field_label(field)}")
            return None
        match = _AMOUNT_RE.fullmatch(text)
        if match is None:
            raise UserError(field, "amount_invalid",
                            f"{field_label(field)}“{shown(value or '')}”不是有效的金额：请写阿拉伯数字，以元为单位，最多两位小数（例：12000.50）")
        cents = int(match[1]) * 100 + int((match[2] or "").ljust(2, "0"))
    if cents < 0:
        raise UserError(field, "amount_negative", f"{field_label(field)}不能为负数")
    if cents > MAX_AMOUNT_FEN:
        raise UserError(field, "amount_too_large", f"{field_label(field)}太大，请核对")
    return cents


def yuan(fen: int) -> str:
    """分 → ``12,000.50``."""
    return f"{fen // 100:,}.{fen % 100:02d}"


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
