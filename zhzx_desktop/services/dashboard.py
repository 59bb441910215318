"""首页/统计: the village at a glance — the register's sizes, the mediation cases of this month and this year, the
cases by dispute type and by source, the teams' activities of the last 12 months.

Every number and every bar carries a ``Drill``: which records it counts (a kind of record and a ``WHERE`` clause
with its parameters). ``records(ledger, drill)`` lists exactly those records, so a clerk can click from a figure to
what is behind it. The ``WHERE`` clauses are built only here, from constants; every value is a bound parameter.

The case figures follow the definitions of ``services/reports.py`` (the 月报): a period's cases are those accepted
(``accepted_on``) in it; 调解成功 counts those of them whose ``result`` is 'success'; 成功率 = 成功 ÷ 受理.
结案 counts the cases closed (``closed_on``) in the period, whenever they were accepted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

from zhzx_desktop.domain import case_rules
from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.domain.months import first_of_month
from zhzx_desktop.domain.roles import Permission
from zhzx_desktop.services.ledger import Ledger

Kind = Literal["residents", "households", "teams", "members", "cases", "activities"]
Param = str | int

#: The columns ``records`` returns for each kind, in order (the GUI gives them Chinese headers).
COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "residents": ("name", "sex", "birth_date", "id_masked", "household_no", "grid", "status"),
    "households": ("household_no", "head", "members", "address", "grid"),
    "teams": ("name", "team_type", "leader", "members", "founded_on"),
    "members": ("name", "team", "role", "joined_on"),
    "cases": ("case_no", "accepted_on", "status", "dispute_type", "source", "closed_on", "parties"),
    "activities": ("activity_date", "team", "kind", "place", "participants", "summary"),
}

# The table and alias each kind's WHERE clause is written against, and the permission its records need.
_TABLES: Final[dict[str, str]] = {
    "residents": "residents r", "households": "households h", "teams": "teams t", "members": "team_members m",
    "cases": "cases c", "activities": "team_activities a",
}
_PERMISSION: Final[dict[str, Permission]] = {
    "residents": Permission.REGISTER_VIEW, "households": Permission.REGISTER_VIEW,
    "teams": Permission.REGISTER_VIEW, "members": Permission.REGISTER_VIEW,
    "cases": Permission.CASES_VIEW, "activities": Permission.REGISTER_VIEW,
}
MONTHS_OF_ACTIVITY: Final = 12
UNSPECIFIED: Final = ""  # the code of the 未填写 bar (cases without a dispute type or source)


@dataclass(frozen=True)
class Drill:
    """The records behind a figure: ``SELECT … FROM <kind's table> WHERE <where>`` with ``params``."""

    kind: Kind
    title: str                    # what they are, e.g. 「2026年11月受理的案件」
    where: str                    # over the kind's alias (r, h, t, m, c, a); built in this module only
    params: tuple[Param, ...] = ()


@dataclass(frozen=True)
class Figure:
    value: int
    drill: Drill


@dataclass(frozen=True)
class Bar:
    code: str     # the code-table code ('' for 未填写), or the month 'YYYY-MM' of an activity bar
    label: str
    value: int
    drill: Drill


@dataclass(frozen=True)
class CaseFigures:
    """The cases of one period (a month or a year)."""

    period: str          # 「本月」/「本年」 wording is the GUI's; this is 「2026年11月」 / 「2026年」
    opened: Figure       # 受理
    closed: Figure       # 结案
    succeeded: Figure    # 调解成功 (of the cases opened in the period)

    @property
    def success_rate(self) -> float | None:
        """成功 ÷ 受理 in percent (unrounded), None when nothing was accepted."""
        return 100.0 * self.succeeded.value / self.opened.value if self.opened.value else None


@dataclass(frozen=True)
class Dashboard:
    today: date
    residents: Figure          # 在册居民 (status 在册)
    households: Figure         # 户 (not dissolved)
    teams: Figure              # 队伍 (not disbanded)
    members: Figure            # 队员人次: memberships in those teams not ended (one person in two teams: 2)
    month: CaseFigures
    year: CaseFigures
    by_dispute_type: tuple[Bar, ...]   # this year's cases, most first; types without cases left out
    by_source: tuple[Bar, ...]         # this year's cases by top-level source (every one listed)
    activities: tuple[Bar, ...]        # team activities per month, the last 12 months, oldest first, zeros kept


@dataclass(frozen=True)
class DrillRow:
    id: str
    values: tuple[str, ...]  # one per ``COLUMNS[kind]``


# --- periods ---------------------------------------------------------------------------------------------------

def _between(column: str) -> str:
    return f"{column} >= ? AND {column} < ?"


# --- figures ---------------------------------------------------------------------------------------------------

def _count(ledger: Ledger, drill: Drill) -> int:
    sql = f"SELECT count(*) FROM {_TABLES[drill.kind]} WHERE {drill.where}"
    return int(ledger.store.conn.execute(sql, drill.params).fetchone()[0])


