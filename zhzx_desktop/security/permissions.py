"""The rule at the bottom of the role matrix: a write that changes rows the actor's role may not change is refused
before it commits (Store.commit_hooks), whatever screen or command it came from.

The services ask first (``Ledger.require``) where an action needs more than the tables it writes (查看完整号码,
exports); this guard is the backstop for every write: it reads the sync outbox rows the write captured and checks
the permission each touched table needs (``TABLE_PERMISSIONS``). A refused write is rolled back as a whole, and the
refusal is written to the audit log in a transaction of its own (so it survives the rollback).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from zhzx_desktop.domain.roles import PERMISSION_LABELS, Permission
from zhzx_desktop.errors import Forbidden
from zhzx_desktop.security import audit
from zhzx_desktop.security.session import Actor, Session
from zhzx_desktop.storage.db import CommitHook, Tx

# Every table the sync captures (storage/migrations.CAPTURED_TABLES) → the permission a write to it needs.
# tests/unit/security/test_permissions.py fails when a captured table is missing here.
TABLE_PERMISSIONS: dict[str, Permission] = {
    **dict.fromkeys(("grids", "households", "residents", "resident_categories", "grid_workers", "teams",
                     "team_members", "team_activities", "activity_participants"), Permission.REGISTER_EDIT),
    **dict.fromkeys(("cases", "case_parties", "case_mediators", "case_sessions", "agreements", "installments",
                     "follow_ups", "case_documents"), Permission.CASES_EDIT),
    "monthly_reports": Permission.EXPORT,  # a 月报 leaves the village
}

# How a refusal names what was not allowed (Chinese, for the message and the audit entry).
_WHAT: dict[Permission, str] = {
    Permission.REGISTER_EDIT: "修改居民台账（居民、户、网格、队伍）",
    Permission.CASES_EDIT: "修改调解案件",
    Permission.EXPORT: "上报月报",
}


def needed(tables: set[str]) -> list[Permission]:
    """The permissions a write touching ``tables`` needs, in a stable order (a table missing from the map needs every
    permission of the map: better refused than let through)."""
    out: set[Permission] = set()
    for table in tables:
        permission = TABLE_PERMISSIONS.get(table)
        out.update((permission,) if permission is not None else set(TABLE_PERMISSIONS.values()))
    return sorted(out)


def _tables(conn: sqlite3.Connection, tx: Tx) -> set[str]:
    return {str(r[0]) for r in conn.execute("SELECT DISTINCT table_name FROM sync_outbox WHERE seq > ?",
                                            (tx.outbox_from,))}


@dataclass
class _TxStore:
    """What ``audit.record`` needs of a store (its connection and the transaction in progress)."""

    conn: sqlite3.Connection
    tx: Tx


def _record_denied(conn: sqlite3.Connection, tx: Tx, actor: Actor, what: str, permission: Permission) -> None:
    """Roll the refused write back now and record the refusal in its own transaction (the hook's caller then
    finds no transaction to roll back)."""
    conn.execute("ROLLBACK")
    conn.execute("BEGIN IMMEDIATE")
    try:
        audit.record(_TxStore(conn, Tx(tx.id, tx.outbox_from)), actor, "denied",  # type: ignore[arg-type]
                     success=False, detail=f"{what}（需要“{PERMISSION_LABELS[permission]}”权限）")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def guard(session: Session) -> CommitHook:
    """The commit hook: refuse a write that changes rows the current actor's role may not change."""
    def check(conn: sqlite3.Connection, tx: Tx) -> None:
        tables = _tables(conn, tx)
        if not tables:
            return  # nothing the register or the cases hold (logins, audit entries, drafts, settings)
        actor = session.actor
        for permission in needed(tables):
            what = _WHAT.get(permission, "修改这些数据")
            if actor is None:
                raise Forbidden(f"请先登录，才能{what}。本次修改没有保存。")
            if not actor.can(permission):
                _record_denied(conn, tx, actor, what, permission)
                raise Forbidden(f"当前账户{actor.label}没有“{PERMISSION_LABELS[permission]}”权限，不能{what}。"
                                "本次修改没有保存。")
    return check
