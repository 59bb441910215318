"""The demo's mediation cases: every state, made through the services so every rule of a real case holds; and the
full-ledger case export (``services/case_export.py``) the command line lists."""

from __future__ import annotations

import io
import zlib
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import keyring
import pytest

from tests.conftest import TODAY
from tests.memory_keyring import MemoryKeyring
from zhzx_desktop.domain import case_rules
from zhzx_desktop.services import case_export, cases, committee, deadlines, demo
from zhzx_desktop.services.cases import CaseDetail
from zhzx_desktop.services.ledger import Ledger, open_ledger

CASES = 60


@pytest.fixture(scope="module")
def village(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Ledger, demo.DemoReport]]:
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    tmp = tmp_path_factory.mktemp("democases")
    ledger = open_ledger(tmp / "demo.db", key_fallback_dir=tmp / "keys", today=lambda: TODAY)
    report = demo.populate(ledger, residents=400, seed=11, cases=CASES)
    yield ledger, report
    ledger.close()
    keyring.set_keyring(previous)


@pytest.fixture(scope="module")
def details(village: tuple[Ledger, demo.DemoReport]) -> list[CaseDetail]:
    ledger, _ = village
    ids = [r[0] for r in ledger.store.conn.execute("SELECT id FROM cases ORDER BY accepted_on, case_seq")]
    return [cases.get_case(ledger, i) for i in ids]


def test_every_state_is_there(village: tuple[Ledger, demo.DemoReport], details: list[CaseDetail]) -> None:
    _, report = village
    assert report.cases == CASES == len(details)
    counts = Counter(d.status for d in details)
    assert set(counts) == {"accepted", "mediating", "agreed", "failed", "closed", "archived"}
    assert all(n >= 3 for n in counts.values()), counts


def test_a_committee_and_a_mediation_team_exist(village: tuple[Ledger, demo.DemoReport],
                                                details: list[CaseDetail]) -> None:
    ledger, _ = village
    settings = committee.load(ledger)
    assert settings.complete and settings.name.endswith("人民调解委员会")
    team = {o.resident_id for o in cases.mediator_options(ledger)}
    assert len(team) >= 3
    for d in details:
        assert d.mediators and {m.resident_id for m in d.mediators} <= team
        assert d.case_no.startswith(f"（{d.accepted_on[:4]}）{settings.prefix}人调字第")
        assert not {p.resident_id for p in d.parties} & team  # no one mediates their own dispute


def test_numbers_follow_the_order_of_acceptance(details: list[CaseDetail]) -> None:
    by_year: dict[int, list[str]] = {}
    for d in details:
        by_year.setdefault(d.case_year, []).append(d.case_no)
    for year, numbers in by_year.items():
        assert numbers == [case_rules.case_number(year, numbers[0][6:numbers[0].index("人调字")], n)
                           for n in range(1, len(numbers) + 1)]


def test_dates_span_late_2025_to_today_and_none_is_in_the_future(village: tuple[Ledger, demo.DemoReport],
                                                                  details: list[CaseDetail]) -> None:
    ledger, _ = village
    accepted = sorted(d.accepted_on for d in details)
    assert accepted[0] < "2026-01-01" <= accepted[-1] <= TODAY.isoformat()
    assert accepted[0] >= (TODAY - timedelta(days=400)).isoformat()
    conn = ledger.store.conn
    today = TODAY.isoformat()
    for table, column in (("cases", "accepted_on"), ("cases", "closed_on"), ("cases", "archived_on"),
                          ("cases", "occurred_on"), ("case_sessions", "substr(held_at, 1, 10)"),
                          ("agreements", "effective_on"), ("agreements", "performed_on"),
                          ("agreements", "jc_applied_on"), ("agreements", "jc_result_on"),
                          ("installments", "paid_on"), ("follow_ups", "done_on")):
        latest = conn.execute(f"SELECT max({column}) FROM {table}").fetchone()[0]
        assert latest is None or latest <= today, (table, column, latest)


def test_open_cases_some_past_the_limit_and_mediating_ones_with_sessions(details: list[CaseDetail]) -> None:
    today = TODAY.isoformat()
    accepted = [d for d in details if d.status == "accepted"]
    assert any(d.deadline_on and d.deadline_on < today for d in accepted)  # past the 1-month limit
    assert any(d.deadline_on and d.deadline_on >= today for d in accepted)
    assert any(not d.sessions for d in accepted)
    assert all(all(s.kind == "investigation" for s in d.sessions) for d in accepted)
    mediating = [d for d in details if d.status == "mediating"]
    assert all(any(s.kind == "mediation" for s in d.sessions) for d in mediating)


