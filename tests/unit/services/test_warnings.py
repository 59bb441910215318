"""研判 early warnings (services/warnings.py) on real cases opened through the services (TODAY = 2026-11-23)."""

from __future__ import annotations

from datetime import date

import pytest

from tests import casework
from zhzx_desktop.domain import months
from zhzx_desktop.domain.roles import Role
from zhzx_desktop.errors import Forbidden, UserError
from zhzx_desktop.security.session import Actor
from zhzx_desktop.services import cases, warnings
from zhzx_desktop.services.cases import PartyInput
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.storage import rows

MEDIATOR = Actor("a2", "wangfang", "王芳", Role.MEDIATOR)  # cases, but no SENSITIVE_VIEW
CLERK = Actor("a1", "zhangwei", "张伟", Role.CLERK)  # no CASES_VIEW


def _open(ledger: Ledger, v: casework.Village, a: int = 0, b: int = 1, **overrides: object) -> str:
    data = casework.intake(v, **overrides)  # type: ignore[arg-type]
    data.parties = [PartyInput(role="applicant", resident_id=v.parties[a]),
                    PartyInput(role="respondent", resident_id=v.parties[b])]
    return cases.open_case(ledger, data).row_id or ""


def _no(ledger: Ledger, case_id: str) -> str:
    return cases.get_case(ledger, case_id).case_no


def _kinds(ledger: Ledger) -> list[str]:
    return [w.kind for w in warnings.early_warnings(ledger)]


def _household(ledger: Ledger, number: str, *resident_ids: str) -> None:
    """Put ``resident_ids`` in one new household 户号 ``number``."""
    with ledger.store.write() as conn:
        household = rows.new_id()
        rows.insert(conn, "households", [{"id": household, "household_no": number, "created_at": rows.now_utc()}])
        conn.executemany("UPDATE residents SET household_id = ? WHERE id = ?", [(household, r) for r in resident_ids])


def _categorise(ledger: Ledger, resident_id: str, category: str, until: str | None = None) -> None:
    with ledger.store.write() as conn:
        rows.insert(conn, "resident_categories", [{"id": rows.new_id(), "resident_id": resident_id,
                                                   "category": category, "until": until}])


def test_no_cases_no_warnings(ledger: Ledger) -> None:
    casework.village(ledger)
    assert warnings.early_warnings(ledger) == []


def test_a_fresh_ordinary_case_raises_nothing(ledger: Ledger) -> None:
    v = casework.village(ledger)
    _open(ledger, v, people_involved=49)
    assert warnings.early_warnings(ledger) == []


def test_fifty_people_is_major(ledger: Ledger) -> None:
    v = casework.village(ledger)
    case_id = _open(ledger, v, people_involved=50)
    [w] = warnings.early_warnings(ledger)
    assert (w.kind, w.kind_label, w.case_id, w.case_ids) == ("major", "重大纠纷", case_id, (case_id,))
    assert w.sentence == f"{_no(ledger, case_id)}涉及50人，属重大矛盾纠纷"
    assert w.step == "上报镇综治中心" and w.step_text == "建议：上报镇综治中心" and not w.escalated


def test_past_the_one_month_limit_is_overdue(ledger: Ledger) -> None:
    v = casework.village(ledger)
    late = _open(ledger, v, accepted_on="2026-10-01")  # deadline 2026-10-31: 23 days before TODAY
    _open(ledger, v, 2, 3, accepted_on="2026-10-24")  # deadline 2026-11-23 = TODAY: not yet past
    [w] = warnings.early_warnings(ledger)
    assert (w.kind, w.case_id) == ("overdue", late)
    assert "调解期限（2026-10-31）已过23天仍未调结" in w.sentence
    assert w.sentence.startswith(_no(ledger, late))


def test_an_agreed_case_is_not_overdue(ledger: Ledger) -> None:
    v = casework.village(ledger)
    case_id = _open(ledger, v, accepted_on="2026-10-01")
    cases.add_session(ledger, case_id, casework.session(held_on="2026-10-05"))
    cases.record_agreement(ledger, case_id, casework.agreement(effective_on="2026-10-10"))
    assert "overdue" not in _kinds(ledger)


