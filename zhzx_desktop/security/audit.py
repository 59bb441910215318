"""The audit log (DOMAIN.md §4.3 安全审计): append-only, hash-chained, written in the same transaction as what it
records.

Each entry's ``hash`` is SHA-256 over its fields and the previous entry's hash (``GENESIS`` for the first), so an
edit, a deletion or a reordering breaks the chain at that entry (``verify``). Two things the chain alone cannot see —
the newest entries cut off, and the whole chain recomputed after an edit — are caught by the **anchor**: a small
file outside the database (``paths.state_dir()/<db_id>.audit.json``) holding the head's seq and hash and a mark
every ``MARK_EVERY`` entries. It is written only for committed entries (``reanchor``: on ``Ledger.close()``, after
explicit entries at most every few seconds, after a restore), so after a crash it is at or behind the head — never a
false alarm. The county's copy of the log (pushed by the sync) is the defence against someone who rewrites both.

Every write that changed the people's data without an explicit entry gets one generic ``edit`` entry from the
commit hook ``summarise``: what kind of rows, how many, a few names and the changed field NAMES — never a value.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from zhzx_desktop import paths
from zhzx_desktop.domain.roles import ROLE_LABELS, Role
from zhzx_desktop.domain.validation import field_label
from zhzx_desktop.security.session import Actor, Session, system_actor
from zhzx_desktop.storage.db import CommitHook, Store, Tx

log = logging.getLogger(__name__)

GENESIS = "0" * 64

# Action codes → the verb a sentence uses. Extend here; the code is what the database keeps.
ACTIONS: dict[str, str] = {
    # accounts (security/accounts.py)
    "login": "登录", "login_failed": "登录失败", "logout": "退出登录", "account_locked": "账户被锁定",
    "account_unlocked": "解除锁定", "account_created": "新建账户", "account_changed": "修改账户",
    "password_changed": "修改密码", "password_reset": "重置密码", "screen_locked": "锁定屏幕",
    # the people's data
    "edit": "修改", "view_full_id": "查看完整号码", "print": "打印", "archive": "存入卷宗", "export": "导出",
    "import": "导入", "merge": "合并", "undo": "撤销", "status": "更改状态", "delete": "删除",
    "report_submitted": "上报月报",
    # the system
    "sync": "同步", "backup": "备份", "restore": "恢复备份", "check": "检查数据库", "migrate": "升级数据库",
    "key_escrowed": "托管数据密钥", "key_recovery_requested": "申请恢复密钥", "key_recovered": "恢复数据密钥",
    "audit_verified": "校验审计日志", "denied": "无权操作",
    "escalate": "上报镇综治中心",  # 研判 (services/warnings.py)
}
# Verbs that already say the attempt failed: their sentence gets no extra "失败".
_FAILURE_VERBS = frozenset({"login_failed", "account_locked", "denied"})

# What a clerk calls the rows of each table (sentences, the generic summary).
OBJECT_TYPES: dict[str, str] = {
    "residents": "居民", "households": "户", "grids": "网格", "teams": "队伍", "cases": "案件",
    "resident_categories": "人员类别", "grid_workers": "网格员", "team_members": "队员",
    "team_activities": "队伍活动", "activity_participants": "活动参加人", "case_parties": "当事人",
    "case_mediators": "调解员", "case_sessions": "调查调解记录", "agreements": "调解协议", "installments": "履行分期",
    "follow_ups": "回访", "case_documents": "卷宗材料", "accounts": "账户", "database": "数据库", "backup": "备份",
    "audit_log": "审计日志", "journal": "操作记录", "monthly_reports": "月报",
}
# The column that names a row of a table for a person (never an ID number or a phone).
_LABEL_COLUMNS: dict[str, str] = {
    "residents": "name", "households": "household_no", "grids": "name", "teams": "name", "cases": "case_no",
    "grid_workers": "name", "case_parties": "name", "case_mediators": "name", "case_documents": "title",
    "team_activities": "activity_date",
}
# Columns whose label in FIELD_LABELS goes by another name.
_COLUMN_LABELS: dict[str, str] = {
    "id_cipher": "身份证号", "id_hmac": "身份证号", "id_masked": "身份证号", "merged_into": "合并到",
    "created_at": "创建时间", "code": "编码", "title": "标题", "amount_fen": "金额", "case_no": "案号",
}
_OPS = {"insert": "新增", "update": "修改", "delete": "删除"}
_OP_PREFIXES = tuple(_OPS.values())
SUMMARY_LABELS = 3  # object labels named per table and operation

_FIELDS = ("id", "seq", "device", "at", "actor", "actor_name", "role", "action", "object_type", "object_id",
           "object_label", "success", "detail", "prev_hash")
_COLUMNS = (*_FIELDS, "hash")
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM audit_log"

MARK_EVERY = 16  # the anchor keeps a mark (hash prefix) every this many entries
_MARK_CHARS = 16
REANCHOR_SECONDS = 5.0  # ``reanchor_soon`` writes the anchor at most this often per database


@dataclass(frozen=True)
class AuditEntry:
    id: str
    seq: int
    device: str
    at: str
    actor: str
    actor_name: str
    role: str
    action: str
    object_type: str
    object_id: str
    object_label: str
    success: int
    detail: str
    prev_hash: str
    hash: str

    @property
    def ok(self) -> bool:
        return bool(self.success)


@dataclass(frozen=True)
class AuditReport:
    ok: bool
    entries: int
    first_broken: int | None  # the seq of the first entry found broken (or missing)
    problem: str  # Chinese, names the entry; '' when ok
    last: str = ""  # the newest entry as a sentence (for "审计日志完整：共N条，最后一条…")
    anchored: bool = False  # the anchor outside the database was present and checked


def entry_hash(entry: Mapping[str, Any]) -> str:
    canonical = json.dumps([entry[k] for k in _FIELDS], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _append(conn: sqlite3.Connection, actor: Actor, action: str, *, object_type: str = "", object_id: str = "",
            object_label: str = "", success: bool = True, detail: str = "") -> int:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    last = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    device = conn.execute("SELECT v FROM app_meta WHERE k = 'db_id'").fetchone()[0]  # (cached by SQLite: cheap)
    entry: dict[str, Any] = {
        "id": uuid.uuid4().hex, "seq": (last[0] + 1) if last else 1, "device": device, "at": _now(),
        "actor": actor.username, "actor_name": actor.display_name, "role": str(actor.role), "action": action,
        "object_type": object_type, "object_id": object_id, "object_label": object_label,
        "success": int(success), "detail": detail, "prev_hash": last[1] if last else GENESIS,
    }
    entry["hash"] = entry_hash(entry)
    conn.execute(f"INSERT INTO audit_log({', '.join(entry)}) VALUES ({', '.join('?' * len(entry))})",
                 tuple(entry.values()))
    return int(entry["seq"])


def record(store: Store, actor: Actor, action: str, *, object_type: str = "", object_id: str = "",
           object_label: str = "", success: bool = True, detail: str = "") -> int:
    """Append one entry inside the write transaction in progress (``store.write()``); returns its seq."""
    if store.tx is None:
        raise RuntimeError("audit.record needs an open store.write() transaction")
    seq = _append(store.conn, actor, action, object_type=object_type, object_id=object_id,
                  object_label=object_label, success=success, detail=detail)
    store.tx.audited = True
    return seq


# ------------------------------------------------------------------------------------------------------------------
# The generic summary of a write (commit hook)
# ------------------------------------------------------------------------------------------------------------------


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _column_label(column: str) -> str:
    return _COLUMN_LABELS.get(column) or field_label(column)


def _labels(conn: sqlite3.Connection, table: str, op: str, outbox_from: int) -> list[tuple[str, str]]:
    """Up to ``SUMMARY_LABELS`` (row id, label) of the rows of ``table`` this write touched with ``op``."""
    column = _LABEL_COLUMNS.get(table)
    rows = conn.execute("SELECT DISTINCT row_id FROM sync_outbox WHERE seq > ? AND table_name = ? AND op = ? "
                        "LIMIT ?", (outbox_from, table, op, SUMMARY_LABELS)).fetchall()
    out: list[tuple[str, str]] = []
    for (row_id,) in rows:
        label = ""
        if column is not None and op != "delete":
            found = conn.execute(f"SELECT {_q(column)} FROM {_q(table)} WHERE id = ?", (row_id,)).fetchone()
            label = str(found[0]) if found is not None and found[0] is not None else ""
        out.append((str(row_id), label))
    return out


def summary(conn: sqlite3.Connection, outbox_from: int) -> tuple[str, str, str, str] | None:
    """(object_type, object_id, object_label, detail) describing the outbox rows above ``outbox_from``; None if
    there are none. One row → the object is filled; the detail names counts, labels and changed field names."""
    groups = conn.execute(
        "SELECT table_name, op, count(DISTINCT row_id), min(seq) FROM sync_outbox WHERE seq > ? "
        "GROUP BY table_name, op ORDER BY min(seq)", (outbox_from,)).fetchall()
    if not groups:
        return None
    parts: list[str] = []
    first_labels: list[tuple[str, str]] = []
    for table, op, n, _ in groups:
        kind = OBJECT_TYPES.get(table, table)
        labels = _labels(conn, table, op, outbox_from)
        if not parts:
            first_labels = labels
        fields = ""
        if op == "update":
            keys = conn.execute(
                "SELECT DISTINCT j.key FROM sync_outbox o, json_each(o.data) j WHERE o.seq > ? AND o.table_name = ? "
                "AND o.op = 'update'", (outbox_from, table)).fetchall()
            fields = "、".join(dict.fromkeys(_column_label(str(k)) for (k,) in keys))
        named = [label for _, label in labels if label]
        if n == 1:
            text = f"{_OPS[op]}{kind}" + (f" {named[0]}" if named else "") + (f"（{fields}）" if fields else "")
        else:
            inner = "、".join(named) + ("等" if named and n > len(named) else "")
            if fields:
                inner = f"{inner}：{fields}" if inner else fields
            text = f"{_OPS[op]}{kind}{n}条" + (f"（{inner}）" if inner else "")
        parts.append(text)
    # One object: the first group is one row, and the rest only its details (a resident's categories), not other
    # named things (a household created with it).
    first_table, _, first_n, _ = groups[0]
    single: tuple[str, str, str] | None = None
    if first_n == 1 and first_labels and not any(
            t in _LABEL_COLUMNS and (t, o) != (first_table, groups[0][1]) for t, o, *_ in groups[1:]):
        single = (str(first_table), first_labels[0][0], first_labels[0][1])
    object_type, object_id, object_label = single if single is not None else ("", "", "")
    return object_type, object_id, object_label, "；".join(parts)


def summarise(session: Session) -> CommitHook:
    """The commit hook: a write that changed captured rows and recorded no entry of its own gets one ``edit``."""

    def hook(conn: sqlite3.Connection, tx: Tx) -> None:
        if tx.audited:
            return
        described = summary(conn, tx.outbox_from)
        if described is None:
            return
        object_type, object_id, object_label, detail = described
        _append(conn, session.actor or system_actor(), "edit", object_type=object_type, object_id=object_id,
                object_label=object_label, detail=detail)
        tx.audited = True

    return hook


# ------------------------------------------------------------------------------------------------------------------
# Reading: entries, filters, sentences
# ------------------------------------------------------------------------------------------------------------------


def _entry(row: Sequence[Any]) -> AuditEntry:
    return AuditEntry(*row)


@dataclass(frozen=True)
class AuditFilter:
    since: date | None = None
    until: date | None = None  # inclusive
    user: str = ""  # username (exact) or part of the display name
    action: str = ""  # an ACTIONS code
    failed_only: bool = False
    text: str = ""  # part of the object's name or the detail

    def where(self) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if self.since is not None:
            clauses.append("at >= ?")
            params.append(self.since.isoformat())
        if self.until is not None:
            clauses.append("at < ?")
            params.append((self.until + timedelta(days=1)).isoformat())
        if self.user:
            clauses.append("(actor = ? COLLATE NOCASE OR instr(actor_name, ?) > 0)")
            params += [self.user, self.user]
        if self.action:
            clauses.append("action = ?")
            params.append(self.action)
        if self.failed_only:
            clauses.append("success = 0")
        if self.text:
            clauses.append("(instr(object_label, ?) > 0 OR instr(detail, ?) > 0 OR instr(actor_name, ?) > 0)")
            params += [self.text] * 3
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def entries(conn: sqlite3.Connection, flt: AuditFilter | None = None, *, before_seq: int | None = None,
            limit: int | None = 200) -> list[AuditEntry]:
    """Entries matching ``flt``, newest first; ``before_seq`` continues a page (keyset paging)."""
    where, params = (flt or AuditFilter()).where()
    if before_seq is not None:
        where += (" AND " if where else " WHERE ") + "seq < ?"
        params.append(before_seq)
    sql = f"{_SELECT}{where} ORDER BY seq DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [_entry(row) for row in conn.execute(sql, params)]


def users(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(username, latest display name) of everyone in the log, for a filter."""
    rows = conn.execute("SELECT actor, actor_name FROM audit_log WHERE seq IN "
                        "(SELECT max(seq) FROM audit_log GROUP BY actor) ORDER BY actor").fetchall()
    return [(str(a), str(n)) for a, n in rows]


