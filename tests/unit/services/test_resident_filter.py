"""The resident table's rid list: filters and sorts in SQL, searches keep their rank."""

from __future__ import annotations

from tests.helpers import make_id
from zhzx_desktop.services import grids, residents
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.services.residents import ResidentFilter, ResidentInput


def _names(ledger: Ledger, flt: ResidentFilter) -> list[str]:
    return [r.name for r in residents.rows_by_rid(ledger, residents.select_rids(ledger, flt))]


def test_listing_sorts_by_name_or_birth_date_and_hides_merged_and_deleted(ledger: Ledger) -> None:
    made = residents.register_many(ledger, [
        ResidentInput(name="张三", birth_date="1990-01-01"), ResidentInput(name="阿明", birth_date="1950-01-01"),
        ResidentInput(name="周八", birth_date="2000-01-01"), ResidentInput(name="删除", birth_date="2001-01-01")])
    residents.set_status(ledger, str(made[3].row_id), "deleted")
    residents.set_status(ledger, str(made[2].row_id), "moved_out")
    assert _names(ledger, ResidentFilter()) == ["阿明", "张三", "周八"]  # pinyin order: a, zhang, zhou
    assert _names(ledger, ResidentFilter(sort="birth_date")) == ["阿明", "张三", "周八"]
    assert _names(ledger, ResidentFilter(sort="birth_date", descending=True)) == ["周八", "张三", "阿明"]


def test_age_bounds_are_whole_years_on_the_ledger_day(ledger: Ledger) -> None:
    # TODAY = 2026-11-23: born 2008-11-23 is 18 today, born 2008-11-24 is 17
    residents.register_many(ledger, [ResidentInput(name="甲一", birth_date="2008-11-23"),
                                     ResidentInput(name="乙二", birth_date="2008-11-24")])
    assert _names(ledger, ResidentFilter(age_min=18)) == ["甲一"]
    assert _names(ledger, ResidentFilter(age_max=17)) == ["乙二"]


def test_search_keeps_rank_unless_sorted_and_applies_filters(ledger: Ledger) -> None:
    grid = str(grids.create(ledger, grids.GridInput(name="一网格")).row_id)
    residents.register_many(ledger, [
        ResidentInput(name="张三丰", birth_date="1950-01-01"), ResidentInput(name="张三", birth_date="1990-01-01",
                                                                             grid_id=grid)])
    assert _names(ledger, ResidentFilter(query="zhangsan")) == ["张三", "张三丰"]  # exact before prefix
    assert _names(ledger, ResidentFilter(query="zhangsan", sort="birth_date")) == ["张三丰", "张三"]
    assert _names(ledger, ResidentFilter(query="zhangsan", grid_id=grid)) == ["张三"]


def test_a_whole_id_number_finds_by_hash(ledger: Ledger) -> None:
    number = make_id(seq=44)
    residents.register(ledger, ResidentInput(name="赵六", id_number=number))
    assert _names(ledger, ResidentFilter(query=number)) == ["赵六"]
    assert _names(ledger, ResidentFilter(query=number[-4:])) == ["赵六"]


def test_name_order_is_pinyin_order_syllable_by_syllable_with_filters_too(ledger: Ledger) -> None:
    grid = str(grids.create(ledger, grids.GridInput(name="一网格")).row_id)
    names = ["丁林", "丁丽怡", "万芳", "曾小红", "安然", "欧阳娜娜"]  # ding lin, ding li yi, wan, zeng, an, ouyang
    residents.register_many(ledger, [ResidentInput(name=n, grid_id=grid) for n in names])
    expected = ["安然", "丁丽怡", "丁林", "欧阳娜娜", "万芳", "曾小红"]
    assert _names(ledger, ResidentFilter()) == expected
    assert _names(ledger, ResidentFilter(grid_id=grid)) == expected
    assert _names(ledger, ResidentFilter(descending=True)) == expected[::-1]
    assert _names(ledger, ResidentFilter(query="d", sort="name")) == ["丁丽怡", "丁林"]
