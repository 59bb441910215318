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

    importer = verbs.add_parser("import", help="从 Excel 花名册导入居民")
    importer.add_argument("what", choices=["residents"])
    importer.add_argument("file", type=Path, help="花名册文件（.xlsx）")
    _db_options(importer, required=True)
    importer.add_argument("--dry-run", action="store_true", help="只检查，不导入")
    importer.add_argument("--all-or-nothing", action="store_true",
                          help="有任何一行有问题就一行也不导入（默认：只导入无误的行）")
    importer.add_argument("--map", action="append", default=[], metavar="表头=字段",
                          help="指定列对应，如 --map 证件号=id_number（可多次使用）；字段：name id_number sex birth_date ethnicity phone household_no relation grid address occupation categories residence_type notes，留空表示不导入")
    importer.add_argument("--report", type=Path, help="把结果写成 JSON 文件（导入数、有问题的行、疑似重复）")

    exporter = verbs.add_parser("export", help="把居民导出为 Excel 花名册（身份证号、电话已遮挡）")
    exporter.add_argument("what", choices=["residents"])
    exporter.add_argument("file", type=Path, help="导出文件（.xlsx）")
    _db_options(exporter, required=True)
    exporter.add_argument("--query", default="", help="只导出搜索到的居民（与界面相同的搜索）")

    undoer = verbs.add_parser("undo", help="撤销一次导入、合并或状态更改（不给编号时列出最近的操作）")
    undoer.add_argument("journal_id", nargs="?", help="撤销编号（导入完成时显示，或不带编号运行查看）")
    _db_options(undoer, required=True)
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
        if args.verb == "import":
            return _import(args)
        if args.verb == "export":
            return _export(args)
        if args.verb == "undo":
            return _undo(args)
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


def _progress(verb: str):  # type: ignore[no-untyped-def]
    last = [0.0]

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.5 or done >= total:
            last[0] = now
            print(f"\r{verb} {done}/{total}", end="", file=sys.stderr, flush=True)
    return show


def _import(args: argparse.Namespace) -> int:
    from zhzx_desktop.services import roster_import

    mapping = None
    if args.map:
        head = roster_import.read_head(args.file)
        mapping = dict(head.mapping)
        for item in args.map:
            header, sep, field = item.partition("=")
            if not sep or header not in mapping or (field and field not in roster_import.FIELDS):
                raise UserError("map", "map_invalid",
                                f"--map {item} 不正确：应为“表头=字段”，表头须是文件中的列名，字段为 "
                                + "、".join(roster_import.FIELDS) + "（留空表示不导入）")
            mapping[header] = field
    started = time.perf_counter()
    with _open(args) as ledger:
        preview = roster_import.parse(ledger, args.file, mapping, progress=_progress("检查"))
        print(file=sys.stderr)
        result = roster_import.dry_run_result(preview)
        try:
            if not args.dry_run:
                result = roster_import.commit(ledger, preview, all_or_nothing=args.all_or_nothing,
                                              progress=_progress("导入"))
                print(file=sys.stderr)
        finally:  # a refused import still reports what was wrong
            if args.report is not None:
                report = result.report()
                report["dry_run"] = args.dry_run
                args.report.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    for problem in result.rejected[:50]:
        print(f"  第{problem.row}行：{problem.message}", file=sys.stderr)
    if len(result.rejected) > 50:
        print(f"  ……另有{len(result.rejected) - 50}个问题（见 --report）", file=sys.stderr)
    rows = len({p.row for p in result.rejected})
    seconds = time.perf_counter() - started
    if args.dry_run:
        print(f"检查完成（{seconds:.1f} 秒，未导入）：可导入 {result.valid} 行，有问题 {rows} 行，"
              f"疑似重复 {len(result.duplicates)} 行")
    else:
        print(f"导入完成（{seconds:.1f} 秒）：导入 {result.imported} 人，新建 {result.households_created} 户，"
              f"有问题未导入 {rows} 行，疑似重复 {len(result.duplicates)} 行；撤销编号 {result.journal_id}"
              f"（撤销：{APP_NAME} undo {result.journal_id} --db …）")
    return 0


def _export(args: argparse.Namespace) -> int:
    from zhzx_desktop.services import roster_export
    from zhzx_desktop.services.residents import ResidentFilter

    with _open(args) as ledger:
        result = roster_export.export_residents(ledger, args.file, ResidentFilter(query=args.query),
                                                progress=_progress("导出"))
    print(file=sys.stderr)
    print(f"已导出 {result.count} 人 → {result.path}")
    return 0


def _undo(args: argparse.Namespace) -> int:
    from zhzx_desktop.services import journal

    with _open(args) as ledger:
        if not args.journal_id:
            for entry in journal.recent(ledger):
                state = f"已于{entry.undone_at[:10]}撤销" if entry.undone_at else "可撤销"
                print(f"{entry.id}  {entry.created_at[:19].replace('T', ' ')}  {entry.label}  [{state}]")
            return 0
        journal.undo(ledger, args.journal_id, _progress("撤销"))
    print(file=sys.stderr)
    print(f"已撤销 {args.journal_id}")
    return 0
