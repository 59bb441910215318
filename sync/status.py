"""What the clerk sees about the sync (Qt-free queries for the GUI and the command line).

Every text is a full Chinese sentence; a phone or an ID number is never shown in clear (domain/masking.py).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any, Final

from sync import outbox, protocol
from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.domain.masking import mask_id, mask_phone
from zhzx_desktop.domain.validation import field_label
from zhzx_desktop.errors import UserError
from zhzx_desktop.storage.db import Store

UNSENT: Final = "未上报"
SENT: Final = "已上报待确认"
CONFIRMED: Final = "县里已确认"
RETURNED: Final = "被退回"
STATES: Final = (UNSENT, SENT, CONFIRMED, RETURNED)
_STATE_OF: Final = {"pending": UNSENT, "inflight": SENT, "acked": CONFIRMED, "quarantined": RETURNED}
_OUTBOX_OF: Final = {v: k for k, v in _STATE_OF.items()}

TABLE_LABELS: Final = {
    "grids": "网格", "households": "户", "residents": "居民", "resident_categories": "居民类别",
    "grid_workers": "网格员", "teams": "队伍", "team_members": "队员", "team_activities": "队伍活动",
    "activity_participants": "活动参加人", "cases": "案件", "case_parties": "当事人", "case_mediators": "调解员",
    "case_sessions": "调解记录", "agreements": "调解协议", "installments": "履行分期", "follow_ups": "回访",
    "case_documents": "卷宗材料", "monthly_reports": "月报",
}
_LABEL_SQL: Final = {
    "residents": "SELECT name FROM residents WHERE id = ?",
    "households": "SELECT household_no FROM households WHERE id = ?",
    "grids": "SELECT name FROM grids WHERE id = ?",
    "teams": "SELECT name FROM teams WHERE id = ?",
    "grid_workers": "SELECT name FROM grid_workers WHERE id = ?",
    "case_parties": "SELECT name FROM case_parties WHERE id = ?",
    "monthly_reports": "SELECT month FROM monthly_reports WHERE id = ?",
    "case_mediators": "SELECT name FROM case_mediators WHERE id = ?",
    "team_members": "SELECT r.name FROM team_members m JOIN residents r ON r.id = m.resident_id WHERE m.id = ?",
}


@dataclass(frozen=True)
class Overview:
    enrolled: bool
    server_url: str
    village_name: str
    last_success_at: str | None
    pending: int
    oldest_unconfirmed_at: str | None
    quarantined: int
    open_conflicts: int
    skew_seconds: float | None
    last_error: str | None


@dataclass(frozen=True)
class RecordStatus:
    table: str
    row_id: str
    label: str
    status: str
    reason: str | None
    changed_at: str


@dataclass(frozen=True)
class ConflictCard:
    id: int
    table: str
    row_id: str
    label: str
    field: str
    field_label: str
    mine: str
    theirs: str
    resolution: str
    text: str
    can_keep_mine: bool


@dataclass(frozen=True)
class Quarantined:
    seq: int
    label: str
    reason: str
    client_time: str


def overview(conn: sqlite3.Connection) -> Overview:
    counts = outbox.status(conn)  # from the (state, seq) index: the status bar reads this at start-up
    pending, oldest, quarantined = counts.pending, counts.oldest_pending_at, counts.quarantined
    open_conflicts = conn.execute("SELECT count(*) FROM sync_conflicts WHERE seen_by_clerk = 0").fetchone()[0]
    skew = outbox.get_state(conn, "skew_seconds")
    return Overview(bool(outbox.get_state(conn, "device_id")), outbox.get_state(conn, "server_url"), outbox.get_state(conn, "village_name"),
                    outbox.get_state(conn, "last_success_at") or None, int(pending), oldest, int(quarantined),
                    int(open_conflicts), float(skew) if skew else None, outbox.get_state(conn, "last_error") or None)


def label(conn: sqlite3.Connection, table: str, row_id: str) -> str:
    """``居民 王小明``, ``案件（2026）X村人调字第001号``; a row not (or no longer) here: its kind and short id."""
    kind = TABLE_LABELS.get(table, table)
    if table == "cases":
        row = conn.execute("SELECT case_no FROM cases WHERE id = ?", (row_id,)).fetchone()
        return f"案件{row[0]}" if row is not None and row[0] else f"案件（未编号，{row_id[:8]}）"
    sql = _LABEL_SQL.get(table)
    row = conn.execute(sql, (row_id,)).fetchone() if sql else None
    if row is not None and row[0]:
        return f"{kind} {row[0]}"
    return f"{kind}（编号 {row_id[:8]}）"


def record_state(conn: sqlite3.Connection, table: str, row_id: str) -> str | None:
    """The state of one record's latest change (未上报 / 已上报待确认 / 县里已确认 / 被退回); None when it has none."""
    row = conn.execute("SELECT state FROM sync_outbox WHERE table_name = ? AND row_id = ? ORDER BY seq DESC LIMIT 1",
                       (table, row_id)).fetchone()
    return _STATE_OF[row[0]] if row is not None else None