def _get(row: AuditEntry | Mapping[str, Any], key: str) -> Any:
    return getattr(row, key) if isinstance(row, AuditEntry) else row[key]


def when(at: str) -> str:
    """'2026-11-24T09:15:03+08:00' → '2026-11-24 09:15'."""
    return at[:16].replace("T", " ")


def who(row: AuditEntry | Mapping[str, Any]) -> str:
    """王芳（调解员）; the command line as itself (命令行 root)."""
    role, name = str(_get(row, "role")), str(_get(row, "actor_name"))
    if role == Role.SYSTEM:
        return name
    try:
        return f"{name}（{ROLE_LABELS[Role(role)]}）"
    except ValueError:
        return f"{name}（{role}）"


def object_text(row: AuditEntry | Mapping[str, Any]) -> str:
    """居民 张三 — what the entry is about, '' when nothing in particular."""
    kind = str(_get(row, "object_type"))
    label = str(_get(row, "object_label"))
    kind_text = OBJECT_TYPES.get(kind, kind)
    return " ".join(part for part in (kind_text, label) if part)


def verb(action: str) -> str:
    return ACTIONS.get(action, action)


def action_text(row: AuditEntry | Mapping[str, Any]) -> str:
    """The 操作 a person reads: the verb, or 新增/修改/删除 for a summarised edit."""
    action, detail = str(_get(row, "action")), str(_get(row, "detail"))
    if action == "edit" and detail.startswith(_OP_PREFIXES):
        return detail[:2]
    return verb(action)


