"""The service calls behind the 户 and 网格 screens: listing by grid, member rows, dissolving, grid workers."""

import pytest

from tests.helpers import make_id
from zhzx_desktop.errors import UserError
from zhzx_desktop.services import grids, households, residents
from zhzx_desktop.services.fields import InvalidInput
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.services.residents import ResidentInput


@pytest.fixture
def village(ledger: Ledger) -> dict[str, str]:
    g1 = grids.create(ledger, grids.GridInput(name="东片网格", code="430223101201001")).row_id or ""
    g2 = grids.create(ledger, grids.GridInput(name="西片网格", code="430223101201002")).row_id or ""
    h1 = households.create(ledger, households.HouseholdInput(grid_id=g1, household_no="0001", address="1组1号")).row_id
    h2 = households.create(ledger, households.HouseholdInput(grid_id=g2, household_no="0002", address="2组5号")).row_id
    h3 = households.create(ledger, households.HouseholdInput(grid_id=g1, household_no="0003", address="1组9号")).row_id
    head = residents.register(ledger, ResidentInput(name="李大山", id_number=make_id(born="19650304", seq=131),
                                                    household_id=h1, relation="02", phone="13812345678")).row_id
    son = residents.register(ledger, ResidentInput(name="李小山", id_number=make_id(born="19920510", seq=151),
                                                   household_id=h1, relation="22")).row_id
    wife = residents.register(ledger, ResidentInput(name="王秀英", household_id=h1, relation="12", sex="2",
                                                    birth_date="1967-08-09")).row_id
    return {"g1": g1, "g2": g2, "h1": h1 or "", "h2": h2 or "", "h3": h3 or "", "head": head or "",
            "son": son or "", "wife": wife or ""}


def test_households_of_one_grid(ledger: Ledger, village: dict[str, str]) -> None:
    assert [h.household_no for h in households.by_grid(ledger, village["g1"])] == ["0001", "0003"]
    assert [h.household_no for h in households.search(ledger, "1组", grid_id=village["g1"])] == ["0001", "0003"]
    assert [h.household_no for h in households.search(ledger, "2组", grid_id=village["g1"])] == []
    assert households.by_grid(ledger, village["g1"], limit=1)[0].household_no == "0001"
    assert (households.count(ledger), households.count(ledger, grid_id=village["g2"])) == (3, 1)


def test_member_rows_have_labels_and_masked_ids_head_first(ledger: Ledger, village: dict[str, str]) -> None:
    rows = households.member_rows(ledger, village["h1"])
    assert [(m.name, m.relation_label, m.sex) for m in rows] == [
        ("李大山", "户主", "男"), ("王秀英", "妻", "女"), ("李小山", "长子", "男")]
    assert rows[0].is_head and not rows[1].is_head
    assert rows[0].id_masked == "430223********" + make_id(born="19650304", seq=131)[-4:]
    assert rows[0].birth_date == "1965-03-04"
    assert rows[1].id_masked == ""


def test_get_and_form_values(ledger: Ledger, village: dict[str, str]) -> None:
    row = households.get(ledger, village["h1"])
    assert row is not None and (row.head, row.members, row.grid) == ("李大山", 3, "东片网格")
    values = households.form_values(ledger, village["h2"])
    assert (values.grid_id, values.household_no, values.address) == (village["g2"], "0002", "2组5号")
    with pytest.raises(UserError, match="不存在"):
        households.form_values(ledger, "nope")
    assert households.get(ledger, "nope") is None


def test_dissolve_only_an_empty_household(ledger: Ledger, village: dict[str, str]) -> None:
    with pytest.raises(UserError, match="还有3名在册成员"):
        households.dissolve(ledger, village["h1"])
    change = households.dissolve(ledger, village["h3"])
    assert change.households and change.row_id == village["h3"]
    assert [h.household_no for h in households.by_grid(ledger, village["g1"])] == ["0001"]
    assert households.get(ledger, village["h3"]) is None
    with pytest.raises(UserError, match="已经注销"):
        households.dissolve(ledger, village["h3"])
    with pytest.raises(UserError, match="已注销"):
        households.move_resident(ledger, village["son"], village["h3"], "01")