def test_the_same_two_sides_twice_in_twelve_months_is_a_repeat(ledger: Ledger) -> None:
    v = casework.village(ledger)
    older = _open(ledger, v, 0, 1, accepted_on="2026-03-01")
    newer = _open(ledger, v, 1, 0, accepted_on="2026-11-02")  # the other way round: still between the same two
    repeats = [w for w in warnings.early_warnings(ledger) if w.kind == "repeat"]
    assert len(repeats) == 1
    w = repeats[0]
    assert w.case_id == newer and w.case_ids == (newer, older)
    assert w.sentence.startswith("吴秀英与周建国之间近12个月内已发生2起纠纷")
    assert _no(ledger, older) in w.sentence and _no(ledger, newer) in w.sentence


def test_one_party_against_different_people_is_not_a_repeat(ledger: Ledger) -> None:
    v = casework.village(ledger)
    _open(ledger, v, 0, 1, accepted_on="2026-03-01")
    _open(ledger, v, 2, 0, accepted_on="2026-11-02")
    _open(ledger, v, 0, 3, accepted_on="2026-11-10")
    assert "repeat" not in _kinds(ledger)


def test_twelve_months_back_is_the_edge(ledger: Ledger) -> None:
    v = casework.village(ledger)
    _open(ledger, v, 0, 1, accepted_on="2025-11-23")  # exactly 12 months before TODAY: outside
    _open(ledger, v, 0, 1, accepted_on="2026-11-02")
    assert "repeat" not in _kinds(ledger)
    _open(ledger, v, 1, 0, accepted_on="2025-11-24")  # inside
    assert _kinds(ledger).count("repeat") == 1


def test_two_people_of_one_household_count_together(ledger: Ledger) -> None:
    v = casework.village(ledger)
    _household(ledger, "0012", v.parties[0], v.parties[2])
    _open(ledger, v, 0, 1, accepted_on="2026-06-01")
    _open(ledger, v, 1, 2, accepted_on="2026-11-02")
    [w] = [w for w in warnings.early_warnings(ledger) if w.kind == "repeat"]
    assert w.sentence.startswith("吴秀英与同户的周建国、郑海涛（户号0012）之间近12个月内已发生2起纠纷")


def test_one_dispute_inside_a_household_is_not_a_repeat(ledger: Ledger) -> None:
    v = casework.village(ledger)
    _household(ledger, "0013", v.parties[0], v.parties[1])
    _open(ledger, v, 0, 1)
    assert warnings.early_warnings(ledger) == []


def test_a_party_in_a_watched_category_names_it_for_who_may_see_it(ledger: Ledger) -> None:
    v = casework.village(ledger)
    _categorise(ledger, v.parties[1], "T01")
    case_id = _open(ledger, v)
    [w] = warnings.early_warnings(ledger)
    assert w.kind == "attention" and w.case_id == case_id
    assert w.sentence == f"{_no(ledger, case_id)}：当事人吴秀英属于刑满释放人员，需重点关注"


def test_without_sensitive_view_the_category_and_the_party_stay_unsaid(ledger: Ledger) -> None:
    v = casework.village(ledger)
    _categorise(ledger, v.parties[1], "T01")
    case_id = _open(ledger, v)
    ledger.session.actor = MEDIATOR
    [w] = warnings.early_warnings(ledger)
    assert w.sentence == f"{_no(ledger, case_id)}：当事人属于需关注人员，需重点关注"
    assert "刑满释放" not in w.sentence and "吴秀英" not in w.sentence


def test_care_categories_and_ended_ones_raise_nothing(ledger: Ledger) -> None:
    v = casework.village(ledger)
    _categorise(ledger, v.parties[0], "G01")  # 低保户: a care category, not a watched one
    _categorise(ledger, v.parties[1], "T02", until="2026-01-31")  # 社区矫正 ended
    _open(ledger, v)
    assert warnings.early_warnings(ledger) == []


