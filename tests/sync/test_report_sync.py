"""A 月报 goes to the county as a ``monthly_reports`` record (issue 7): submit → sync → the real county server on
loopback holds the row; a resubmit of the month updates that row instead of adding another; each PC its own row."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pytest

from sync import status
from tests.sync.harness import ServerThread, VillageClient, server_row
from zhzx_desktop.errors import UserError
from zhzx_desktop.services import reports

Village = Callable[..., VillageClient]

pytestmark = pytest.mark.timeout(120)
MONTH = "2026-11"


def _county_reports(county: ServerThread) -> list[str]:
    cols = county.columns("rows")
    tcol = "table_name" if "table_name" in cols else "tbl"
    return [str(r[0]) for r in county.sql(f"SELECT row_id FROM rows WHERE {tcol} = 'monthly_reports'")]


def test_monthly_report_reaches_the_county_and_a_resubmit_updates_it(county: ServerThread, village: Village) -> None:
    pc = village("东华一号机", direct=True)
    people = [pc.add_resident() for _ in range(4)]
    pc.add_member(pc.add_team(name="东华村和事佬", team_type="03"), people[3])
    pc.open_case(people[:2], people[3])  # accepted 2026-11-02
    first = reports.compute(pc.ledger, MONTH)
    assert first.accepted == 1
    with pytest.raises(UserError, match="还没有结束"):  # on 2026-11-23 November is not over
        reports.submit(pc.ledger, first)
    pc.today = other_day = date(2026, 12, 1)  # the clerk sends November's report on the first of December
    row_id = reports.submit(pc.ledger, first).row_id
    assert row_id is not None
    assert status.record_state(pc.ledger.store.conn, "monthly_reports", row_id) == status.UNSENT
    done = pc.sync()
    assert done.error is None and done.confirmed_all, done
    assert status.record_state(pc.ledger.store.conn, "monthly_reports", row_id) == status.CONFIRMED  # the dialog says
    assert [r.label for r in status.records(pc.ledger.store.conn) if r.table == "monthly_reports"] == ["月报 2026-11"]
    at_county = server_row(county, "monthly_reports", row_id)
    assert at_county is not None and not at_county["_deleted"]
    assert at_county["month"] == MONTH and at_county["zero"] == 0
    assert reports.from_json(json.loads(at_county["figures"])) == first
    version = at_county["_version"]

    pc.open_case(people[1:3], people[3])
    second = reports.compute(pc.ledger, MONTH)
    assert second.accepted == 2
    assert reports.submit(pc.ledger, second).row_id == row_id
    assert pc.sync().confirmed_all
    again = server_row(county, "monthly_reports", row_id)
    assert again is not None and again["_version"] > version
    assert reports.from_json(json.loads(again["figures"])).accepted == 2
    assert _county_reports(county) == [row_id]  # updated, not duplicated

    other = village("东华二号机", direct=True)  # another PC of the village sends its own (here: 零上报)
    other.today = other_day
    zero = reports.compute(other.ledger, MONTH)
    other_id = reports.submit(other.ledger, zero).row_id
    assert other.sync().confirmed_all
    assert other_id != row_id
    assert sorted(_county_reports(county)) == sorted([row_id, other_id])
    held = server_row(county, "monthly_reports", other_id or "")
    assert held is not None and held["zero"] == 1
