"""``list cases`` and ``print``, run as real subprocesses on a demo database with cases in every state."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import keyring
import pypdf
import pytest

from tests.unit.test_cli import run_cli
from zhzx_desktop.security.keys import OwnerOnlyFileKeyring
from zhzx_desktop.services import cases
from zhzx_desktop.services.ledger import open_ledger

CASES = 40
FIELDS = ("case_no", "status", "status_label", "dispute_type", "dispute_type_label", "source", "source_label",
          "accepted_on", "closed_on", "result", "agreement_form", "amount", "amount_involved", "agreement_amount",
          "parties", "mediators", "deadline_on", "event_scale", "people_involved")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("clicases")
    db = tmp / "demo.db"
    done = run_cli(tmp, "demo", "--db", str(db), "--residents", "300", "--cases", str(CASES), "--seed", "5")
    assert done.returncode == 0, done.stderr
    assert f"cases {CASES}" in done.stdout
    return tmp, db


@pytest.fixture(scope="module")
def listed(demo_db: tuple[Path, Path]) -> tuple[str, list[dict[str, Any]]]:
    tmp, db = demo_db
    done = run_cli(tmp, "list", "cases", "--db", str(db), "--json")
    assert done.returncode == 0, done.stderr
    return done.stdout, json.loads(done.stdout)


def _pick(records: list[dict[str, Any]], **wanted: Any) -> dict[str, Any]:
    return next(r for r in records if all(r[k] == v for k, v in wanted.items()))


def _print(tmp: Path, db: Path, doc: str, case_no: str, out: Path, *extra: str) -> Any:
    return run_cli(tmp, "print", doc, "--case", case_no, "--db", str(db), "--out", str(out), *extra)


def test_list_cases_json_is_complete(listed: tuple[str, list[dict[str, Any]]]) -> None:
    _, records = listed
    assert len(records) == CASES
    assert {r["status"] for r in records} == {"accepted", "mediating", "agreed", "failed", "closed", "archived"}
    for r in records:
        assert set(FIELDS) <= set(r), set(FIELDS) - set(r)
        assert r["result"] in ("success", "failure", None)
        assert r["agreement_form"] in ("written", "oral", None)
        assert (r["agreement_form"] is None) == (r["result"] != "success")
        assert r["status_label"] and r["dispute_type_label"] and r["source_label"]
        assert r["amount"] == (r["agreement_amount"] if r["agreement_amount"] is not None else r["amount_involved"])
        for amount in (r["amount"], r["amount_involved"], r["agreement_amount"]):
            assert amount is None or (isinstance(amount, int | float) and round(amount, 2) == amount)
        assert len(r["parties"]) >= 2 and r["mediators"] and all(isinstance(m, str) for m in r["mediators"])
        for p in r["parties"]:
            assert set(p) == {"name", "role", "kind"}
            assert p["role"] in cases.ROLE_LABELS and p["kind"] in cases.PARTY_KINDS
        assert (r["closed_on"] is not None) == (r["status"] in ("closed", "archived"))
    assert {r["agreement_form"] for r in records} == {"written", "oral", None}
    order = [(r["accepted_on"], int(r["case_no"][r["case_no"].index("第") + 1:-1])) for r in records]
    assert order == sorted(order)
    assert len({r["case_no"] for r in records}) == CASES


def test_list_cases_shows_no_id_number_or_phone(demo_db: tuple[Path, Path],
                                                listed: tuple[str, list[dict[str, Any]]]) -> None:
    tmp, db = demo_db
    text, _ = listed
    keyring.set_keyring(OwnerOnlyFileKeyring(tmp / "config" / "zhzx-desktop" / "keyring.json"))
    with open_ledger(db, key_fallback_dir=tmp / "config" / "zhzx-desktop") as ledger:
        found = ledger.store.conn.execute(
            "SELECT id_cipher, phone FROM case_parties WHERE id_cipher IS NOT NULL OR phone != ''").fetchall()
        numbers = {ledger.cipher.decrypt(c, context=cases.PARTY_ID_CONTEXT) for c, _ in found if c}
        phones = {p for _, p in found if p}
    assert len(numbers) > CASES and phones  # residents' numbers copied (sealed) onto the parties, and outsiders'
    assert [n for n in numbers if n in text] == []
    assert [p for p in phones if p in text] == []
    without_uuids = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "", text)
    assert not re.search(r"\d{17}[\dX]|1[3-9]\d{9}", without_uuids)  # a random uuid may hold 11 digits in a row


def test_list_cases_table_and_filters(demo_db: tuple[Path, Path], listed: tuple[str, list[dict[str, Any]]]) -> None:
    tmp, db = demo_db
    _, records = listed
    table = run_cli(tmp, "list", "cases", "--db", str(db))
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split()[:3] == ["案号", "状态", "纠纷类型"] and lines[-1] == f"共 {CASES} 件"
    assert all(r["case_no"] in table.stdout for r in records)
    agreed = json.loads(run_cli(tmp, "list", "cases", "--db", str(db), "--status", "agreed", "--json").stdout)
    assert agreed == [r for r in records if r["status"] == "agreed"]
    first = json.loads(run_cli(tmp, "list", "cases", "--db", str(db), "--limit", "3", "--json").stdout)
    assert first == records[:3]
    name = records[7]["parties"][0]["name"]
    by_name = json.loads(run_cli(tmp, "list", "cases", "--db", str(db), "--query", name, "--json").stdout)
    assert records[7] in by_name
    wrong = run_cli(tmp, "list", "residents", "--db", str(db), "--status", "agreed")
    assert wrong.returncode == 2 and "只用于列出案件" in wrong.stderr


def _suitable(records: list[dict[str, Any]], doc: str) -> dict[str, Any]:
    if doc == "agreement":
        return _pick(records, status="agreed", agreement_form="written")
    if doc == "oral":
        return _pick(records, agreement_form="oral")
    if doc == "intake":
        return _pick(records, status="accepted")
    if doc == "record":
        return _pick(records, status="mediating")
    return _pick(records, status="closed")  # followup, cover


@pytest.mark.parametrize("doc", ["agreement", "intake", "record", "oral", "followup", "cover"])
def test_print_each_document(demo_db: tuple[Path, Path], listed: tuple[str, list[dict[str, Any]]],
                             doc: str, tmp_path: Path) -> None:
    tmp, db = demo_db
    case = _suitable(listed[1], doc)
    out = tmp_path / f"{doc}.pdf"
    done = _print(tmp, db, doc, case["case_no"], out)
    assert done.returncode == 0, done.stderr
    data = out.read_bytes()
    reader = pypdf.PdfReader(out)
    assert data.startswith(b"%PDF") and b"FontFile2" in data
    assert case["case_no"] in "".join(page.extract_text() for page in reader.pages)
    assert f"SHA-256: {hashlib.sha256(data).hexdigest()}" in done.stdout
    assert f"（{len(reader.pages)} 页" in done.stdout
    if doc == "agreement":
        assert len(reader.pages) >= len(case["parties"]) + 1  # one copy per party + the committee's
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temp file left behind


def test_print_archive_files_it_once(demo_db: tuple[Path, Path], listed: tuple[str, list[dict[str, Any]]],
                                     tmp_path: Path) -> None:
    tmp, db = demo_db
    case = _pick(listed[1], status="mediating")

    def filed() -> int:
        conn = sqlite3.connect(db)
        try:
            return int(conn.execute("SELECT count(*) FROM case_documents WHERE case_id = ? AND doc_type = 'record'",
                                    (case["id"],)).fetchone()[0])
        finally:
            conn.close()

    assert filed() == 0
    first = _print(tmp, db, "record", case["case_no"], tmp_path / "r1.pdf", "--archive")
    assert first.returncode == 0, first.stderr
    assert "已存入卷宗" in first.stdout and filed() == 1
    again = _print(tmp, db, "record", case["case_no"], tmp_path / "r2.pdf", "--archive")
    assert again.returncode == 0 and "未重复存档" in again.stdout and filed() == 1
    assert (tmp_path / "r1.pdf").read_bytes() == (tmp_path / "r2.pdf").read_bytes()
    sha = hashlib.sha256((tmp_path / "r1.pdf").read_bytes()).hexdigest()
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT sha256 FROM case_documents WHERE case_id = ? AND doc_type = 'record'",
                            (case["id"],)).fetchone()[0] == sha
    finally:
        conn.close()


def test_print_replaces_an_existing_file(demo_db: tuple[Path, Path], listed: tuple[str, list[dict[str, Any]]],
                                         tmp_path: Path) -> None:
    tmp, db = demo_db
    out = tmp_path / "intake.pdf"
    out.write_bytes(b"old")
    done = _print(tmp, db, "intake", _pick(listed[1], status="agreed")["case_no"], out)
    assert done.returncode == 0 and out.read_bytes().startswith(b"%PDF")


def _refused(done: Any, message: str, out: Path) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("错误：")]
    assert len(errors) == 1 and message in errors[0], done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_print_errors_are_one_chinese_line(demo_db: tuple[Path, Path], listed: tuple[str, list[dict[str, Any]]],
                                           tmp_path: Path) -> None:
    tmp, db = demo_db
    records = listed[1]
    out = tmp_path / "x.pdf"
    _refused(_print(tmp, db, "agreement", "（2026）无此村人调字第999号", out), "没有案号为", out)
    oral = _pick(records, agreement_form="oral")["case_no"]
    _refused(_print(tmp, db, "agreement", oral, out), "口头协议", out)
    written = _pick(records, agreement_form="written")["case_no"]
    _refused(_print(tmp, db, "oral", written, out), "书面协议", out)
    fresh = _pick(records, status="accepted", sessions=0)["case_no"]
    _refused(_print(tmp, db, "agreement", fresh, out), "还没有登记调解协议", out)
    _refused(_print(tmp, db, "record", fresh, out), "还没有调查或调解记录", out)
    _refused(_print(tmp, db, "followup", fresh, out), "还没有已完成的回访", out)
    archived = _pick(records, status="archived")["case_no"]
    _refused(_print(tmp, db, "intake", archived, out, "--archive"), "不能整理卷宗", out)
    _refused(_print(tmp, db, "intake", written, out, "--font", str(tmp_path / "none.ttf")), "字体文件不存在", out)
    _refused(_print(tmp, db, "intake", written, tmp_path / "no" / "dir" / "x.pdf"), "无法写入",
             tmp_path / "no" / "dir" / "x.pdf")


@pytest.mark.skipif(not DEJAVU.is_file(), reason="needs a font without Chinese characters")
def test_print_reports_a_missing_glyph(demo_db: tuple[Path, Path], listed: tuple[str, list[dict[str, Any]]],
                                       tmp_path: Path) -> None:
    tmp, db = demo_db
    out = tmp_path / "x.pdf"
    case = _pick(listed[1], status="agreed", agreement_form="written")
    _refused(_print(tmp, db, "agreement", case["case_no"], out, "--font", str(DEJAVU)), "无法用字体", out)


def test_print_with_an_explicit_font(demo_db: tuple[Path, Path], listed: tuple[str, list[dict[str, Any]]],
                                     tmp_path: Path) -> None:
    from zhzx_desktop.documents.fonts import find_cjk_font

    tmp, db = demo_db
    font = find_cjk_font().path
    out = tmp_path / "a.pdf"
    done = _print(tmp, db, "intake", listed[1][0]["case_no"], out, "--font", str(font))
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")


def test_demo_cases_flag(tmp_path: Path) -> None:
    bad = run_cli(tmp_path, "demo", "--db", str(tmp_path / "x.db"), "--residents", "50", "--cases", "-1")
    assert bad.returncode == 2 and "--cases" in bad.stderr
    none = run_cli(tmp_path, "demo", "--db", str(tmp_path / "y.db"), "--residents", "50", "--cases", "0")
    assert none.returncode == 0, none.stderr
    listed = run_cli(tmp_path, "list", "cases", "--db", str(tmp_path / "y.db"), "--json")
    assert json.loads(listed.stdout) == []