def sentence(row: AuditEntry | Mapping[str, Any]) -> str:
    """One readable sentence: '2026-11-24 09:15 王芳（调解员）查看完整号码：居民 张三（事由：核对身份）'."""
    action = str(_get(row, "action"))
    detail = str(_get(row, "detail"))
    success = bool(_get(row, "success"))
    head = f"{when(str(_get(row, 'at')))} {who(row)}"
    if str(_get(row, "role")) == Role.SYSTEM:
        head += " "
    if action == "edit" and detail.startswith(_OP_PREFIXES):
        body = detail
    else:
        obj = object_text(row)
        body = verb(action) + (f"：{obj}" if obj else "") + (f"（{detail}）" if detail else "")
    if not success and action not in _FAILURE_VERBS:
        body += "——失败"
    return head + body


# ------------------------------------------------------------------------------------------------------------------
# Verifying the chain and the anchor
# ------------------------------------------------------------------------------------------------------------------


def _short(entry: AuditEntry) -> str:
    """'第37条记录（2026-11-24 09:15 王芳 查看完整号码）'."""
    return f"第{entry.seq}条记录（{when(entry.at)} {entry.actor_name} {action_text(entry)}）"


def _hash_with_seq(entry: AuditEntry, seq: int) -> str:
    fields = asdict(entry)
    fields["seq"] = seq
    return entry_hash(fields)


