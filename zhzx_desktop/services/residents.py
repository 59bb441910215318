"""Residents (实有人口): register, edit, categories, search. ID numbers are sealed before they reach the store."""

from __future__ import annotations

import itertools
import re
import sqlite3
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from zhzx_desktop.domain.citizen_id import normalize_id, parse_citizen_id
from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.domain.masking import mask_id, mask_phone
from zhzx_desktop.domain.roles import Permission
from zhzx_desktop.domain.validation import normalize_name, normalize_phone, validate_birth_date
from zhzx_desktop.errors import UserError
from zhzx_desktop.services import fields, journal
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.fields import InvalidInput
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.services.progress import Progress, report
from zhzx_desktop.storage import rows, search_index

CITIZEN_ID_TYPE = "111"  # GA/T 517 居民身份证
HEAD_RELATION = "02"  # GB/T 4761 户主
STATUSES = ("active", "moved_out", "deceased", "merged", "deleted")
_ID_CONTEXT = "residents.id_number"


@dataclass
class ResidentInput:
    """What a form or an import row gives for one resident (strings as typed; empty = not given)."""

    name: str
    id_number: str = ""
    id_type: str = CITIZEN_ID_TYPE
    sex: str = ""
    birth_date: str | date | None = None
    ethnicity: str = ""
    phone: str = ""
    household_id: str | None = None
    relation: str = ""
    grid_id: str | None = None
    residence_type: str = "01"
    address: str = ""
    occupation: str = ""
    notes: str = ""
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResidentRow:
    """One resident as lists and search results show it: nothing sensitive in clear."""

    id: str
    name: str
    sex: str
    birth_date: str | None
    id_masked: str
    phone_masked: str
    household_id: str | None
    household_no: str
    grid_id: str | None
    grid: str
    status: str


def _seal_id(ledger: Ledger, number: str) -> tuple[str, str, str]:
    sealed = ledger.cipher.seal_id(number, mask_id(number), context=_ID_CONTEXT)
    return sealed.cipher, sealed.hmac, sealed.masked


@dataclass
class _Batch:
    """What earlier rows of the same batch claimed: ID numbers (by hash) and households' heads."""

    hmacs: dict[str, str] = field(default_factory=dict)
    heads: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Valid:
    values: dict[str, Any]
    categories: tuple[str, ...]
    warnings: tuple[str, ...]


