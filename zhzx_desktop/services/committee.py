"""The mediation committee's own settings: its name, the case-number prefix, this PC's number block, and the
agreement template option. Kept in ``app_meta`` (local to this database, not synced; the county knows the village)."""

from __future__ import annotations

from dataclasses import dataclass

from zhzx_desktop.domain import case_rules
from zhzx_desktop.errors import UserError
from zhzx_desktop.services import fields
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.ledger import Ledger

_KEYS = {"name": "committee_name", "prefix": "case_prefix", "block": "case_block",
         "show_id_numbers": "agreement_show_id", "retention": "case_retention"}
DEFAULT_RETENTION = "长期"


@dataclass(frozen=True)
class CommitteeSettings:
    name: str = ""  # 某某村人民调解委员会
    prefix: str = ""  # the 调委会简称 in case numbers: （2026）<prefix>人调字第001号
    block: int = 0  # this PC's number block (case_rules.block_range)
    show_id_numbers: bool = False  # print parties' ID numbers on the agreement (a county template option)
    retention: str = DEFAULT_RETENTION  # 保管期限 printed on new case files

    @property
    def complete(self) -> bool:
        return bool(self.name and self.prefix)


def load(ledger: Ledger) -> CommitteeSettings:
    meta = ledger.store.meta
    return CommitteeSettings(
        name=meta(_KEYS["name"]) or "",
        prefix=meta(_KEYS["prefix"]) or "",
        block=int(meta(_KEYS["block"]) or 0),
        show_id_numbers=meta(_KEYS["show_id_numbers"]) == "1",
        retention=meta(_KEYS["retention"]) or DEFAULT_RETENTION,
    )


def require_complete(ledger: Ledger) -> CommitteeSettings:
    settings = load(ledger)
    if not settings.complete:
        raise UserError("committee", "committee_unset",
                        "还没有填写调委会名称和案号前缀：请先在“调解 → 调委会设置”中填写，再受理案件")
    return settings


def save(ledger: Ledger, settings: CommitteeSettings) -> Changes:
    c = fields.Collector()
    name = c.check(lambda: fields.text(settings.name, "committee_name", fields.SHORT_TEXT, required=True), "")
    prefix = c.check(lambda: fields.text(settings.prefix, "case_prefix", 20, required=True), "")
    if prefix and any(ch in prefix for ch in "（）()第号"):
        c.errors.append(UserError("case_prefix", "bad_prefix",
                                  "案号前缀只写调委会简称（如“X村”），不要带括号、“第”或“号”"))
    c.check(lambda: case_rules.block_range(settings.block), (0, 0))
    retention = c.check(lambda: fields.text(settings.retention, "retention", 20, required=True), "")
    c.raise_if_any()
    values = {"name": name, "prefix": prefix, "block": str(settings.block),
              "show_id_numbers": "1" if settings.show_id_numbers else "0", "retention": retention}
    with ledger.store.write() as conn:
        conn.executemany("INSERT INTO app_meta(k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v",
                         [(_KEYS[k], v) for k, v in values.items()])
    return Changes(cases=True)
