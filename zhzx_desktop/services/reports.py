"""月报 (DOMAIN.md §3.6): every figure the county asks for, computed from what the clerk already entered.

Definitions (one place; the documents, the CLI, the dashboard and the tests all use these):
- The **cohort** of a month is the cases accepted (``accepted_on``) in it. 受理数, 调解成功数 (cohort cases whose
  ``result`` is 'success'), 成功率 = 成功 / 受理 to 0.1 %, 协议涉及金额 (the cohort's agreements, 万元), sources,
  dispute types, written/oral agreements, 涉及当事人数, 疑难案件数 and the prevention counts (N件M人: cases and their
  ``people_involved``) are about the cohort.
- **Events** dated in the month: 履行数 (agreements ``performed_on``), 司法确认数 (agreements whose ``jc_result`` is
  confirmed, by ``jc_result_on``), 排查次数 (team activities of kind 排查), 排查发现纠纷数 / 预防纠纷数 (their
  ``disputes_found`` / ``disputes_prevented``).
- Dates are the clerk's local calendar dates as stored ('YYYY-MM-DD'); a month is [first day, first day of next).
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from dataclasses import asdict, dataclass
from dataclasses import fields as fields_of
from datetime import date
from pathlib import Path
from typing import Any

from zhzx_desktop.documents import monthly_report
from zhzx_desktop.domain import case_rules
from zhzx_desktop.domain.codes import CodeEntry, code_table
from zhzx_desktop.domain.roles import Permission
from zhzx_desktop.errors import UserError
from zhzx_desktop.services import committee, village
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.storage import rows


@dataclass(frozen=True)
class Share:
    """One row of a distribution: a code, its label, how many, and the share of the total in percent (0–100,
    unrounded; documents round to 0.1)."""

    code: str
    label: str
    count: int
    percent: float


@dataclass(frozen=True)
class Prevented:
    """N件M人 of one prevention kind (code table ``prevention_kind``)."""

    code: str
    label: str
    cases: int
    people: int


@dataclass(frozen=True)
class Change:
    """A figure against last month (环比) and the same month last year (同比): the two earlier values and the
    changes in percent (None when the earlier value is 0: no percentage of nothing)."""

    name: str          # e.g. "受理数"
    current: float
    last_month: float
    last_year: float
    month_on_month: float | None
    year_on_year: float | None


@dataclass(frozen=True)
class MonthlyReport:
    month: str                      # 'YYYY-MM'
    village: str                    # services.village name ('' when unset)
    village_code: str               # 12-digit 统计用区划代码 ('' when unset)
    committee: str                  # 调委会名称
    accepted: int                   # 受理数
    succeeded: int                  # 调解成功数
    success_rate: float | None      # percent, unrounded; None when nothing was accepted
    agreement_amount_fen: int       # 协议涉及金额 (fen; documents show 万元 to 2 decimals)
    performed: int                  # 履行数
    judicially_confirmed: int       # 司法确认数
    sources: tuple[Share, ...]      # 案件来源: 主动调解 / 申请调解 / 接受委托移送 (top-level codes), every one listed
    dispute_types: tuple[Share, ...]  # 纠纷类型: every top-level type of the code table, zeros included
    written_agreements: int         # 书面协议数
    oral_agreements: int            # 口头协议数
    parties: int                    # 涉及当事人数
    difficult: int                  # 疑难案件数
    screenings: int                 # 排查次数
    disputes_found: int             # 排查发现纠纷数
    disputes_prevented: int         # 预防纠纷数
    prevented: tuple[Prevented, ...]  # every prevention_kind, zeros included
    changes: tuple[Change, ...]     # 受理数, 调解成功数, 成功率 (percentage points in month_on_month/year_on_year), 协议金额
    generated_at: str               # ISO timestamp (UTC) of the computation

    @property
    def zero(self) -> bool:
        """零上报: nothing accepted, performed, confirmed or screened in the month."""
        return not (self.accepted or self.performed or self.judicially_confirmed or self.screenings)


# ------------------------------------------------------------------------------------------------------------------
# Months
# ------------------------------------------------------------------------------------------------------------------

_MONTH_RE = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")
SCREENING = "03"  # activity_kind 排查
CONFIRMED = "valid"  # jc_result 确认有效
FIGURES_VERSION = 1  # the JSON of a MonthlyReport (monthly_reports.figures)
_NAMESPACE = uuid.UUID("6f1d2c3e-8a47-5b0e-9d1c-3a7e5f2b4c60")  # monthly_reports ids (uuid5 of db_id/month)


def check_month(raw: str) -> str:
    """'YYYY-MM' (also accepts '2026-1', '2026年10月', '202610'), or a ``UserError`` on ``month``."""
    text = raw.strip().replace("年", "-").replace("月", "").replace("/", "-").replace(".", "-")
    if re.fullmatch(r"[0-9]{6}", text):
        text = f"{text[:4]}-{text[4:]}"
    found = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})", text)
    month = f"{found.group(1)}-{int(found.group(2)):02d}" if found else text
    if not _MONTH_RE.fullmatch(month) or month < "1949-10":
        raise UserError("month", "bad_month", "统计月份应写成“年-月”，如 2026-10")
    return month


def month_of(day: date | str) -> str:
    """The 'YYYY-MM' a date ('YYYY-MM-DD' or a ``date``) falls in."""
    return (day.isoformat() if isinstance(day, date) else day)[:7]


def previous_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return f"{year - 1}-12" if mon == 1 else f"{year}-{mon - 1:02d}"


def next_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return f"{year + 1}-01" if mon == 12 else f"{year}-{mon + 1:02d}"


def same_month_last_year(month: str) -> str:
    return f"{int(month[:4]) - 1}{month[4:]}"


def default_month(today: date) -> str:
    """The month a clerk reports at the start of the next: last month."""
    return previous_month(month_of(today))


def bounds(month: str) -> tuple[str, str]:
    """[first day, first day of the next month) as 'YYYY-MM-DD' strings: stored dates compare as text."""
    return f"{month}-01", f"{next_month(month)}-01"


# ------------------------------------------------------------------------------------------------------------------
# Computing
# ------------------------------------------------------------------------------------------------------------------

_COHORT = "c.accepted_on >= :start AND c.accepted_on < :end"


def _percent(part: int, whole: int) -> float:
    return part * 100.0 / whole if whole else 0.0


def _top_levels(table: str) -> tuple[list[CodeEntry], dict[str, str]]:
    """The entries without a parent, and every code → its top-level code."""
    entries = code_table(table).entries
    by_code = {e.code: e for e in entries}
    top: dict[str, str] = {}
    for entry in entries:
        node = entry
        while node.parent is not None and node.parent in by_code:
            node = by_code[node.parent]
        top[entry.code] = node.code
    return [e for e in entries if e.parent is None], top


def _shares(conn: sqlite3.Connection, column: str, table: str, params: dict[str, str],
            accepted: int) -> tuple[Share, ...]:
    roots, top = _top_levels(table)
    counts = dict.fromkeys((e.code for e in roots), 0)
    for code, n in conn.execute(f"SELECT c.{column}, count(*) FROM cases c WHERE {_COHORT} GROUP BY c.{column}",
                                params):
        root = top.get(code or "")
        if root is not None:
            counts[root] += n
    return tuple(Share(e.code, e.label, counts[e.code], _percent(counts[e.code], accepted)) for e in roots)


@dataclass(frozen=True)
class _Core:
    accepted: int
    succeeded: int
    amount_fen: int

    @property
    def rate(self) -> float | None:
        return self.succeeded * 100.0 / self.accepted if self.accepted else None


def _core(conn: sqlite3.Connection, month: str) -> _Core:
    start, end = bounds(month)
    params = {"start": start, "end": end}
    accepted, succeeded = conn.execute(
        f"SELECT count(*), coalesce(sum(c.result = 'success'), 0) FROM cases c WHERE {_COHORT}", params).fetchone()
    (amount,) = conn.execute(
        f"""SELECT coalesce(sum(a.amount_fen), 0) FROM cases c JOIN agreements a ON a.case_id = c.id
            WHERE {_COHORT} AND a.supplements_id IS NULL""", params).fetchone()
    return _Core(int(accepted), int(succeeded), int(amount))


def _change(name: str, current: float, last_month: float, last_year: float) -> Change:
    def pct(earlier: float) -> float | None:
        return (current - earlier) * 100.0 / earlier if earlier else None
    return Change(name, current, last_month, last_year, pct(last_month), pct(last_year))


def _rate_change(now: _Core, before: _Core, year_ago: _Core) -> Change:
    """成功率 in percent; its changes are percentage points (None when either month accepted nothing)."""
    def points(earlier: _Core) -> float | None:
        return None if now.rate is None or earlier.rate is None else now.rate - earlier.rate
    return Change("成功率", now.rate or 0.0, before.rate or 0.0, year_ago.rate or 0.0, points(before), points(year_ago))


def _changes(conn: sqlite3.Connection, month: str, now: _Core) -> tuple[Change, ...]:
    before, year_ago = _core(conn, previous_month(month)), _core(conn, same_month_last_year(month))
    return (
        _change("受理数", now.accepted, before.accepted, year_ago.accepted),
        _change("调解成功数", now.succeeded, before.succeeded, year_ago.succeeded),
        _rate_change(now, before, year_ago),
        _change("协议涉及金额（万元）", now.amount_fen / 1_000_000, before.amount_fen / 1_000_000,
                year_ago.amount_fen / 1_000_000),
    )


def compute(ledger: Ledger, month: str) -> MonthlyReport:
    """The 月报 of ``month`` ('YYYY-MM'), by SQL aggregates (a county-sized ledger in well under a second)."""
    month = check_month(month)
    ledger.require(Permission.CASES_VIEW, "统计月报")
    conn = ledger.store.conn
    start, end = bounds(month)
    params = {"start": start, "end": end}
    now = _core(conn, month)
    written, oral, difficult = conn.execute(
        f"""SELECT coalesce(sum(c.agreement_form = '{case_rules.WRITTEN}'), 0), coalesce(sum(c.agreement_form = '{case_rules.ORAL}'), 0),
                   coalesce(sum(c.difficult), 0) FROM cases c WHERE {_COHORT}""", params).fetchone()
    (parties,) = conn.execute(
        f"SELECT count(*) FROM cases c JOIN case_parties p ON p.case_id = c.id WHERE {_COHORT}", params).fetchone()
    (performed,) = conn.execute(
        """SELECT count(*) FROM agreements WHERE supplements_id IS NULL AND performed_on >= :start
           AND performed_on < :end""", params).fetchone()
    (confirmed,) = conn.execute(
        f"""SELECT count(*) FROM agreements WHERE supplements_id IS NULL AND jc_result = '{CONFIRMED}'
            AND jc_result_on >= :start AND jc_result_on < :end""", params).fetchone()
    screenings, found, prevented_disputes = conn.execute(
        f"""SELECT count(*), coalesce(sum(disputes_found), 0), coalesce(sum(disputes_prevented), 0)
            FROM team_activities WHERE kind = '{SCREENING}' AND activity_date >= :start AND activity_date < :end""",
        params).fetchone()
    by_kind = {code: (n, people) for code, n, people in conn.execute(
        f"""SELECT c.prevention, count(*), coalesce(sum(c.people_involved), 0) FROM cases c
            WHERE {_COHORT} AND c.prevention IS NOT NULL GROUP BY c.prevention""", params)}
    prevented = tuple(Prevented(e.code, e.label, *by_kind.get(e.code, (0, 0)))
                      for e in code_table("prevention_kind").entries)
    place = village.load(ledger)
    return MonthlyReport(
        month=month, village=place.name, village_code=place.code, committee=committee.load(ledger).name,
        accepted=now.accepted, succeeded=now.succeeded, success_rate=now.rate, agreement_amount_fen=now.amount_fen,
        performed=int(performed), judicially_confirmed=int(confirmed),
        sources=_shares(conn, "source", "case_source", params, now.accepted),
        dispute_types=_shares(conn, "dispute_type", "dispute_type", params, now.accepted),
        written_agreements=int(written), oral_agreements=int(oral), parties=int(parties), difficult=int(difficult),
        screenings=int(screenings), disputes_found=int(found), disputes_prevented=int(prevented_disputes),
        prevented=prevented, changes=_changes(conn, month, now), generated_at=rows.now_utc())


# ------------------------------------------------------------------------------------------------------------------
# JSON (monthly_reports.figures, the county's copy)
# ------------------------------------------------------------------------------------------------------------------


def to_json(report: MonthlyReport) -> dict[str, Any]:
    """The report as a JSON object (every field of the dataclass, plus ``zero`` and ``version`` for readers)."""
    return {"version": FIGURES_VERSION, **asdict(report), "zero": report.zero}


def from_json(data: dict[str, Any]) -> MonthlyReport:
    """The inverse of ``to_json`` (unknown keys are ignored, so a newer writer's extra figures do no harm)."""
    known = {f.name for f in fields_of(MonthlyReport)}
    values = {k: v for k, v in data.items() if k in known}
    values["sources"] = tuple(Share(**s) for s in data["sources"])
    values["dispute_types"] = tuple(Share(**s) for s in data["dispute_types"])
    values["prevented"] = tuple(Prevented(**p) for p in data["prevented"])
    values["changes"] = tuple(Change(**c) for c in data["changes"])
    return MonthlyReport(**values)


# ------------------------------------------------------------------------------------------------------------------
# Sending upward
# ------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Submitted:
    """A 月报 recorded for the county (it leaves with the next sync)."""

    id: str
    month: str
    zero: bool
    generated_at: str
    submitted_by: str
    report: MonthlyReport


def report_id(ledger: Ledger, month: str) -> str:
    """One row per month and PC: resubmitting a month updates that row instead of adding another."""
    db_id = ledger.store.meta("db_id") or ""
    return str(uuid.uuid5(_NAMESPACE, f"{db_id}/{month}"))


def submit(ledger: Ledger, report: MonthlyReport) -> Changes:
    """Record ``report`` for the county (the ``monthly_reports`` row of this PC and month, sent with the next sync);
    a second submit of the month replaces the figures. Needs ``EXPORT`` (the figures leave the village). A month that
    has not ended is refused: half a month's figures would stand at the county as the month's."""
    actor = ledger.require(Permission.EXPORT, "上报月报")
    month = check_month(report.month)
    if month >= month_of(ledger.today()):
        raise UserError("month", "month_not_over", f"{month} 还没有结束，月末之后才能上报这个月的月报")
    row_id = report_id(ledger, month)
    values = {"month": month, "figures": json.dumps(to_json(report), ensure_ascii=False, sort_keys=True),
              "zero": 1 if report.zero else 0, "generated_at": report.generated_at,
              "submitted_by": actor.label}
    with ledger.store.write() as conn:
        again = rows.get(conn, "monthly_reports", row_id) is not None
        if again:
            rows.update_changed(conn, "monthly_reports", row_id, values)
        else:
            rows.insert(conn, "monthly_reports", [{"id": row_id, **values}])
        what = "零上报" if report.zero else f"受理{report.accepted}件，调解成功{report.succeeded}件"
        ledger.audit("report_submitted", object_type="monthly_reports", object_id=row_id,
                     object_label=f"{month} 月报", detail=what + ("（重新上报，替换上次的数字）" if again else ""))
    return Changes(row_id=row_id)


def export(ledger: Ledger, report: MonthlyReport, target: Path, font_path: Path | None = None) -> Path:
    """Write ``report`` as a PDF or an Excel file (by ``target``'s suffix, .pdf or .xlsx). Like every file that
    leaves the app it needs ``EXPORT`` and is recorded in the audit log."""
    ledger.require(Permission.EXPORT, "导出月报")
    suffix = target.suffix.lower()
    if suffix == ".pdf":
        written = monthly_report.render_pdf(report, target, font_path)
    elif suffix == ".xlsx":
        written = monthly_report.render_xlsx(report, target)
    else:
        raise UserError("out", "bad_suffix", "月报文件应为 .pdf 或 .xlsx")
    ledger.audit("export", object_type="monthly_reports", object_label=f"{report.month} 月报",
                 detail=f"导出到 {written.name}")
    return written


def submitted(ledger: Ledger) -> list[Submitted]:
    """The 月报 recorded on this PC, newest month first."""
    ledger.require(Permission.CASES_VIEW, "查看已上报的月报")
    return [Submitted(row_id, month, bool(zero), generated_at, by, from_json(json.loads(figures)))
            for row_id, month, figures, zero, generated_at, by in ledger.store.conn.execute(
                """SELECT id, month, figures, zero, generated_at, submitted_by FROM monthly_reports
                   ORDER BY month DESC, generated_at DESC""")]
