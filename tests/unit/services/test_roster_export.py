"""Excel export of residents: read the written file back with openpyxl."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.rosters import GRID, people, write_roster
from zhzx_desktop.errors import Cancelled, UserError
from zhzx_desktop.services import grids, residents, roster_export, roster_import
from zhzx_desktop.services.ledger import Ledger


@pytest.fixture
def imported(ledger: Ledger, tmp_path: Path) -> list[list[object]]:
    grids.create(ledger, grids.GridInput(name=GRID))
    rows = people(25)
    rows[0][11] = "低保户、退役军人"
    roster_import.commit(ledger, roster_import.parse(ledger, write_roster(tmp_path / "in.xlsx", rows)))
    return rows


def _sheet_values(path: Path) -> list[tuple[object, ...]]:
    workbook = load_workbook(path)
    ws = workbook.active
    assert ws is not None
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:N1"]
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def test_export_everyone_with_title_header_and_masked_numbers(ledger: Ledger, imported: list[list[object]],
                                                             tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    seen: list[tuple[int, int]] = []
    result = roster_export.export_residents(ledger, target, progress=lambda d, t: seen.append((d, t)))
    assert result.count == 25 and seen[-1] == (25, 25)
    values = _sheet_values(target)
    assert "实有人口花名册" in str(values[0][0]) and "25" in str(values[0][0])
    assert values[1] == roster_export.HEADERS
    body = values[2:]
    assert len(body) == 25 and [r[0] for r in body] == list(range(1, 26))
    names = [r[1] for r in body]
    table = [r.name for r in residents.rows_by_rid(ledger, residents.select_rids(ledger, residents.ResidentFilter()))]
    assert names == table  # the plain list, in the table's (pinyin) name order
    by_name = {r[1]: r for r in body}
    first = by_name[str(imported[0][1])]
    assert first[2] == str(imported[0][2])[:6] + "********" + str(imported[0][2])[-4:]
    assert first[6] != imported[0][6] and "*" in str(first[6])
    assert first[7] == "H00000" and first[8] == "户主" and first[9] == GRID and first[12] == "低保户、退役军人"
    everything = " ".join(str(v) for row in values for v in row)
    assert not any(str(row[2]) in everything or str(row[6]) in everything for row in imported)


def test_export_the_filtered_view_and_refusals(ledger: Ledger, imported: list[list[object]], tmp_path: Path) -> None:
    name = str(imported[3][1])
    flt = residents.ResidentFilter(query=name)
    expected = residents.rows_by_rid(ledger, residents.select_rids(ledger, flt))
    result = roster_export.export_residents(ledger, tmp_path / "some.xlsx", flt)
    assert result.count == len(expected) >= 1
    assert [r[1] for r in _sheet_values(tmp_path / "some.xlsx")[2:]] == [r.name for r in expected]
    with pytest.raises(UserError, match=r"\.xlsx"):
        roster_export.export_residents(ledger, tmp_path / "out.csv")
    with pytest.raises(UserError, match="文件夹不存在"):
        roster_export.export_residents(ledger, tmp_path / "missing" / "out.xlsx")


def test_cancelled_export_leaves_no_file(ledger: Ledger, imported: list[list[object]], tmp_path: Path) -> None:
    def cancel(done: int, total: int) -> None:
        if done:
            raise Cancelled()

    with pytest.raises(Cancelled):
        roster_export.export_residents(ledger, tmp_path / "out.xlsx", progress=cancel)
    assert sorted(p.name for p in tmp_path.iterdir() if "xlsx" in p.name) == ["in.xlsx"]


def test_export_of_big_view_is_chunked(ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    grids.create(ledger, grids.GridInput(name=GRID))
    roster_import.commit(ledger, roster_import.parse(ledger, write_roster(tmp_path / "in.xlsx", people(130))))
    monkeypatch.setattr(roster_export, "CHUNK", 50)
    seen: list[int] = []
    result = roster_export.export_residents(ledger, tmp_path / "out.xlsx", progress=lambda d, t: seen.append(d))
    assert result.count == 130 and seen == [0, 50, 100, 130]
    assert len(_sheet_values(tmp_path / "out.xlsx")) == 132
