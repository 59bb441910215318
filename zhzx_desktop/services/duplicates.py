"""The duplicate guard ("此人可能已登记") and the merge of two records of one person, which can be undone."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from zhzx_desktop.domain.citizen_id import parse_citizen_id
from zhzx_desktop.domain.pinyin import name_readings
from zhzx_desktop.domain.validation import normalize_name, validate_birth_date
from zhzx_desktop.errors import UserError
from zhzx_desktop.services import journal, residents
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.storage import rows

MAX_CANDIDATES = 20

# Columns the kept record takes from the merged one when it has no value of its own.
_FILLED = ("birth_date", "ethnicity", "phone", "address", "occupation", "id_type", "id_cipher", "id_hmac",
           "id_masked")
_EMPTY = (None, "", "0")
# Every reference to a resident, repointed at the kept record: (table, column, unique together with).
_REFERENCES = (("team_members", "resident_id", "team_id"), ("activity_participants", "resident_id", "activity_id"),
               ("resident_categories", "resident_id", "category"), ("case_parties", "resident_id", None),
               ("case_mediators", "resident_id", None), ("grid_workers", "resident_id", None),
               ("teams", "leader_resident_id", None))


@dataclass(frozen=True)
class Candidate:
    row: residents.ResidentRow
    same_id: bool  # the same ID number: registering again is refused
    reason: str    # in Chinese, for the prompt


def candidates(ledger: Ledger, data: residents.ResidentInput, *, resident_id: str | None = None) -> list[Candidate]:
    """Registered residents who may be the person being entered: the same ID number (by its hash), or the same
    name pinyin, birth year and grid. Unparsable fields simply find nothing (the form reports them)."""
    conn = ledger.store.conn
    found: dict[str, Candidate] = {}
    number, birth = _id_and_birth(ledger, data)
    if number:
        for rec in conn.execute("SELECT id FROM residents WHERE id_hmac = ? AND id IS NOT ? "
                                "AND status NOT IN ('merged', 'deleted')",
                                (ledger.cipher.lookup_hash(number), resident_id)):
            row = residents.get(ledger, rec[0])
            if row is not None:
                found[row.id] = Candidate(row, True, "身份证号相同")
    try:
        name = normalize_name(data.name)
    except UserError:
        name = ""
    if name:
        keys = sorted({"p" + "".join(reading) for reading in name_readings(name)})
        grid_id = _grid_of(conn, data)
        sql = (f"SELECT DISTINCT r.id FROM search_keys k JOIN residents r ON r.rid = k.rid "
               f"WHERE k.key IN ({','.join('?' * len(keys))}) AND r.id IS NOT ? AND r.grid_id IS ? "
               f"AND r.status NOT IN ('merged', 'deleted')")
        params: list[object] = [*keys, resident_id, grid_id]
        if birth:
            sql += " AND substr(r.birth_date, 1, 4) = ?"
            params.append(birth[:4])
        for rec in conn.execute(sql + " LIMIT ?", [*params, MAX_CANDIDATES]):
            row = residents.get(ledger, rec[0])
            if row is not None and row.id not in found:
                found[row.id] = Candidate(row, False, "姓名拼音、出生年份、网格相同" if birth else "姓名拼音、网格相同")
    return list(found.values())[:MAX_CANDIDATES]


def _id_and_birth(ledger: Ledger, data: residents.ResidentInput) -> tuple[str, str]:
    raw = (data.id_number or "").strip()
    if raw and (data.id_type or residents.CITIZEN_ID_TYPE) == residents.CITIZEN_ID_TYPE:
        try:
            parsed = parse_citizen_id(raw, today=ledger.today())
            return parsed.number, parsed.birth_date.isoformat()
        except UserError:
            pass
    try:
        birth = validate_birth_date(data.birth_date, today=ledger.today()).isoformat() if data.birth_date else ""
    except UserError:
        birth = ""
    return "", birth


def _grid_of(conn: sqlite3.Connection, data: residents.ResidentInput) -> str | None:
    if data.household_id:
        rec = conn.execute("SELECT grid_id FROM households WHERE id = ?", (data.household_id,)).fetchone()
        if rec is not None:
            return str(rec[0]) if rec[0] is not None else None
    return data.grid_id or None


def merge(ledger: Ledger, keep_id: str, drop_id: str) -> Changes:
    """Merge ``drop_id`` into ``keep_id``: the kept record takes the other's missing details, household (when it
    has none), categories, team memberships, activities, case roles and grid-worker posts; the other is marked
    merged. One journal entry undoes it all."""
    if keep_id == drop_id:
        raise UserError("resident_id", "merge_self", "请选择两个不同的居民进行合并")
    steps: list[journal.Step] = []
    with ledger.store.write() as conn:
        keep, drop = rows.get(conn, "residents", keep_id), rows.get(conn, "residents", drop_id)
        for rec in (keep, drop):
            if rec is None or rec["status"] in ("merged", "deleted"):
                raise UserError("resident_id", "merge_gone", "要合并的居民不存在，或已被合并、删除")
        assert keep is not None and drop is not None
        if keep["id_hmac"] and drop["id_hmac"] and keep["id_hmac"] != drop["id_hmac"]:
            raise UserError("id_number", "merge_other_id",
                            f"两人的身份证号不同（{keep['id_masked']} 与 {drop['id_masked']}），不是同一人，不能合并")
        fill = {c: drop[c] for c in _FILLED if keep[c] in _EMPTY and drop[c] not in _EMPTY}
        if not keep["id_hmac"] and drop["id_hmac"]:  # the ID number decides sex and birth date: they go together
            fill.update(id_type=drop["id_type"], sex=drop["sex"], birth_date=drop["birth_date"])
        if not keep["household_id"] and drop["household_id"]:
            fill.update(household_id=drop["household_id"], relation=drop["relation"], grid_id=drop["grid_id"])
        _update(conn, steps, "residents", drop, {"status": "merged", "merged_into": keep_id})
        _update(conn, steps, "residents", keep, fill)
        for table, column, unique_with in _REFERENCES:
            _repoint(conn, steps, table, column, unique_with, drop_id, keep_id)
        label = f"合并居民：{drop['name']}（{drop['id_masked'] or '无证件号'}）并入 {keep['name']}"
        journal.record(conn, "merge", label, steps)
        ledger.audit("merge", object_type="residents", object_id=keep_id, object_label=keep["name"],
                     detail=f"把重复登记的 {drop['name']} 并入（{len(steps)} 处改动，可在操作记录中撤销）")
    return Changes(residents=True, households=True, members=True, activities=True, teams=True, cases=True,
                   grids=True, journal=True, row_id=keep_id)


def _update(conn: sqlite3.Connection, steps: list[journal.Step], table: str, current: dict[str, Any],
            values: dict[str, Any]) -> None:
    changed = rows.update_changed(conn, table, current["id"], values)
    if changed:
        steps.append(journal.updated(table, current["id"], {k: current[k] for k in changed}, changed))


def _repoint(conn: sqlite3.Connection, steps: list[journal.Step], table: str, column: str, unique_with: str | None,
             drop_id: str, keep_id: str) -> None:
    """Point ``table.column`` from the merged record to the kept one; a row the kept record already has (same
    team, activity or category) is removed instead, so a person is never in a team twice."""
    cur = conn.execute(f"SELECT * FROM {table} WHERE {column} = ?", (drop_id,))
    names = [d[0] for d in cur.description]
    for rec in [dict(zip(names, r)) for r in cur.fetchall()]:
        twin = unique_with is not None and conn.execute(
            f"SELECT 1 FROM {table} WHERE {column} = ? AND {unique_with} = ?"
            + (" AND left_on IS NULL" if table == "team_members" else ""), (keep_id, rec[unique_with])).fetchone()
        if twin and (table != "team_members" or rec["left_on"] is None):
            conn.execute(f"DELETE FROM {table} WHERE id = ?", (rec["id"],))
            steps.append(journal.deleted(table, rec))
        else:
            _update(conn, steps, table, rec, {column: keep_id})


def profile(ledger: Ledger, resident_id: str) -> list[tuple[str, str]]:
    """(label, value) lines that tell two records of one person apart, for the merge dialog (masked)."""
    row = residents.get(ledger, resident_id)
    if row is None:
        raise UserError("resident_id", "not_found", "该居民不存在，可能已被删除")
    conn = ledger.store.conn
    teams = conn.execute("SELECT count(*) FROM team_members WHERE resident_id = ? AND left_on IS NULL",
                         (resident_id,)).fetchone()[0]
    cases = conn.execute("SELECT count(DISTINCT case_id) FROM case_parties WHERE resident_id = ?",
                         (resident_id,)).fetchone()[0]
    return [("姓名", row.name), ("性别", row.sex), ("出生日期", row.birth_date or ""), ("身份证号", row.id_masked),
            ("联系电话", row.phone_masked), ("户号", row.household_no), ("网格", row.grid),
            ("所在队伍", f"{teams} 支"), ("调解案件", f"{cases} 件")]