_SEARCH_LIMIT = 200_000  # entries tried when looking for where a moved entry came from


def _original_seq(conn: sqlite3.Connection, entry: AuditEntry) -> int | None:
    """The seq this entry was written with, when only its seq was changed (it was moved); else None."""
    owner = conn.execute("SELECT seq FROM audit_log WHERE hash = ? AND seq <> ?",
                         (entry.prev_hash, entry.seq)).fetchone()
    first = 1 if entry.prev_hash == GENESIS else int(owner[0]) + 1 if owner is not None else None
    if first is not None and first != entry.seq and _hash_with_seq(entry, first) == entry.hash:
        return first
    top = int(conn.execute("SELECT max(seq) FROM audit_log").fetchone()[0] or 0) + 1
    for seq in range(1, min(top, _SEARCH_LIMIT) + 1):
        if seq != entry.seq and _hash_with_seq(entry, seq) == entry.hash:
            return seq
    return None


def _diagnose_content(conn: sqlite3.Connection, entry: AuditEntry, expected: int) -> tuple[int, str]:
    """Entry ``expected``'s hash is wrong: was it edited, or moved here from another place?"""
    origin = _original_seq(conn, entry)
    if origin is not None:
        if origin < entry.seq:
            return origin, (f"第{origin}条起插入了伪造的记录：原来的第{origin}条记录"
                            f"（{when(entry.at)} {entry.actor_name} {action_text(entry)}）被挪到了第{entry.seq}条")
        other = conn.execute(f"{_SELECT} WHERE seq = ?", (origin,)).fetchone()
        if other is not None:
            moved = _entry(other)
            if _hash_with_seq(moved, entry.seq) == moved.hash:
                return entry.seq, f"{_short(entry)}与{_short(moved)}的顺序被调换"
        return entry.seq, f"{_short(entry)}原本是第{origin}条：它之前的记录被删除后重新编号，顺序被改动"
    return entry.seq, f"{_short(entry)}内容被改动"