def _validate(ledger: Ledger, data: ResidentInput, *, resident_id: str | None, batch: _Batch | None = None) -> _Valid:
    """Normalise and check every field; returns the row values (ID sealed), or raises InvalidInput."""
    batch = batch if batch is not None else _Batch()
    conn = ledger.store.conn
    today = ledger.today()
    c = fields.Collector()
    warnings: list[str] = []
    name = c.check(lambda: normalize_name(data.name), "")
    id_type = c.check(lambda: fields.code("id_type", data.id_type or CITIZEN_ID_TYPE, "id_type", required=True),
                      None) or CITIZEN_ID_TYPE
    number = ""
    derived_sex = derived_birth = None
    raw_id = (data.id_number or "").strip()
    if raw_id:
        if id_type == CITIZEN_ID_TYPE:
            parsed = c.check(lambda: parse_citizen_id(raw_id, today=today), None)
            if parsed is not None:
                number, derived_sex, derived_birth = parsed.number, parsed.sex, parsed.birth_date
                warnings.extend(parsed.warnings)
        else:
            number = c.check(lambda: fields.text(normalize_id(raw_id), "id_number", 40), "")
    sex = c.check(lambda: fields.code("sex", data.sex, "sex"), None)
    if derived_sex is not None:
        if sex is not None and sex != derived_sex:
            c.errors.append(UserError("sex", "sex_mismatch", "性别与身份证号不符（身份证号第17位决定性别）"))
        sex = derived_sex
    birth = c.check(lambda: validate_birth_date(data.birth_date, today=today).isoformat()
                    if data.birth_date not in (None, "") else None, None)
    if derived_birth is not None:
        if birth is not None and birth != derived_birth.isoformat():
            c.errors.append(UserError("birth_date", "birth_mismatch", "出生日期与身份证号不符"))
        birth = derived_birth.isoformat()
    ethnicity = c.check(lambda: fields.code("ethnicity", data.ethnicity, "ethnicity"), None)
    phone = c.check(lambda: normalize_phone(data.phone), "")
    household_id = c.check(lambda: fields.reference(conn, "households", data.household_id, "household_id"), None)
    relation = c.check(lambda: fields.code("relation", data.relation, "relation"), None)
    grid_id = c.check(lambda: fields.reference(conn, "grids", data.grid_id, "grid_id"), None)
    residence_type = c.check(lambda: fields.code("residence_type", data.residence_type or "01", "residence_type",
                                                 required=True), None) or "01"
    address = c.check(lambda: fields.text(data.address, "address", fields.LINE_TEXT), "")
    occupation = c.check(lambda: fields.text(data.occupation, "occupation", fields.SHORT_TEXT), "")
    notes = c.check(lambda: fields.text(data.notes, "notes", fields.LONG_TEXT), "")
    categories = tuple(dict.fromkeys(c.check(lambda: fields.code("resident_category", cat, "category",
                                                                  required=True), None) or "" for cat in data.categories))
    if relation and not household_id:
        c.errors.append(UserError("relation", "relation_without_household", "填写与户主关系前请先选择所在的户"))
    if household_id and relation == HEAD_RELATION:
        head = conn.execute("SELECT id, name FROM residents WHERE household_id = ? AND relation = ? "
                            "AND status = 'active' AND id IS NOT ?", (household_id, HEAD_RELATION, resident_id)
                            ).fetchone()
        head_name = head[1] if head is not None else batch.heads.get(household_id)
        if head_name is not None:
            c.errors.append(UserError("relation", "second_head", f"该户已有户主（{head_name}），一户只能有一位户主"))
    sealed: tuple[str | None, str | None, str | None] = (None, None, None)
    if number and not c.errors:
        sealed = _seal_id(ledger, number)
        same = conn.execute("SELECT name, id_masked FROM residents WHERE id_hmac = ? AND id IS NOT ? "
                            "AND status NOT IN ('merged', 'deleted')", (sealed[1], resident_id)).fetchone()
        same_name = f"{same[0]}（{same[1]}）" if same is not None else batch.hmacs.get(sealed[1] or "")
        if same_name is not None:
            c.errors.append(UserError("id_number", "id_duplicate", f"此身份证号已登记：{same_name}，请勿重复登记"))
    c.raise_if_any()
    if sealed[1] is not None:
        batch.hmacs[sealed[1]] = f"{name}（{sealed[2]}）"
    if household_id and relation == HEAD_RELATION:
        batch.heads[household_id] = name
    if household_id:  # a household's members live in its grid
        house_grid = conn.execute("SELECT grid_id FROM households WHERE id = ?", (household_id,)).fetchone()[0]
        if grid_id and grid_id != house_grid:
            raise InvalidInput([UserError("grid_id", "grid_not_households",
                                          "所选网格与所在户的网格不一致；户的成员随户归属网格")])
        grid_id = house_grid
    values: dict[str, Any] = {
        "name": name, "sex": sex or "0", "birth_date": birth, "ethnicity": ethnicity, "id_type": id_type,
        "phone": phone, "household_id": household_id, "relation": relation, "grid_id": grid_id,
        "residence_type": residence_type, "address": address, "occupation": occupation, "notes": notes,
    }
    values.update(id_cipher=sealed[0], id_hmac=sealed[1], id_masked=sealed[2])
    return _Valid(values, categories, tuple(warnings))


def hidden_categories(ledger: Ledger) -> frozenset[str]:
    """The category codes the current actor may not see: those marked ``sensitive`` in the code table (特殊人群,
    重点人员 …) for a role without ``SENSITIVE_VIEW``. Lists, filters, forms and exports leave them out; a save by
    such a role keeps them as they were."""
    actor = ledger.actor
    if actor is not None and actor.can(Permission.SENSITIVE_VIEW):
        return frozenset()
    return frozenset(e.code for e in code_table("resident_category").entries if e.sensitive)


def check(ledger: Ledger, data: ResidentInput, *, resident_id: str | None = None) -> tuple[str, ...]:
    """Validate without saving (live validation in forms): the warnings, or ``InvalidInput``."""
    return _validate(ledger, data, resident_id=resident_id).warnings