def records(conn: sqlite3.Connection, *, state: str | None = None, limit: int = 200, offset: int = 0
            ) -> list[RecordStatus]:
    """One line per changed record: the state of its latest change (newest first)."""
    where = ""
    params: list[Any] = []
    if state is not None:
        if state not in _OUTBOX_OF:
            raise ValueError(f"unknown state {state}")
        where = "WHERE o.state = ?"
        params.append(_OUTBOX_OF[state])
    # Newest first, each record by its latest change: walk seq downwards (the primary key, or the (state, seq)
    # index with a filter) and keep a change when no later one of the same row exists (the v4 row index). Reading
    # stops at the page: 500 lines of a 150k-change outbox take milliseconds, not a GROUP BY over all of it.
    rows = conn.execute(
        "SELECT o.table_name, o.row_id, o.state, o.last_error, o.client_time FROM sync_outbox o "
        f"{where} {'AND' if where else 'WHERE'} NOT EXISTS (SELECT 1 FROM sync_outbox n WHERE "
        "n.table_name = o.table_name AND n.row_id = o.row_id AND n.seq > o.seq) "
        "ORDER BY o.seq DESC LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall()
    return [RecordStatus(t, r, label(conn, t, r), _STATE_OF[s], e if s == "quarantined" else None, ct)
            for t, r, s, e, ct in rows]


def _policy(conn: sqlite3.Connection) -> dict[str, Any]:
    try:
        return dict(json.loads(outbox.get_state(conn, "policy") or "{}"))
    except ValueError:
        return {}


# Coded columns → the code table that names their values (resources/codes).
_CODED: Final = {"sex": "sex", "ethnicity": "ethnicity", "relation": "relation", "id_type": "id_type",
                 "residence_type": "residence_type", "category": "resident_category",
                 "attention_level": "attention_level", "team_type": "team_type", "source": "case_source",
                 "dispute_type": "dispute_type", "event_scale": "event_scale", "agreement_form": "agreement_form",
                 "satisfaction": "satisfaction", "jc_result": "jc_result"}


def show_value(field: str, value: Any, table: str = "") -> str:
    """A value as a clerk may see it: codes by their names, phones and ID numbers masked, empty as （空）."""
    if value is None or value == "":
        return "（空）"
    text = str(value)
    if field == "status" and table in ("residents", "cases"):
        return code_table("resident_status" if table == "residents" else "case_status").label_or(text, text)
    if field in _CODED:
        return code_table(_CODED[field]).label_or(text, text)
    if field == "id_cipher":
        return "（加密的证件号）"
    if "phone" in field:
        return f"{mask_phone(text)}（已遮挡）"
    if field in ("id_number", "id_doc_number", "id_masked"):
        return f"{mask_id(text)}（已遮挡）" if "*" not in text else text
    return text


def _clerk_owned(policy: dict[str, Any], table: str, field: str) -> bool:
    spec = (policy.get("tables") or {}).get(table) or {}
    return field not in (spec.get("county_owned") or []) and field not in (spec.get("county_wins") or [])


def conflicts(conn: sqlite3.Connection, open_only: bool = True) -> list[ConflictCard]:
    policy = _policy(conn)
    rows = conn.execute("SELECT id, table_name, row_id, field, mine, theirs, resolution FROM sync_conflicts "
                        + ("WHERE seen_by_clerk = 0 " if open_only else "") + "ORDER BY id").fetchall()
    cards = []
    for cid, table, row_id, fld, mine_json, theirs_json, resolution in rows:
        fld = str(fld or "")
        mine = show_value(fld, _loads(mine_json), table)
        theirs = show_value(fld, _loads(theirs_json), table)
        who = label(conn, table, row_id)
        name = field_label(fld)
        if resolution == outbox.UNIQUE_CLASH:
            cards.append(ConflictCard(
                int(cid), table, row_id, f"{TABLE_LABELS.get(table, table)} {theirs}", fld, name, mine, theirs,
                str(resolution), f"县里的{TABLE_LABELS.get(table, table)}「{theirs}」与本机的一条记录{name}相同"
                "（可能两台电脑用了同一个案号段），本机没有收下它。请联系县综治中心核对后改号；本机的记录没有改动。",
                False))
            continue
        if resolution == "county_wins":
            rule = "按规则采用县里的值。"
        elif resolution == "clerk_wins":
            rule = "按规则采用您的值，县里原来的值已留档。"
        elif resolution == "delete_wins":
            rule = "县里已删除这条记录，按规则您的修改没有采用。"
        else:
            rule = "已按县里的规则处理。"
        text = f"{who} 的「{name}」：您改为 {mine}，县里改为 {theirs}，{rule}"
        can_keep = resolution == "clerk_wins" or (resolution == "county_wins" and _clerk_owned(policy, table, fld))
        cards.append(ConflictCard(int(cid), table, row_id, who, fld, name, mine, theirs, str(resolution), text,
                                  can_keep))
    return cards


def _loads(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def decide(store: Store, conflict_id: int, keep: str) -> None:
    """The clerk's decision on a card. 'theirs' takes the county's value; 'mine' writes the clerk's value again as
    a normal local edit (a new outbox change) — only for clerk-owned fields."""
    if keep not in ("theirs", "mine"):
        raise ValueError(keep)
    conn = store.conn
    row = conn.execute("SELECT table_name, row_id, field, mine, theirs, resolution FROM sync_conflicts WHERE id = ?",
                       (conflict_id,)).fetchone()
    if row is None:
        raise KeyError(conflict_id)
    table, row_id, fld, mine_json, theirs_json, resolution = row
    if keep == "mine" and not (resolution == "clerk_wins" or (
            resolution == "county_wins" and _clerk_owned(_policy(conn), table, fld))):
        raise UserError(fld, "county_owned", f"「{field_label(fld)}」由县里决定，不能保留您的值")
    value = _loads(mine_json if keep == "mine" else theirs_json)
    with store.write() as c:
        if (table in protocol.tables() and fld in protocol.tables()[table].columns
                and resolution not in ("delete_wins", outbox.UNIQUE_CLASH)):
            c.execute(f'UPDATE "{table}" SET "{fld}" = ? WHERE id = ? AND "{fld}" IS NOT ?', (value, row_id, value))
        c.execute("UPDATE sync_conflicts SET seen_by_clerk = 1, decided_at = strftime('%Y-%m-%dT%H:%M:%SZ','now'), "
                  "decision = ? WHERE id = ?", (keep, conflict_id))


def quarantined(conn: sqlite3.Connection) -> list[Quarantined]:
    rows = conn.execute("SELECT seq, table_name, row_id, last_error, client_time FROM sync_outbox "
                        "WHERE state = 'quarantined' ORDER BY seq").fetchall()
    return [Quarantined(int(s), label(conn, t, r), str(e or "县里拒收"), str(ct)) for s, t, r, e, ct in rows]