def _check_chain(conn: sqlite3.Connection, device: str) -> tuple[int, AuditEntry | None, int | None, str]:
    """(entries, head, first_broken, problem) of the chain in the database alone."""
    expected, prev_hash = 1, GENESIS
    prev: AuditEntry | None = None
    count = 0
    for row in conn.execute(f"{_SELECT} ORDER BY seq"):
        entry = _entry(row)
        count += 1
        if entry.seq != expected:
            if entry.seq < expected:  # only possible for seq < 1
                return count, prev, entry.seq, f"发现序号不对的记录：{_short(entry)}（序号应从1开始）"
            missing = f"第{expected}条" if entry.seq == expected + 1 else f"第{expected}至{entry.seq - 1}条"
            return count, prev, expected, f"{_short(entry)}之前缺少记录：{missing}记录被删除"
        if entry_hash(asdict(entry)) != entry.hash:
            broken, problem = _diagnose_content(conn, entry, expected)
            return count, prev, broken, problem
        if entry.prev_hash != prev_hash:
            if prev is None:
                return count, prev, entry.seq, f"{_short(entry)}不是日志的第一条：它之前的记录被删除"
            return count, prev, prev.seq, (f"{_short(prev)}被改动或替换（与下一条记录衔接不上），"
                                           f"或{_short(entry)}之前的记录被删除")
        if entry.device != device:
            return count, prev, entry.seq, f"{_short(entry)}不是本数据库写入的（设备标识不符），是从别处插入的"
        prev, prev_hash, expected = entry, entry.hash, expected + 1
    return count, prev, None, ""


def anchor_path(db_id: str) -> Path:
    return paths.state_dir() / f"{db_id}.audit.json"


@dataclass(frozen=True)
class _Anchor:
    seq: int
    hash: str
    marks: dict[int, str]
    written_at: str


