"""Key escrow and key recovery, village side and the county's answer (issue 6 point 3; docs/sync.md "Key escrow").

* ``escrow_key``: when the county's escrow public key becomes known (at enrollment, or from a USB stick with
  ``zhzx-desktop escrow set-key``) the data key is wrapped with it and kept in ``app_meta`` ('escrow',
  'escrow_public_key'); backups carry the wrapped key in their header; the next sync also sends it to the county
  (``push_escrow``), so the county holds it even when the PC and its backups are lost.
* Recovery is a file round trip — the fresh PC is not enrolled: ``make_request`` (db id, key check, the wrapped key,
  a one-time reply public key whose private half stays in the keyring) → the county's ``answer_request`` (unwraps
  with the escrow private key, re-wraps for the reply key) → ``apply_reply`` (installs the key after checking it).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from zhzx_desktop.errors import KnownError
from zhzx_desktop.security import audit, escrow, keys
from zhzx_desktop.security.field_crypto import FieldCipher
from zhzx_desktop.security.session import Actor, system_actor
from zhzx_desktop.storage.db import Store

log = logging.getLogger(__name__)

REQUEST_FORMAT: Final = "zhzx-key-recovery-request"
REPLY_FORMAT: Final = "zhzx-key-recovery-reply"
FORMAT_VERSION: Final = 1


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _upsert(store: Store, key: str, value: str) -> None:
    store.conn.execute("INSERT INTO app_meta(k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v",
                       (key, value))


def _identity(store: Store) -> tuple[str, str]:
    db_id, key_check = store.meta("db_id"), store.meta("key_check")
    if not db_id or not key_check:
        raise KnownError("数据库还没有数据密钥（先打开一次本程序），无法托管或恢复密钥。")
    return db_id, key_check


# ---- escrow --------------------------------------------------------------------------------------------------

def escrow_key(store: Store, public_pem: str, actor: Actor | None = None) -> bool:
    """Wrap this database's data key with the county's public key and keep it in app_meta (audited
    ``key_escrowed``). Returns False when it is already escrowed with this very key."""
    public_pem = public_pem.strip() + "\n"
    kid = escrow.fingerprint(public_pem)
    db_id, key_check = _identity(store)
    current = store.meta("escrow")
    if current:
        try:
            fields = escrow.parse(current)
            if fields["kid"] == kid and fields["key_check"] == key_check and fields["db_id"] == db_id:
                return False
        except KnownError:
            pass  # a damaged blob: write a new one
    blob = escrow.wrap(keys.read_data_key(db_id, key_check), public_pem, db_id, key_check)
    with store.write():
        _upsert(store, "escrow", blob)
        _upsert(store, "escrow_public_key", public_pem)
        audit.record(store, actor or system_actor(), "key_escrowed", object_type="app_meta", object_id="escrow",
                     object_label="数据密钥", detail=f"县级托管公钥指纹 {kid}")
    log.info("data key escrowed with the county key %s", kid)
    return True


def escrow_status(store: Store) -> dict[str, str | None]:
    """What the sync page and ``escrow status`` show: the county key's fingerprint, whether the county holds it."""
    blob = store.meta("escrow")
    kid = None
    if blob:
        try:
            kid = escrow.parse(blob)["kid"]
        except KnownError:
            kid = None
    sent = store.conn.execute("SELECT v FROM sync_state WHERE k = 'escrow_sent'").fetchone()
    at_county = blob is not None and sent is not None and str(sent[0]) == blob_digest(blob)
    return {"fingerprint": kid, "at_county": "yes" if at_county else "no"}


def blob_digest(blob: str) -> str:
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


# ---- recovery: the village's request -------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """The database whose key is lost: a database file or an encrypted backup."""

    db_id: str
    key_check: str
    escrow: str | None
    db_path: Path | None
    village: str


def target(*, db_path: Path | str | None = None, backup: Path | str | None = None) -> Target:
    if (db_path is None) == (backup is None):
        raise KnownError("请给出数据库文件（--db）或备份文件（--backup）之一。")
    if backup is not None:
        from zhzx_desktop.services import backups

        if not Path(backup).is_file():
            raise KnownError(f"找不到备份文件：{backup}")
        header = backups.read_header(Path(backup))
        return Target(str(header.db_id), str(header.key_check), header.escrow, None, "")
    assert db_path is not None
    if not Path(db_path).is_file():
        raise KnownError(f"找不到数据库文件：{db_path}")
    with Store(db_path) as store:
        db_id, key_check = _identity(store)
        village = " ".join(v for v in (store.meta("village_code"), _state(store, "village_name")) if v)
        return Target(db_id, key_check, store.meta("escrow"), Path(db_path), village)


def _state(store: Store, key: str) -> str:
    row = store.conn.execute("SELECT v FROM sync_state WHERE k = ?", (key,)).fetchone()
    return "" if row is None else str(row[0])


