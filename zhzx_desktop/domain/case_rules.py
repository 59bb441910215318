"""The rules of a 人民调解 case (DOMAIN.md §1), pure and I/O-free: the lifecycle and what each step needs, the case
number, the deadlines, and the case-file (卷宗) completeness check.

Lifecycle (DOMAIN.md §1.4, the recommended minimal one)::

    受理 accepted → 调解中 mediating → 调解成功 agreed ─┬→ 已结案 closed → 已归档 archived
            └───────────┴──────→ 调解终止 failed ──┘

履行 (performance), 司法确认 and 回访 are recorded on an agreed case; whether it is 履行中 or 已履行 follows from its
installments and ``performed_on``, not from the status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.errors import UserError

MEDIATION_LIMIT_DAYS: Final = 30  # 人民调解工作若干规定 §33: 一般在一个月内调结 (DOMAIN.md: 受理日 + 30 天)
JC_WINDOW_DAYS: Final = 30  # 人民调解法 §33: 自调解协议生效之日起 30 日内共同申请司法确认
DUE_SOON_DAYS: Final = 7  # the start page lists what falls due within a week
FOLLOW_UP_AFTER_DAYS: Final = 30  # a 回访 is planned 30 days after the agreement when it sets no performance date

# Case numbers: （2026）X村人调字第001号. Each PC of a committee numbers from its own block (号段, like 发票号段): block 0
# is 1–999, block 1 is 1001–1999 … so two PCs working offline never give the same number (docs/design-notes.md).
BLOCK_SIZE: Final = 1000
MAX_BLOCK: Final = 9

OPEN: Final = ("accepted", "mediating")
WRITTEN: Final = "01"  # agreement_form 书面协议
ORAL: Final = "02"  # agreement_form 口头协议

# What each step is allowed from, and its name in the refusal message.
_STEPS: Final[dict[str, tuple[tuple[str, ...], str]]] = {
    "edit_intake": (OPEN, "修改受理登记"),
    "session": (OPEN, "记录调解"),
    "agreement": (OPEN, "登记调解协议"),
    "terminate": (OPEN, "终止调解"),
    "edit_agreement": (("agreed",), "修改协议"),
    "performance": (("agreed",), "登记履行"),
    "judicial": (("agreed", "closed"), "登记司法确认"),
    "follow_up": (("agreed", "failed", "closed"), "登记回访"),
    "close": (("agreed", "failed"), "结案"),
    "archive": (("closed",), "归档"),
    "file": (("accepted", "mediating", "agreed", "failed", "closed"), "整理卷宗"),
}


def status_label(status: str) -> str:
    return code_table("case_status").label_or(status, status)


def case_title(party_names: list[str], dispute_type: str | None) -> str:
    """The dispute in a few words, for lists and the 卷名: ``张三、李四 邻里纠纷`` (more than three parties: 等)."""
    shown = "、".join(party_names[:3]) + ("等" if len(party_names) > 3 else "")
    return f"{shown} {code_table('dispute_type').label_or(dispute_type)}".strip()


def allowed(status: str, step: str) -> bool:
    return status in _STEPS[step][0]


def require(status: str, step: str) -> None:
    """Refuse a step the case's status does not allow, saying why in the clerk's words."""
    states, action = _STEPS[step]
    if status not in states:
        need = "、".join(status_label(s) for s in states)
        raise UserError("status", "wrong_status",
                        f"案件当前为“{status_label(status)}”，不能{action}（只有{need}的案件可以）")


def case_number(year: int, prefix: str, seq: int) -> str:
    return f"（{year}）{prefix}人调字第{seq:03d}号"


def block_range(block: int) -> tuple[int, int]:
    """The running numbers of a number block, both ends included."""
    if not 0 <= block <= MAX_BLOCK:
        raise UserError("case_block", "out_of_range", f"本机号段必须是 0 到 {MAX_BLOCK} 之间的数字")
    return block * BLOCK_SIZE + 1, block * BLOCK_SIZE + BLOCK_SIZE - 1


def mediation_deadline(accepted_on: date) -> date:
    return accepted_on + timedelta(days=MEDIATION_LIMIT_DAYS)


def jc_deadline(effective_on: date) -> date:
    """The last day the parties can jointly apply for 司法确认 (人民调解法 §33; DOMAIN.md §1.2)."""
    return effective_on + timedelta(days=JC_WINDOW_DAYS)


def follow_up_due(effective_on: date, performance_dates: list[date]) -> date:
    """When to plan the 回访: after the last performance date, or a month after the agreement when there is none."""
    if performance_dates:
        return max(performance_dates)
    return effective_on + timedelta(days=FOLLOW_UP_AFTER_DAYS)


def urgency(due_on: date, today: date) -> str | None:
    """'overdue' (past), 'due_soon' (today to a week ahead) or None (later)."""
    if due_on < today:
        return "overdue"
    if due_on <= today + timedelta(days=DUE_SOON_DAYS):
        return "due_soon"
    return None


# The 卷内目录 items (case_file_item) a case file must hold (DOMAIN.md §1.3(a), "必须"): 01 受理登记表 or 申请书,
# 02 权利义务告知书, 03 身份证明, 07 调解记录, and 08 the agreement (协议书, or the 口头协议登记表) when there is one.
# 13 封底 and 00 the cover are the physical binding: the cover is required to archive.
_REQUIRED: Final = ("01", "02", "03", "07")


def required_items(result: str | None, *, archiving: bool = False) -> tuple[str, ...]:
    items = _REQUIRED + (("08",) if result == "success" else ())
    return (*items, "00") if archiving else items


def missing_items(filed: set[str], result: str | None, *, archiving: bool = False) -> list[str]:
    """The required items not yet in the case file, as codes in 目录 order."""
    return [item for item in required_items(result, archiving=archiving) if item not in filed]


@dataclass(frozen=True)
class Deadline:
    """One dated duty of a case, as the 今天要办 page lists it."""

    kind: str  # mediation_limit / jc_window / installment / performance / follow_up
    due_on: date
    case_id: str
    case_no: str
    title: str  # the dispute in a few words: 张三、李四 邻里纠纷
    detail: str = ""  # e.g. the installment's amount

    @property
    def kind_label(self) -> str:
        return DEADLINE_KINDS[self.kind]

    @property
    def id(self) -> str:
        """What a list row of this duty opens: its case."""
        return self.case_id

    def days_left(self, today: date) -> int:
        return (self.due_on - today).days


DEADLINE_KINDS: Final[dict[str, str]] = {
    "mediation_limit": "调解期限",
    "jc_window": "司法确认申请期限",
    "installment": "分期履行",
    "performance": "履行期限",
    "follow_up": "回访",
}