def _read_anchor(db_id: str) -> _Anchor | str | None:
    """The anchor, None when there is none, or a problem (Chinese) when the file is not a valid anchor."""
    path = anchor_path(db_id)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"无法读取审计日志的锚点文件 {path}：{exc}"
    try:
        data = json.loads(text)
        if data.get("db_id") != db_id:
            return f"审计日志的锚点文件 {path} 不属于本数据库（被替换过）"
        return _Anchor(int(data["seq"]), str(data["hash"]), {int(k): str(v) for k, v in data["marks"].items()},
                       str(data["written_at"]))
    except (ValueError, KeyError, TypeError, AttributeError):
        return f"审计日志的锚点文件 {path} 已损坏或被改动"


def _restored_after(conn: sqlite3.Connection, written_at: str) -> bool:
    """A backup was restored after the anchor was written (the restored log is older than the anchor)."""
    try:
        anchored = datetime.fromisoformat(written_at)
    except ValueError:
        return False
    for (at,) in conn.execute("SELECT at FROM audit_log WHERE action = 'restore' AND success = 1"):
        try:
            if datetime.fromisoformat(str(at)) >= anchored:
                return True
        except ValueError:
            continue
    return False


def _check_anchor(conn: sqlite3.Connection, anchor: _Anchor, head: AuditEntry | None) -> tuple[int | None, str]:
    head_seq = head.seq if head is not None else 0
    hashes: dict[int, str] = dict(conn.execute("SELECT seq, hash FROM audit_log WHERE seq % ? = 0 OR seq = ?",
                                               (MARK_EVERY, anchor.seq)).fetchall())
    for seq in sorted(anchor.marks):
        if seq > head_seq:
            break
        if not str(hashes.get(seq, "")).startswith(anchor.marks[seq]):
            low = max((s for s in anchor.marks if s < seq), default=0) + 1
            where = f"第{seq}条" if low == seq else f"第{low}至{seq}条之间"
            return low, (f"{where}的记录被改动后整条日志被重新计算过（与本机另存的锚点不符）")
    if anchor.seq > head_seq:
        missing = f"第{head_seq + 1}条" if anchor.seq == head_seq + 1 else f"第{head_seq + 1}至{anchor.seq}条"
        return head_seq + 1, f"审计日志末尾的记录被删除：本机记得有{anchor.seq}条，现在只有{head_seq}条（缺{missing}）"
    if hashes.get(anchor.seq) != anchor.hash:
        low = max((s for s in anchor.marks if s < anchor.seq), default=0) + 1
        return low, (f"第{low}至{anchor.seq}条之间的记录被改动后整条日志被重新计算过（与本机另存的锚点不符）")
    return None, ""


def verify(conn: sqlite3.Connection, *, anchor: bool = True) -> AuditReport:
    """Recompute every hash, check seq (1, 2, 3 … no gaps), the prev_hash links, the device; then the anchor outside
    the database when there is one (``anchor=False`` for a copy, e.g. a backup being checked)."""
    device_row = conn.execute("SELECT v FROM app_meta WHERE k = 'db_id'").fetchone()
    device = str(device_row[0]) if device_row else ""
    count, head, broken, problem = _check_chain(conn, device)
    if broken is not None:
        return AuditReport(False, count, broken, problem)
    total = count
    last = sentence(head) if head is not None else ""
    checked = False
    if anchor and device:
        found = _read_anchor(device)
        if isinstance(found, str):
            return AuditReport(False, total, None, found, last)
        if found is not None and not _restored_after(conn, found.written_at):
            checked = True
            broken, problem = _check_anchor(conn, found, head)
            if broken is not None:
                return AuditReport(False, total, broken, problem, last, True)
    return AuditReport(True, total, None, "", last, checked)


# ------------------------------------------------------------------------------------------------------------------
# Writing the anchor
# ------------------------------------------------------------------------------------------------------------------

_last_anchor: dict[str, float] = {}


