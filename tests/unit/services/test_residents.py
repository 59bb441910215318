import pytest

from tests.helpers import make_id
from zhzx_desktop.errors import UserError
from zhzx_desktop.services import grids, households, residents
from zhzx_desktop.services.fields import InvalidInput
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.services.residents import ResidentInput


@pytest.fixture
def household(ledger: Ledger) -> str:
    grid = grids.create(ledger, grids.GridInput(name="一网格", code="430223101201001")).row_id
    return households.create(ledger, households.HouseholdInput(grid_id=grid, household_no="0001")).row_id or ""


def _outbox_count(ledger: Ledger) -> int:
    return ledger.store.conn.execute("SELECT count(*) FROM sync_outbox").fetchone()[0]


def test_register_derives_birth_date_and_sex_from_the_id(ledger: Ledger) -> None:
    number = make_id(born="19850315", seq=124)  # even 17th digit: female
    change = residents.register(ledger, ResidentInput(name=" 李 四 ", id_number=number))
    assert change.residents and change.row_id
    row = residents.get(ledger, change.row_id)
    assert row is not None
    assert (row.name, row.sex, row.birth_date) == ("李四", "女", "1985-03-15")
    assert row.id_masked == number[:6] + "********" + number[-4:]


def test_full_width_and_dashed_id_and_15_digit_upgrade(ledger: Ledger) -> None:
    number = make_id(born="19700101", seq=35)
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number[:9]) + "-" + number[9:]
    residents.register(ledger, ResidentInput(name="赵六", id_number=full_width))
    old15 = "430223" + "700102" + "037"
    change = residents.register(ledger, ResidentInput(name="钱七", id_number=old15))
    assert residents.reveal_id(ledger, change.row_id or "", "核对测试数据") == "430223" + "19700102" + "037" + \
        make_id(born="19700102", seq=37)[-1]


def _wrong_check_digit(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def test_every_bad_field_is_named_and_nothing_is_saved(ledger: Ledger) -> None:
    before = _outbox_count(ledger)
    with pytest.raises(InvalidInput) as caught:
        residents.register(ledger, ResidentInput(name="王", id_number=_wrong_check_digit(make_id()),
                                                 phone="12345", ethnicity="77", address="长" * 300))
    fields = [e.field for e in caught.value.errors]
    assert fields == ["name", "id_number", "ethnicity", "phone", "address"]
    assert all(e.message for e in caught.value.errors)
    assert "身份证号" in caught.value.errors[1].message and "校验" in caught.value.errors[1].message
    assert residents.count(ledger) == 0 and _outbox_count(ledger) == before


def test_sex_and_birth_date_must_agree_with_the_id(ledger: Ledger) -> None:
    with pytest.raises(InvalidInput) as caught:
        residents.register(ledger, ResidentInput(name="孙八", id_number=make_id(seq=123), sex="2",
                                                 birth_date="1991-01-01"))
    assert [e.code for e in caught.value.errors] == ["sex_mismatch", "birth_mismatch"]


def test_future_birth_date_is_refused(ledger: Ledger) -> None:
    with pytest.raises(InvalidInput) as caught:
        residents.register(ledger, ResidentInput(name="周九", birth_date="2099-01-01"))
    assert caught.value.errors[0].field == "birth_date"


def test_duplicate_id_is_refused_even_within_one_batch(ledger: Ledger) -> None:
    number = make_id()
    residents.register(ledger, ResidentInput(name="吴十", id_number=number))
    with pytest.raises(InvalidInput) as caught:
        residents.register(ledger, ResidentInput(name="吴拾", id_number=number))
    assert caught.value.errors[0].code == "id_duplicate" and "吴十" in caught.value.message
    other = make_id(seq=777)
    with pytest.raises(InvalidInput):
        residents.register_many(ledger, [ResidentInput(name="郑一", id_number=other),
                                         ResidentInput(name="郑二", id_number=other)])
    assert residents.count(ledger) == 1


def test_one_head_per_household(ledger: Ledger, household: str) -> None:
    residents.register(ledger, ResidentInput(name="冯户主", household_id=household, relation="02"))
    with pytest.raises(InvalidInput) as caught:
        residents.register(ledger, ResidentInput(name="陈二主", household_id=household, relation="02"))
    assert caught.value.errors[0].code == "second_head" and "冯户主" in caught.value.message


def test_resident_takes_the_grid_of_the_household(ledger: Ledger, household: str) -> None:
    change = residents.register(ledger, ResidentInput(name="褚一", household_id=household, relation="02"))
    row = residents.get(ledger, change.row_id or "")
    assert row is not None and row.grid == "一网格" and row.household_no == "0001"


def test_update_writes_only_what_changed(ledger: Ledger) -> None:
    data = ResidentInput(name="卫一", id_number=make_id(), phone="13812345678", categories=("G01",))
    resident_id = residents.register(ledger, data).row_id or ""
    before = _outbox_count(ledger)
    assert not residents.update(ledger, resident_id, data).residents
    assert _outbox_count(ledger) == before  # same values, same ID: no change record for the county
    data.phone = "13912345678"
    data.categories = ("G02",)
    assert residents.update(ledger, resident_id, data).residents
    changes = ledger.store.conn.execute("SELECT table_name, op, data FROM sync_outbox WHERE seq > ? ORDER BY seq",
                                        (before,)).fetchall()
    assert changes[0] == ("residents", "update", '{"phone":["13812345678","13912345678"]}')
    assert {(t, op) for t, op, _ in changes[1:]} == {("resident_categories", "delete"),
                                                     ("resident_categories", "insert")}


def test_status_change_hides_from_counts_but_not_history(ledger: Ledger) -> None:
    resident_id = residents.register(ledger, ResidentInput(name="蒋一")).row_id or ""
    residents.set_status(ledger, resident_id, "deleted")
    assert residents.count(ledger) == 0
    assert residents.get(ledger, resident_id) is not None
    with pytest.raises(UserError):
        residents.set_status(ledger, resident_id, "merged")


def test_check_validates_without_saving(ledger: Ledger) -> None:
    assert residents.check(ledger, ResidentInput(name="沈一", id_number=make_id())) == ()
    with pytest.raises(InvalidInput):
        residents.check(ledger, ResidentInput(name="", id_number="123"))
    assert residents.count(ledger) == 0
