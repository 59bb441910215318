"""services.village: the 12-digit 统计用区划代码 is checked (digits, a real county of GB/T 2260, town and village not
000) with one Chinese message on ``village_code``; save keeps name and code in app_meta (upsert), refuses bad input
with every field's error at once and writes nothing then."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhzx_desktop.domain import codes
from zhzx_desktop.errors import UserError
from zhzx_desktop.services import village
from zhzx_desktop.services.fields import InvalidInput
from zhzx_desktop.services.ledger import Ledger

GOOD = "430223101201"  # 430223 攸县 (in the GB/T 2260 table), town 101, village 201


def _code_of(raw: str) -> str:
    with pytest.raises(UserError) as caught:
        village.check_code(raw)
    assert caught.value.field == "village_code"
    return caught.value.code


def test_a_good_code_is_returned_stripped() -> None:
    assert village.check_code(f"  {GOOD}\n") == GOOD


@pytest.mark.parametrize("raw", ["", "43022310120", "4302231012011", "43022310120a", "４３０２２３１０１２０１",
                                 "430223-101201", "430223 101201"])
def test_not_twelve_ascii_digits_is_bad_code(raw: str) -> None:
    assert _code_of(raw) == "bad_code"


@pytest.mark.parametrize("raw", ["430223000201", "430223101000", "430223000000"])
def test_town_or_village_000_is_not_a_village(raw: str) -> None:
    assert _code_of(raw) == "not_a_village"


def test_an_unknown_county_is_refused_and_names_it() -> None:
    counties = codes.code_table("gbt2260_counties").codes()
    unknown = next(f"{n:06d}" for n in range(990000, 999999) if f"{n:06d}" not in counties)
    with pytest.raises(UserError) as caught:
        village.check_code(unknown + "101201")
    assert caught.value.code == "unknown_county" and unknown in caught.value.message


@given(st.text(max_size=20))
def test_check_code_either_returns_twelve_digits_or_raises_on_village_code(raw: str) -> None:
    try:
        code = village.check_code(raw)
    except UserError as exc:
        assert exc.field == "village_code" and exc.message
    else:
        assert len(code) == 12 and code.isascii() and code.isdigit() and code == raw.strip()


def test_load_is_empty_until_saved_then_save_upserts(ledger: Ledger) -> None:
    assert village.load(ledger) == village.Village("", "")
    assert village.save(ledger, " 东华村 ", GOOD) == village.Village("东华村", GOOD)
    assert village.load(ledger) == village.Village("东华村", GOOD)
    village.save(ledger, "西华村", "430223101202")
    assert village.load(ledger) == village.Village("西华村", "430223101202")
    rows = ledger.store.conn.execute("SELECT count(*) FROM app_meta WHERE k IN ('village_name', 'village_code')")
    assert rows.fetchone()[0] == 2


def test_save_reports_every_bad_field_and_writes_nothing(ledger: Ledger) -> None:
    village.save(ledger, "东华村", GOOD)
    with pytest.raises(InvalidInput) as caught:
        village.save(ledger, "   ", "123")
    assert {e.field for e in caught.value.errors} == {"village_name", "village_code"}
    assert all(e.message for e in caught.value.errors)
    with pytest.raises(InvalidInput):
        village.save(ledger, "新村", "430223000201")  # the name alone is fine: still nothing is written
    assert village.load(ledger) == village.Village("东华村", GOOD)