def _write_anchor(db_id: str, head: AuditEntry, marks: dict[int, str]) -> None:
    path = anchor_path(db_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"db_id": db_id, "seq": head.seq, "hash": head.hash, "written_at": _now(),
            "marks": {str(k): v for k, v in sorted(marks.items())}}
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, separators=(",", ":"))
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _marks(rows: Sequence[AuditEntry]) -> dict[int, str]:
    return {e.seq: e.hash[:_MARK_CHARS] for e in rows if e.seq % MARK_EVERY == 0}


def reanchor(store: Store, *, force: bool = False) -> bool:
    """Write the anchor for the current (committed) head; True if written. The anchor moves forward only along a
    chain that continues the old anchor intact; a fresh anchor (none yet, a restore since, or ``force``) needs the
    whole chain to verify. Never raises for a file problem (logged): the anchor is a second line, not the log."""
    if store.tx is not None:
        return False  # never anchor an entry that may still roll back
    conn = store.conn
    try:
        db_id = store.meta("db_id")
        if db_id is None or conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'").fetchone() is None:
            return False
        head_row = conn.execute(f"{_SELECT} ORDER BY seq DESC LIMIT 1").fetchone()
        if head_row is None:
            return False
        head = _entry(head_row)
        old = None if force else _read_anchor(db_id)
        if isinstance(old, _Anchor) and _restored_after(conn, old.written_at):
            old = None
        if isinstance(old, _Anchor):
            if old.seq == head.seq and old.hash == head.hash:
                _last_anchor[str(store.path)] = time.monotonic()
                return True
            broken, _ = _check_anchor(conn, old, head)
            newer = [_entry(r) for r in conn.execute(f"{_SELECT} WHERE seq >= ? ORDER BY seq", (old.seq,))]
            prev = newer[0] if newer else None
            intact = broken is None and prev is not None
            for entry in newer[1:]:
                if not intact or prev is None:
                    break
                intact = (entry.seq == prev.seq + 1 and entry.prev_hash == prev.hash
                          and entry_hash(asdict(entry)) == entry.hash)
                prev = entry
            if not intact:
                log.warning("audit log does not continue its anchor; the anchor stays where it was")
                return False
            _write_anchor(db_id, head, {**old.marks, **_marks(newer)})
        else:
            if isinstance(old, str):
                log.warning("audit anchor unreadable (%s); writing a new one", old)
            report = verify(conn, anchor=False)
            if not report.ok:
                log.warning("audit log broken at entry %s; no anchor written", report.first_broken)
                return False
            everything = [_entry(r) for r in conn.execute(f"{_SELECT} WHERE seq % ? = 0 ORDER BY seq",
                                                          (MARK_EVERY,))]
            _write_anchor(db_id, head, _marks(everything))
    except (OSError, sqlite3.Error) as exc:
        log.warning("could not write the audit anchor: %s", exc)
        return False
    _last_anchor[str(store.path)] = time.monotonic()
    return True


def reanchor_soon(store: Store) -> None:
    """``reanchor`` unless it ran for this database in the last ``REANCHOR_SECONDS`` (after explicit entries)."""
    last = _last_anchor.get(str(store.path))
    if last is not None and time.monotonic() - last < REANCHOR_SECONDS:
        return
    reanchor(store)


# ------------------------------------------------------------------------------------------------------------------
# Opening a database file to read its log (the command line's verify and list: no data key, no write)
# ------------------------------------------------------------------------------------------------------------------


def open_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection to the database at ``path`` (KnownError in Chinese when it is not one with a log)."""
    from zhzx_desktop.errors import KnownError

    if not path.is_file():
        raise KnownError(f"找不到数据库文件 {path}。")
    try:
        conn = sqlite3.connect(f"file:{path.resolve().as_posix()}?mode=ro", uri=True)
        has_log = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'").fetchone()
    except sqlite3.DatabaseError as exc:
        raise KnownError(f"无法读取数据库文件 {path}：{exc}。文件可能已损坏或不是本程序的数据库。") from exc
    if has_log is None:
        conn.close()
        raise KnownError(f"数据库 {path} 还没有审计日志（版本较旧）：请先用本程序打开一次，它会自动升级。")
    return conn
