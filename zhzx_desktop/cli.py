"""The command line: ``zhzx-desktop [VERB] …``; the GUI is the default verb (ARCHITECTURE.md "Command line").

Every verb takes ``--db PATH`` or ``--data-dir DIR`` so nothing touches the real profile unless asked.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from zhzx_desktop import APP_NAME, __version__, paths
from zhzx_desktop.errors import KnownError, UserError
from zhzx_desktop.log import setup_logging

CASE_STATUSES = ("accepted", "mediating", "agreed", "failed", "closed", "archived")
PRINT_DOCS = {"agreement": "人民调解协议书", "intake": "受理登记表", "record": "调解记录", "oral": "口头协议登记表",
              "followup": "回访记录", "cover": "卷宗封面及卷内目录"}


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
    gui.add_argument("--training", action="store_true",
                     help="训练模式：在单独的沙盒数据库（虚构数据，首次使用时生成）里练习，不影响真实台账，也不会上报")

    demo = verbs.add_parser("demo", help="生成演示数据库（虚构的人员，身份证号校验位有效）")
    _db_options(demo, required=True)
    demo.add_argument("--residents", type=int, default=2000, help="居民人数")
    demo.add_argument("--seed", type=int, default=1, help="随机种子（相同种子生成相同的人和事）")
    demo.add_argument("--village", metavar="CODE12", help="本村的12位统计用区划代码（记入数据库，供同步使用）")
    demo.add_argument("--cases", type=int, default=60,
                      help="调解案件数（各种状态都有：受理、调解中、调解成功、终止、结案、归档；0 表示不生成）")

    lister = verbs.add_parser("list", help="列出居民、户、队伍或调解案件")
    lister.add_argument("what", choices=["residents", "households", "teams", "cases"])
    _db_options(lister, required=True)
    lister.add_argument("--query", default="",
                        help="与界面相同的搜索：姓名、拼音、首字母、身份证号后几位、电话；案件：案号、当事人姓名、纠纷简要情况")
    lister.add_argument("--status", choices=list(CASE_STATUSES), help="只列出该状态的案件（仅 cases）")
    lister.add_argument("--limit", type=int, default=None,
                        help="最多列出多少条（居民、户、队伍默认 200；案件默认全部）")
    lister.add_argument("--json", action="store_true", help="输出 JSON（每行一个对象的数组）")

    printer = verbs.add_parser("print", help="把案件的文书生成 PDF（协议书、受理登记表、调解记录、口头协议、回访记录、卷宗封面）")
    printer.add_argument("doc", choices=list(PRINT_DOCS), metavar="{" + ",".join(PRINT_DOCS) + "}",
                         help="文书：" + "，".join(f"{k} {v}" for k, v in PRINT_DOCS.items()))
    printer.add_argument("--case", required=True, metavar="CASE_NO", help="案号，如（2026）X村人调字第001号")
    _db_options(printer, required=True)
    printer.add_argument("--out", required=True, type=Path, help="输出的 PDF 文件")
    printer.add_argument("--font", type=Path, help="中文字体文件（.ttf/.ttc；默认自动查找宋体等）")
    printer.add_argument("--archive", action="store_true", help="同时存入本案卷宗（同样的文件只存一次）")

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

    syncer = verbs.add_parser("sync", help="与县里服务器同步（注册、同步、状态、U盘数据包）")
    sync_verbs = syncer.add_subparsers(dest="sync_verb", required=True)
    enroll = sync_verbs.add_parser("enroll", help="用县里给的注册码把本电脑注册到县里服务器")
    enroll.add_argument("--server", required=True, help="县里服务器地址，如 https://county.example:8443")
    enroll.add_argument("--code", required=True, help="注册码（8位）")
    enroll.add_argument("--ca", type=Path, help="县里的根证书文件（https）")
    enroll.add_argument("--name", help="本电脑的名称（默认为计算机名）")
    _db_options(enroll, required=True)
    run = sync_verbs.add_parser("run", help="立即同步一次（退出码：0 全部已确认，1 仍有未确认或被退回，2 出错）")
    _db_options(run, required=True)
    run.add_argument("--json", action="store_true", help="以 JSON 输出同步结果")
    stat = sync_verbs.add_parser("status", help="同步状态：未上报、待确认、被退回、冲突")
    _db_options(stat, required=True)
    stat.add_argument("--json", action="store_true", help="以 JSON 输出")
    bundle = sync_verbs.add_parser("export-bundle", help="没有网络时：把未上报的数据导出成加密数据包（用U盘送县里）")
    _db_options(bundle, required=True)
    bundle.add_argument("--out", required=True, type=Path, help="数据包文件")
    receipt = sync_verbs.add_parser("import-receipt", help="导入县里返回的回执文件")
    receipt.add_argument("file", type=Path, help="回执文件")
    _db_options(receipt, required=True)
    _report_verbs(verbs)
    _backup_verbs(verbs)
    _audit_verbs(verbs)
    from zhzx_desktop import cli_escrow

    cli_escrow.add_parsers(verbs)  # escrow set-key|status, recover request|apply
    return parser


def _report_verbs(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    reporter = verbs.add_parser("report", help="统计报表（月报）")
    report_verbs = reporter.add_subparsers(dest="report_verb", required=True)
    monthly = report_verbs.add_parser("monthly", help="人民调解工作统计月报：生成 PDF 或 Excel（--send 同时记入上报，随下次同步送县里）")
    monthly.add_argument("--month", required=True, metavar="YYYY-MM", help="统计月份，如 2026-10")
    _db_options(monthly, required=True)
    monthly.add_argument("--out", required=True, type=Path, metavar="FILE.pdf|FILE.xlsx",
                         help="输出文件：.pdf 或 .xlsx")
    monthly.add_argument("--send", action="store_true", help="同时记入上报（下次同步时送县里；同一月份再次上报会替换）")
    monthly.add_argument("--json", action="store_true", help="另把数字以 JSON 输出到标准输出")


def _report(args: argparse.Namespace) -> int:
    """``report monthly``: compute the month's figures, write the PDF or Excel file, optionally record the submission."""
    from zhzx_desktop.services import reports

    month = reports.check_month(args.month)
    if args.out.suffix.lower() not in (".pdf", ".xlsx"):
        raise UserError("out", "bad_suffix", "--out 应为 .pdf 或 .xlsx 文件")
    from zhzx_desktop.documents.monthly_report import percent_text

    with _open(args) as ledger:
        report = reports.compute(ledger, month)
        reports.export(ledger, report, args.out)
        sent = reports.submit(ledger, report) if args.send else None
    print(f"{month} 月报：受理 {report.accepted} 件，调解成功 {report.succeeded} 件，"
          f"成功率 {percent_text(report.success_rate)} → {args.out}")
    if report.zero:
        print("本月为零上报（没有受理、履行、司法确认或排查）")
    if sent is not None:
        print("已记入上报，下次同步时送县里")
    if args.json:
        json.dump(reports.to_json(report), sys.stdout, ensure_ascii=False, indent=1)
        print()
    return 0