def test_move_resident_reports_every_missing_field_and_second_head(ledger: Ledger, village: dict[str, str]) -> None:
    with pytest.raises(InvalidInput) as caught:
        households.move_resident(ledger, None, village["h2"], "")
    assert [e.field for e in caught.value.errors] == ["resident_id", "relation"]
    with pytest.raises(UserError, match="该户已有户主（李大山）"):
        households.move_resident(ledger, village["son"], village["h1"], "02")
    households.move_resident(ledger, village["son"], village["h2"], "02")
    assert households.get(ledger, village["h2"]).head == "李小山"  # type: ignore[union-attr]
    residents.set_status(ledger, village["wife"], "deceased")
    with pytest.raises(UserError, match="已不在册"):
        households.move_resident(ledger, village["wife"], village["h2"], "10")


def test_setting_a_head_in_a_household_without_one(ledger: Ledger, village: dict[str, str]) -> None:
    households.move_resident(ledger, village["head"], village["h2"], "01")  # the old head leaves
    households.move_resident(ledger, village["wife"], village["h1"], "02")
    assert households.member_rows(ledger, village["h1"])[0].name == "王秀英"


def test_grid_workers_listed_with_role_label_and_masked_phone(ledger: Ledger, village: dict[str, str]) -> None:
    grids.add_worker(ledger, grids.GridWorkerInput(grid_id=village["g1"], name="赵兼职", role="03",
                                                   phone="13900001111", since="2024-01-01"))
    linked = grids.add_worker(ledger, grids.GridWorkerInput(grid_id=village["g1"], name="李大山", role="01",
                                                            resident_id=village["head"])).row_id
    listed = grids.workers(ledger, village["g1"])
    assert [(w.name, w.role_label, w.phone_masked, w.since) for w in listed] == [
        ("李大山", "网格长", "138****5678", ""), ("赵兼职", "兼职网格员", "139****1111", "2024-01-01")]
    assert listed[0].resident_id == village["head"] and listed[0].id == linked and listed[0].active
    assert grids.workers(ledger, village["g2"]) == []


def test_end_worker_keeps_history_and_checks_the_date(ledger: Ledger, village: dict[str, str]) -> None:
    worker = grids.add_worker(ledger, grids.GridWorkerInput(grid_id=village["g1"], name="赵兼职", role="03",
                                                            since="2024-01-01")).row_id or ""
    with pytest.raises(UserError, match="不能早于任职日期"):
        grids.end_worker(ledger, worker, "2023-12-31")
    with pytest.raises(UserError, match="不能晚于今天"):
        grids.end_worker(ledger, worker, "2026-11-24")
    with pytest.raises(UserError, match="离任日期格式不正确"):
        grids.end_worker(ledger, worker, "2025-13-01")
    assert grids.end_worker(ledger, worker).grids
    assert grids.workers(ledger, village["g1"]) == []
    (ended,) = grids.workers(ledger, village["g1"], include_ended=True)
    assert (ended.until, ended.active) == ("2026-11-23", False)
    assert next(s for s in grids.summaries(ledger) if s.id == village["g1"]).workers == ()
    with pytest.raises(UserError, match="已于2026-11-23离任"):
        grids.end_worker(ledger, worker)
    with pytest.raises(UserError, match="不存在"):
        grids.end_worker(ledger, "nope")


def test_update_worker_keeps_phone_when_asked(ledger: Ledger, village: dict[str, str]) -> None:
    worker = grids.add_worker(ledger, grids.GridWorkerInput(grid_id=village["g1"], name="赵兼职", role="03",
                                                            phone="13900001111")).row_id or ""
    values = grids.worker_values(ledger, worker)
    assert (values.name, values.role, values.phone) == ("赵兼职", "03", "")
    values.role, values.since = "02", "2025-02-03"
    assert grids.update_worker(ledger, worker, values, keep_phone=True).grids
    row = grids.worker_row(ledger, worker)
    assert row is not None and (row.role_label, row.phone_masked, row.since) == ("专职网格员", "139****1111",
                                                                                 "2025-02-03")
    values.phone = "1390000"
    with pytest.raises(InvalidInput) as caught:
        grids.update_worker(ledger, worker, values)
    assert [e.field for e in caught.value.errors] == ["phone"]
    values.phone, values.since = "", "2099-01-01"
    with pytest.raises(InvalidInput, match="任职日期不能晚于今天"):
        grids.update_worker(ledger, worker, values)
    assert grids.worker_row(ledger, worker).since == "2025-02-03"  # type: ignore[union-attr]


def test_grid_form_values_and_options(ledger: Ledger, village: dict[str, str]) -> None:
    assert grids.form_values(ledger, village["g2"]).name == "西片网格"
    assert grids.options(ledger) == [(village["g1"], "东片网格"), (village["g2"], "西片网格")]
    with pytest.raises(UserError):
        grids.form_values(ledger, "nope")