def test_a_role_without_cases_view_sees_no_warnings(ledger: Ledger) -> None:
    v = casework.village(ledger)
    _open(ledger, v, people_involved=80)
    ledger.session.actor = CLERK
    assert warnings.early_warnings(ledger) == []


def test_escalate_marks_the_warning_reported_and_is_audited(ledger: Ledger) -> None:
    v = casework.village(ledger)
    major = _open(ledger, v, people_involved=60)
    overdue = _open(ledger, v, 2, 3, accepted_on="2026-10-01")
    assert [w.kind for w in warnings.early_warnings(ledger)] == ["major", "overdue"]
    changes = warnings.escalate(ledger, major, "2026-11-20")
    assert changes.cases and changes.row_id == major
    found = warnings.early_warnings(ledger)
    assert [(w.kind, w.escalated_on) for w in found] == [("overdue", None), ("major", "2026-11-20")]
    assert found[1].step_text == "已上报（2026-11-20）"
    assert cases.get_case(ledger, overdue).case_no  # untouched
    entry = ledger.store.conn.execute(
        "SELECT object_id, object_label, detail FROM audit_log WHERE action = 'escalate'").fetchall()
    assert entry == [(major, _no(ledger, major), "上报日期 2026-11-20")]
    assert not warnings.escalate(ledger, major, date(2026, 11, 20)).cases  # the same day again: nothing new
    assert ledger.store.conn.execute("SELECT count(*) FROM audit_log WHERE action = 'escalate'").fetchone()[0] == 1


@pytest.mark.parametrize(("day", "code"), [("2026-11-24", "date_future"), ("2026-10-30", "date_too_early"),
                                           ("", "required"), ("2026-13-01", "date_invalid")])
def test_escalate_refuses_a_wrong_date(ledger: Ledger, day: str, code: str) -> None:
    v = casework.village(ledger)
    case_id = _open(ledger, v, accepted_on="2026-11-02")
    with pytest.raises(UserError) as caught:
        warnings.escalate(ledger, case_id, day)
    assert caught.value.field == "escalated_on"
    if code != "date_invalid":
        assert caught.value.code == code
    assert ledger.store.conn.execute("SELECT escalated_on FROM cases").fetchone()[0] is None


def test_escalate_needs_cases_edit(ledger: Ledger) -> None:
    v = casework.village(ledger)
    case_id = _open(ledger, v)
    ledger.session.actor = CLERK
    with pytest.raises(Forbidden):
        warnings.escalate(ledger, case_id, "2026-11-20")
    assert ledger.store.conn.execute("SELECT escalated_on FROM cases").fetchone()[0] is None


@pytest.mark.parametrize(("day", "back", "expected"), [
    (date(2026, 11, 23), 12, date(2025, 11, 23)), (date(2027, 3, 31), 1, date(2027, 2, 28)),
    (date(2024, 3, 31), 1, date(2024, 2, 29)), (date(2026, 1, 15), 1, date(2025, 12, 15)),
    (date(2024, 2, 29), 12, date(2023, 2, 28))])
def test_months_back(day: date, back: int, expected: date) -> None:
    assert months.months_back(day, back) == expected


def test_a_repeat_names_only_the_people_of_those_cases(ledger: Ledger) -> None:
    v = casework.village(ledger)
    _household(ledger, "0014", v.parties[0], v.parties[2])
    _open(ledger, v, 0, 1, accepted_on="2026-06-01")
    _open(ledger, v, 1, 0, accepted_on="2026-11-02")
    _open(ledger, v, 2, 3, accepted_on="2026-11-05")  # the same household, another dispute with someone else
    [w] = [w for w in warnings.early_warnings(ledger) if w.kind == "repeat"]
    assert w.sentence.startswith("吴秀英与周建国（户号0014）之间") and "郑海涛" not in w.sentence
