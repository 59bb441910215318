import sqlite3
from pathlib import Path

import pytest

from tests.conftest import TODAY
from tests.helpers import make_id
from zhzx_desktop.services import residents
from zhzx_desktop.services.ledger import Ledger, open_ledger
from zhzx_desktop.services.residents import ResidentInput

PEOPLE = [
    ("张三", make_id(seq=101), "13812345678"),
    ("张三丰", make_id(seq=103), "13900001234"),
    ("章珊", make_id(seq=105), ""),
    ("单雄信", make_id(seq=107), "0731-24415678"),
    ("曾国藩", make_id(seq=109), ""),
    ("欧阳修", make_id(seq=111), ""),
    ("尉迟恭", make_id(seq=113), ""),
    ("李张三", make_id(seq=115), ""),
    ("查良镛", make_id(seq=117), ""),
]


@pytest.fixture
def people(ledger: Ledger) -> Ledger:
    residents.register_many(ledger, [ResidentInput(name=n, id_number=i, phone=p) for n, i, p in PEOPLE])
    return ledger


def names(ledger: Ledger, query: str) -> list[str]:
    return [r.name for r in residents.search(ledger, query)]


def test_name_exact_then_prefix_then_inside(people: Ledger) -> None:
    assert names(people, "张三") == ["张三", "张三丰", "李张三"]
    assert names(people, "三丰") == ["张三丰"]


def test_full_pinyin_initials_and_mixed(people: Ledger) -> None:
    assert names(people, "zhangsan")[:2] == ["张三", "张三丰"]
    assert names(people, "zs")[0] == "张三"
    assert set(names(people, "zs")) >= {"张三", "章珊"}
    assert names(people, "zhangsf") == ["张三丰"]
    assert names(people, "Zhang San") == names(people, "zhangsan")  # spaces and case folded
    assert names(people, "ｚｓ") == names(people, "zs")  # full-width letters


@pytest.mark.parametrize(("query", "expected"), [
    ("shanxiongxin", "单雄信"), ("sxx", "单雄信"), ("zengguofan", "曾国藩"), ("ouyangxiu", "欧阳修"),
    ("yuchigong", "尉迟恭"), ("ycg", "尉迟恭"), ("zhaliangyong", "查良镛"),
])
def test_polyphonic_surnames_read_as_surnames(people: Ledger, query: str, expected: str) -> None:
    assert names(people, query)[0] == expected


def test_id_last_digits_full_id_and_phone(people: Ledger) -> None:
    _, number, _ = PEOPLE[4]
    assert names(people, number[-4:]) == ["曾国藩"]
    assert names(people, number) == ["曾国藩"]
    assert names(people, number[:-1] + number[-1].lower()) == ["曾国藩"]
    assert set(names(people, "5678")) == {"张三", "单雄信"}
    assert names(people, "13812345678") == ["张三"]
    assert names(people, "1234") == ["张三丰"]


def test_no_match_and_junk_queries(people: Ledger) -> None:
    assert names(people, "王") == []
    assert names(people, "   ") == []
    assert names(people, "%_'\"") == []


def test_index_follows_renames_and_deletions(people: Ledger) -> None:
    target = residents.search(people, "张三")[0]
    data = ResidentInput(name="王五", id_number=PEOPLE[0][1], phone=PEOPLE[0][2])
    residents.update(people, target.id, data)
    assert "张三" not in names(people, "张三")
    assert names(people, "ww") == ["王五"]
    residents.set_status(people, target.id, "deleted")
    assert names(people, "ww") == []
    stale = people.store.conn.execute(
        "SELECT count(*) FROM search_keys k JOIN residents r ON r.rid = k.rid WHERE r.status = 'deleted'").fetchone()
    assert stale[0] == 0


def test_a_rename_outside_the_app_is_indexed_on_next_open(people: Ledger, db_path: Path, tmp_path: Path) -> None:
    people.close()
    plain = sqlite3.connect(db_path)
    plain.execute("UPDATE residents SET name = '覃小明' WHERE name = '章珊'")
    plain.commit()
    plain.close()
    with open_ledger(db_path, key_fallback_dir=tmp_path, today=lambda: TODAY) as reopened:
        assert names(reopened, "qinxiaoming") == ["覃小明"]
        assert names(reopened, "章珊") == []


def test_limit_is_respected(ledger: Ledger) -> None:
    residents.register_many(ledger, [ResidentInput(name=f"张{c}") for c in "一二三四五六七八九十"])
    assert len(residents.search(ledger, "张", limit=4)) == 4
    assert len(residents.search(ledger, "z", limit=7)) == 7


def test_letters_x_are_pinyin_but_digits_with_x_are_an_id_tail() -> None:
    from zhzx_desktop.storage.search_index import Probe, plan

    assert Probe("ixx", False) in plan("xx")
    assert plan("12x")[0] == Probe("dX21", True)


def test_a_rebuild_works_through_the_queue_in_chunks(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    from zhzx_desktop.storage import search_index

    residents.register_many(ledger, [ResidentInput(name=n, id_number=i, phone=p) for n, i, p in PEOPLE])
    before = ledger.store.conn.execute("SELECT key, rid FROM search_keys ORDER BY key, rid").fetchall()
    monkeypatch.setattr(search_index, "_CHUNK", 2)
    with ledger.store.write() as conn:
        search_index.rebuild(conn)
    assert ledger.store.conn.execute("SELECT key, rid FROM search_keys ORDER BY key, rid").fetchall() == before
    assert ledger.store.conn.execute("SELECT count(*) FROM search_pending").fetchone()[0] == 0
    assert [r.name for r in residents.search(ledger, "zsf")] == ["张三丰"]
