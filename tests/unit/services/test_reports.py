"""月报 figures (services/reports.py): against an independent computation over ``list cases --json`` run as a real
subprocess on a generated demo database; month boundaries, time zones, the empty month, 环比/同比, submitting."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import keyring
import pytest

from tests import casework
from tests.unit.test_cli import run_cli
from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.domain.roles import Role
from zhzx_desktop.errors import Forbidden, UserError
from zhzx_desktop.security.keys import OwnerOnlyFileKeyring
from zhzx_desktop.security.session import Actor
from zhzx_desktop.services import cases, reports
from zhzx_desktop.services.ledger import Ledger, open_ledger

CASES = 160


# --- the generated village and its independent figures ------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[dict[str, Any]]]:
    tmp = tmp_path_factory.mktemp("reports")
    db = tmp / "demo.db"
    done = run_cli(tmp, "demo", "--db", str(db), "--residents", "400", "--cases", str(CASES), "--seed", "17")
    assert done.returncode == 0, done.stderr
    listed = run_cli(tmp, "list", "cases", "--db", str(db), "--json")
    assert listed.returncode == 0, listed.stderr
    records = json.loads(listed.stdout)
    assert len(records) == CASES
    return tmp, db, records


def _open(tmp: Path, db: Path) -> Ledger:
    keyring.set_keyring(OwnerOnlyFileKeyring(tmp / "config" / "zhzx-desktop" / "keyring.json"))
    return open_ledger(db, key_fallback_dir=tmp / "config" / "zhzx-desktop")


def _in(day: str | None, month: str) -> bool:
    return day is not None and day[:7] == month


def _expected(records: list[dict[str, Any]], activities: list[tuple[str, str, int, int]], month: str) -> dict[str, Any]:
    """The month's figures straight from the JSON rows (and the raw activity rows), without the service's SQL."""
    cohort = [r for r in records if _in(r["accepted_on"], month)]
    succeeded = sum(r["result"] == "success" for r in cohort)
    top_source = {"01": "01", "02": "02", "03": "03"}
    sources = Counter(top_source.get(r["source"], "03" if r["source"].startswith("3") else "?") for r in cohort)
    screenings = [a for a in activities if a[0][:7] == month and a[1] == "03"]
    prevented = {code: (sum(r["prevention"] == code for r in cohort),
                        sum(r["people_involved"] or 0 for r in cohort if r["prevention"] == code))
                 for code in ("01", "02", "03", "04")}
    return {
        "accepted": len(cohort), "succeeded": succeeded,
        "success_rate": round(succeeded * 100 / len(cohort), 6) if cohort else None,
        "amount_yuan": round(sum(r["agreement_amount"] or 0 for r in cohort), 2),
        "performed": sum(_in(r["performed_on"], month) for r in records),
        "confirmed": sum(r["jc_result"] == "valid" and _in(r["jc_result_on"], month) for r in records),
        "sources": dict(sources), "types": dict(Counter(r["dispute_type"] for r in cohort)),
        "written": sum(r["agreement_form"] == "written" for r in cohort),
        "oral": sum(r["agreement_form"] == "oral" for r in cohort),
        "parties": sum(len(r["parties"]) for r in cohort), "difficult": sum(bool(r["difficult"]) for r in cohort),
        "screenings": len(screenings), "found": sum(a[2] for a in screenings),
        "prevented_disputes": sum(a[3] for a in screenings), "prevented": prevented,
    }


def _got(report: reports.MonthlyReport) -> dict[str, Any]:
    return {
        "accepted": report.accepted, "succeeded": report.succeeded,
        "success_rate": None if report.success_rate is None else round(report.success_rate, 6),
        "amount_yuan": round(report.agreement_amount_fen / 100, 2), "performed": report.performed,
        "confirmed": report.judicially_confirmed,
        "sources": {s.code: s.count for s in report.sources if s.count},
        "types": {s.code: s.count for s in report.dispute_types if s.count},
        "written": report.written_agreements, "oral": report.oral_agreements, "parties": report.parties,
        "difficult": report.difficult, "screenings": report.screenings, "found": report.disputes_found,
        "prevented_disputes": report.disputes_prevented,
        "prevented": {p.code: (p.cases, p.people) for p in report.prevented},
    }


def test_figures_match_an_independent_computation_over_list_cases(
        demo: tuple[Path, Path, list[dict[str, Any]]]) -> None:
    tmp, db, records = demo
    conn = sqlite3.connect(db)
    activities = conn.execute(
        "SELECT activity_date, kind, disputes_found, disputes_prevented FROM team_activities").fetchall()
    conn.close()
    months = sorted({r["accepted_on"][:7] for r in records})
    assert len(months) >= 12  # the demo spreads its cases over the past year
    # the generated data exercises every figure somewhere (else the comparison below proves little)
    assert any(r["prevention"] for r in records) and any(r["difficult"] for r in records)
    assert any(r["jc_result"] == "valid" for r in records) and any(r["performed_on"] for r in records)
    assert any(a[1] == "03" and a[2] for a in activities)
    with _open(tmp, db) as ledger:
        for month in [reports.previous_month(months[0]), *months]:
            report = reports.compute(ledger, month)
            assert _got(report) == _expected(records, activities, month), month
            assert sum(s.count for s in report.sources) == report.accepted
            assert [s.code for s in report.dispute_types] == [e.code for e in code_table("dispute_type").entries]
            assert [p.code for p in report.prevented] == ["01", "02", "03", "04"]
            if report.accepted:
                assert sum(s.percent for s in report.dispute_types) == pytest.approx(100.0)
            previous = _expected(records, activities, reports.previous_month(month))
            year_ago = _expected(records, activities, reports.same_month_last_year(month))
            accepted = report.changes[0]
            assert (accepted.name, accepted.current, accepted.last_month, accepted.last_year) == (
                "受理数", report.accepted, previous["accepted"], year_ago["accepted"])


def _report_json(tmp: Path, db: Path, month: str, tz: str, out: Path) -> dict[str, Any]:
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp / "config"), XDG_DATA_HOME=str(tmp / "data"),
               XDG_STATE_HOME=str(tmp / "state"), PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
               QT_QPA_PLATFORM="offscreen", TZ=tz)
    done = subprocess.run([sys.executable, "-m", "zhzx_desktop", "report", "monthly", "--month", month, "--db",
                           str(db), "--out", str(out), "--json"], capture_output=True, text=True, env=env, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 0
    figures: dict[str, Any] = json.loads(done.stdout[done.stdout.index("{"):])
    assert figures["generated_at"].endswith("Z")  # always UTC, whatever the PC's zone
    figures.pop("generated_at")
    return figures


def test_time_zone_does_not_change_the_figures(demo: tuple[Path, Path, list[dict[str, Any]]]) -> None:
    tmp, db, records = demo
    month = max(r["accepted_on"][:7] for r in records if r["accepted_on"][8:] >= "28") or "2026-10"
    in_utc = _report_json(tmp, db, month, "UTC", tmp / "utc.xlsx")
    in_shanghai = _report_json(tmp, db, month, "Asia/Shanghai", tmp / "sh.xlsx")
    in_honolulu = _report_json(tmp, db, month, "Pacific/Honolulu", tmp / "hnl.pdf")
    assert in_utc["accepted"] > 0
    assert in_utc == in_shanghai == in_honolulu


def test_cli_says_zero_report_and_sends(demo: tuple[Path, Path, list[dict[str, Any]]]) -> None:
    tmp, db, _ = demo
    done = run_cli(tmp, "report", "monthly", "--month", "2019-03", "--db", str(db), "--out", str(tmp / "z.xlsx"),
                   "--send")
    assert done.returncode == 0, done.stderr
    assert "零上报" in done.stdout and "下次同步" in done.stdout
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT month, zero FROM monthly_reports").fetchall() == [("2019-03", 1)]
    conn.close()
    bad = run_cli(tmp, "report", "monthly", "--month", "2019-13", "--db", str(db), "--out", str(tmp / "z.xlsx"))
    assert bad.returncode == 2 and "统计月份" in bad.stderr
    wrong = run_cli(tmp, "report", "monthly", "--month", "2019-03", "--db", str(db), "--out", str(tmp / "z.doc"))
    assert wrong.returncode == 2 and ".xlsx" in wrong.stderr


# --- months -------------------------------------------------------------------------------------------------------


def test_month_arithmetic() -> None:
    assert reports.previous_month("2026-01") == "2025-12"
    assert reports.next_month("2025-12") == "2026-01"
    assert reports.same_month_last_year("2024-02") == "2023-02"
    assert reports.bounds("2024-02") == ("2024-02-01", "2024-03-01")
    assert reports.month_of("2026-10-31") == "2026-10"
    from datetime import date
    assert reports.default_month(date(2026, 1, 1)) == "2025-12"
    assert reports.check_month(" 2026年3月 ") == "2026-03"
    assert reports.check_month("202611") == "2026-11"
    for bad in ("2026-13", "2026-00", "26-10", "", "2026-10-01", "1900-01"):
        with pytest.raises(UserError) as exc:
            reports.check_month(bad)
        assert exc.value.field == "month"


def test_month_boundaries(ledger: Ledger) -> None:
    v = casework.village(ledger)
    days = ["2024-02-29", "2024-03-01", "2025-12-31", "2026-01-01", "2026-01-31", "2026-02-01", "2026-02-28",
            "2026-03-01", "2026-10-31", "2026-11-01"]
    for day in days:
        casework.open_case(ledger, v, accepted_on=day)
    expect = {"2024-02": 1, "2024-03": 1, "2025-12": 1, "2026-01": 2, "2026-02": 2, "2026-03": 1, "2026-10": 1,
              "2026-11": 1, "2025-02": 0, "2026-09": 0}
    assert {m: reports.compute(ledger, m).accepted for m in expect} == expect
    assert reports.compute(ledger, "2026-01").changes[0].last_month == 1  # December, the year before
    assert reports.compute(ledger, "2025-02").zero


def test_empty_month_is_a_zero_report(ledger: Ledger) -> None:
    report = reports.compute(ledger, "2026-10")
    assert report.zero and report.accepted == 0 and report.success_rate is None
    assert [s.count for s in report.sources] == [0, 0, 0] and {s.percent for s in report.dispute_types} == {0.0}
    assert len(report.dispute_types) == len(code_table("dispute_type").entries)
    assert [(p.cases, p.people) for p in report.prevented] == [(0, 0)] * 4
    assert all(c.month_on_month is None and c.year_on_year is None for c in report.changes)
    assert reports.from_json(json.loads(json.dumps(reports.to_json(report)))) == report


def _agreed(ledger: Ledger, v: casework.Village, accepted: str, amount: str) -> str:
    case_id = casework.open_case(ledger, v, accepted_on=accepted)
    cases.add_session(ledger, case_id, casework.session(held_on=accepted))
    cases.record_agreement(ledger, case_id, casework.agreement(
        effective_on=accepted, form="02", amount=amount, installments=[], performance_deadline=None,
        performance_method="当场以现金支付"))
    return case_id


def test_month_on_month_and_year_on_year(ledger: Ledger) -> None:
    v = casework.village(ledger)
    for _ in range(2):
        casework.open_case(ledger, v, accepted_on="2025-10-15")
    _agreed(ledger, v, "2025-10-16", "5000")
    for _ in range(3):
        casework.open_case(ledger, v, accepted_on="2026-09-10")
    _agreed(ledger, v, "2026-09-20", "10000")
    for _ in range(4):
        _agreed(ledger, v, "2026-10-08", "20000")
    for _ in range(2):
        casework.open_case(ledger, v, accepted_on="2026-10-09")
    report = reports.compute(ledger, "2026-10")
    assert (report.accepted, report.succeeded, report.oral_agreements) == (6, 4, 4)
    assert report.success_rate == pytest.approx(66.6667, abs=1e-3)
    assert report.agreement_amount_fen == 8_000_000
    by_name = {c.name: c for c in report.changes}
    accepted = by_name["受理数"]
    assert (accepted.last_month, accepted.last_year) == (4, 3)
    assert accepted.month_on_month == pytest.approx(50.0) and accepted.year_on_year == pytest.approx(100.0)
    succeeded = by_name["调解成功数"]
    assert succeeded.month_on_month == pytest.approx(300.0) and succeeded.year_on_year == pytest.approx(300.0)
    rate = by_name["成功率"]  # percentage points: 66.7 against 25.0 and 33.3
    assert rate.month_on_month == pytest.approx(200 / 3 - 25) and rate.year_on_year == pytest.approx(200 / 3 - 100 / 3)
    amount = by_name["协议涉及金额（万元）"]
    assert (amount.current, amount.last_month, amount.last_year) == (8.0, 1.0, 0.5)
    assert amount.month_on_month == pytest.approx(700.0) and amount.year_on_year == pytest.approx(1500.0)


# --- submitting ---------------------------------------------------------------------------------------------------


def test_submit_upserts_one_row_per_month_with_an_audit_entry(ledger: Ledger) -> None:
    v = casework.village(ledger)
    casework.open_case(ledger, v, accepted_on="2026-10-05")
    first = reports.compute(ledger, "2026-10")
    made = reports.submit(ledger, first)
    casework.open_case(ledger, v, accepted_on="2026-10-06")
    again = reports.submit(ledger, reports.compute(ledger, "2026-10"))
    assert made.row_id == again.row_id == reports.report_id(ledger, "2026-10")
    reports.submit(ledger, reports.compute(ledger, "2026-09"))
    listed = reports.submitted(ledger)
    assert [(s.month, s.zero, s.report.accepted) for s in listed] == [("2026-10", False, 2), ("2026-09", True, 0)]
    conn = ledger.store.conn
    assert conn.execute("SELECT count(*) FROM monthly_reports").fetchone()[0] == 2
    outbox = conn.execute("SELECT count(*) FROM sync_outbox WHERE table_name = 'monthly_reports'").fetchone()[0]
    assert outbox >= 3  # captured for sync: the insert, the update and the other month
    entries = conn.execute("SELECT action, object_label, detail FROM audit_log WHERE action = 'report_submitted' "
                           "ORDER BY seq").fetchall()
    assert [e[1] for e in entries] == ["2026-10 月报", "2026-10 月报", "2026-09 月报"]
    assert "重新上报" in entries[1][2] and "零上报" in entries[2][2]


def test_submit_needs_the_export_permission(ledger: Ledger) -> None:
    report = reports.compute(ledger, "2026-10")
    ledger.session.actor = Actor(account_id="m1", username="wangfang", display_name="王芳", role=Role.MEDIATOR)
    reports.compute(ledger, "2026-10")  # a mediator may look at the figures …
    with pytest.raises(Forbidden):
        reports.submit(ledger, report)  # … but not send them out of the village
    assert ledger.store.conn.execute("SELECT count(*) FROM monthly_reports").fetchone()[0] == 0
    ledger.session.actor = Actor(account_id="c1", username="lisi", display_name="李四", role=Role.CLERK)
    with pytest.raises(Forbidden):
        reports.compute(ledger, "2026-10")  # the register clerk does not see the mediation cases


def test_a_month_not_yet_over_is_not_sent(ledger: Ledger) -> None:
    november = reports.compute(ledger, "2026-11")  # TODAY is 2026-11-23
    with pytest.raises(UserError, match="还没有结束") as refused:
        reports.submit(ledger, november)
    assert refused.value.field == "month" and reports.submitted(ledger) == []
