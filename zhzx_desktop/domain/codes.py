"""Versioned code tables (GB/T 2261.1 性别, GB/T 3304 民族, GB/T 4761 家庭关系, GA/T 517 证件, local tables…).

Each table is a data file ``resources/codes/<name>.json``::

    {"table": "sex", "title": "人的性别代码", "standard": "GB/T 2261.1-2003", "version": "2003", "note": "…",
     "entries": [{"code": "1", "label": "男性", "short": "男"}, …]}

Entries may carry ``short``, ``group``, ``sensitive`` (bool), ``parent`` (the code of a broader entry) and ``note``;
other keys (e.g. ``since``/``until`` in the county list) are kept in the file for people and ignored here.
Tables are read once per process (``functools.cache``) and are immutable. A missing or damaged file is a
``KnownError`` (the installation is broken); a code that is not in a table is a ``UserError`` naming the field.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from zhzx_desktop import paths
from zhzx_desktop.domain.validation import field_label, shown
from zhzx_desktop.errors import KnownError, UserError

__all__ = [
    "TABLE_NAMES",
    "CodeEntry",
    "CodeTable",
    "all_tables",
    "code_table",
    "has_table",
]

#: The code tables the app ships (file stems under resources/codes/). ``gbt2260_counties`` and
#: ``gbt2260_provinces`` are loaded on demand by the ID-number check and are listed too.
TABLE_NAMES: Final[tuple[str, ...]] = (
    "sex",
    "ethnicity",
    "relation",
    "resident_category",
    "attention_level",
    "team_type",
    "activity_kind",
    "dispute_type",
    "case_source",
    "event_scale",
    "id_type",
    "residence_type",
    "agreement_form",
    "case_status",
    "resident_status",
    "case_file_item",
    "follow_up_form",
    "performance_state",
    "satisfaction",
    "jc_result",
    "grid_worker_role",
    "prevention_kind",
    "gbt2260_provinces",
    "gbt2260_counties",
)

_NAME_RE: Final = re.compile(r"[a-z][a-z0-9_]*")
_CODE_RE: Final = re.compile(r"[0-9A-Za-z_]{1,12}")


@dataclass(frozen=True, slots=True)
class CodeEntry:
    """One row of a code table."""

    code: str
    label: str
    short: str | None = None
    group: str | None = None
    sensitive: bool = False
    parent: str | None = None
    note: str | None = None

    @property
    def display(self) -> str:
        """The short name where there is one (for narrow columns), else the label."""
        return self.short if self.short is not None else self.label


class CodeTable:
    """An immutable code table: ordered entries, lookup by code and by label."""

    __slots__ = ("_by_code", "_by_label", "entries", "name", "note", "standard", "title", "version")

    def __init__(
        self,
        name: str,
        title: str,
        standard: str,
        version: str,
        entries: tuple[CodeEntry, ...],
        note: str | None = None,
    ) -> None:
        self.name = name
        self.title = title
        self.standard = standard
        self.version = version
        self.note = note
        self.entries = entries
        self._by_code: dict[str, CodeEntry] = {}
        self._by_label: dict[str, CodeEntry] = {}
        for entry in entries:
            if entry.code in self._by_code:
                raise ValueError(f"duplicate code {entry.code!r} in table {name!r}")
            self._by_code[entry.code] = entry
        # Labels win over shorts; the first entry wins among equals (so "其他亲属" finds the broad class).
        for entry in entries:
            self._by_label.setdefault(_label_key(entry.label), entry)
        for entry in entries:
            if entry.short is not None:
                self._by_label.setdefault(_label_key(entry.short), entry)

    def __repr__(self) -> str:
        return f"CodeTable({self.name!r}, {len(self.entries)} entries)"

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._by_code

    def codes(self) -> tuple[str, ...]:
        return tuple(entry.code for entry in self.entries)

    def get(self, code: str) -> CodeEntry | None:
        return self._by_code.get(code)

    def label(self, code: str) -> str:
        """The label of ``code``; ``KeyError`` if the code is not in the table."""
        return self._by_code[code].label

    def label_or(self, code: str | None, default: str = "") -> str:
        """The label of ``code``, or ``default`` when it is empty or unknown (for display of stored data)."""
        entry = self._by_code.get(code) if code is not None else None
        return entry.label if entry is not None else default

    def find(self, label: str) -> CodeEntry | None:
        """The entry whose label or short name is ``label`` (spaces and full-width forms ignored)."""
        return self._by_label.get(_label_key(label))

    def children(self, code: str) -> tuple[CodeEntry, ...]:
        """Entries whose ``parent`` is ``code`` (e.g. 21 独生子 … under 20 子)."""
        return tuple(entry for entry in self.entries if entry.parent == code)

    def in_group(self, group: str) -> tuple[CodeEntry, ...]:
        return tuple(entry for entry in self.entries if entry.group == group)

    def validate(self, code: str, *, field: str) -> str:
        """``code`` (trimmed) if it is in the table, else ``UserError(field, "code_unknown" | "code_empty", …)``."""
        value = code.strip()
        label = field_label(field)
        if not value:
            raise UserError(field, "code_empty", f"请填写{label}")
        if value not in self._by_code:
            raise UserError(field, "code_unknown", f"{label}的代码 {shown(value)} 不在《{self.title}》中")
        return value

    def resolve(self, value: str, *, field: str) -> str:
        """A code from either a code or a label/short name, as found in imported rosters ("男", "汉族", "1", "01").

        A one-digit number is also tried zero-padded when the table's codes are two digits ("1" → "01").
        Raises ``UserError(field, "code_unknown" | "code_empty", …)``.
        """
        text = unicodedata.normalize("NFKC", value).strip()
        label = field_label(field)
        if not text:
            raise UserError(field, "code_empty", f"请填写{label}")
        if text in self._by_code:
            return text
        if text.isdigit() and len(text) == 1 and ("0" + text) in self._by_code:
            return "0" + text
        entry = self.find(text)
        if entry is not None:
            return entry.code
        raise UserError(field, "code_unknown", f"{label}“{shown(text)}”不在《{self.title}》中")


def _label_key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _broken(name: str, path: Path, why: str) -> KnownError:
    return KnownError(f"代码表文件 {path.name} 已损坏（{why}），请重新安装本程序。")


def _load(name: str) -> CodeTable:
    if not _NAME_RE.fullmatch(name):
        raise KnownError(f"代码表名称“{name}”不正确。")
    path = paths.resource_dir() / "codes" / f"{name}.json"
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KnownError(f"缺少代码表文件 {path.name}（{path.parent}），请重新安装本程序。") from None
    except OSError as exc:
        raise KnownError(f"无法读取代码表文件 {path.name}：{exc.strerror or exc}") from None
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise _broken(name, path, f"不是有效的 JSON：第{getattr(exc, 'lineno', '?')}行") from None
    if not isinstance(data, dict):
        raise _broken(name, path, "顶层应为对象")
    if data.get("table") != name:
        raise _broken(name, path, f"table 字段应为 {name}")
    header: dict[str, str] = {}
    for key in ("title", "standard", "version"):
        value = data.get(key)
        if not isinstance(value, str) or not value:
            raise _broken(name, path, f"缺少 {key}")
        header[key] = value
    note = data.get("note")
    if note is not None and not isinstance(note, str):
        raise _broken(name, path, "note 应为文字")
    rows = data.get("entries")
    if not isinstance(rows, list) or not rows:
        raise _broken(name, path, "没有 entries")
    entries: list[CodeEntry] = []
    for index, row in enumerate(rows, start=1):
        entries.append(_entry(row, index, name, path))
    try:
        return CodeTable(name, header["title"], header["standard"], header["version"], tuple(entries), note)
    except ValueError:
        raise _broken(name, path, "代码重复") from None


def _entry(row: object, index: int, name: str, path: Path) -> CodeEntry:
    if not isinstance(row, dict):
        raise _broken(name, path, f"第{index}条不是对象")
    code, label = row.get("code"), row.get("label")
    if not isinstance(code, str) or not _CODE_RE.fullmatch(code):
        raise _broken(name, path, f"第{index}条的 code 不正确")
    if not isinstance(label, str) or not label:
        raise _broken(name, path, f"第{index}条缺少 label")
    optional: dict[str, str | None] = {}
    for key in ("short", "group", "parent", "note"):
        value = row.get(key)
        if value is not None and (not isinstance(value, str) or not value):
            raise _broken(name, path, f"第{index}条的 {key} 应为文字")
        optional[key] = value
    sensitive = row.get("sensitive", False)
    if not isinstance(sensitive, bool):
        raise _broken(name, path, f"第{index}条的 sensitive 应为 true/false")
    return CodeEntry(
        code=code,
        label=label,
        short=optional["short"],
        group=optional["group"],
        sensitive=sensitive,
        parent=optional["parent"],
        note=optional["note"],
    )


@functools.cache
def code_table(name: str) -> CodeTable:
    """The code table ``resources/codes/<name>.json``, read once per process."""
    return _load(name)


def has_table(name: str) -> bool:
    """Whether ``resources/codes/<name>.json`` is installed (for optional tables such as the county list)."""
    return bool(_NAME_RE.fullmatch(name)) and (paths.resource_dir() / "codes" / f"{name}.json").is_file()


def all_tables() -> dict[str, CodeTable]:
    """Every shipped table by name (the optional county list only when installed)."""
    return {name: code_table(name) for name in TABLE_NAMES if name != "gbt2260_counties" or has_table(name)}
