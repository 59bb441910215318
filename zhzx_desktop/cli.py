"""The command line: ``zhzx-desktop [VERB] …``; the GUI is the default verb (ARCHITECTURE.md "Command line").

Every verb takes ``--db PATH`` or ``--data-dir DIR`` so nothing touches the real profile unless asked.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from zhzx_desktop import APP_NAME, __version__, paths
from zhzx_desktop.errors import KnownError, UserError
from zhzx_desktop.log import setup_logging


def _db_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    group = parser.add_mutually_exclusive_group(required=required)
    group.add_argument("--db", type=Path, help="数据库文件路径")
    group.add_argument("--data-dir", type=Path, help="数据目录（数据库为其中的 zhzx.db）")


def _db_path(args: argparse.Namespace) -> Path:
    """``--db``, else ``zhzx.db`` in ``--data-dir``, else the app's database in the user data dir."""
    if args.db is not None:
        return Path(args.db)
    return paths.default_db_path(args.data_dir)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=APP_NAME, description="村级综治中心离线工作台")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="自检：临时数据库、密钥存储、中文PDF、界面，然后退出（用于安装包）")
    verbs = parser.add_subparsers(dest="verb")

    gui = verbs.add_parser("gui", help="打开工作台（默认）")
    _db_options(gui, required=False)

    demo = verbs.add_parser("demo", help="生成演示数据库（虚构的人员，身份证号校验位有效）")
    _db_options(demo, required=True)
    demo.add_argument("--residents", type=int, default=2000, help="居民人数")
    demo.add_argument("--seed", type=int, default=1, help="随机种子（相同种子生成相同的人和事）")

    lister = verbs.add_parser("list", help="列出居民、户或队伍")
    lister.add_argument("what", choices=["residents", "households", "teams"])
    _db_options(lister, required=True)
    lister.add_argument("--query", default="", help="与界面相同的搜索：姓名、拼音、首字母、身份证号后几位、电话")
    lister.add_argument("--limit", type=int, default=200)
    lister.add_argument("--json", action="store_true", help="输出 JSON（每行一个对象的数组）")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(paths.log_dir())
    try:
        if args.self_test:
            from zhzx_desktop.selftest import run_self_test

            return run_self_test()
        if args.verb in (None, "gui"):
            from zhzx_desktop.app import run_gui

            return run_gui(_db_path(args) if args.verb == "gui" else paths.default_db_path())
        if args.verb == "demo":
            return _demo(args)
        if args.verb == "list":
            return _list(args)
    except (UserError, KnownError) as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2
    raise AssertionError(f"unhandled verb {args.verb}")


def _open(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from zhzx_desktop.services.ledger import open_ledger

    ledger = open_ledger(_db_path(args), key_fallback_dir=paths.config_dir())
    for warning in ledger.warnings:
        print(f"注意：{warning}", file=sys.stderr)
    return ledger


def _demo(args: argparse.Namespace) -> int:
    from zhzx_desktop.services import demo

    if args.residents < 1:
        raise UserError("residents", "demo_size", "--residents 至少为 1")
    started = time.perf_counter()
    with _open(args) as ledger:
        report = demo.populate(ledger, residents=args.residents, seed=args.seed,
                               progress=lambda done, total: print(f"\r已生成 {done}/{total} 人", end="",
                                                                  file=sys.stderr, flush=True))
    print(file=sys.stderr)
    summary = ", ".join(f"{k} {v}" for k, v in asdict(report).items())
    print(f"演示数据已生成（{time.perf_counter() - started:.1f} 秒）：{summary} → {_db_path(args)}")
    return 0


def _list(args: argparse.Namespace) -> int:
    from zhzx_desktop.services import households, residents, teams

    with _open(args) as ledger:
        records: list[dict[str, object]]
        if args.what == "residents":
            found = (residents.search(ledger, args.query, args.limit) if args.query.strip()
                     else residents.listing(ledger, args.limit))
            records = [{"id": r.id, "name": r.name, "sex": r.sex, "birth_date": r.birth_date,
                        "id_number": r.id_masked, "phone": r.phone_masked, "household_id": r.household_id,
                        "household_no": r.household_no, "grid_id": r.grid_id, "grid": r.grid, "status": r.status}
                       for r in found]
        elif args.what == "households":
            records = [{"id": h.id, "household_no": h.household_no, "head": h.head, "members": h.members,
                        "address": h.address, "grid_id": h.grid_id, "grid": h.grid}
                       for h in households.search(ledger, args.query, args.limit)]
        else:
            records = [{"id": t.id, "name": t.name, "team_type": t.team_type, "leader": t.leader,
                        "contact_phone": t.contact_phone, "members": t.members}
                       for t in teams.search(ledger, args.query, args.limit)]
    if args.json:
        json.dump(records, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        for rec in records:
            print("\t".join("" if v is None else str(v) for v in rec.values()))
    return 0
