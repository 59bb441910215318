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

from dataclasses import dataclass


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
