"""``zhzx-desktop escrow …`` and ``zhzx-desktop recover …``: key escrow and key recovery on the command line.

    zhzx-desktop escrow set-key --db PATH escrow_public.pem     (the county's public key from a USB stick)
    zhzx-desktop escrow status --db PATH
    zhzx-desktop recover request (--db PATH | --backup FILE) --out REQ.json
    zhzx-desktop recover apply (--db PATH | --backup FILE) --reply REPLY.json
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from zhzx_desktop import paths
from zhzx_desktop.errors import KnownError


def _target_options(parser: argparse.ArgumentParser, *, backup: bool) -> None:
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--db", type=Path, help="数据库文件路径")
    group.add_argument("--data-dir", type=Path, help="数据目录（数据库为其中的 zhzx.db）")
    if backup:
        group.add_argument("--backup", type=Path, help="加密备份文件（.zbk；换了电脑、只剩备份时用）")


def add_parsers(verbs: Any) -> None:
    esc = verbs.add_parser("escrow", help="数据密钥托管（县级托管公钥）")
    esub = esc.add_subparsers(dest="escrow_verb", required=True)
    setkey = esub.add_parser("set-key", help="导入县里给的托管公钥（escrow_public.pem），把数据密钥托管给县里")
    _target_options(setkey, backup=False)
    setkey.add_argument("file", type=Path, help="县级托管公钥文件 escrow_public.pem")
    status = esub.add_parser("status", help="本数据库的数据密钥是否已托管")
    _target_options(status, backup=False)
    rec = verbs.add_parser("recover", help="数据密钥丢失时（换电脑、重装系统）：通过县里的托管密钥恢复")
    rsub = rec.add_subparsers(dest="recover_verb", required=True)
    req = rsub.add_parser("request", help="生成密钥恢复申请文件（交给县综治中心）")
    _target_options(req, backup=True)
    req.add_argument("--out", required=True, type=Path, help="申请文件")
    app = rsub.add_parser("apply", help="导入县里的回复文件，恢复数据密钥")
    _target_options(app, backup=True)
    app.add_argument("--reply", required=True, type=Path, help="县里的回复文件")


def _db(args: argparse.Namespace) -> Path | None:
    if getattr(args, "backup", None) is not None:
        return None
    return Path(args.db) if args.db is not None else paths.default_db_path(args.data_dir)


def run(args: argparse.Namespace) -> int:
    from sync import escrow
    from zhzx_desktop.security import keys
    from zhzx_desktop.storage.db import Store

    warning = keys.ensure_backend(paths.config_dir())
    if warning:
        print(f"注意：{warning}")
    db = _db(args)
    if args.verb == "escrow":
        assert db is not None
        if not db.is_file():
            raise KnownError(f"找不到数据库文件：{db}")
        with Store(db) as store:
            if args.escrow_verb == "set-key":
                try:
                    pem = Path(args.file).read_text(encoding="ascii")
                except (OSError, UnicodeDecodeError) as exc:
                    raise KnownError(f"无法读取托管公钥文件：{exc}") from exc
                changed = escrow.escrow_key(store, pem)
                state = escrow.escrow_status(store)
                print(("已把数据密钥托管给县里" if changed else "数据密钥已经用这把公钥托管过，没有变化")
                      + f"（县级托管公钥指纹 {state['fingerprint']}）。下次同步时也会送到县里服务器。")
                return 0
            state = escrow.escrow_status(store)
        if state["fingerprint"] is None:
            print("本数据库的数据密钥还没有托管：请向县综治中心索取托管公钥（escrow set-key），或注册到县里服务器。")
            return 1
        print(f"已托管（县级托管公钥指纹 {state['fingerprint']}）；"
              + ("县里服务器已收到。" if state["at_county"] == "yes" else "县里服务器还没有收到（下次同步时发送）。"))
        return 0
    if args.recover_verb == "request":
        request = escrow.make_request(db_path=db, backup=args.backup)
        escrow.write_json(args.out, request)
        print(f"已生成密钥恢复申请文件：{args.out}（数据库编号 {request['db_id']}）。"
              "请把它交给县综治中心；县里的回复文件只能在本电脑上导入。")
        if not request["escrow"]:
            print("注意：这份数据没有托管密钥，县里需要按数据库编号在县里服务器中查找（以前同步过才有）。")
        return 0
    reply = escrow.read_json(args.reply, escrow.REPLY_FORMAT)
    installed = escrow.apply_reply(reply, db_path=db, backup=args.backup)
    print("已恢复数据密钥。" if installed else "本电脑已有这把数据密钥，无需恢复。", end="")
    if args.backup is not None:
        print(f"现在可以从备份恢复：zhzx-desktop restore --db 数据库文件 --from {args.backup}")
    else:
        print("现在可以正常打开数据库。")
    return 0