def test_agreements_written_and_oral_with_installments_in_every_state(details: list[CaseDetail]) -> None:
    today = TODAY.isoformat()
    soon = (TODAY + timedelta(days=7)).isoformat()
    agreed = [d for d in details if d.status == "agreed"]
    assert {d.agreement_form for d in agreed} == {"01", "02"}
    assert {d.agreement_form for d in details if d.status in ("closed", "archived") and d.result == "success"} \
        == {"01", "02"}
    installments = [i for d in agreed for a in d.agreements for i in a.installments]
    assert any(i.paid_on for i in installments)
    assert any(i.paid_on is None and i.due_on < today for i in installments)  # overdue
    assert any(i.paid_on is None and today <= i.due_on <= soon for i in installments)  # due within 7 days
    for d in agreed:
        assert d.agreement is not None and d.result == "success"
        for a in d.agreements:
            if a.installments:
                assert sum(i.amount_fen for i in a.installments) == a.amount_fen


def test_judicial_confirmation_applied_and_confirmed(details: list[CaseDetail]) -> None:
    mains = [d.agreement for d in details if d.agreement is not None]
    assert any(a.jc_applied_on and a.jc_result is None for a in mains)
    confirmed = [a for a in mains if a.jc_result == "valid"]
    assert confirmed and all(a.jc_applied_on and a.jc_deadline and a.jc_applied_on <= a.jc_deadline
                             for a in confirmed)


def test_a_frozen_agreement_with_a_scan_and_a_supplement(village: tuple[Ledger, demo.DemoReport],
                                                         details: list[CaseDetail]) -> None:
    from PIL import Image

    from zhzx_desktop.services import case_documents

    ledger, _ = village
    frozen = [d for d in details if d.agreement is not None and d.agreement.frozen_at]
    assert frozen
    case = frozen[0]
    assert case.agreement is not None
    supplements = [a for a in case.agreements if a.supplements_id == case.agreement.id]
    assert len(supplements) == 1 and supplements[0].written and len(supplements[0].installments) == 2
    scan = next(doc for doc in case.documents if doc.origin == "scan")
    data, media = case_documents.file_bytes(ledger, scan.id)
    assert media == "image/png" and scan.sha256 == case.agreement.scan_sha256
    assert Image.open(io.BytesIO(data)).size == (1, 1)
    assert data == demo.tiny_png()


def test_tiny_png_is_a_valid_image() -> None:
    from PIL import Image

    image = Image.open(io.BytesIO(demo.tiny_png()))
    image.load()
    assert image.format == "PNG" and image.getpixel((0, 0)) == (255, 255, 255)
    assert zlib.crc32(demo.tiny_png()) == zlib.crc32(demo.tiny_png())  # deterministic bytes


def test_failed_cases_have_a_reason_and_channels(details: list[CaseDetail]) -> None:
    failed = [d for d in details if d.result == "failure"]
    assert {d.status for d in failed} == {"failed", "closed", "archived"}
    for d in failed:
        assert d.failure_reason and d.channels_told
        assert set(d.channels_told.split("、")) <= set(cases.CHANNELS)
        assert d.agreement is None


def test_closed_and_archived_files_are_complete(village: tuple[Ledger, demo.DemoReport],
                                                details: list[CaseDetail]) -> None:
    _, report = village
    done = [d for d in details if d.status in ("closed", "archived")]
    assert done and report.documents >= 3 * len(done)
    for d in done:
        assert d.missing() == [], (d.case_no, d.missing())
        assert d.closed_on and all(f.done_on for f in d.follow_ups)
        generated = {doc.doc_type for doc in d.documents if doc.origin == "generated"}
        assert {"intake", "record"} <= generated
        assert {doc.item for doc in d.documents if doc.origin == "paper"} >= {"02", "03"}
        if d.result == "success":
            assert d.agreement is not None and d.agreement.performed_on
            assert ("agreement" if d.agreement.written else "oral") in generated
    archived = [d for d in done if d.status == "archived"]
    assert archived
    for d in archived:
        assert d.missing(archiving=True) == [] and d.archived_on and d.closed_on
        assert d.closed_on <= d.archived_on <= TODAY.isoformat()
    assert [d for d in details if d.status not in ("closed", "archived") and
            any(doc.origin == "generated" for doc in d.documents)] == []  # PDFs only where a file is closed


def test_archived_pdfs_read_back(village: tuple[Ledger, demo.DemoReport], details: list[CaseDetail]) -> None:
    import pypdf

    from zhzx_desktop.services import case_documents

    ledger, _ = village
    case = next(d for d in details if d.status == "archived")
    cover = next(doc for doc in case.documents if doc.doc_type == "cover")
    data, media = case_documents.file_bytes(ledger, cover.id)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert media == "application/pdf" and case.case_no in reader.pages[0].extract_text()


def test_follow_ups_planned_and_done(details: list[CaseDetail]) -> None:
    follow_ups = [f for d in details for f in d.follow_ups]
    assert any(f.done_on is None and f.due_on for f in follow_ups)
    done = [f for f in follow_ups if f.done_on]
    assert done and all(f.form and f.party and f.satisfaction and f.visitor for f in done)
    assert any(f.done_on for d in details if d.status == "agreed" for f in d.follow_ups)
    assert any(f.done_on for d in details if d.status == "failed" for f in d.follow_ups)


