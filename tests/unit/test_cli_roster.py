"""`zhzx-desktop import residents` / `export residents`, run as real subprocesses on real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.rosters import HEADERS, people, write_roster
from tests.unit.test_cli import run_cli


@pytest.fixture(scope="module")
def village(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small demo database (its grids are named 枫桥村第1网格 …, as in tests.rosters)."""
    tmp = tmp_path_factory.mktemp("cli_roster")
    db = tmp / "village.db"
    done = run_cli(tmp, "demo", "--db", str(db), "--residents", "30", "--seed", "5")
    assert done.returncode == 0, done.stderr
    return tmp, db


def _copy(db: Path, name: str) -> Path:
    target = db.with_name(name)
    target.write_bytes(db.read_bytes())
    return target


def _roster(tmp: Path) -> tuple[Path, list[list[object]]]:
    rows = people(12, start=500)
    rows[4][HEADERS.index("身份证号")] = "4302231990"  # too short
    rows[7][HEADERS.index("网格")] = "月球网格"
    return write_roster(tmp / "roster.xlsx", rows, titles=("枫桥村花名册", "2026年11月")), rows


def _listed(tmp: Path, db: Path) -> list[dict[str, object]]:
    done = run_cli(tmp, "list", "residents", "--db", str(db), "--json", "--limit", "1000")
    assert done.returncode == 0, done.stderr
    listed: list[dict[str, object]] = json.loads(done.stdout)
    return listed


def test_import_valid_rows_with_a_report(village: tuple[Path, Path]) -> None:
    tmp, demo = village
    db = _copy(demo, "import.db")
    roster, rows = _roster(tmp)
    report_path = tmp / "report.json"
    done = run_cli(tmp, "import", "residents", str(roster), "--db", str(db), "--report", str(report_path))
    assert done.returncode == 0, done.stderr
    assert "导入 10 人" in done.stdout and "有问题未导入 2 行" in done.stdout
    assert "第8行" in done.stderr and "第11行" in done.stderr  # data rows 5 and 8, under 2 title rows + header
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["imported"] == 10 and report["journal_id"]
    assert [(r["row"], r["field"]) for r in report["rejected"]] == [(8, "id_number"), (11, "grid")]
    assert all(r["message"] for r in report["rejected"]) and report["duplicates"] == []
    everyone = _listed(tmp, db)
    assert len(everyone) == 40
    text = report_path.read_text(encoding="utf-8") + done.stdout + done.stderr
    assert not [r[2] for r in rows if str(r[2]) in text]  # no ID number in clear

    listing = run_cli(tmp, "undo", "--db", str(db))
    assert listing.returncode == 0 and report["journal_id"] in listing.stdout and "可撤销" in listing.stdout
    undone = run_cli(tmp, "undo", report["journal_id"], "--db", str(db))
    assert undone.returncode == 0, undone.stderr
    assert len(_listed(tmp, db)) == 30
    again = run_cli(tmp, "undo", report["journal_id"], "--db", str(db))
    assert again.returncode == 2 and "撤销过" in again.stderr


def test_dry_run_and_all_or_nothing_import_nothing(village: tuple[Path, Path]) -> None:
    tmp, demo = village
    db = _copy(demo, "dry.db")
    roster, _ = _roster(tmp)
    report_path = tmp / "dry.json"
    dry = run_cli(tmp, "import", "residents", str(roster), "--db", str(db), "--dry-run", "--report", str(report_path))
    assert dry.returncode == 0, dry.stderr
    assert "未导入" in dry.stdout and "可导入 10 行" in dry.stdout
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["dry_run"] is True and report["imported"] == 0 and len(report["rejected"]) == 2
    refused = run_cli(tmp, "import", "residents", str(roster), "--db", str(db), "--all-or-nothing",
                      "--report", str(report_path))
    assert refused.returncode == 2 and "错误：有2行有问题" in refused.stderr
    assert json.loads(report_path.read_text(encoding="utf-8"))["imported"] == 0
    assert len(_listed(tmp, db)) == 30


def test_import_refuses_a_file_without_a_header(village: tuple[Path, Path]) -> None:
    tmp, demo = village
    odd = write_roster(tmp / "odd.xlsx", [["1", "2"]], headers=("甲", "乙"))
    done = run_cli(tmp, "import", "residents", str(odd), "--db", str(demo))
    assert done.returncode == 2 and "错误：" in done.stderr and "找不到表头" in done.stderr


def test_import_with_an_explicit_column_mapping(village: tuple[Path, Path]) -> None:
    tmp, demo = village
    db = _copy(demo, "map.db")
    rows = [[r[1], r[2], r[9]] for r in people(3, start=900)]
    roster = write_roster(tmp / "mapped.xlsx", rows, headers=("姓名", "证件", "网格"))
    plain = run_cli(tmp, "import", "residents", str(roster), "--db", str(db), "--dry-run")
    assert plain.returncode == 0 and "可导入 3 行" in plain.stdout
    mapped = run_cli(tmp, "import", "residents", str(roster), "--db", str(db), "--map", "证件=id_number")
    assert mapped.returncode == 0, mapped.stderr
    bad = run_cli(tmp, "import", "residents", str(roster), "--db", str(db), "--map", "证件=passport")
    assert bad.returncode == 2 and "--map 证件=passport 不正确" in bad.stderr
    masked = {str(r["id_number"]) for r in _listed(tmp, db)}
    assert {str(r[1])[:6] + "********" + str(r[1])[-4:] for r in rows} <= masked


def test_export_residents_everyone_and_a_query(village: tuple[Path, Path]) -> None:
    tmp, db = village
    out = tmp / "all.xlsx"
    done = run_cli(tmp, "export", "residents", str(out), "--db", str(db))
    assert done.returncode == 0, done.stderr and "已导出 30 人" in done.stdout
    ws = load_workbook(out).active
    assert ws is not None
    values = list(ws.iter_rows(values_only=True))
    assert values[1][:3] == ("序号", "姓名", "身份证号") and len(values) == 32
    assert all("*" in str(row[2]) for row in values[2:])
    someone = str(values[5][1])
    some = tmp / "some.xlsx"
    done = run_cli(tmp, "export", "residents", str(some), "--db", str(db), "--query", someone)
    assert done.returncode == 0, done.stderr
    ws = load_workbook(some).active
    assert ws is not None
    names = [row[1] for row in list(ws.iter_rows(values_only=True))[2:]]
    assert someone in names and len(names) < 30
