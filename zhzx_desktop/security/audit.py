"""The audit log (DOMAIN.md §4.3 安全审计): append-only, hash-chained, written in the same transaction as what it
records.

Each entry's ``hash`` is SHA-256 over its fields and the previous entry's hash (``GENESIS`` for the first), so an
edit, a deletion or a reordering breaks the chain at that entry.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime
from typing import Any

from zhzx_desktop.security.session import Actor, Session
from zhzx_desktop.storage.db import CommitHook, Store

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
    # the system
    "sync": "同步", "backup": "备份", "restore": "恢复备份", "check": "检查数据库", "migrate": "升级数据库",
    "key_escrowed": "托管数据密钥", "key_recovery_requested": "申请恢复密钥", "key_recovered": "恢复数据密钥",
    "audit_verified": "校验审计日志", "denied": "无权操作",
}

_FIELDS = ("id", "seq", "device", "at", "actor", "actor_name", "role", "action", "object_type", "object_id",
           "object_label", "success", "detail", "prev_hash")


def entry_hash(entry: dict[str, Any]) -> str:
    canonical = json.dumps([entry[k] for k in _FIELDS], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record(store: Store, actor: Actor, action: str, *, object_type: str = "", object_id: str = "",
           object_label: str = "", success: bool = True, detail: str = "") -> int:
    """Append one entry inside the write transaction in progress (``store.write()``); returns its seq."""
    if store.tx is None:
        raise RuntimeError("audit.record needs an open store.write() transaction")
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    conn = store.conn
    last = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    device = conn.execute("SELECT v FROM app_meta WHERE k = 'db_id'").fetchone()[0]
    entry: dict[str, Any] = {
        "id": uuid.uuid4().hex, "seq": (last[0] + 1) if last else 1, "device": device,
        "at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "actor": actor.username, "actor_name": actor.display_name, "role": str(actor.role), "action": action,
        "object_type": object_type, "object_id": object_id, "object_label": object_label,
        "success": int(success), "detail": detail, "prev_hash": last[1] if last else GENESIS,
    }
    entry["hash"] = entry_hash(entry)
    conn.execute(f"INSERT INTO audit_log({', '.join(entry)}) VALUES ({', '.join('?' * len(entry))})",
                 tuple(entry.values()))
    store.tx.audited = True
    return int(entry["seq"])


def summarise(session: Session) -> CommitHook:
    def hook(conn, tx):  # type: ignore[no-untyped-def]  # TODO(audit helper): the generic "edit" entry
        del conn, tx
    return hook