def test_deadlines_show_on_the_today_page(village: tuple[Ledger, demo.DemoReport]) -> None:
    ledger, _ = village
    items = deadlines.due_items(ledger)
    kinds = {d.kind for d in items}
    assert {"mediation_limit", "installment", "jc_window"} <= kinds
    urgencies = {case_rules.urgency(d.due_on, TODAY) for d in items}
    assert urgencies == {"overdue", "due_soon"}


def test_amounts_and_parties_are_plausible(details: list[CaseDetail]) -> None:
    kinds = Counter(p.party_kind for d in details for p in d.parties)
    assert kinds["person"] > kinds["legal_person"] >= 1
    assert any(p.resident_id is None and p.id_masked for d in details for p in d.parties)  # an outsider's ID
    assert any(len(d.parties) == 3 for d in details)
    assert any(d.amount_fen for d in details) and any(d.amount_fen is None for d in details)


def test_no_cases_when_asked(tmp_path: Path) -> None:
    with open_ledger(tmp_path / "none.db", key_fallback_dir=tmp_path, today=lambda: TODAY) as ledger:
        report = demo.populate(ledger, residents=80, seed=2, cases=0)
        assert report.cases == 0 and report.documents == 0
        assert ledger.store.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 0
        assert report.teams >= 3


def test_small_demo_still_covers_every_status(tmp_path: Path) -> None:
    with open_ledger(tmp_path / "small.db", key_fallback_dir=tmp_path, today=lambda: TODAY) as ledger:
        report = demo.populate(ledger, residents=120, seed=4, cases=6)
        statuses = {r[0] for r in ledger.store.conn.execute("SELECT status FROM cases")}
    assert report.cases == 6
    assert statuses == {"accepted", "mediating", "agreed", "failed", "closed", "archived"}


# --- the export ------------------------------------------------------------------------------------------------

def test_export_lists_every_case_in_order(village: tuple[Ledger, demo.DemoReport], details: list[CaseDetail],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    ledger, _ = village
    whole = list(case_export.iter_cases(ledger))
    monkeypatch.setattr(case_export, "CHUNK", 7)  # many chunks give the same records
    assert list(case_export.iter_cases(ledger)) == whole
    assert [r.case_no for r in whole] == [d.case_no for d in details]
    keys = [(r.accepted_on or "", int(r.case_no[r.case_no.index("第") + 1:-1])) for r in whole]
    assert keys == sorted(keys)


def test_export_record_matches_the_case(village: tuple[Ledger, demo.DemoReport], details: list[CaseDetail]) -> None:
    ledger, _ = village
    records = {r.id: r for r in case_export.iter_cases(ledger)}
    for d in details:
        r = records[d.id]
        assert (r.status, r.result, r.accepted_on, r.closed_on) == (d.status, d.result, d.accepted_on, d.closed_on)
        assert r.agreement_form == {"01": "written", "02": "oral", None: None}[d.agreement_form]
        assert r.amount_involved_fen == d.amount_fen
        assert r.agreement_amount_fen == (d.agreement.amount_fen if d.agreement else None)
        assert [p.name for p in r.parties] == [p.name for p in d.parties]
        assert list(r.mediators) == [m.name for m in d.mediators if m.role != "recorder"]
        assert r.sessions == len(d.sessions)
        assert r.follow_ups_done + r.follow_ups_open == len(d.follow_ups)
        rec = r.to_json()
        if rec["agreement_amount"] is not None:
            assert rec["amount"] == rec["agreement_amount"] == round((r.agreement_amount_fen or 0) / 100, 2)
        else:
            assert rec["amount"] == rec["amount_involved"]


def test_export_filters_by_status_and_query(village: tuple[Ledger, demo.DemoReport],
                                            details: list[CaseDetail]) -> None:
    ledger, _ = village
    failed = list(case_export.iter_cases(ledger, status="failed"))
    assert failed and {r.status for r in failed} == {"failed"}
    name = details[5].parties[0].name
    found = list(case_export.iter_cases(ledger, query=name))
    assert details[5].case_no in [r.case_no for r in found]
    assert 0 < len(found) < len(details)


def test_yuan_has_two_decimals() -> None:
    assert case_export.yuan(1200050) == 12000.5
    assert case_export.yuan(1) == 0.01
    assert case_export.yuan(None) is None
    assert case_export.yuan(100000000000) == 1000000000.0


def test_demo_dates_follow_the_ledgers_clock(tmp_path: Path) -> None:
    later = date(2027, 3, 1)
    with open_ledger(tmp_path / "later.db", key_fallback_dir=tmp_path, today=lambda: later) as ledger:
        demo.populate(ledger, residents=100, seed=5, cases=20)
        first, last = ledger.store.conn.execute("SELECT min(accepted_on), max(accepted_on) FROM cases").fetchone()
    assert (later - timedelta(days=400)).isoformat() <= first and last <= later.isoformat()