def check_many(ledger: Ledger, items: Sequence[ResidentInput],
               progress: Progress | None = None) -> list[tuple[str, ...] | InvalidInput]:
    """Validate a batch as ``register_many`` would (an ID number or a household head claimed by an earlier item
    counts): per item, its warnings or its ``InvalidInput``. Nothing is saved."""
    batch = _Batch()
    out: list[tuple[str, ...] | InvalidInput] = []
    for done, data in enumerate(items):
        if done % 500 == 0:
            report(progress, done, len(items))
        try:
            out.append(_validate(ledger, data, resident_id=None, batch=batch).warnings)
        except InvalidInput as exc:
            out.append(exc)
    return out


def register(ledger: Ledger, data: ResidentInput) -> Changes:
    """Register one resident; raises ``InvalidInput`` naming every bad field, and saves nothing then."""
    return register_many(ledger, [data])[0]


def register_many(ledger: Ledger, items: Sequence[ResidentInput]) -> list[Changes]:
    """Register several residents in one transaction: all of them, or (on the first invalid one) none."""
    created: list[Changes] = []
    residents: list[dict[str, Any]] = []
    categories: list[dict[str, Any]] = []
    batch = _Batch()
    now = rows.now_utc()
    with ledger.store.write() as conn:
        for data in items:
            valid = _validate(ledger, data, resident_id=None, batch=batch)
            resident_id = rows.new_id()
            residents.append({"id": resident_id, "created_at": now, **valid.values})
            categories.extend({"id": rows.new_id(), "resident_id": resident_id, "category": cat}
                              for cat in valid.categories)
            created.append(Changes(residents=True, households=bool(valid.values["household_id"]),
                                   row_id=resident_id))
        rows.insert(conn, "residents", residents)
        rows.insert(conn, "resident_categories", categories)
    return created


def update(ledger: Ledger, resident_id: str, data: ResidentInput) -> Changes:
    """Edit a resident; only the fields that really changed are written (and sent to the county).

    An empty ``id_number`` keeps the stored one (a form never shows it in clear), with the sex and birth date it
    determines."""
    with ledger.store.write() as conn:
        current = rows.get(conn, "residents", resident_id)
        if current is None:
            raise UserError("id", "not_found", "该居民不存在，可能已被删除")
        if not (data.id_number or "").strip() and current["id_cipher"]:
            data = replace(data, id_number=ledger.cipher.decrypt(current["id_cipher"], context=_ID_CONTEXT),
                           id_type=current["id_type"])
        valid = _validate(ledger, data, resident_id=resident_id)
        values, categories = dict(valid.values), set(valid.categories)
        if values["id_hmac"] == current["id_hmac"]:  # same number: keep the stored ciphertext (fresh nonce = noise)
            values["id_cipher"] = current["id_cipher"]
        changed = rows.update_changed(conn, "residents", resident_id, values)
        have = {r[0] for r in conn.execute("SELECT category FROM resident_categories WHERE resident_id = ?",
                                           (resident_id,))}
        hidden = hidden_categories(ledger)  # the form never showed them: they stay exactly as they were
        categories = (categories - hidden) | (have & hidden)
        for cat in have - categories:
            conn.execute("DELETE FROM resident_categories WHERE resident_id = ? AND category = ?", (resident_id, cat))
        rows.insert(conn, "resident_categories", [{"id": rows.new_id(), "resident_id": resident_id, "category": cat}
                                                  for cat in sorted(categories - have)])
    return Changes(residents=bool(changed) or have != categories, households="household_id" in changed,
                   row_id=resident_id)


_STATUS_LABELS = {"active": "恢复为在册", "moved_out": "标记为已迁出", "deceased": "标记为已故", "deleted": "删除（误登记）"}