def _audit_db(path: Path | None, action: str, detail: str) -> None:
    if path is None:
        return
    with Store(path) as store, store.write():
        audit.record(store, system_actor(), action, object_type="app_meta", object_id="escrow",
                     object_label="数据密钥", detail=detail)


def make_request(*, db_path: Path | str | None = None, backup: Path | str | None = None) -> dict[str, Any]:
    """A recovery request for the county. The one-time reply key's private half stays in this PC's keyring
    (``recovery/<db_id>``; a second request for the same database reuses it, so an earlier request stays valid)."""
    found = target(db_path=db_path, backup=backup)
    raw = keys.recovery_secret(found.db_id)
    if raw is None:
        reply_key = X25519PrivateKey.generate()
        keys.save_recovery_secret(found.db_id, escrow.private_raw(reply_key))
    else:
        reply_key = escrow.private_from_raw(raw)
    request = {"format": REQUEST_FORMAT, "version": FORMAT_VERSION, "db_id": found.db_id,
               "key_check": found.key_check, "escrow": found.escrow, "village": found.village,
               "reply_public_key": escrow.public_pem(reply_key).decode("ascii"),
               "requested_at": _now(), "computer": socket.gethostname()}
    _audit_db(found.db_path, "key_recovery_requested",
              "已生成密钥恢复申请文件" + ("" if found.escrow else "（本机没有托管密钥，需县里按数据库编号查找）"))
    return request


def write_json(path: Path | str, obj: dict[str, Any]) -> None:
    path = Path(path)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(obj, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def read_json(path: Path | str, expected_format: str) -> dict[str, Any]:
    try:
        obj = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise KnownError(f"找不到文件：{path}") from exc
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise KnownError(f"文件无法读取或不是有效的 JSON：{path}") from exc
    if not isinstance(obj, dict) or obj.get("format") != expected_format:
        what = "密钥恢复申请文件" if expected_format == REQUEST_FORMAT else "县里的密钥恢复回复文件"
        raise KnownError(f"{path} 不是{what}。")
    for key in ("db_id", "key_check"):
        if not isinstance(obj.get(key), str) or not obj[key]:
            raise KnownError(f"{path} 缺少 {key}，文件可能已损坏。")
    return obj


# ---- recovery: the county's answer ---------------------------------------------------------------------------

def answer_request(request: dict[str, Any], private_key: X25519PrivateKey, *, blob: str | None = None,
                   operator: str = "") -> dict[str, Any]:
    """Unwrap the request's escrowed key (or ``blob``, found by the county by db_id) and wrap it again for the
    request's reply key. The data key is checked against the request's key-check value and never written out."""
    db_id, key_check = str(request["db_id"]), str(request["key_check"])
    wrapped = request.get("escrow") or blob
    if not isinstance(wrapped, str) or not wrapped:
        raise KnownError("申请文件里没有托管密钥，县里数据库中也没有这个数据库编号的托管密钥。")
    key = escrow.unwrap(wrapped, private_key, db_id)
    if FieldCipher(key).key_check() != key_check:
        raise KnownError("解开的数据密钥与申请中的密钥校验值不符：申请文件与托管密钥不属于同一个数据库。")
    reply_pem = request.get("reply_public_key")
    if not isinstance(reply_pem, str):
        raise KnownError("申请文件缺少回复公钥。")
    return {"format": REPLY_FORMAT, "version": FORMAT_VERSION, "db_id": db_id, "key_check": key_check,
            "wrapped": escrow.wrap(key, reply_pem, db_id, key_check),
            "escrow_kid": escrow.parse(wrapped)["kid"], "answered_at": _now(), "operator": operator}


# ---- recovery: the village applies the answer ----------------------------------------------------------------

def apply_reply(reply: dict[str, Any], *, db_path: Path | str | None = None,
                backup: Path | str | None = None) -> bool:
    """Install the recovered key for the database (or backup) after checking it; True when it was installed
    (False: the same key was already there). Audited ``key_recovered`` when a database is at hand."""
    found = target(db_path=db_path, backup=backup)
    if reply.get("db_id") != found.db_id:
        raise KnownError("这个回复文件属于另一个数据库，与本数据库（或备份）不符。")
    if reply.get("key_check") != found.key_check:
        raise KnownError("回复文件中的密钥校验值与本数据库不符。")
    raw = keys.recovery_secret(found.db_id)
    if raw is None:
        raise KnownError("本电脑上找不到这份恢复申请的回复密钥：回复只能在生成申请文件的那台电脑上导入。"
                         "请重新生成申请文件交给县里。")
    wrapped = reply.get("wrapped")
    if not isinstance(wrapped, str):
        raise KnownError("回复文件缺少加密的数据密钥。")
    key = escrow.unwrap(wrapped, escrow.private_from_raw(raw), found.db_id)
    installed = keys.install_recovered_key(found.db_id, key, found.key_check)
    keys.forget_recovery_secret(found.db_id)
    _audit_db(found.db_path, "key_recovered", f"用县级托管密钥恢复了数据密钥（县里处理人：{reply.get('operator') or '未填'}）")
    return installed