def _figure(ledger: Ledger, drill: Drill) -> Figure:
    return Figure(_count(ledger, drill), drill)


def _case_figures(ledger: Ledger, period: str, start: date, end: date) -> CaseFigures:
    span = (start.isoformat(), end.isoformat())
    return CaseFigures(
        period,
        _figure(ledger, Drill("cases", f"{period}受理的案件", _between("c.accepted_on"), span)),
        _figure(ledger, Drill("cases", f"{period}结案的案件", _between("c.closed_on"), span)),
        _figure(ledger, Drill("cases", f"{period}受理、调解成功的案件",
                              _between("c.accepted_on") + " AND c.result = 'success'", span)))


def _source_codes() -> list[tuple[str, str, tuple[str, ...]]]:
    """(top-level code, label, every code counted under it) of the case_source table."""
    table = code_table("case_source")
    return [(e.code, e.label, (e.code, *(child.code for child in table.children(e.code))))
            for e in table.entries if e.parent is None]


def _by_dispute_type(ledger: Ledger, period: str, span: tuple[str, str]) -> tuple[Bar, ...]:
    table = code_table("dispute_type")
    counts = ledger.store.conn.execute(
        "SELECT coalesce(dispute_type, ''), count(*) FROM cases c WHERE " + _between("c.accepted_on")
        + " GROUP BY 1", span).fetchall()
    bars = []
    for code, n in counts:
        if code == UNSPECIFIED or code not in table:
            continue
        label = table.label(code)
        bars.append(Bar(code, label, int(n), Drill("cases", f"{period}受理的{label}", _between("c.accepted_on")
                                                   + " AND c.dispute_type = ?", (*span, code))))
    order = {code: i for i, code in enumerate(table.codes())}
    bars.sort(key=lambda b: (-b.value, order[b.code]))
    other = sum(int(n) for code, n in counts if code == UNSPECIFIED or code not in table)
    if other:
        bars.append(Bar(UNSPECIFIED, "未填写", other, Drill(
            "cases", f"{period}受理、未填写纠纷类型的案件", _between("c.accepted_on")
            + " AND (c.dispute_type IS NULL OR c.dispute_type NOT IN (" + ",".join("?" * len(table.codes())) + "))",
            (*span, *table.codes()))))
    return tuple(bars)


def _by_source(ledger: Ledger, period: str, span: tuple[str, str]) -> tuple[Bar, ...]:
    bars = []
    known: list[str] = []
    for code, label, codes in _source_codes():
        known += codes
        drill = Drill("cases", f"{period}受理的{label}案件", _between("c.accepted_on")
                      + " AND c.source IN (" + ",".join("?" * len(codes)) + ")", (*span, *codes))
        bars.append(Bar(code, label, _count(ledger, drill), drill))
    other = Drill("cases", f"{period}受理、未填写案件来源的案件", _between("c.accepted_on")
                  + " AND (c.source IS NULL OR c.source NOT IN (" + ",".join("?" * len(known)) + "))",
                  (*span, *known))
    count = _count(ledger, other)
    if count:
        bars.append(Bar(UNSPECIFIED, "未填写", count, other))
    return tuple(bars)


def _activities(ledger: Ledger, today: date) -> tuple[Bar, ...]:
    first = first_of_month(today, MONTHS_OF_ACTIVITY - 1)
    counts = dict(ledger.store.conn.execute(
        "SELECT substr(activity_date, 1, 7), count(*) FROM team_activities WHERE activity_date >= ? GROUP BY 1",
        (first.isoformat(),)).fetchall())
    bars = []
    for back in range(MONTHS_OF_ACTIVITY - 1, -1, -1):
        start = first_of_month(today, back)
        key = start.isoformat()[:7]
        bars.append(Bar(key, f"{start.month}月", int(counts.get(key, 0)), Drill(
            "activities", f"{start.year}年{start.month}月的队伍活动", _between("a.activity_date"),
            (start.isoformat(), first_of_month(start, -1).isoformat()))))
    return tuple(bars)


def figures(ledger: Ledger, today: date | None = None) -> Dashboard:
    """The dashboard as of ``today`` (the ledger's today by default)."""
    today = today or ledger.today()
    month_start = first_of_month(today)
    year_start = date(today.year, 1, 1)
    year_end = date(today.year + 1, 1, 1)
    month_name = f"{today.year}年{today.month}月"
    year_name = f"{today.year}年"
    year_span = (year_start.isoformat(), year_end.isoformat())
    return Dashboard(
        today=today,
        # the first condition is that of the covering index residents_listed_birth: counted without a table scan
        residents=_figure(ledger, Drill("residents", "在册居民", "r.status NOT IN ('merged', 'deleted') "
                                        "AND r.status = 'active'")),
        households=_figure(ledger, Drill("households", "户", "h.status = 'active'")),
        teams=_figure(ledger, Drill("teams", "队伍", "t.status = 'active'")),
        members=_figure(ledger, Drill("members", "队员（人次）", "m.left_on IS NULL AND m.team_id IN "
                                      "(SELECT id FROM teams WHERE status = 'active')")),
        month=_case_figures(ledger, month_name, month_start, first_of_month(month_start, -1)),
        year=_case_figures(ledger, year_name, year_start, year_end),
        by_dispute_type=_by_dispute_type(ledger, year_name, year_span),
        by_source=_by_source(ledger, year_name, year_span),
        activities=_activities(ledger, today),
    )


