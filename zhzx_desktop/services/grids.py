"""Grids (网格) and their grid workers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.domain.masking import mask_phone
from zhzx_desktop.domain.validation import normalize_name, normalize_phone, parse_date, too_long
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
class WorkerRow:
    """One grid worker as lists show it: the role's label, the phone masked."""

    id: str
    grid_id: str
    name: str
    role: str
    role_label: str
    phone_masked: str
    resident_id: str | None
    since: str
    until: str

    @property
    def active(self) -> bool:
        return not self.until


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
    if len(code) > 20:
        c.errors.append(too_long("grid_code", 20, len(code)))
    elif code and not re.fullmatch(r"[0-9]{1,20}", code):
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


def _worker_values(ledger: Ledger, data: GridWorkerInput, *, keep_phone: bool = False) -> dict[str, str | None]:
    conn = ledger.store.conn
    c = fields.Collector()
    grid_id = c.check(lambda: fields.reference(conn, "grids", data.grid_id, "grid_id", required=True), None)
    name = c.check(lambda: normalize_name(data.name), "")
    role = c.check(lambda: fields.code("grid_worker_role", data.role, "grid_worker_role", required=True), None)
    phone = "" if keep_phone else c.check(lambda: normalize_phone(data.phone), "")
    resident_id = c.check(lambda: fields.reference(conn, "residents", data.resident_id, "resident_id"), None)
    since = c.check(lambda: fields.optional_date(data.since, "since"), None)
    if since is not None and since > ledger.today().isoformat():
        c.errors.append(UserError("since", "date_future", "任职日期不能晚于今天"))
    c.raise_if_any()
    if not phone and resident_id is not None and not keep_phone:  # a linked resident's phone by default
        phone = conn.execute("SELECT phone FROM residents WHERE id = ?", (resident_id,)).fetchone()[0] or ""
    values: dict[str, str | None] = {"grid_id": grid_id, "name": name, "role": role, "resident_id": resident_id,
                                     "since": since}
    if not keep_phone:
        values["phone"] = phone
    return values


def add_worker(ledger: Ledger, data: GridWorkerInput) -> Changes:
    """Add a grid worker; without a phone, a linked resident's phone is taken."""
    with ledger.store.write() as conn:
        values = _worker_values(ledger, data)
        worker_id = rows.new_id()
        rows.insert(conn, "grid_workers", [{"id": worker_id, **values}])
    return Changes(grids=True, row_id=worker_id)


def update_worker(ledger: Ledger, worker_id: str, data: GridWorkerInput, *, keep_phone: bool = False) -> Changes:
    """Edit a grid worker (``keep_phone``: leave the stored phone as it is — forms never show it in clear)."""
    with ledger.store.write() as conn:
        current = rows.get(conn, "grid_workers", worker_id)
        if current is None:
            raise UserError("worker_id", "not_found", "该网格员记录不存在，可能已被删除")
        values = _worker_values(ledger, data, keep_phone=keep_phone)
        if current["until"] is not None and values["since"] is not None and values["since"] > current["until"]:
            raise UserError("since", "since_after_until", f"任职日期不能晚于离任日期（{current['until']}）")
        changed = rows.update_changed(conn, "grid_workers", worker_id, values)
    return Changes(grids=bool(changed), row_id=worker_id)


def end_worker(ledger: Ledger, worker_id: str, until: str | date | None = None) -> Changes:
    """A grid worker leaves the post (离任) on ``until`` (default today): kept in the history, gone from the lists."""
    with ledger.store.write() as conn:
        worker = rows.get(conn, "grid_workers", worker_id)
        if worker is None:
            raise UserError("worker_id", "not_found", "该网格员记录不存在，可能已被删除")
        if worker["until"] is not None:
            raise UserError("until", "already_ended", f"该网格员已于{worker['until']}离任")
        raw = until if until is not None and until != "" else ledger.today()
        try:
            day = parse_date(raw, field="until").isoformat()
        except UserError:
            raise UserError("until", "date_invalid", "离任日期格式不正确（例：2024-03-05）") from None
        if day > ledger.today().isoformat():
            raise UserError("until", "date_future", "离任日期不能晚于今天")
        if worker["since"] is not None and day < worker["since"]:
            raise UserError("until", "until_before_since", f"离任日期不能早于任职日期（{worker['since']}）")
        rows.update_changed(conn, "grid_workers", worker_id, {"until": day})
    return Changes(grids=True, row_id=worker_id)


def workers(ledger: Ledger, grid_id: str, *, include_ended: bool = False) -> list[WorkerRow]:
    """The grid's workers, serving ones first (by role, then name); ended ones only when asked."""
    roles = code_table("grid_worker_role")
    sql = "SELECT id, grid_id, name, role, phone, resident_id, since, until FROM grid_workers WHERE grid_id = ?"
    if not include_ended:
        sql += " AND until IS NULL"
    sql += " ORDER BY until IS NOT NULL, role, name"
    return [WorkerRow(id=r[0], grid_id=r[1], name=r[2], role=r[3], role_label=roles.label_or(r[3], r[3]),
                      phone_masked=mask_phone(r[4] or ""), resident_id=r[5], since=r[6] or "", until=r[7] or "")
            for r in ledger.store.conn.execute(sql, (grid_id,))]


def worker_values(ledger: Ledger, worker_id: str) -> GridWorkerInput:
    """A worker's stored values as an input for an edit form — without the phone (forms never show it in clear)."""
    rec = ledger.store.conn.execute("SELECT grid_id, name, role, resident_id, since FROM grid_workers WHERE id = ?",
                                    (worker_id,)).fetchone()
    if rec is None:
        raise UserError("worker_id", "not_found", "该网格员记录不存在，可能已被删除")
    return GridWorkerInput(grid_id=rec[0], name=rec[1], role=rec[2], phone="", resident_id=rec[3], since=rec[4])


def worker_row(ledger: Ledger, worker_id: str) -> WorkerRow | None:
    rec = ledger.store.conn.execute("SELECT grid_id FROM grid_workers WHERE id = ?", (worker_id,)).fetchone()
    if rec is None:
        return None
    return next((w for w in workers(ledger, rec[0], include_ended=True) if w.id == worker_id), None)


def form_values(ledger: Ledger, grid_id: str) -> GridInput:
    """A grid's stored values as an input (for an edit form)."""
    rec = ledger.store.conn.execute("SELECT name, code, notes FROM grids WHERE id = ?", (grid_id,)).fetchone()
    if rec is None:
        raise UserError("grid_id", "not_found", "所选的网格不存在，可能已被删除")
    return GridInput(name=rec[0], code=rec[1], notes=rec[2])


def options(ledger: Ledger) -> list[tuple[str, str]]:
    """(id, name) of the active grids, by code then name — for choosing a grid in forms and filters."""
    return [(r[0], r[1]) for r in ledger.store.conn.execute(
        "SELECT id, name FROM grids WHERE status = 'active' ORDER BY code, name")]


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
