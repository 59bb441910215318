"""The village this database belongs to: its name and 12-digit 统计用区划代码 (6-digit county of GB/T 2260, then
3-digit town and 3-digit village). Kept in ``app_meta``; set by the first-run wizard, printed on the 月报."""

from __future__ import annotations

import re
from dataclasses import dataclass

from zhzx_desktop.domain import codes
from zhzx_desktop.errors import UserError
from zhzx_desktop.services import fields
from zhzx_desktop.services.ledger import Ledger

_NAME_KEY, _CODE_KEY = "village_name", "village_code"
_CODE_RE = re.compile(r"[0-9]{12}")


@dataclass(frozen=True)
class Village:
    name: str = ""  # 东华村
    code: str = ""  # 统计用区划代码, 12 digits


def load(ledger: Ledger) -> Village:
    meta = ledger.store.meta
    return Village(name=meta(_NAME_KEY) or "", code=meta(_CODE_KEY) or "")


def check_code(raw: str) -> str:
    """The 12-digit 统计用区划代码, or a ``UserError`` on ``village_code`` saying what is wrong."""
    code = raw.strip()
    if not _CODE_RE.fullmatch(code):
        raise UserError("village_code", "bad_code", "统计用区划代码应为12位数字（县6位＋乡镇3位＋村3位）")
    if code[6:9] == "000" or code[9:] == "000":
        raise UserError("village_code", "not_a_village", "统计用区划代码的乡镇（第7–9位）和村（第10–12位）不能为000")
    if codes.has_table("gbt2260_counties") and code[:6] not in codes.code_table("gbt2260_counties").codes():
        raise UserError("village_code", "unknown_county", f"统计用区划代码的前6位 {code[:6]} 不是已知的县级行政区划代码")
    return code


def save(ledger: Ledger, name: str, code: str) -> Village:
    c = fields.Collector()
    clean_name = c.check(lambda: fields.text(name, "village_name", fields.SHORT_TEXT, required=True), "")
    clean_code = c.check(lambda: check_code(code), "")
    c.raise_if_any()
    with ledger.store.write() as conn:
        conn.executemany("INSERT INTO app_meta(k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v",
                         [(_NAME_KEY, clean_name), (_CODE_KEY, clean_code)])
    return Village(clean_name, clean_code)
