"""Grids (网格) and their grid workers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from zhzx_desktop.domain.validation import normalize_name, normalize_phone
from zhzx_desktop.errors import UserError
from zhzx_desktop.services import fields
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.storage import rows


@dataclass
class GridInput:
    name: str
    code: str = ""  # usually 15 digits: the 12-digit village code + a 3-digit grid number
    notes: str = ""


@dataclass
class GridWorkerInput:
    grid_id: str
    name: str
    role: str  # grid_worker_role code table
    phone: str = ""
    resident_id: str | None = None
    since: str | date | None = None


@dataclass(frozen=True)
class GridSummary:
    id: str
    code: str
    name: str
    households: int
    residents: int
    workers: tuple[str, ...]


def _grid_values(ledger: Ledger, data: GridInput, grid_id: str | None) -> dict[str, str]:
    c = fields.Collector()
    name = c.check(lambda: fields.text(data.name, "grid_name", fields.SHORT_TEXT, required=True), "")
    code = (data.code or "").strip()
    if code and not re.fullmatch(r"[0-9]{1,20}", code):
        c.errors.append(UserError("grid_code", "grid_code_invalid", "网格编码只能由数字组成（通常15位）"))
    elif code and ledger.store.conn.execute("SELECT 1 FROM grids WHERE code = ? AND id IS NOT ?",
                                            (code, grid_id)).fetchone():
        c.errors.append(UserError("grid_code", "grid_code_taken", f"网格编码 {code} 已被其他网格使用"))
    notes = c.check(lambda: fields.text(data.notes, "notes", fields.LONG_TEXT), "")
    c.raise_if_any()
    return {"name": name, "code": code, "notes": notes}


def create(ledger: Ledger, data: GridInput) -> Changes:
    with ledger.store.write() as conn:
        grid_id = rows.new_id()
        rows.insert(conn, "grids", [{"id": grid_id, "created_at": rows.now_utc(), **_grid_values(ledger, data, None)}])
    return Changes(grids=True, row_id=grid_id)


def update(ledger: Ledger, grid_id: str, data: GridInput) -> Changes:
    with ledger.store.write() as conn:
        fields.reference(conn, "grids", grid_id, "grid_id", required=True)
        changed = rows.update_changed(conn, "grids", grid_id, _grid_values(ledger, data, grid_id))
    return Changes(grids=bool(changed), row_id=grid_id)


def add_worker(ledger: Ledger, data: GridWorkerInput) -> Changes:
    with ledger.store.write() as conn:
        c = fields.Collector()
        grid_id = c.check(lambda: fields.reference(conn, "grids", data.grid_id, "grid_id", required=True), None)
        name = c.check(lambda: normalize_name(data.name), "")
        role = c.check(lambda: fields.code("grid_worker_role", data.role, "grid_worker_role", required=True), None)
        phone = c.check(lambda: normalize_phone(data.phone), "")
        resident_id = c.check(lambda: fields.reference(conn, "residents", data.resident_id, "resident_id"), None)
        since = c.check(lambda: fields.optional_date(data.since, "since"), None)
        c.raise_if_any()
        worker_id = rows.new_id()
        rows.insert(conn, "grid_workers", [{"id": worker_id, "grid_id": grid_id, "name": name, "role": role,
                                            "phone": phone, "resident_id": resident_id, "since": since}])
    return Changes(grids=True, row_id=worker_id)


def summaries(ledger: Ledger) -> list[GridSummary]:
    conn = ledger.store.conn
    workers: dict[str, list[str]] = {}
    for grid_id, name in conn.execute("SELECT grid_id, name FROM grid_workers WHERE until IS NULL ORDER BY name"):
        workers.setdefault(grid_id, []).append(name)
    recs = conn.execute("""
        SELECT g.id, g.code, g.name,
               (SELECT count(*) FROM households h WHERE h.grid_id = g.id AND h.status = 'active'),
               (SELECT count(*) FROM residents r WHERE r.grid_id = g.id AND r.status = 'active')
        FROM grids g WHERE g.status = 'active' ORDER BY g.code, g.name""").fetchall()
    return [GridSummary(r[0], r[1], r[2], r[3], r[4], tuple(workers.get(r[0], ()))) for r in recs]