def set_status(ledger: Ledger, resident_ids: str | Sequence[str], status: str) -> Changes:
    """Mark residents moved out, deceased, deleted or active again (residents are never erased: SYNC.md §7.2).
    One transaction and one journal entry, so 操作记录 can undo it (a deleted resident leaves every list)."""
    ids = [resident_ids] if isinstance(resident_ids, str) else list(resident_ids)
    if status not in _STATUS_LABELS:
        raise UserError("status", "status_invalid", "居民状态不正确")
    steps: list[journal.Step] = []
    names: list[str] = []
    with ledger.store.write() as conn:
        for resident_id in ids:
            current = rows.get(conn, "residents", resident_id)
            if current is None or current["status"] == "merged":
                raise UserError("id", "not_found", "该居民不存在，或已被合并")
            if rows.update_changed(conn, "residents", resident_id, {"status": status}):
                steps.append(journal.updated("residents", resident_id, {"status": current["status"]},
                                             {"status": status}))
                names.append(current["name"])
        journal.check_listed(conn, [s["id"] for s in steps])
        if steps:
            more = f"等{len(names)}人" if len(names) > 1 else ""
            journal.record(conn, "status", f"{_STATUS_LABELS[status]}：{names[0]}{more}", steps)
            ledger.audit("status", object_type="residents", object_id=ids[0] if len(ids) == 1 else "",
                         object_label=f"{names[0]}{more}", detail=f"{_STATUS_LABELS[status]}（{len(names)} 人）")
    return Changes(residents=bool(steps), journal=bool(steps), row_id=ids[0] if len(ids) == 1 else None)


REVEAL_REASON_MIN = 2  # characters: "核对" is a reason, "a" is not


def reveal_id(ledger: Ledger, resident_id: str, reason: str) -> str:
    """The full ID number, decrypted: 查看完整号码. Needs ``FULL_ID_VIEW`` and a reason (``UserError`` on
    ``reason`` when blank or too short); the view is written to the audit log with the reason (never the number)."""
    ledger.require(Permission.FULL_ID_VIEW, "查看完整证件号码")
    why = " ".join((reason or "").split())
    if len(why) < REVEAL_REASON_MIN:
        raise UserError("reason", "reason_required", "请填写查询事由（至少两个字），查看完整号码会记入审计日志")
    why = fields.text(why, "reason", fields.LINE_TEXT)
    row = ledger.store.conn.execute("SELECT id_cipher, name FROM residents WHERE id = ?", (resident_id,)).fetchone()
    if row is None:
        raise UserError("id", "not_found", "该居民不存在，可能已被删除")
    if row[0] is None:
        return ""
    number = ledger.cipher.decrypt(row[0], context=_ID_CONTEXT)
    ledger.audit("view_full_id", object_type="residents", object_id=resident_id, object_label=row[1], detail=why)
    return number


def count(ledger: Ledger, *, active_only: bool = False) -> int:
    """Residents kept in the register (moved out and deceased too), or only those 在册 with ``active_only``."""
    listed = "status NOT IN ('merged', 'deleted')"  # the condition of the covering index residents_listed_birth
    where = listed + (" AND status = 'active'" if active_only else "")  # 7 ms at 100k, not a 27 ms table scan
    return int(ledger.store.conn.execute(f"SELECT count(*) FROM residents WHERE {where}").fetchone()[0])


_ROW_SQL = """SELECT r.rid, r.id, r.name, r.sex, r.birth_date, r.id_masked, r.phone, r.household_id,
                     h.household_no, r.grid_id, g.name, r.status
              FROM residents r LEFT JOIN households h ON h.id = r.household_id LEFT JOIN grids g ON g.id = r.grid_id"""


def _to_row(rec: Sequence[Any]) -> ResidentRow:
    sex = code_table("sex").get(rec[3])
    sex_label = sex.display if sex is not None else ""
    return ResidentRow(id=rec[1], name=rec[2], sex=sex_label, birth_date=rec[4], id_masked=rec[5] or "",
                       phone_masked=mask_phone(rec[6]), household_id=rec[7], household_no=rec[8] or "",
                       grid_id=rec[9], grid=rec[10] or "", status=rec[11])


def _full_id_query(ledger: Ledger, query: str) -> str | None:
    """The normalised ID number when the query is a whole, valid one."""
    candidate = normalize_id(query)
    if len(candidate) not in (15, 18) or not re.fullmatch(r"[0-9]+X?", candidate):
        return None
    try:
        return parse_citizen_id(candidate, today=ledger.today()).number
    except UserError:
        return None


