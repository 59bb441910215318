"""Households (户): the head is the member whose relation is 02 户主; moving people between households."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zhzx_desktop.domain.codes import code_table
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
class MemberRow:
    """One active member as the household panel shows it: labels resolved, the ID number masked."""

    id: str
    name: str
    relation: str  # GB/T 4761 code ("" when not recorded)
    relation_label: str
    sex: str  # short label (男/女/未知…)
    birth_date: str
    id_masked: str

    @property
    def is_head(self) -> bool:
        return self.relation == HEAD_RELATION


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
            conn.execute("UPDATE residents SET grid_id = ? WHERE household_id = ? "
                         "AND status NOT IN ('merged', 'deleted')", (changed["grid_id"], household_id))
    return Changes(households=bool(changed), residents="grid_id" in changed, row_id=household_id)


def move_resident(ledger: Ledger, resident_id: str | None, household_id: str | None, relation: str) -> Changes:
    """Move a person into another household (or change their relation within the same one) with their relation
    to its head; the grid follows the household. A household has at most one head (02 户主)."""
    with ledger.store.write() as conn:
        c = fields.Collector()
        rid = c.check(lambda: fields.reference(conn, "residents", resident_id, "resident_id", required=True), None)
        hid = c.check(lambda: fields.reference(conn, "households", household_id, "household_id", required=True), None)
        code = c.check(lambda: fields.code("relation", relation, "relation", required=True), None)
        c.raise_if_any()
        assert rid is not None and hid is not None
        if conn.execute("SELECT status FROM residents WHERE id = ?", (rid,)).fetchone()[0] != "active":
            raise UserError("resident_id", "resident_inactive", "此人已不在册（已迁出、已故或已合并），不能迁入")
        grid_id, status = conn.execute("SELECT grid_id, status FROM households WHERE id = ?", (hid,)).fetchone()
        if status != "active":
            raise UserError("household_id", "household_dissolved", "该户已注销，不能迁入成员")
        if code == HEAD_RELATION:
            head = conn.execute("SELECT name FROM residents WHERE household_id = ? AND relation = ? "
                                "AND status = 'active' AND id != ?", (hid, code, rid)).fetchone()
            if head is not None:
                raise UserError("relation", "second_head", f"该户已有户主（{head[0]}），一户只能有一位户主")
        changed = rows.update_changed(conn, "residents", rid, {"household_id": hid, "relation": code, "grid_id": grid_id})
    return Changes(residents=bool(changed), households=bool(changed), row_id=rid)


_ROW_SQL = """
    SELECT h.id, h.household_no, h.address, h.grid_id, g.name,
           (SELECT r.name FROM residents r WHERE r.household_id = h.id AND r.relation = '02'
                AND r.status = 'active' LIMIT 1),
           (SELECT count(*) FROM residents r WHERE r.household_id = h.id AND r.status = 'active')
    FROM households h LEFT JOIN grids g ON g.id = h.grid_id"""


def _to_row(r: tuple[Any, ...]) -> HouseholdRow:
    return HouseholdRow(id=r[0], household_no=r[1], address=r[2], grid_id=r[3], grid=r[4] or "", head=r[5] or "",
                        members=int(r[6]))


_MAX_CHAR = "\U0010ffff"  # sorts after every character: [q, q + _MAX_CHAR) is "starts with q"


def search(ledger: Ledger, query: str = "", limit: int = 200, *, grid_id: str | None = None) -> list[HouseholdRow]:
    """Households by 户号, address or the head's name (empty query: the first ``limit`` by 户号), optionally only
    those of one grid."""
    q = query.strip()
    sql = _ROW_SQL + " WHERE h.status = 'active'"
    params: list[object] = []
    if grid_id is not None:
        sql += " AND h.grid_id = ?"
        params.append(grid_id)
    if q:
        # The head subquery runs once (not per household) on the partial name index (its WHERE is repeated so
        # SQLite can use it); 户号 is a prefix range; only the address needs a scan of the households.
        sql += """ AND (h.household_no >= ? AND h.household_no < ? OR h.address LIKE ? ESCAPE '\\'
                     OR h.id IN (SELECT r.household_id FROM residents r WHERE r.name >= ? AND r.name < ?
                                     AND r.status NOT IN ('merged', 'deleted') AND r.status = 'active'
                                     AND r.relation = '02'))"""
        upper = q + _MAX_CHAR
        params += [q, upper, f"%{fields.like_escape(q)}%", q, upper]
    sql += " ORDER BY h.household_no LIMIT ?"
    params.append(limit)
    return [_to_row(r) for r in ledger.store.conn.execute(sql, params)]


def by_grid(ledger: Ledger, grid_id: str, limit: int = 500) -> list[HouseholdRow]:
    """The active households of one grid, by 户号 (at most ``limit``)."""
    return search(ledger, "", limit, grid_id=grid_id)


def count(ledger: Ledger, *, grid_id: str | None = None) -> int:
    """Active households (of one grid, when given)."""
    if grid_id is None:
        return int(ledger.store.conn.execute("SELECT count(*) FROM households WHERE status = 'active'").fetchone()[0])
    return int(ledger.store.conn.execute("SELECT count(*) FROM households WHERE status = 'active' AND grid_id = ?",
                                         (grid_id,)).fetchone()[0])


def get(ledger: Ledger, household_id: str) -> HouseholdRow | None:
    """One active household (None when unknown or dissolved)."""
    rec = ledger.store.conn.execute(_ROW_SQL + " WHERE h.id = ? AND h.status = 'active'", (household_id,)).fetchone()
    return None if rec is None else _to_row(rec)


def form_values(ledger: Ledger, household_id: str) -> HouseholdInput:
    """The stored values of a household as an input (for an edit form); ``UserError`` when it does not exist."""
    rec = ledger.store.conn.execute("SELECT grid_id, household_no, address, notes FROM households WHERE id = ?",
                                    (household_id,)).fetchone()
    if rec is None:
        raise UserError("household_id", "not_found", "所选的户不存在，可能已被删除")
    return HouseholdInput(grid_id=rec[0], household_no=rec[1], address=rec[2], notes=rec[3])


def members(ledger: Ledger, household_id: str) -> list[tuple[str, str, str]]:
    """(resident id, name, relation code) of the active members, the head first."""
    return [(r[0], r[1], r[2] or "") for r in ledger.store.conn.execute(
        "SELECT id, name, relation FROM residents WHERE household_id = ? AND status = 'active' "
        "ORDER BY relation IS NOT '02', relation, birth_date", (household_id,))]


def member_rows(ledger: Ledger, household_id: str) -> list[MemberRow]:
    """The active members with their relation and sex labels and masked ID numbers, the head first."""
    relations = code_table("relation")
    sexes = code_table("sex")
    out = []
    for r in ledger.store.conn.execute(
            "SELECT id, name, relation, sex, birth_date, id_masked FROM residents "
            "WHERE household_id = ? AND status = 'active' "
            "ORDER BY relation IS NOT '02', relation, birth_date, name", (household_id,)):
        sex = sexes.get(r[3] or "")
        out.append(MemberRow(id=r[0], name=r[1], relation=r[2] or "", relation_label=relations.label_or(r[2]),
                             sex=sex.display if sex is not None else "", birth_date=r[4] or "",
                             id_masked=r[5] or ""))
    return out


def dissolve(ledger: Ledger, household_id: str) -> Changes:
    """Mark an empty household dissolved (注销); refused while it still has active members."""
    with ledger.store.write() as conn:
        household = rows.get(conn, "households", household_id)
        if household is None:
            raise UserError("household_id", "not_found", "所选的户不存在，可能已被删除")
        if household["status"] != "active":
            raise UserError("household_id", "already_dissolved", "该户已经注销")
        left = conn.execute("SELECT count(*) FROM residents WHERE household_id = ? AND status = 'active'",
                            (household_id,)).fetchone()[0]
        if left:
            raise UserError("household_id", "household_not_empty",
                            f"该户还有{left}名在册成员，请先把他们迁入其他户，再注销此户")
        rows.update_changed(conn, "households", household_id, {"status": "dissolved"})
    return Changes(households=True, row_id=household_id)
