"""``zhzx-county-server``: the county's command line (add villages, enroll and revoke devices, serve, USB bundles).

    zhzx-county-server --db county.db village add 110101001001 东华村
    zhzx-county-server --db county.db enroll 110101001001
    zhzx-county-server --db county.db devices
    zhzx-county-server --db county.db revoke DEVICE_ID
    zhzx-county-server --db county.db status --json
    zhzx-county-server --db county.db serve --host 0.0.0.0 --port 8443 --ssl-certfile c.pem --ssl-keyfile k.pem
    zhzx-county-server --db county.db import-bundle FILE --out RECEIPT
    zhzx-county-server --db county.db new-epoch
    zhzx-county-server --db county.db edit TABLE ROW_ID field=value … (field:=JSON for a typed value)
    zhzx-county-server --db county.db delete TABLE ROW_ID
    zhzx-county-server escrow init --dir D [--passphrase-file F]          (the key-escrow key pair, once)
    zhzx-county-server [--db county.db] escrow unwrap --key D/escrow_private.pem [--passphrase-file F]
                       --request REQ.json --out REPLY.json [--operator NAME]  (a village's key recovery)
    zhzx-county-server --db county.db escrow list                         (escrowed keys the county holds)
    zhzx-county-server --db county.db audit list [--device DB_ID]         (the villages' audit logs)

Messages are Chinese (people read them); exit 0 on success, 2 on wrong input, 1 on other failures.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from sync import protocol
from sync.server.storage import VILLAGE_CODE_RE, ServerError, ServerStore, now_ts


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"参数错误：{message}\n")


def _fail(message: str, code: int = 2) -> int:
    print(message, file=sys.stderr)
    return code


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="zhzx-county-server", description="县级综治同步服务器")
    p.add_argument("--db", help="服务器数据库文件（escrow init / unwrap 之外都必须给出）")
    sub = p.add_subparsers(dest="verb", required=True, parser_class=_Parser)
    village = sub.add_parser("village", help="村")
    vsub = village.add_subparsers(dest="village_verb", required=True, parser_class=_Parser)
    add = vsub.add_parser("add", help="添加村")
    add.add_argument("code", help="12 位统计用区划代码")
    add.add_argument("name", help="村名称")
    vsub.add_parser("list", help="列出村")
    enroll = sub.add_parser("enroll", help="为一个村生成一次性注册码")
    enroll.add_argument("code", help="12 位村代码")
    sub.add_parser("devices", help="列出已注册的电脑")
    revoke = sub.add_parser("revoke", help="停用一台电脑")
    revoke.add_argument("device")
    status = sub.add_parser("status", help="各村同步情况")
    status.add_argument("--json", action="store_true", help="输出 JSON")
    serve = sub.add_parser("serve", help="启动同步服务")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8443)
    serve.add_argument("--ssl-certfile")
    serve.add_argument("--ssl-keyfile")
    serve.add_argument("--insecure-http", action="store_true", help="允许在非本机地址上使用不加密的 HTTP（不推荐）")
    serve.add_argument("--escrow-key", help="县级托管公钥文件（escrow_public.pem）：注册时发给各村电脑，用于托管数据密钥")
    esc = sub.add_parser("escrow", help="数据密钥托管：生成县级托管密钥对，为村里解开恢复申请")
    esub = esc.add_subparsers(dest="escrow_verb", required=True, parser_class=_Parser)
    einit = esub.add_parser("init", help="生成县级托管密钥对（escrow_public.pem、escrow_private.pem）")
    einit.add_argument("--dir", required=True, help="保存密钥对的文件夹（私钥请离线保管）")
    einit.add_argument("--passphrase-file", help="私钥口令文件（不给出则在终端输入）")
    eun = esub.add_parser("unwrap", help="处理村里的密钥恢复申请，生成回复文件")
    eun.add_argument("--key", required=True, help="escrow_private.pem")
    eun.add_argument("--passphrase-file", help="私钥口令文件（不给出则在终端输入）")
    eun.add_argument("--request", required=True, help="村里的恢复申请文件")
    eun.add_argument("--out", required=True, help="回复文件（交回村里导入）")
    eun.add_argument("--operator", help="处理人姓名（记入处理记录；默认为系统用户名）")
    esub.add_parser("list", help="列出县里保存的各村托管密钥")
    aud = sub.add_parser("audit", help="各村上报的审计日志")
    asub = aud.add_subparsers(dest="audit_verb", required=True, parser_class=_Parser)
    alist = asub.add_parser("list", help="列出审计记录（标记 fork：同一序号有两份不同的记录，如电脑从备份恢复过）")
    alist.add_argument("--device", help="只列出这个数据库编号（db_id）的记录")
    alist.add_argument("--json", action="store_true", help="输出 JSON")
    imp = sub.add_parser("import-bundle", help="导入村里带来的 U 盘数据包，生成回执")
    imp.add_argument("file")
    imp.add_argument("--out", required=True, help="回执文件")
    sub.add_parser("new-epoch", help="从备份恢复数据库后运行：通知各村重新核对")
    edit = sub.add_parser("edit", help="县里修改一条记录")
    edit.add_argument("table")
    edit.add_argument("row_id")
    edit.add_argument("fields", nargs="+", help="字段=值（字段:=JSON 表示按 JSON 解析）")
    delete = sub.add_parser("delete", help="县里删除一条记录")
    delete.add_argument("table")
    delete.add_argument("row_id")
    return p


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _lag(last: str | None) -> str:
    if not last:
        return "从未同步"
    try:
        moment = datetime.fromisoformat(last)
    except ValueError:
        return "?"
    seconds = max(0, int(now_ts() - moment.timestamp()))
    if seconds < 3600:
        return f"{seconds // 60} 分钟"
    if seconds < 86400:
        return f"{seconds // 3600} 小时"
    return f"{seconds // 86400} 天"


def _parse_fields(table: str, items: Sequence[str]) -> dict[str, Any]:
    spec = protocol.tables().get(table)
    if spec is None:
        raise ServerError(400, "table", f"没有这类数据：{table}")
    out: dict[str, Any] = {}
    for item in items:
        if ":=" in item and item.index(":=") < item.index("=") + 1:
            name, _, text = item.partition(":=")
            try:
                out[name] = json.loads(text)
            except ValueError as exc:
                raise ServerError(400, "invalid", f"{name} 的值不是有效的 JSON：{text}") from exc
            continue
        name, sep, text = item.partition("=")
        if not sep:
            raise ServerError(400, "invalid", f"格式应为 字段=值：{item}")
        column = spec.columns.get(name)
        if column is None:
            raise ServerError(400, "invalid", f"{table} 没有 {name} 这一项")
        value: Any = text
        if column.type in ("INTEGER", "REAL"):
            if text == "" and not column.notnull:
                value = None
            else:
                try:
                    value = int(text) if column.type == "INTEGER" else float(text)
                except ValueError as exc:
                    raise ServerError(400, "invalid", f"{name} 必须是数字：{text}") from exc
        out[name] = value
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.verb == "escrow" and args.escrow_verb in ("init", "unwrap"):
        from sync.server import escrow_admin

        return escrow_admin.main(args)
    if not args.db:
        return _fail("参数错误：必须给出 --db 服务器数据库文件")
    db = Path(args.db)
    if args.verb == "serve":
        return _serve(args, db)
    try:
        with ServerStore(db) as store:
            return _run(args, store)
    except ServerError as exc:
        return _fail(exc.message, 2 if exc.status in (400, 404, 409) else 1)


def _run(args: argparse.Namespace, store: ServerStore) -> int:
    verb = args.verb
    if verb == "village":
        if args.village_verb == "add":
            if not VILLAGE_CODE_RE.fullmatch(args.code):
                return _fail(f"村代码必须是 12 位数字（统计用区划代码），收到的是：{args.code}")
            store.add_village(args.code, args.name)
            print(f"已添加村：{args.code} {args.name.strip()}")
            return 0
        for code, name in store.villages():
            print(f"{code}  {name}")
        return 0
    if verb == "enroll":
        if not VILLAGE_CODE_RE.fullmatch(args.code):
            return _fail(f"村代码必须是 12 位数字（统计用区划代码），收到的是：{args.code}")
        code, expires = store.new_enrollment_code(args.code)
        print(f"注册码：{code}")
        print(f"有效期至：{expires}（只能使用一次，请当面或电话告知村里，不要通过聊天软件发送）")
        return 0
    if verb == "devices":
        rows = store.devices()
        if not rows:
            print("还没有注册的电脑")
            return 0
        print("设备编号\t村\t电脑名称\t编号段\t注册时间\t最后同步\t滞后\t待复核冲突\t状态")
        for d in rows:
            print("\t".join([d["device_id"], f"{d['village_code']} {d['village_name']}", d["name"],
                             str(d["number_block"]), d["enrolled_at"], d["last_sync_at"] or "从未同步",
                             _lag(d["last_sync_at"]), str(d["pending_conflicts"]),
                             f"已停用（{d['revoked_at']}）" if d["revoked_at"] else "正常"]))
        return 0
    if verb == "revoke":
        if not store.revoke(args.device):
            return _fail(f"没有这台电脑：{args.device}")
        print(f"已停用：{args.device}（该电脑再同步时会被拒绝，村里未上报的数据保留在本机）")
        return 0
    if verb == "status":
        status = store.status()
        if args.json:
            print(json.dumps(status, ensure_ascii=False, indent=2))
            return 0
        print(f"服务器纪元：{status['server_epoch']}  变更序号：{status['server_seq']}")
        for v in status["villages"]:
            total = sum(v["rows"].values())
            print(f"{v['village_code']} {v['village_name']}：电脑 {v['devices']} 台，记录 {total} 条，"
                  f"最后同步 {v['last_sync_at'] or '从未同步'}，待复核冲突 {v['pending_conflicts']} 条")
        return 0
    if verb == "import-bundle":
        try:
            data = Path(args.file).read_bytes()
        except OSError as exc:
            return _fail(f"无法读取数据包文件：{exc}")
        receipt = store.import_bundle(data)
        Path(args.out).write_bytes(receipt)
        print(f"已导入数据包，回执已写入：{args.out}（请把回执带回村里导入）")
        return 0
    if verb == "new-epoch":
        epoch = store.new_epoch()
        print(f"已开始新的服务器纪元：{epoch}。各村下次同步时会重新下载并核对数据。")
        return 0
    if verb == "edit":
        fields = _parse_fields(args.table, args.fields)
        version = store.county_edit(args.table, args.row_id, fields)
        print(f"已修改，版本号 {version}")
        return 0
    if verb == "delete":
        version = store.county_delete(args.table, args.row_id)
        print(f"已删除，版本号 {version}")
        return 0
    if verb in ("escrow", "audit"):
        from sync.server import escrow_admin

        return escrow_admin.report(args, store)
    return _fail(f"未知命令：{verb}")


def _serve(args: argparse.Namespace, db: Path) -> int:
    tls = bool(args.ssl_certfile and args.ssl_keyfile)
    if bool(args.ssl_certfile) != bool(args.ssl_keyfile):
        return _fail("--ssl-certfile 和 --ssl-keyfile 必须同时给出")
    if not tls and not _loopback(args.host) and not args.insecure_http:
        return _fail(f"在非本机地址 {args.host} 上提供服务必须使用 HTTPS（--ssl-certfile/--ssl-keyfile）；"
                     "确需明文 HTTP 请加 --insecure-http")
    if not 0 <= args.port <= 65535:
        return _fail(f"端口号不对：{args.port}")
    escrow_pem: str | None = None
    if args.escrow_key:
        from sync.server import escrow_admin

        try:
            escrow_pem = escrow_admin.read_public_key(Path(args.escrow_key))
        except escrow_admin.KnownError as exc:
            return _fail(exc.message)
    import uvicorn

    from sync.server.app import create_app

    app = create_app(db, escrow_public_key=escrow_pem)
    print(f"县级同步服务已启动：{'https' if tls else 'http'}://{args.host}:{args.port}（按 Ctrl+C 停止）", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, ssl_certfile=args.ssl_certfile, ssl_keyfile=args.ssl_keyfile,
                log_level="warning", lifespan="on")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

