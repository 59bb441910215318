"""The county's key-escrow commands (``zhzx-county-server escrow …``) and the audit-log report.

``escrow init`` makes the county's X25519 escrow key pair: ``escrow_public.pem`` (given to the sync server with
``serve --escrow-key`` and to villages without a network on a USB stick) and ``escrow_private.pem`` (encrypted with
a passphrase; keep it offline). ``escrow unwrap`` answers a village's recovery request: it unwraps the data key,
checks it against the request's key-check value, wraps it again for the request's one-time reply key and records
who answered which request when — never the key — in ``escrow-recoveries.log`` beside the private key (and in the
county database when ``--db`` is given, which also finds the wrapped key by database id when the request has none).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from sync import escrow as village_escrow
from sync.server.storage import ServerStore, iso
from zhzx_desktop.errors import KnownError
from zhzx_desktop.security import escrow

PUBLIC_NAME = "escrow_public.pem"
PRIVATE_NAME = "escrow_private.pem"
LOG_NAME = "escrow-recoveries.log"

__all__ = ["KnownError", "main", "read_public_key", "report"]


def _fail(message: str, code: int = 2) -> int:
    print(message, file=sys.stderr)
    return code


def read_public_key(path: Path) -> str:
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise KnownError(f"无法读取县级托管公钥文件 {path}：{exc}") from exc
    escrow.load_public(text)
    return text


def _passphrase(path: str | None, *, confirm: bool) -> bytes:
    if path:
        try:
            value = Path(path).read_bytes().rstrip(b"\r\n")
        except OSError as exc:
            raise KnownError(f"无法读取口令文件：{exc}") from exc
    else:
        if not sys.stdin.isatty():
            raise KnownError("请用 --passphrase-file 给出私钥口令（或在终端中运行以输入口令）。")
        value = getpass.getpass("托管私钥口令：").encode("utf-8")
        if confirm and getpass.getpass("再输入一次：").encode("utf-8") != value:
            raise KnownError("两次输入的口令不一致。")
    if confirm and len(value) < 12:
        raise KnownError("托管私钥口令至少 12 个字符。")
    if not value:
        raise KnownError("口令不能为空。")
    return value


def main(args: argparse.Namespace) -> int:
    try:
        if args.escrow_verb == "init":
            return _init(args)
        return _unwrap(args)
    except KnownError as exc:
        return _fail(exc.message)


def _init(args: argparse.Namespace) -> int:
    folder = Path(args.dir)
    public, private = folder / PUBLIC_NAME, folder / PRIVATE_NAME
    if public.exists() or private.exists():
        return _fail(f"{folder} 中已有托管密钥，为防止覆盖没有生成新的（村里的托管密钥依赖现有的这一对）。")
    passphrase = _passphrase(args.passphrase_file, confirm=True)
    private_pem, public_pem = escrow.generate_keypair(passphrase)
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(private_pem)
    public.write_bytes(public_pem)
    print(f"已生成县级托管密钥对：\n  公钥 {public}（启动同步服务时用 --escrow-key 指定；也可用 U 盘交给村里）\n"
          f"  私钥 {private}（已用口令加密；请离线保管并另做备份，丢失后各村的托管密钥都无法解开）\n"
          f"  公钥指纹 {escrow.fingerprint(public_pem)}")
    return 0


def _unwrap(args: argparse.Namespace) -> int:
    request = village_escrow.read_json(args.request, village_escrow.REQUEST_FORMAT)
    try:
        pem = Path(args.key).read_bytes()
    except OSError as exc:
        return _fail(f"无法读取托管私钥文件：{exc}")
    private = escrow.load_private(pem, _passphrase(args.passphrase_file, confirm=False))
    operator = args.operator or getpass.getuser()
    store = ServerStore(Path(args.db)) if args.db else None
    try:
        blob = None
        if not request.get("escrow") and store is not None:
            blob = store.escrowed_key(str(request["db_id"]), str(request["key_check"]))
        reply = village_escrow.answer_request(request, private, blob=blob, operator=operator)
        village_escrow.write_json(args.out, reply)
        entry = {"answered_at": iso(), "operator": operator, "db_id": request["db_id"],
                 "village": request.get("village") or "", "computer": request.get("computer") or "",
                 "requested_at": request.get("requested_at"), "escrow_kid": reply["escrow_kid"]}
        with (Path(args.key).resolve().parent / LOG_NAME).open("a", encoding="utf-8") as log_file:
            log_file.write(json.dumps(entry, ensure_ascii=False) + "\n")
        if store is not None:
            store.log_recovery(str(request["db_id"]), entry["village"], operator, request.get("requested_at"),
                               entry["computer"])
    finally:
        if store is not None:
            store.close()
    print(f"已生成回复文件：{args.out}（数据库编号 {request['db_id']}）。请把它交回村里，在申请的那台电脑上导入。"
          "回复文件只能由那台电脑解开。")
    return 0


def report(args: argparse.Namespace, store: ServerStore) -> int:
    if args.verb == "escrow":
        rows = store.escrowed_keys()
        if not rows:
            print("县里还没有收到任何托管密钥")
        for r in rows:
            print(f"{r['village_code']}\t{r['db_id']}\t公钥指纹 {r['kid']}\t电脑 {r['device_id']}\t{r['received_at']}")
        return 0
    entries = store.audit_entries(args.device)
    if args.json:
        print(json.dumps(entries, ensure_ascii=False, indent=1))
        return 0
    for e in entries:
        flag = {"fork": "【同序号有另一份记录】", "bad_hash": "【校验值不符】"}.get(e["flag"], "")
        print(f"{e['device']}\t{e['seq']}\t{e['at']}\t{e['actor_name']}（{e['role']}）\t{e['action']}\t"
              f"{e['object_label']}\t{'成功' if e['success'] else '失败'}\t{flag}")
    return 0