SEARCH_LIMIT = 2000  # ranked matches of one search (the list shows them all; narrow the search for more)
SORT_COLUMNS = ("name", "birth_date")  # the listed-resident indexes (schema v2) make these sorts an index scan
_LISTED = "r.status NOT IN ('merged', 'deleted')"  # must match the partial index's WHERE to use it
_SORT_KEYS = "key >= 's' AND key < 't'"  # the name sort keys (search_index.SORT_KIND), as index search_keys_sort has


@dataclass(frozen=True)
class ResidentFilter:
    """What the resident table shows: a search and filters, and the order (``None``: ranked for a search,
    by name for a plain list)."""

    query: str = ""
    grid_id: str | None = None
    household_id: str | None = None
    category: str | None = None
    age_min: int | None = None
    age_max: int | None = None
    sort: str | None = None
    descending: bool = False


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _filter_sql(ledger: Ledger, flt: ResidentFilter) -> tuple[str, list[object]]:
    where, params = [_LISTED], list[object]()
    if flt.grid_id:
        where.append("r.grid_id = ?")
        params.append(flt.grid_id)
    if flt.household_id:
        where.append("r.household_id = ?")
        params.append(flt.household_id)
    if flt.category:
        if flt.category in hidden_categories(ledger):
            where.append("0")  # a category the actor may not see filters nothing in (and tells nothing)
        where.append("r.id IN (SELECT resident_id FROM resident_categories WHERE category = ?)")
        params.append(flt.category)
    today = ledger.today()
    if flt.age_min is not None:
        where.append("r.birth_date <= ?")
        params.append(_years_before(today, flt.age_min).isoformat())
    if flt.age_max is not None:
        where.append("r.birth_date > ?")
        params.append(_years_before(today, flt.age_max + 1).isoformat())
    return " AND ".join(where), params


def select_rids(ledger: Ledger, flt: ResidentFilter) -> array[int]:
    """The rids of every resident the filter shows, in display order: the table pages rows by these.

    A plain list is one index scan (a million rids in about 0.3 s, 8 MB); a search keeps the index's rank
    unless a sort is asked for."""
    if flt.sort is not None and flt.sort not in SORT_COLUMNS:
        raise ValueError(f"cannot sort residents by {flt.sort!r}")
    conn = ledger.store.conn
    where, params = _filter_sql(ledger, flt)
    if not flt.query.strip():
        return array("q", _ordered(conn, flt, where, params))
    number = _full_id_query(ledger, flt.query)
    probes = search_index.plan(flt.query)
    limit = SEARCH_LIMIT
    while True:  # the filters apply to the ranked matches: widen the lookup until SEARCH_LIMIT of them pass
        if number is not None:
            ranked = [r[0] for r in conn.execute("SELECT rid FROM residents WHERE id_hmac = ?",
                                                 (ledger.cipher.lookup_hash(number),))]
        else:
            ranked = search_index.lookup(conn, probes, limit)
        kept = _passing(conn, ranked, where, params)
        if len(kept) >= SEARCH_LIMIT or len(ranked) < limit or number is not None:
            kept = kept[:SEARCH_LIMIT]
            if flt.sort and kept:
                kept = list(_ordered(conn, flt, f"r.rid IN ({','.join('?' * len(kept))})", kept))
            return array("q", kept)
        limit *= 4


def _ordered(conn: sqlite3.Connection, flt: ResidentFilter, where: str, params: Sequence[object]) -> Iterator[int]:
    """The rids passing ``where`` in the filter's order. Name order is pinyin order, read from the search index's
    sort keys (``s…``: listed residents only, one covering range scan); birth order from the listed-birth index."""
    direction = "DESC" if flt.descending else "ASC"
    if (flt.sort or "name") == "name":
        if where == _LISTED:  # the whole register: the sort keys alone, in index order
            cur = conn.execute(f"SELECT rid FROM search_keys WHERE {_SORT_KEYS} ORDER BY key {direction}")
        else:  # the filter picks the rows (its own index), each one's sort key comes from search_keys_sort
            cur = conn.execute(f"SELECT r.rid FROM residents r CROSS JOIN search_keys k ON k.rid = r.rid "
                               f"AND k.key >= 's' AND k.key < 't' WHERE {where} "
                               f"ORDER BY k.key {direction}", params)
    else:
        cur = conn.execute(f"SELECT r.rid FROM residents r WHERE {where} ORDER BY r.birth_date {direction}, "
                           f"r.status {direction}, r.rid {direction}", params)  # = the listed-birth index order
    return (r[0] for r in cur)