# --- the records behind a figure -------------------------------------------------------------------------------

_RECORDS_SQL: Final[dict[str, str]] = {
    "residents": """SELECT r.id, r.name, r.sex, coalesce(r.birth_date, ''), coalesce(r.id_masked, ''),
                           coalesce(h.household_no, ''), coalesce(g.name, ''), r.status
                      FROM residents r LEFT JOIN households h ON h.id = r.household_id
                      LEFT JOIN grids g ON g.id = r.grid_id WHERE {where} ORDER BY r.name, r.rid LIMIT ?""",
    "households": """SELECT h.id, h.household_no,
                            coalesce((SELECT name FROM residents x WHERE x.household_id = h.id AND x.relation = '02'
                                      AND x.status = 'active' ORDER BY x.rid LIMIT 1), ''),
                            (SELECT count(*) FROM residents x WHERE x.household_id = h.id AND x.status = 'active'),
                            h.address, coalesce(g.name, '')
                       FROM households h LEFT JOIN grids g ON g.id = h.grid_id
                      WHERE {where} ORDER BY h.household_no, h.id LIMIT ?""",
    "teams": """SELECT t.id, t.name, t.team_type, coalesce(l.name, ''),
                       (SELECT count(*) FROM team_members x WHERE x.team_id = t.id AND x.left_on IS NULL),
                       coalesce(t.founded_on, '')
                  FROM teams t LEFT JOIN residents l ON l.id = t.leader_resident_id
                 WHERE {where} ORDER BY t.name, t.id LIMIT ?""",
    "members": """SELECT m.id, coalesce(p.name, ''), coalesce(t.name, ''), m.role, m.joined_on
                    FROM team_members m LEFT JOIN residents p ON p.id = m.resident_id
                    LEFT JOIN teams t ON t.id = m.team_id
                   WHERE {where} ORDER BY t.name, p.name, m.id LIMIT ?""",
    "cases": """SELECT c.id, coalesce(c.case_no, ''), coalesce(c.accepted_on, ''), c.status, c.dispute_type, c.source,
                       coalesce(c.closed_on, ''),
                       coalesce((SELECT group_concat(name, '、') FROM (SELECT name FROM case_parties p
                                 WHERE p.case_id = c.id ORDER BY p.rowid)), '')
                  FROM cases c WHERE {where} ORDER BY c.accepted_on DESC, c.case_seq DESC, c.id LIMIT ?""",
    "activities": """SELECT a.id, a.activity_date, coalesce(t.name, ''), a.kind, a.place,
                            (SELECT count(*) FROM activity_participants x WHERE x.activity_id = a.id), a.summary
                       FROM team_activities a LEFT JOIN teams t ON t.id = a.team_id
                      WHERE {where} ORDER BY a.activity_date DESC, a.created_at DESC, a.id LIMIT ?""",
}


def _labels(kind: str, values: Sequence[object]) -> tuple[str, ...]:
    """The row's values as shown: codes as their labels, numbers as text."""
    out = ["" if v is None else str(v) for v in values]
    if kind == "residents":
        sex = code_table("sex").get(out[1])
        out[1] = sex.display if sex is not None else out[1]
        out[6] = code_table("resident_status").label_or(out[6], out[6])
    elif kind == "teams":
        out[1] = code_table("team_type").label_or(out[1], out[1])
    elif kind == "cases":
        out[2] = case_rules.status_label(out[2])
        out[3] = code_table("dispute_type").label_or(out[3], "")
        out[4] = code_table("case_source").label_or(out[4], "")
    elif kind == "activities":
        out[2] = code_table("activity_kind").label_or(out[2], out[2])
    return tuple(out)


def allowed(ledger: Ledger, kind: str) -> bool:
    """Whether the current actor may see the records of ``kind`` (the figures themselves are plain counts)."""
    actor = ledger.actor
    return actor is not None and actor.can(_PERMISSION[kind])


def records(ledger: Ledger, drill: Drill, limit: int = 500) -> list[DrillRow]:
    """The records ``drill`` counts (at most ``limit``), in the kind's natural order; none for a role that may not
    see that kind of record (the parties' privacy, 人民调解法 §15)."""
    if not allowed(ledger, drill.kind):
        return []
    sql = _RECORDS_SQL[drill.kind].replace("{where}", drill.where)
    return [DrillRow(str(rec[0]), _labels(drill.kind, rec[1:]))
            for rec in ledger.store.conn.execute(sql, (*drill.params, limit))]


def count(ledger: Ledger, drill: Drill) -> int:
    """How many records ``drill`` counts (equal to the figure it came with, if nothing changed since)."""
    return _count(ledger, drill)
