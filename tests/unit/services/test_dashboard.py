"""The dashboard's figures (services/dashboard.py): the periods' boundaries, the distributions, and every figure's
drill-down listing exactly the records it counts. TODAY = 2026-11-23."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.conftest import TODAY
from tests.helpers import make_id
from zhzx_desktop.domain.roles import Role
from zhzx_desktop.security.session import Actor
from zhzx_desktop.services import dashboard, demo, residents
from zhzx_desktop.services.dashboard import Dashboard, Drill
from zhzx_desktop.services.ledger import Ledger

NOW = "2026-11-01T08:00:00"


def _id() -> str:
    return str(uuid.uuid4())


def add_case(ledger: Ledger, accepted_on: str, *, source: str | None = "01", dispute_type: str | None = "02",
             result: str | None = None, closed_on: str | None = None, status: str = "accepted") -> str:
    case_id = _id()
    with ledger.store.write() as conn:
        conn.execute("INSERT INTO cases(id, status, source, dispute_type, accepted_on, result, closed_on, created_at) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (case_id, status, source, dispute_type, accepted_on, result, closed_on, NOW))
    return case_id


def add_team(ledger: Ledger, name: str, status: str = "active") -> str:
    team_id = _id()
    with ledger.store.write() as conn:
        conn.execute("INSERT INTO teams(id, name, team_type, status, created_at) VALUES (?, ?, '04', ?, ?)",
                     (team_id, name, status, NOW))
    return team_id


def add_activity(ledger: Ledger, team_id: str, day: str) -> str:
    activity_id = _id()
    with ledger.store.write() as conn:
        conn.execute("INSERT INTO team_activities(id, team_id, activity_date, kind, created_at) "
                     "VALUES (?, ?, ?, '01', ?)", (activity_id, team_id, day, NOW))
    return activity_id


def ids(ledger: Ledger, drill: Drill) -> set[str]:
    return {row.id for row in dashboard.records(ledger, drill)}


def all_figures(board: Dashboard) -> Iterator[tuple[str, dashboard.Figure | dashboard.Bar]]:
    yield "residents", board.residents
    yield "households", board.households
    yield "teams", board.teams
    yield "members", board.members
    for period in (board.month, board.year):
        yield period.period + "opened", period.opened
        yield period.period + "closed", period.closed
        yield period.period + "succeeded", period.succeeded
    for bar in (*board.by_dispute_type, *board.by_source, *board.activities):
        yield bar.label, bar


def test_cases_of_the_month_and_year_respect_the_boundaries(ledger: Ledger) -> None:
    before_year = add_case(ledger, "2025-12-31", result="success", closed_on="2026-01-05")
    october = add_case(ledger, "2026-10-31", result="success", closed_on="2026-11-01")
    first = add_case(ledger, "2026-11-01", result="success", closed_on="2026-11-20", dispute_type="01")
    today = add_case(ledger, "2026-11-23", result="failure", closed_on="2026-11-23", source="31")
    last = add_case(ledger, "2026-11-30", source=None, dispute_type=None)
    december = add_case(ledger, "2026-12-01", result="success")
    next_year = add_case(ledger, "2027-01-01")

    board = dashboard.figures(ledger, TODAY)
    month, year = board.month, board.year
    assert month.period == "2026年11月" and year.period == "2026年"
    assert ids(ledger, month.opened.drill) == {first, today, last} and month.opened.value == 3
    assert ids(ledger, month.closed.drill) == {october, first, today} and month.closed.value == 3
    assert ids(ledger, month.succeeded.drill) == {first} and month.succeeded.value == 1
    assert month.success_rate == pytest.approx(100 / 3)
    assert ids(ledger, year.opened.drill) == {october, first, today, last, december}
    assert ids(ledger, year.closed.drill) == {before_year, october, first, today}
    assert ids(ledger, year.succeeded.drill) == {october, first, december}
    assert year.success_rate == pytest.approx(60.0)
    assert next_year not in ids(ledger, year.opened.drill)


def test_distributions_roll_up_sources_and_keep_unspecified(ledger: Ledger) -> None:
    a = add_case(ledger, "2026-03-01", source="01", dispute_type="02")
    b = add_case(ledger, "2026-04-01", source="31", dispute_type="02")
    c = add_case(ledger, "2026-05-01", source="34", dispute_type="06")
    d = add_case(ledger, "2026-06-01", source=None, dispute_type=None)
    add_case(ledger, "2025-06-01", source="02", dispute_type="01")  # last year: not in this year's bars

    board = dashboard.figures(ledger, TODAY)
    types = {bar.label: bar for bar in board.by_dispute_type}
    assert [bar.label for bar in board.by_dispute_type] == ["邻里纠纷", "损害赔偿纠纷", "未填写"]
    assert ids(ledger, types["邻里纠纷"].drill) == {a, b} and types["邻里纠纷"].value == 2
    assert ids(ledger, types["未填写"].drill) == {d}
    sources = {bar.code: bar for bar in board.by_source}
    assert [bar.code for bar in board.by_source] == ["01", "02", "03", ""]  # every top-level source, zeros included
    assert sources["02"].value == 0 and ids(ledger, sources["02"].drill) == set()
    assert ids(ledger, sources["03"].drill) == {b, c} and sources["03"].value == 2  # 31, 34 are 委托移送
    assert ids(ledger, sources[""].drill) == {d}


def test_activities_per_month_cover_twelve_months_with_zeros(ledger: Ledger) -> None:
    team = add_team(ledger, "护村队")
    too_old = add_activity(ledger, team, "2025-11-30")
    oldest = add_activity(ledger, team, "2025-12-01")
    now = [add_activity(ledger, team, "2026-11-01"), add_activity(ledger, team, "2026-11-23")]

    bars = dashboard.figures(ledger, TODAY).activities
    assert bars[0].code == "2025-12" and bars[-1].code == "2026-11" and len(bars) == 12
    assert bars[0].label == "12月" and bars[-1].label == "11月"
    assert ids(ledger, bars[0].drill) == {oldest} and ids(ledger, bars[-1].drill) == set(now)
    assert [bar.value for bar in bars] == [1] + [0] * 10 + [2]
    assert too_old not in set().union(*(ids(ledger, bar.drill) for bar in bars))


def test_register_figures_count_only_current_records(ledger: Ledger) -> None:
    kept = residents.register(ledger, residents.ResidentInput(name="周建国", id_number=make_id(seq=11))).row_id
    gone = residents.register(ledger, residents.ResidentInput(name="吴秀英", id_number=make_id(seq=13))).row_id
    residents.set_status(ledger, gone or "", "moved_out")
    active, disbanded = add_team(ledger, "巡防队"), add_team(ledger, "旧巡逻队", status="disbanded")
    with ledger.store.write() as conn:
        for team, left in ((active, None), (active, "2026-05-01"), (disbanded, None)):
            conn.execute("INSERT INTO team_members(id, team_id, resident_id, joined_on, left_on) VALUES (?, ?, ?, ?, ?)",
                         (_id(), team, kept, "2026-01-01", left))

    board = dashboard.figures(ledger, TODAY)
    assert board.residents.value == 1 and ids(ledger, board.residents.drill) == {kept}
    assert board.teams.value == 1 and ids(ledger, board.teams.drill) == {active}
    assert board.members.value == 1
    [row] = dashboard.records(ledger, board.members.drill)
    assert row.values[:2] == ("周建国", "巡防队")
    [person] = dashboard.records(ledger, board.residents.drill)
    assert person.values[0] == "周建国" and person.values[-1] == "在册" and "*" in person.values[3]


def test_every_figure_of_a_demo_village_drills_to_exactly_its_records(ledger: Ledger) -> None:
    demo.populate(ledger, residents=300, cases=60)
    board = dashboard.figures(ledger)
    assert board.residents.value > 0 and board.year.opened.value > 0 and board.teams.value > 0
    for name, figure in all_figures(board):
        rows = dashboard.records(ledger, figure.drill, limit=100_000)
        assert len(rows) == figure.value == dashboard.count(ledger, figure.drill), name
        assert len({row.id for row in rows}) == len(rows), name
        assert all(len(row.values) == len(dashboard.COLUMNS[figure.drill.kind]) for row in rows), name
    assert sum(bar.value for bar in board.by_source) == board.year.opened.value
    assert sum(bar.value for bar in board.by_dispute_type) == board.year.opened.value


def test_case_records_need_cases_view(ledger: Ledger) -> None:
    add_case(ledger, "2026-11-02")
    board = dashboard.figures(ledger, TODAY)
    ledger.session.actor = Actor("a1", "luru", "录入员甲", Role.CLERK)  # register only, no cases
    assert dashboard.records(ledger, board.month.opened.drill) == []
    assert not dashboard.allowed(ledger, "cases") and dashboard.allowed(ledger, "residents")
    ledger.session.actor = Actor("a2", "tiaojie", "调解员乙", Role.MEDIATOR)
    assert len(dashboard.records(ledger, board.month.opened.drill)) == 1


def test_limit_caps_the_rows(ledger: Ledger) -> None:
    for day in range(1, 6):
        add_case(ledger, f"2026-11-0{day}")
    drill = dashboard.figures(ledger, TODAY).month.opened.drill
    rows = dashboard.records(ledger, drill, limit=2)
    assert [row.values[1] for row in rows] == ["2026-11-05", "2026-11-04"]  # newest first