def _backup_verbs(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    backup = verbs.add_parser("backup", help="把数据库备份成加密的备份文件（默认存到数据库旁的 backups 文件夹，保留最近14个）")
    _db_options(backup, required=True)
    backup.add_argument("--to", type=Path, help="备份文件夹（默认为数据库所在文件夹中的 backups）")
    restore = verbs.add_parser("restore", help="从备份恢复数据库（原数据库先另存为 .before-restore-时间，不会被覆盖）；"
                               "请先关闭本程序")
    _db_options(restore, required=True)
    restore.add_argument("--from", dest="source", required=True, metavar="FILE|latest",
                         help="备份文件，或 latest（备份文件夹中本数据库最新的可用备份）")
    restore.add_argument("--to", type=Path, help="找 latest 的备份文件夹（默认为数据库所在文件夹中的 backups）")
    check = verbs.add_parser("check", help="检查数据库：完整性、外键、审计日志、同步记录、数据密钥（有问题时退出码为 1）")
    _db_options(check, required=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(paths.log_dir())
    try:
        if args.self_test:
            from zhzx_desktop.selftest import run_self_test

            return run_self_test()
        if args.verb in (None, "gui"):
            from zhzx_desktop.app import run_gui

            return run_gui(_db_path(args) if args.verb == "gui" else paths.default_db_path(),
                           training=bool(getattr(args, "training", False)))
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
        if args.verb == "print":
            return _print(args)
        if args.verb == "sync":
            return _sync(args)
        if args.verb in ("backup", "restore", "check"):
            return _backups(args)
        if args.verb == "report":
            return _report(args)
        if args.verb == "audit":
            return _audit(args)
        if args.verb in ("escrow", "recover"):
            from zhzx_desktop import cli_escrow

            return cli_escrow.run(args)
    except (UserError, KnownError) as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2
    raise AssertionError(f"unhandled verb {args.verb}")


def _audit_verbs(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    auditor = verbs.add_parser("audit", help="审计日志：校验完整性、按条件列出")
    audit_verbs = auditor.add_subparsers(dest="audit_verb", required=True)
    averify = audit_verbs.add_parser(
        "verify", help="校验审计日志是否被改动、删除或调换顺序（只读；退出码：0 完整，1 被改动，2 出错）")
    _db_options(averify, required=True)
    averify.add_argument("--json", action="store_true", help="以 JSON 输出校验结果")
    alist = audit_verbs.add_parser("list", help="按条件列出审计日志（最新的在前）")
    _db_options(alist, required=True)
    alist.add_argument("--since", type=_audit_day, metavar="YYYY-MM-DD", help="从这一天起")
    alist.add_argument("--until", type=_audit_day, metavar="YYYY-MM-DD", help="到这一天止（含）")
    alist.add_argument("--user", default="", help="用户名或姓名的一部分")
    alist.add_argument("--action", default="", help="操作代码，如 login_failed、view_full_id、export、edit")
    alist.add_argument("--failed", action="store_true", help="只列出失败的操作")
    alist.add_argument("--text", default="", help="对象名称或说明中含有的文字")
    alist.add_argument("--limit", type=int, default=200, help="最多列出多少条（默认 200；0 表示全部）")
    alist.add_argument("--json", action="store_true", help="输出 JSON")


def _audit_day(text: str):  # type: ignore[no-untyped-def]
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期 {text} 的格式不对，应为 YYYY-MM-DD，如 2026-11-24") from None


def _audit(args: argparse.Namespace) -> int:
    """``audit verify`` (read-only, no data key: exit 1 when the log was tampered with) and ``audit list``."""
    from zhzx_desktop.security import audit

    conn = audit.open_readonly(_db_path(args))
    try:
        if args.audit_verb == "verify":
            report = audit.verify(conn)
            if args.json:
                print(json.dumps(asdict(report), ensure_ascii=False, indent=2))
            elif report.ok:
                tail = f"，最后一条：{report.last}" if report.last else ""
                note = "" if report.anchored or not report.entries else "（本机尚无锚点记录，无法发现末尾被删除的记录）"
                print(f"审计日志完整：共{report.entries}条{tail}{note}")
            else:
                print(f"审计日志已被改动：{report.problem}")
            return 0 if report.ok else 1
        if args.action and args.action not in audit.ACTIONS:
            print(f"错误：没有操作代码 {args.action}；可用的有：{'、'.join(audit.ACTIONS)}", file=sys.stderr)
            return 2
        flt = audit.AuditFilter(since=args.since, until=args.until, user=args.user, action=args.action,
                                failed_only=args.failed, text=args.text)
        found = audit.entries(conn, flt, limit=args.limit or None)
        if args.json:
            print(json.dumps([{**asdict(e), "sentence": audit.sentence(e)} for e in found], ensure_ascii=False,
                             indent=2))
        else:
            for entry in found:
                print(f"{entry.seq:>6}  {audit.sentence(entry)}")
            if not found:
                print("没有符合条件的审计记录。")
        return 0
    finally:
        conn.close()


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
    if args.cases < 0:
        raise UserError("cases", "demo_size", "--cases 不能为负数")
    started = time.perf_counter()
    with _open(args) as ledger:
        report = demo.populate(ledger, residents=args.residents, seed=args.seed, cases=args.cases,
                               progress=lambda done, total: print(f"\r已生成 {done}/{total} 人", end="",
                                                                  file=sys.stderr, flush=True))
        if args.village:
            if not (len(args.village) == 12 and args.village.isdigit()):
                raise UserError("village", "village_code", "--village 应为12位数字的统计用区划代码")
            with ledger.store.write() as conn:
                conn.execute("INSERT INTO app_meta(k, v) VALUES ('village_code', ?) "
                             "ON CONFLICT(k) DO UPDATE SET v = excluded.v", (args.village,))
        created = demo.demo_accounts(ledger)
    print(file=sys.stderr)
    summary = ", ".join(f"{k} {v}" for k, v in asdict(report).items())
    print(f"演示数据已生成（{time.perf_counter() - started:.1f} 秒）：{summary} → {_db_path(args)}")
    if created:
        names = "、".join(f"{username}（{role}）" for username, role in created)
        print(f"演示账户：{names}，密码均为 {demo.DEMO_PASSWORD}")
    return 0


def _list(args: argparse.Namespace) -> int:
    from zhzx_desktop.services import households, residents, teams

    if args.what == "cases":
        return _list_cases(args)
    if args.status:
        raise UserError("status", "not_cases", "--status 只用于列出案件（list cases）")
    if args.limit is None:
        args.limit = 200
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


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(headers: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    """Columns aligned for a terminal (a Chinese character is two columns wide)."""
    widths = [max([_width(h)] + [_width(row[i]) for row in body]) for i, h in enumerate(headers)]
    lines = []
    for row in (headers, *body):
        cells = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _list_cases(args: argparse.Namespace) -> int:
    """Every case (oldest first; ``--limit`` stops early): the JSON issue 7's figures are computed from."""
    from itertools import islice

    from zhzx_desktop.services import case_export

    with _open(args) as ledger:
        found = list(islice(case_export.iter_cases(ledger, status=args.status, query=args.query), args.limit))
    if args.json:
        json.dump([c.to_json() for c in found], sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    body = []
    for case in found:
        rec = case.to_json()
        amount = "" if rec["amount"] is None else f"{rec['amount']:,.2f}"
        body.append([case.case_no, str(rec["status_label"]), str(rec["dispute_type_label"] or ""),
                     case.accepted_on or "", case.closed_on or "", amount,
                     "、".join(p.name for p in case.parties), "、".join(case.mediators)])
    print(_table(["案号", "状态", "纠纷类型", "受理日期", "结案日期", "金额（元）", "当事人", "调解员"], body))
    print(f"共 {len(found)} 件")
    return 0


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader never sees half a file (temp file in the same folder, renamed)."""
    target = path.resolve()
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise KnownError(f"无法写入 {path}：{exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise KnownError(f"无法写入 {path}：{exc.strerror or exc}") from exc


def _print(args: argparse.Namespace) -> int:
    """Render one document of a case to a PDF file (exactly the bytes the app would print), optionally filing it."""
    import hashlib

    from zhzx_desktop.documents.fonts import find_cjk_font
    from zhzx_desktop.domain import case_rules
    from zhzx_desktop.services import case_documents, cases

    font: Path | None = args.font
    if font is not None:
        if not font.is_file():
            raise UserError("font", "font_missing", f"字体文件不存在：{font}")
        if find_cjk_font(font).path != font.resolve():
            raise UserError("font", "font_unusable",
                            f"字体文件无法嵌入 PDF（须为 TrueType 字体 .ttf/.ttc，不能是 OpenType CFF）：{font}")
    with _open(args) as ledger:
        case_id = cases.case_id_by_no(ledger, args.case)
        if args.archive:  # refuse before writing anything
            case_rules.require(cases.get_case(ledger, case_id).status, "file")
        pdf = case_documents.render(ledger, case_id, args.doc, font_path=font)
        _write_atomically(args.out, pdf)
        filed = case_documents.archive(ledger, case_id, args.doc, pdf) if args.archive else None
    print(f"已生成{PRINT_DOCS[args.doc]}：{args.out}（{case_documents.page_count(pdf)} 页，{len(pdf)} 字节）")
    print(f"SHA-256: {hashlib.sha256(pdf).hexdigest()}")
    if filed is not None:
        print("已存入卷宗" if filed.new else "卷宗中已有同样的文件，未重复存档")
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


def _sync(args: argparse.Namespace) -> int:
    """``sync enroll|run|status|export-bundle|import-receipt`` (docs: /tmp/lead/sync_api.md)."""
    from zhzx_desktop.security import keys

    for warning in [keys.ensure_backend(paths.config_dir())]:
        if warning:
            print(f"注意：{warning}", file=sys.stderr)
    db = _db_path(args)
    if args.sync_verb != "enroll" and not db.exists():
        raise KnownError(f"数据库文件不存在：{db}")
    if args.sync_verb == "enroll":
        from sync import client

        enrolled = client.enroll(db, args.server, args.code, ca_file=str(args.ca) if args.ca else None,
                                 device_name=args.name)
        print(f"注册成功：{enrolled.village_name}（{enrolled.village_code}），本机编号 {enrolled.device_id}，"
              f"案号段 {enrolled.number_block}")
        return 0
    if args.sync_verb == "run":
        return _sync_run(db, as_json=args.json)
    if args.sync_verb == "status":
        return _sync_status(db, as_json=args.json)
    if args.sync_verb == "export-bundle":
        from sync import bundle

        info = bundle.export_bundle(db, args.out)
        print(f"已导出数据包：{args.out}（{info.changes} 条修改，编号 {info.bundle_id}）。请把它交给县综治中心。")
        return 0
    from sync import bundle

    got = bundle.import_receipt(db, args.file)
    if got.already:
        print("这个回执以前已经导入过，没有变化。")
    else:
        print(f"已导入回执：确认 {got.acked} 条，退回 {got.rejected} 条，下载 {got.pulled} 条。")
    return 0


def _sync_run(db: Path, *, as_json: bool) -> int:
    from sync import client

    def show(p: client.SyncProgress) -> None:
        if not as_json:
            print(f"\r{p.message}", end="", file=sys.stderr, flush=True)

    result = client.run_sync(db, progress=show)
    if as_json:
        json.dump(result.to_json(), sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print(file=sys.stderr)
        print(f"上报 {result.pushed} 条（冲突 {result.conflicts}，退回 {result.rejected}），下载 {result.pulled} 条；"
              f"仍未确认 {result.pending_left} 条，被退回 {result.quarantined} 条")
        if result.skew_seconds is not None:
            print(f"注意：本电脑的时间与县里相差约 {abs(result.skew_seconds) / 60:.0f} 分钟，请校准时间。")
        if result.error:
            print(f"错误：{result.error}", file=sys.stderr)
        if result.audit_error:
            print(f"注意：审计日志或托管密钥没有送到县里（下次同步再试）：{result.audit_error}", file=sys.stderr)
    if result.error:
        return 2
    return 0 if result.confirmed_all else 1


def _sync_status(db: Path, *, as_json: bool) -> int:
    from sync import client, status

    with client.open_sync_store(db) as store:  # refuses a 训练模式 sandbox
        view = status.overview(store.conn)
        cards = status.conflicts(store.conn)
        bad = status.quarantined(store.conn)
    if as_json:
        json.dump({"overview": asdict(view), "conflicts": [asdict(c) for c in cards],
                   "quarantined": [asdict(q) for q in bad]}, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    if not view.enrolled:
        print("本电脑还没有注册到县里服务器。")
    else:
        print(f"县里服务器：{view.server_url}（{view.village_name}）")
        print(f"上次成功同步：{view.last_success_at or '从未'}")
    print(f"未确认 {view.pending} 条（最早 {view.oldest_unconfirmed_at or '无'}），被退回 {view.quarantined} 条，"
          f"待查看冲突 {view.open_conflicts} 条")
    if view.last_error:
        print(f"上次同步出错：{view.last_error}")
    for card in cards:
        print(f"  冲突：{card.text}")
    for q in bad:
        print(f"  被退回：{q.label}：{q.reason}")
    return 0


def _backups(args: argparse.Namespace) -> int:
    """``backup``, ``restore --from FILE|latest``, ``check`` (services/backups.py)."""
    from zhzx_desktop.security import keys
    from zhzx_desktop.services import backups

    warning = keys.ensure_backend(paths.config_dir())
    if warning:
        print(f"注意：{warning}", file=sys.stderr)
    db = _db_path(args)
    if args.verb == "check":
        if not db.is_file():
            raise KnownError(f"数据库文件不存在：{db}")
        print(f"正在检查 {db}…", file=sys.stderr)
        problems = backups.check(db)
        for problem in problems:
            print(f"问题：{problem}")
        print(f"发现 {len(problems)} 个问题。" if problems else "检查通过：数据库完好。")
        return 1 if problems else 0
    folder = args.to if args.to is not None else paths.backup_dir(db)
    if args.verb == "backup":
        if not db.is_file():
            raise KnownError(f"数据库文件不存在：{db}")
        started = time.perf_counter()
        with _open(args) as ledger:
            result = backups.run_backup(ledger, dest_dir=folder, progress=_progress("备份（千分比）"))
        print(file=sys.stderr)
        for note in result.warnings:
            print(f"注意：{note}", file=sys.stderr)
        print(f"已备份（{time.perf_counter() - started:.1f} 秒）：{result.path}（{result.size:,} 字节）")
        return 0
    started = time.perf_counter()
    if args.source == "latest":
        got = backups.restore_latest(folder, db, backups.database_id(db) if db.exists() else None,
                                     _progress("恢复（千分比）"))
    else:
        source = Path(args.source)
        got = backups.restore(source, db, backups.cipher_for(backups.read_header(source)),
                              _progress("恢复（千分比）"))
    print(file=sys.stderr)
    print(f"已恢复（{time.perf_counter() - started:.1f} 秒）：{db} ← 备份于 {got.header.created_at} 的备份")
    if got.aside is not None:
        print(f"原来的数据库已另存为 {got.aside}")
    return 0
