"""Households (户): the head is the member whose relation is 02 户主; moving people between households."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zhzx_desktop.errors import UserError
from zhzx_desktop.services import fields
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.services.residents import HEAD_RELATION
from zhzx_desktop.storage import rows


@dataclass
class HouseholdInput:
    grid_id: str | None
    household_no: str = ""
    address: str = ""
    notes: str = ""


@dataclass(frozen=True)
class HouseholdRow:
    id: str
    household_no: str
    address: str
    grid_id: str | None
    grid: str
    head: str
    members: int


def _values(ledger: Ledger, data: HouseholdInput, household_id: str | None,
            batch_numbers: set[str] | None = None) -> dict[str, str | None]:
    """Checked column values; ``batch_numbers`` holds the 户号 claimed by earlier rows of the same batch."""
    conn = ledger.store.conn
    c = fields.Collector()
    grid_id = c.check(lambda: fields.reference(conn, "grids", data.grid_id, "grid_id", required=True), None)
    number = c.check(lambda: fields.text(data.household_no, "household_no", 30), "")
    if number and (number in (batch_numbers or ()) or conn.execute(
            "SELECT 1 FROM households WHERE household_no = ? AND id IS NOT ? AND status = 'active'",
            (number, household_id)).fetchone()):
        c.errors.append(UserError("household_no", "household_no_taken", f"户号 {number} 已被其他户使用"))
    address = c.check(lambda: fields.text(data.address, "address", fields.LINE_TEXT), "")
    notes = c.check(lambda: fields.text(data.notes, "notes", fields.LONG_TEXT), "")
    c.raise_if_any()
    return {"grid_id": grid_id, "household_no": number, "address": address, "notes": notes}


def create(ledger: Ledger, data: HouseholdInput) -> Changes:
    return create_many(ledger, [data])[0]


def create_many(ledger: Ledger, items: list[HouseholdInput]) -> list[Changes]:
    out: list[Changes] = []
    new_rows = []
    numbers: set[str] = set()
    now = rows.now_utc()
    with ledger.store.write() as conn:
        for data in items:
            household_id = rows.new_id()
            values = _values(ledger, data, None, numbers)
            if values["household_no"]:
                numbers.add(str(values["household_no"]))
            new_rows.append({"id": household_id, "created_at": now, **values})
            out.append(Changes(households=True, row_id=household_id))
        rows.insert(conn, "households", new_rows)
    return out


def update(ledger: Ledger, household_id: str, data: HouseholdInput) -> Changes:
    with ledger.store.write() as conn:
        fields.reference(conn, "households", household_id, "household_id", required=True)
        changed = rows.update_changed(conn, "households", household_id, _values(ledger, data, household_id))
        if "grid_id" in changed:  # the members move with their household (each change captured per resident)
            conn.execute("UPDATE residents SET grid_id = ? WHERE household_id = ?", (changed["grid_id"], household_id))
    return Changes(households=bool(changed), residents="grid_id" in changed, row_id=household_id)


def move_resident(ledger: Ledger, resident_id: str, household_id: str, relation: str) -> Changes:
    """Move a person into another household with their relation to its head; the grid follows the household."""
    with ledger.store.write() as conn:
        fields.reference(conn, "residents", resident_id, "resident_id", required=True)
        fields.reference(conn, "households", household_id, "household_id", required=True)
        code = fields.code("relation", relation, "relation", required=True)
        if code == HEAD_RELATION:
            head = conn.execute("SELECT name FROM residents WHERE household_id = ? AND relation = ? "
                                "AND status = 'active' AND id != ?", (household_id, code, resident_id)).fetchone()
            if head is not None:
                raise UserError("relation", "second_head", f"该户已有户主（{head[0]}），一户只能有一位户主")
        grid_id = conn.execute("SELECT grid_id FROM households WHERE id = ?", (household_id,)).fetchone()[0]
        changed = rows.update_changed(conn, "residents", resident_id,
                                      {"household_id": household_id, "relation": code, "grid_id": grid_id})
    return Changes(residents=bool(changed), households=bool(changed), row_id=resident_id)


_ROW_SQL = """
    SELECT h.id, h.household_no, h.address, h.grid_id, g.name,
           (SELECT r.name FROM residents r WHERE r.household_id = h.id AND r.relation = '02'
                AND r.status = 'active' LIMIT 1),
           (SELECT count(*) FROM residents r WHERE r.household_id = h.id AND r.status = 'active')
    FROM households h LEFT JOIN grids g ON g.id = h.grid_id"""


def _to_row(r: tuple[Any, ...]) -> HouseholdRow:
    return HouseholdRow(id=r[0], household_no=r[1], address=r[2], grid_id=r[3], grid=r[4] or "", head=r[5] or "",
                        members=int(r[6]))


def search(ledger: Ledger, query: str = "", limit: int = 200) -> list[HouseholdRow]:
    """Households by 户号, address or the head's name (empty query: the first ``limit`` by 户号)."""
    q = query.strip()
    sql = _ROW_SQL + " WHERE h.status = 'active'"
    params: list[object] = []
    if q:
        sql += """ AND (h.household_no LIKE ? ESCAPE '\\' OR h.address LIKE ? ESCAPE '\\' OR EXISTS (
                     SELECT 1 FROM residents r WHERE r.household_id = h.id AND r.relation = '02'
                         AND r.name LIKE ? ESCAPE '\\'))"""
        like = fields.like_escape(q)
        params += [f"{like}%", f"%{like}%", f"{like}%"]
    sql += " ORDER BY h.household_no LIMIT ?"
    params.append(limit)
    return [_to_row(r) for r in ledger.store.conn.execute(sql, params)]


def members(ledger: Ledger, household_id: str) -> list[tuple[str, str, str]]:
    """(resident id, name, relation code) of the active members, the head first."""
    return [(r[0], r[1], r[2] or "") for r in ledger.store.conn.execute(
        "SELECT id, name, relation FROM residents WHERE household_id = ? AND status = 'active' "
        "ORDER BY relation IS NOT '02', relation, birth_date", (household_id,))]