def _passing(conn: sqlite3.Connection, ranked: list[int], where: str, params: list[object]) -> list[int]:
    """The rids of ``ranked`` that pass ``where``, in rank order."""
    keep: set[int] = set()
    for start in range(0, len(ranked), 10_000):  # under SQLite's bound-parameter limit
        part = ranked[start:start + 10_000]
        keep.update(r[0] for r in conn.execute(
            f"SELECT r.rid FROM residents r WHERE r.rid IN ({','.join('?' * len(part))}) AND {where}",
            [*part, *params]))
    return [rid for rid in ranked if rid in keep]


def search(ledger: Ledger, query: str, limit: int = 50) -> list[ResidentRow]:
    """Residents matching what the clerk typed — name, pinyin, initials, ID (whole or last digits), phone —
    best matches first."""
    conn = ledger.store.conn
    number = _full_id_query(ledger, query)
    if number is not None:
        recs = conn.execute(_ROW_SQL + " WHERE r.id_hmac = ? AND r.status NOT IN ('merged', 'deleted')",
                            (ledger.cipher.lookup_hash(number),)).fetchall()
        return [_to_row(r) for r in recs]
    rids = search_index.lookup(conn, search_index.plan(query), limit)
    return rows_by_rid(ledger, rids)


def rows_by_rid(ledger: Ledger, rids: Iterable[int]) -> list[ResidentRow]:
    order = list(rids)
    if not order:
        return []
    marks = ",".join("?" * len(order))
    by_rid = {r[0]: r for r in ledger.store.conn.execute(_ROW_SQL + f" WHERE r.rid IN ({marks})", order)}
    return [_to_row(by_rid[rid]) for rid in order if rid in by_rid]


def get(ledger: Ledger, resident_id: str) -> ResidentRow | None:
    rec = ledger.store.conn.execute(_ROW_SQL + " WHERE r.id = ?", (resident_id,)).fetchone()
    return None if rec is None else _to_row(rec)


def listing(ledger: Ledger, limit: int = 200) -> list[ResidentRow]:
    """The first ``limit`` residents in the table's name (pinyin) order (no search)."""
    return rows_by_rid(ledger, itertools.islice(_ordered(ledger.store.conn, ResidentFilter(), _LISTED, ()), limit))


def load(ledger: Ledger, resident_id: str) -> tuple[ResidentInput, str, str]:
    """A resident's stored values as a form shows them: the input (ID number left empty: it stays sealed), the
    masked ID number and the 户号."""
    conn = ledger.store.conn
    rec = rows.get(conn, "residents", resident_id)
    if rec is None:
        raise UserError("id", "not_found", "该居民不存在，可能已被删除")
    hidden = hidden_categories(ledger)
    cats = tuple(r[0] for r in conn.execute(
        "SELECT category FROM resident_categories WHERE resident_id = ? ORDER BY category", (resident_id,))
        if r[0] not in hidden)
    house = conn.execute("SELECT household_no FROM households WHERE id = ?", (rec["household_id"],)).fetchone()
    data = ResidentInput(
        name=rec["name"], id_type=rec["id_type"], sex=rec["sex"], birth_date=rec["birth_date"],
        ethnicity=rec["ethnicity"] or "", phone=rec["phone"], household_id=rec["household_id"],
        relation=rec["relation"] or "", grid_id=rec["grid_id"], residence_type=rec["residence_type"],
        address=rec["address"], occupation=rec["occupation"], notes=rec["notes"], categories=cats)
    return data, rec["id_masked"] or "", house[0] if house is not None else ""


def household_for_number(ledger: Ledger, household_no: str) -> tuple[str, str | None]:
    """The active household with this 户号: (id, grid id); ``UserError`` on the ``household_id`` field if none."""
    number = household_no.strip()
    rec = ledger.store.conn.execute("SELECT id, grid_id FROM households WHERE household_no = ? AND status = 'active'",
                                    (number,)).fetchone()
    if rec is None:
        raise UserError("household_id", "household_unknown",
                        f"户号 {number} 不存在；请先在“户”页面新建该户，或核对户号")
    return rec[0], rec[1]
