"""Property-based tests (hypothesis) of ``services/fields.py`` and of the services' input checks: whatever a form or
an import hands in, the answer is a saved row or ``UserError``/``InvalidInput`` with Chinese messages naming the
fields — never another exception, and a refusal saves nothing."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.helpers import make_id
from tests.unit.services.test_oversized_fields_props import db_state
from zhzx_desktop.domain.validation import field_label
from zhzx_desktop.errors import UserError
from zhzx_desktop.services import fields, grids, households, residents, teams
from zhzx_desktop.services.fields import InvalidInput
from zhzx_desktop.services.ledger import Ledger

_CJK = re.compile(r"[\u4e00-\u9fff]")
FAST = settings(max_examples=150, deadline=None)
SERVICE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

hostile = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "\x00", "=1+1", "１２３", "12,000.50", "¥1.2万", "-5", "1e3", "0.001", "2026-02-30",
                     "2026年13月1日", "男", "01", "99", "😀", "\u202e", "NaN"]),
    st.builds(lambda c, n: c * n, st.sampled_from(["9", "张", " "]), st.integers(50, 10_000)),
)


def assert_named(exc: UserError, field: str) -> None:
    errors = exc.errors if isinstance(exc, InvalidInput) else (exc,)
    assert all(e.field == field for e in errors), exc
    assert all(_CJK.search(e.message) and len(e.message) < 200 for e in errors), exc
    assert any(field_label(field) in e.message for e in errors), exc


# ----------------------------------------------------------------------------------------------------------------
# fields.py
# ----------------------------------------------------------------------------------------------------------------

@FAST
@given(hostile, st.sampled_from(["notes", "address", "team_name", "description", "undeclared_field"]),
       st.integers(1, 300), st.booleans())
def test_text(value: str, field: str, max_len: int, required: bool) -> None:
    try:
        out = fields.text(value, field, max_len, required=required)
    except UserError as exc:
        assert exc.field == field and exc.code in ("required", "text_too_long") and _CJK.search(exc.message)
    else:
        assert out == value.strip() and len(out) <= max_len and (out or not required)


@FAST
@given(hostile, st.sampled_from(["sex", "ethnicity", "relation", "dispute_type", "case_source"]), st.booleans())
def test_code(value: str, table: str, required: bool) -> None:
    try:
        out = fields.code(table, value, table, required=required)
    except UserError as exc:
        assert_named(exc, table)
    else:
        assert out is None or out == value.strip()


@FAST
@given(st.one_of(hostile, st.dates()), st.sampled_from(["accepted_on", "held_on", "founded_on"]), st.booleans())
def test_optional_date(value: str | date, field: str, required: bool) -> None:
    try:
        out = fields.optional_date(value, field, required=required)
    except UserError as exc:
        assert_named(exc, field)
    else:
        assert out is None or date.fromisoformat(out)


@FAST
@given(st.one_of(hostile, st.integers(-10**16, 10**16)), st.sampled_from(["amount", "agreement_amount"]))
@example("1" * 10_000, "amount")
def test_amount(value: str | int, field: str) -> None:
    try:
        fen = fields.amount_fen(value, field)
    except UserError as exc:
        assert_named(exc, field)
    else:
        assert fen is None or 0 <= fen <= fields.MAX_AMOUNT_FEN


@FAST
@given(st.integers(0, fields.MAX_AMOUNT_FEN), st.sampled_from(["{}", "¥{}", "{}元", " {} ", "￥{}"]))
def test_amount_round_trips_through_its_display(fen: int, layout: str) -> None:
    assert fields.amount_fen(layout.format(fields.yuan(fen)), "amount") == fen


@FAST
@given(st.lists(st.one_of(st.none(), hostile), max_size=6))
def test_collector_gathers_every_error_in_order(values: list[str | None]) -> None:
    c = fields.Collector()
    names = ["notes", "address", "accepted_on", "sex", "amount", "team_name"]
    checks: list[Callable[[Any], object]] = [lambda v: fields.text(v, "notes", 5, required=True), lambda v: fields.text(v, "address", 5),
              lambda v: fields.optional_date(v, "accepted_on"), lambda v: fields.code("sex", v, "sex"),
              lambda v: fields.amount_fen(v, "amount"), lambda v: fields.text(v, "team_name", 5)]
    expected = []
    for name, check, value in zip(names, checks, values):
        try:
            check(value)
        except UserError:
            expected.append(name)
        c.check(functools.partial(check, value), None)
    assert [e.field for e in c.errors] == expected
    try:
        c.raise_if_any()
    except InvalidInput as exc:
        assert [e.field for e in exc.errors] == expected and exc.message == "；".join(e.message for e in exc.errors)
    else:
        assert not expected


# ----------------------------------------------------------------------------------------------------------------
# The services' checks, against a real database
# ----------------------------------------------------------------------------------------------------------------

resident_inputs = st.builds(
    residents.ResidentInput,
    name=st.one_of(hostile, st.sampled_from(["张三", "欧阳娜娜", "John Smith"])),
    id_number=st.one_of(hostile, st.integers(1, 999).map(lambda n: make_id(seq=n))),
    id_type=st.sampled_from(["111", "414", "", "zzz"]),
    sex=st.one_of(hostile, st.sampled_from(["1", "2"])),
    birth_date=st.one_of(st.none(), hostile, st.dates()),
    ethnicity=st.one_of(hostile, st.just("01")),
    phone=st.one_of(hostile, st.just("13812345678")),
    relation=st.one_of(st.just(""), hostile),
    residence_type=st.one_of(st.just("01"), hostile),
    address=hostile, occupation=hostile, notes=hostile,
    categories=st.lists(st.one_of(hostile, st.sampled_from(["01", "02"])), max_size=2).map(tuple),
)


@SERVICE
@given(resident_inputs)
def test_register_saves_or_refuses_without_a_trace(ledger: Ledger, data: residents.ResidentInput) -> None:
    before, count = db_state(ledger), residents.count(ledger)
    try:
        changes = residents.register(ledger, data)
    except UserError as exc:
        errors = exc.errors if isinstance(exc, InvalidInput) else (exc,)
        assert errors and all(_CJK.search(e.message) and len(e.message) < 300 for e in errors), exc
        assert all(e.field in residents.ResidentInput.__dataclass_fields__ or e.field in ("category", "id_type")
                   for e in errors), [e.field for e in errors]
        assert db_state(ledger) == before
    else:
        assert changes.row_id and residents.count(ledger) == count + 1


@SERVICE
@given(hostile, hostile, hostile, hostile)
def test_grids_households_teams_save_or_refuse_without_a_trace(ledger: Ledger, name: str, code: str, text: str,
                                                              phone: str) -> None:
    before = db_state(ledger)
    saves: list[Callable[[], object]] = [
                 lambda: grids.create(ledger, grids.GridInput(name=name, code=code, notes=text)),
                 lambda: teams.create(ledger, teams.TeamInput(name=name, team_type=code, contact_phone=phone,
                                                             duties=text, founded_on=code)),
                 lambda: households.create(ledger, households.HouseholdInput(grid_id=code or None,
                                                                             household_no=name, address=text))]
    for save in saves:
        try:
            save()
        except UserError as exc:
            errors = exc.errors if isinstance(exc, InvalidInput) else (exc,)
            assert all(_CJK.search(e.message) and len(e.message) < 300 for e in errors), exc
            assert db_state(ledger) == before
        else:
            before = db_state(ledger)
