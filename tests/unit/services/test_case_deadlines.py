"""Deadlines and the 今天要办 list, with fixed clocks: the 1-month mediation limit, the 30-day 司法确认 window,
installments, performance dates and 回访."""

from __future__ import annotations

from datetime import date

import pytest

from tests import casework
from zhzx_desktop.domain import case_rules
from zhzx_desktop.services import cases, deadlines
from zhzx_desktop.services.cases import InstallmentInput, JudicialInput
from zhzx_desktop.services.ledger import Ledger


@pytest.fixture
def v(ledger: Ledger) -> casework.Village:
    return casework.village(ledger)


def _due(ledger: Ledger) -> list[tuple[str, str, str]]:
    return [(d.kind, d.due_on.isoformat(), d.case_no[-4:]) for d in deadlines.due_items(ledger)]


@pytest.mark.parametrize(("due", "today", "expected"), [
    (date(2026, 11, 22), date(2026, 11, 23), "overdue"),
    (date(2026, 11, 23), date(2026, 11, 23), "due_soon"),
    (date(2026, 11, 30), date(2026, 11, 23), "due_soon"),
    (date(2026, 12, 1), date(2026, 11, 23), None),
])
def test_urgency(due: date, today: date, expected: str | None) -> None:
    assert case_rules.urgency(due, today) == expected


def test_rule_dates() -> None:
    assert case_rules.mediation_deadline(date(2026, 1, 31)) == date(2026, 3, 2)
    assert case_rules.jc_deadline(date(2026, 12, 15)) == date(2027, 1, 14)
    assert case_rules.follow_up_due(date(2026, 11, 1), []) == date(2026, 12, 1)
    assert case_rules.follow_up_due(date(2026, 11, 1), [date(2026, 11, 30), date(2027, 1, 5)]) == date(2027, 1, 5)


def test_mediation_limit_overdue_and_due_soon(ledger: Ledger, v: casework.Village) -> None:
    casework.open_case(ledger, v, accepted_on="2026-10-20")  # limit 11-19: overdue
    casework.open_case(ledger, v, accepted_on="2026-10-26")  # limit 11-25: due soon
    casework.open_case(ledger, v, accepted_on="2026-11-10")  # limit 12-10: later
    assert _due(ledger) == [("mediation_limit", "2026-11-19", "001号"), ("mediation_limit", "2026-11-25", "002号")]
    ledger.today = lambda: date(2026, 12, 4)
    assert [d[1] for d in _due(ledger)] == ["2026-11-19", "2026-11-25", "2026-12-10"]
    overdue = deadlines.due_items(ledger)[0]
    assert overdue.days_left(date(2026, 12, 4)) == -15 and overdue.kind_label == "调解期限"
    assert overdue.title == "周建国、吴秀英 邻里纠纷"


def test_agreement_deadlines_come_and_go(ledger: Ledger, v: casework.Village) -> None:
    case_id = casework.open_case(ledger, v, accepted_on="2026-10-20")
    cases.add_session(ledger, case_id, casework.session(held_on="2026-10-22"))
    cases.record_agreement(ledger, case_id, casework.agreement(effective_on="2026-10-26", installments=[
        InstallmentInput(due_on="2026-11-20", amount="6000"), InstallmentInput(due_on="2026-11-30", amount="6000")]))
    # the mediation limit is gone (agreed); the 司法确认 window ends 11-25; installments 11-20 (overdue), 11-30
    assert _due(ledger) == [("installment", "2026-11-20", "001号"), ("jc_window", "2026-11-25", "001号"),
                            ("installment", "2026-11-30", "001号")]
    assert deadlines.due_items(ledger)[0].detail == "6,000.00 元"
    agreement = cases.get_case(ledger, case_id).agreement
    assert agreement is not None
    cases.set_installment_paid(ledger, agreement.installments[0].id, "2026-11-21")
    cases.set_judicial(ledger, agreement.id, JudicialInput(applied_on="2026-11-22", court="攸县人民法院"))
    assert _due(ledger) == [("installment", "2026-11-30", "001号")]
    ledger.today = lambda: date(2026, 12, 26)  # the 回访 planned after the performance deadline (12-31) is near
    assert _due(ledger) == [("installment", "2026-11-30", "001号"), ("follow_up", "2026-12-31", "001号")]


def test_an_expired_jc_window_drops_off(ledger: Ledger, v: casework.Village) -> None:
    case_id = casework.open_case(ledger, v, accepted_on="2026-10-01")
    cases.add_session(ledger, case_id, casework.session(held_on="2026-10-02"))
    cases.record_agreement(ledger, case_id, casework.agreement(
        effective_on="2026-10-20", installments=[], performance_deadline="2027-01-31"))
    assert [d[0] for d in _due(ledger)] == []  # window ended 11-19; performance and 回访 are later


def test_performance_deadline_without_installments(ledger: Ledger, v: casework.Village) -> None:
    case_id = casework.open_case(ledger, v)
    cases.add_session(ledger, case_id, casework.session())
    cases.record_agreement(ledger, case_id, casework.agreement(
        form="02", installments=[], amount="", performance_deadline="2026-11-21"))
    assert _due(ledger) == [("performance", "2026-11-21", "001号"), ("follow_up", "2026-11-21", "001号")]
    agreement = cases.get_case(ledger, case_id).agreement
    assert agreement is not None
    cases.set_performed(ledger, agreement.id, "2026-11-21")
    assert _due(ledger) == [("follow_up", "2026-11-21", "001号")]
