"""The undo journal: an import or a merge records the row-level steps that undo it, in the same transaction.

A step is a JSON object:

``{"op": "insert", "table": T, "id": X}``
    the action created row X; undo retires it (residents → deleted, households → dissolved, other rows are removed).
``{"op": "update", "table": T, "id": X, "old": {col: v}, "new": {col: v}}``
    the action changed columns of row X; undo puts the old values back, and refuses when a column no longer holds
    the value the action wrote (someone edited it since: nothing is overwritten silently).
``{"op": "delete", "table": T, "row": {col: v}}``
    the action removed a row; undo inserts it again.

Undo runs the steps backwards in one transaction: all of it happens, or (on the first conflict) none.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from zhzx_desktop.errors import UserError
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.services.progress import Progress, report
from zhzx_desktop.storage import rows

Step = dict[str, Any]

# How an inserted row is retired on undo; tables not listed lose the row.
_RETIRE = {"residents": ("status", "deleted"), "households": ("status", "dissolved")}
_CHANGES = {"grids": "grids", "households": "households", "residents": "residents",
            "resident_categories": "residents", "teams": "teams", "team_members": "members",
            "team_activities": "activities", "activity_participants": "activities", "grid_workers": "grids",
            "case_parties": "cases"}


@dataclass(frozen=True)
class JournalEntry:
    id: str
    kind: str  # import | merge
    label: str
    size: int
    created_at: str
    undone_at: str | None


def inserted(table: str, row_id: str) -> Step:
    return {"op": "insert", "table": table, "id": row_id}


def updated(table: str, row_id: str, old: dict[str, Any], new: dict[str, Any]) -> Step:
    return {"op": "update", "table": table, "id": row_id, "old": old, "new": new}


def deleted(table: str, row: dict[str, Any]) -> Step:
    return {"op": "delete", "table": table, "row": row}


def record(conn: sqlite3.Connection, kind: str, label: str, steps: list[Step]) -> str:
    """Write a journal entry (inside the caller's ``Store.write()``, with the action it undoes)."""
    entry_id = rows.new_id()
    conn.execute("INSERT INTO journal(id, kind, label, steps, size, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                 (entry_id, kind, label, json.dumps(steps, ensure_ascii=False), len(steps), rows.now_utc()))
    return entry_id


def recent(ledger: Ledger, limit: int = 20) -> list[JournalEntry]:
    """The latest entries, newest first (undone ones included, marked)."""
    return [JournalEntry(*r) for r in ledger.store.conn.execute(
        "SELECT id, kind, label, size, created_at, undone_at FROM journal ORDER BY created_at DESC, rowid DESC "
        "LIMIT ?", (limit,))]


def undo(ledger: Ledger, entry_id: str, progress: Progress | None = None) -> Changes:
    """Undo one journal entry; raises ``UserError`` (and changes nothing) when it cannot be undone cleanly
    (cancel included: the progress report raises ``Cancelled`` and the transaction rolls back)."""
    touched: set[str] = set()
    with ledger.store.write() as conn:
        entry = conn.execute("SELECT label, steps, undone_at FROM journal WHERE id = ?", (entry_id,)).fetchone()
        if entry is None:
            raise UserError("journal", "not_found", "找不到这条操作记录")
        if entry[2] is not None:
            raise UserError("journal", "already_undone", f"“{entry[0]}”已于{entry[2][:10]}撤销过")
        steps = json.loads(entry[1])
        for done, step in enumerate(reversed(steps)):
            _undo_step(conn, step)
            touched.add(step["table"])
            if done % 500 == 0:
                report(progress, done, len(steps))
        if "households" in touched:
            _check_households(conn, steps)
        check_listed(conn, [s["id"] for s in steps if s["op"] == "update" and s["table"] == "residents"
                            and "status" in s["old"]])
        conn.execute("UPDATE journal SET undone_at = ? WHERE id = ?", (rows.now_utc(), entry_id))
        ledger.audit("undo", object_type="journal", object_id=entry_id, object_label=entry[0],
                     detail=f"撤销 {len(steps)} 步")
    flags: dict[str, Any] = {_CHANGES[t]: True for t in touched if t in _CHANGES}
    return Changes(journal=True, **flags)


def _undo_step(conn: sqlite3.Connection, step: Step) -> None:
    table = step["table"]
    if step["op"] == "insert":
        if table == "residents":
            _check_unused(conn, step["id"])
        if table in _RETIRE:
            column, value = _RETIRE[table]
            conn.execute(f"UPDATE {table} SET {column} = ? WHERE id = ? AND {column} IS NOT ?",
                         (value, step["id"], value))
        else:
            conn.execute(f"DELETE FROM {table} WHERE id = ?", (step["id"],))
    elif step["op"] == "update":
        current = rows.get(conn, table, step["id"])
        if current is None or any(current.get(k) != v for k, v in step["new"].items()):
            raise UserError("journal", "edited_since",
                            "这些记录在此之后又被修改过，无法自动撤销；请手工更正")
        rows.update_changed(conn, table, step["id"], step["old"])
    elif step["op"] == "delete":
        rows.insert(conn, table, [step["row"]])
    else:  # pragma: no cover - the journal is only written by this module's helpers
        raise ValueError(f"unknown journal step {step['op']!r}")


def _check_households(conn: sqlite3.Connection, steps: list[Step]) -> None:
    """A household the action created may only be dissolved when nobody outside the action lives in it."""
    created = [s["id"] for s in steps if s["op"] == "insert" and s["table"] == "households"]
    for household_id in created:
        left = conn.execute("SELECT household_no FROM households h WHERE id = ? AND EXISTS (SELECT 1 FROM residents r "
                            "WHERE r.household_id = h.id AND r.status = 'active')", (household_id,)).fetchone()
        if left is not None:
            raise UserError("journal", "household_in_use",
                            f"户 {left[0] or '（无户号）'} 在导入后又加入了其他成员，无法撤销；请先把这些成员迁出")


# Rows that point at a resident (table, column): a resident an action created may only be retired by its undo while
# nothing added since points at it.
_USES = (("team_members", "resident_id", "是队伍成员"), ("activity_participants", "resident_id", "参加过队伍活动"),
         ("case_parties", "resident_id", "是调解案件的当事人"), ("case_mediators", "resident_id", "是调解员"),
         ("grid_workers", "resident_id", "是网格员"), ("teams", "leader_resident_id", "是队伍负责人"))


def _check_unused(conn: sqlite3.Connection, resident_id: str) -> None:
    rec = conn.execute("SELECT name, status FROM residents WHERE id = ?", (resident_id,)).fetchone()
    if rec is None:
        return
    name, status = rec
    why = "已被合并到另一条记录" if status == "merged" else None
    if why is None and conn.execute("SELECT 1 FROM residents WHERE merged_into = ? AND status = 'merged'",
                                    (resident_id,)).fetchone():
        why = "有另一条记录合并到了此人"
    for table, column, what in _USES:
        if why is None and conn.execute(f"SELECT 1 FROM {table} WHERE {column} = ?", (resident_id,)).fetchone():
            why = what
    if why is not None:
        raise UserError("journal", "used_since", f"{name}在此之后{why}，撤销会让这些记录失去对象；请先撤销或更正那些操作")


def check_listed(conn: sqlite3.Connection, resident_ids: list[str]) -> None:
    """Residents put back on the register (restored, or un-merged) must not clash with the register as it is now:
    the same ID number as another listed resident, or a second head in their household."""
    for resident_id in resident_ids:
        rec = conn.execute("SELECT name, status, id_hmac, id_masked, household_id, relation FROM residents "
                           "WHERE id = ?", (resident_id,)).fetchone()
        if rec is None or rec[1] in ("merged", "deleted"):
            continue
        name, _status, id_hmac, id_masked, household_id, relation = rec
        if id_hmac is not None:
            other = conn.execute("SELECT name FROM residents WHERE id_hmac = ? AND id != ? "
                                 "AND status NOT IN ('merged', 'deleted')", (id_hmac, resident_id)).fetchone()
            if other is not None:
                raise UserError("id_number", "id_duplicate",
                                f"{name}的身份证号（{id_masked}）现已登记在{other[0]}名下，不能恢复；请先核对这两条记录")
        if household_id is not None and relation == "02":
            other = conn.execute("SELECT name FROM residents WHERE household_id = ? AND relation = '02' "
                                 "AND status = 'active' AND id != ?", (household_id, resident_id)).fetchone()
            if other is not None and rec[1] == "active":
                raise UserError("relation", "second_head",
                                f"{name}所在的户现已有户主（{other[0]}），不能恢复为户主；请先调整该户的户主")
