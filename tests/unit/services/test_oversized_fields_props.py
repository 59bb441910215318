"""Oversized fields everywhere (issue 6 §6): every free-text field a service saves refuses a 10,000-character value
with a Chinese message naming the field and its limit ("“住址”最多200个字，现在是10000个字"), and nothing is saved —
the whole database (rows, sync outbox, audit log, undo journal, settings) is byte-for-byte what it was."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import casework
from tests.helpers import make_id
from zhzx_desktop.domain.validation import MAX_LENGTHS, field_label
from zhzx_desktop.errors import UserError
from zhzx_desktop.services import (
    case_documents,
    cases,
    committee,
    fields,
    grids,
    households,
    residents,
    teams,
)
from zhzx_desktop.services.fields import InvalidInput
from zhzx_desktop.services.ledger import Ledger

HUGE = 10_000


def db_state(ledger: Ledger) -> str:
    """A digest of every row of every table (the sync outbox, audit log and journal included)."""
    conn = ledger.store.conn
    digest = hashlib.sha256()
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
        digest.update(table.encode())
        for text in sorted(repr(row) for row in conn.execute(f'SELECT * FROM "{table}"')):
            digest.update(text.encode())
    return digest.hexdigest()


@dataclass
class World:
    v: casework.Village
    grid_id: str
    household_id: str
    resident_id: str
    case_id: str  # a case with a session and a written agreement
    agreement_id: str
    open_case_id: str  # a case just accepted (for terminate)


def world(ledger: Ledger) -> World:
    v = casework.village(ledger)
    grid_id = grids.create(ledger, grids.GridInput(name="青石村第1网格")).row_id or ""
    household_id = households.create(ledger, households.HouseholdInput(grid_id=grid_id, household_no="Q001")).row_id
    case_id = casework.agreed_case(ledger, v)
    agreement_id = ledger.store.conn.execute("SELECT id FROM agreements WHERE case_id = ?", (case_id,)).fetchone()[0]
    open_case_id = casework.open_case(ledger, v, accepted_on="2026-11-20")
    return World(v, grid_id, household_id or "", v.parties[0], case_id, agreement_id, open_case_id)


def _person(**kw: str) -> cases.PartyInput:
    return cases.PartyInput(role="respondent", party_kind="person", name="林小梅", **kw)


def _org(**kw: str) -> cases.PartyInput:
    return cases.PartyInput(role="respondent", party_kind="legal_person", name="青石建材有限公司", **kw)


def _intake_with(w: World, party: cases.PartyInput) -> cases.IntakeInput:
    data = casework.intake(w.v)
    data.parties = [data.parties[0], party]
    return data


# (field whose limit applies, the field the error is reported under, the call with the oversized value ``x``)
Save = Callable[[Ledger, World, str], object]


def _session_with(attr: str) -> Save:
    return lambda lg, w, x: cases.add_session(lg, w.open_case_id, casework.session(**{attr: x}))


def _agreement_with(attr: str) -> Save:
    return lambda lg, w, x: cases.update_agreement(lg, w.agreement_id, casework.agreement(**{attr: x}))

CASES: list[tuple[str, str, Save]] = [
    # residents
    ("name", "name", lambda lg, w, x: residents.register(lg, residents.ResidentInput(name=x))),
    ("address", "address", lambda lg, w, x: residents.register(lg, residents.ResidentInput(name="林小梅", address=x))),
    ("occupation", "occupation",
     lambda lg, w, x: residents.register(lg, residents.ResidentInput(name="林小梅", occupation=x))),
    ("notes", "notes", lambda lg, w, x: residents.register(lg, residents.ResidentInput(name="林小梅", notes=x))),
    ("phone", "phone", lambda lg, w, x: residents.register(lg, residents.ResidentInput(name="林小梅", phone=x))),
    ("id_number", "id_number",
     lambda lg, w, x: residents.register(lg, residents.ResidentInput(name="林小梅", id_type="414", id_number=x))),
    ("notes", "notes", lambda lg, w, x: residents.update(
        lg, w.resident_id, replace(residents.load(lg, w.resident_id)[0], notes=x))),
    ("reason", "reason", lambda lg, w, x: residents.reveal_id(lg, w.resident_id, x)),
    # households
    ("household_no", "household_no",
     lambda lg, w, x: households.create(lg, households.HouseholdInput(grid_id=w.grid_id, household_no=x))),
    ("address", "address",
     lambda lg, w, x: households.create(lg, households.HouseholdInput(grid_id=w.grid_id, address=x))),
    ("notes", "notes", lambda lg, w, x: households.update(
        lg, w.household_id, households.HouseholdInput(grid_id=w.grid_id, household_no="Q001", notes=x))),
    # grids and grid workers
    ("grid_name", "grid_name", lambda lg, w, x: grids.create(lg, grids.GridInput(name=x))),
    ("grid_code", "grid_code", lambda lg, w, x: grids.create(lg, grids.GridInput(name="第2网格", code="1" * len(x)))),
    ("notes", "notes", lambda lg, w, x: grids.update(lg, w.grid_id, grids.GridInput(name="第1网格", notes=x))),
    ("name", "name", lambda lg, w, x: grids.add_worker(lg, grids.GridWorkerInput(grid_id=w.grid_id, name=x,
                                                                                   role="01"))),
    ("phone", "phone", lambda lg, w, x: grids.add_worker(lg, grids.GridWorkerInput(grid_id=w.grid_id, name="林小梅",
                                                                                     role="01", phone=x))),
    # teams, members, activities
    ("team_name", "team_name", lambda lg, w, x: teams.create(lg, teams.TeamInput(name=x, team_type="03"))),
    ("duties", "duties", lambda lg, w, x: teams.create(lg, teams.TeamInput(name="巡逻队", team_type="01", duties=x))),
    ("contact_phone", "contact_phone",
     lambda lg, w, x: teams.create(lg, teams.TeamInput(name="巡逻队", team_type="01", contact_phone=x))),
    ("role", "role", lambda lg, w, x: teams.add_member(lg, teams.MemberInput(team_id=w.v.team_id,
                                                                               resident_id=w.resident_id, role=x))),
    ("place", "place", lambda lg, w, x: teams.log_activity(lg, teams.ActivityInput(
        team_id=w.v.team_id, activity_date="2026-11-20", kind="01", place=x))),
    ("summary", "summary", lambda lg, w, x: teams.log_activity(lg, teams.ActivityInput(
        team_id=w.v.team_id, activity_date="2026-11-20", kind="01", summary=x))),
    ("findings", "findings", lambda lg, w, x: teams.log_activity(lg, teams.ActivityInput(
        team_id=w.v.team_id, activity_date="2026-11-20", kind="01", findings=x))),
    # cases: intake and parties
    ("description", "description", lambda lg, w, x: cases.open_case(lg, casework.intake(w.v, summary=x))),
    ("place", "place", lambda lg, w, x: cases.open_case(lg, casework.intake(w.v, place=x))),
    ("notes", "notes", lambda lg, w, x: cases.update_intake(lg, w.open_case_id, casework.intake(
        w.v, accepted_on="2026-11-20", notes=x))),
    ("party_name", "parties", lambda lg, w, x: cases.open_case(
        lg, _intake_with(w, cases.PartyInput(role="respondent", party_kind="person", name=x)))),
    ("address", "parties", lambda lg, w, x: cases.open_case(lg, _intake_with(w, _person(address=x)))),
    ("occupation", "parties", lambda lg, w, x: cases.open_case(lg, _intake_with(w, _person(occupation=x)))),
    ("party_phone", "parties", lambda lg, w, x: cases.open_case(lg, _intake_with(w, _person(phone=x)))),
    ("agent", "parties", lambda lg, w, x: cases.open_case(lg, _intake_with(w, _person(agent=x)))),
    ("org_name", "parties", lambda lg, w, x: cases.open_case(lg, _intake_with(
        w, cases.PartyInput(role="respondent", party_kind="legal_person", name=x)))),
    ("legal_rep", "parties", lambda lg, w, x: cases.open_case(lg, _intake_with(w, _org(legal_rep=x)))),
    ("credit_code", "parties", lambda lg, w, x: cases.open_case(lg, _intake_with(w, _org(credit_code=x)))),
    # sessions
    *[(f, f, _session_with(f)) for f in ("place", "parties_present", "participants", "statements", "recorder")],
    ("session_result", "session_result",
     lambda lg, w, x: cases.add_session(lg, w.open_case_id, casework.session(result=x))),
    # agreements and installments
    *[(f, f, _agreement_with(f)) for f in ("facts", "terms", "performance_method", "performance_place")],
    ("payer", "installments", lambda lg, w, x: cases.update_agreement(lg, w.agreement_id, casework.agreement(
        installments=[cases.InstallmentInput(due_on="2026-12-31", amount="12000", payer=x, payee="周建国")]))),
    ("payee", "installments", lambda lg, w, x: cases.update_agreement(lg, w.agreement_id, casework.agreement(
        installments=[cases.InstallmentInput(due_on="2026-12-31", amount="12000", payer="吴秀英", payee=x)]))),
    # judicial confirmation, termination, follow-ups, the case file
    ("jc_court", "jc_court", lambda lg, w, x: cases.set_judicial(lg, w.agreement_id, cases.JudicialInput(
        applied_on="2026-11-12", court=x))),
    ("failure_reason", "failure_reason",
     lambda lg, w, x: cases.terminate(lg, w.open_case_id, cases.TerminationInput(reason=x))),
    ("follow_up_party", "follow_up_party", lambda lg, w, x: cases.add_follow_up(lg, w.case_id, cases.FollowUpInput(
        done_on="2026-11-20", form="01", party=x, performance="01", satisfaction="01", visitor="沈玉梅"))),
    ("follow_up_visitor", "follow_up_visitor", lambda lg, w, x: cases.add_follow_up(lg, w.case_id, cases.FollowUpInput(
        done_on="2026-11-20", form="01", party="周建国", performance="01", satisfaction="01", visitor=x))),
    ("notes", "notes", lambda lg, w, x: cases.add_follow_up(lg, w.case_id, cases.FollowUpInput(
        due_on="2026-12-20", notes=x))),
    ("notes:200", "notes", lambda lg, w, x: case_documents.file_paper(lg, w.case_id, "05", 2, x)),  # a cover line
    # committee settings
    ("committee_name", "committee_name",
     lambda lg, w, x: committee.save(lg, replace(casework.COMMITTEE, name=x))),
    ("case_prefix", "case_prefix", lambda lg, w, x: committee.save(lg, replace(casework.COMMITTEE, prefix=x))),
    ("retention", "retention", lambda lg, w, x: committee.save(lg, replace(casework.COMMITTEE, retention=x))),
]


def _errors(exc: UserError) -> tuple[UserError, ...]:
    return exc.errors if isinstance(exc, InvalidInput) else (exc,)


def _limit(field: str) -> int:
    return {"name": 30, "party_name": 30}.get(field, MAX_LENGTHS[field])


@pytest.mark.parametrize(("limited", "reported", "save"), CASES,
                         ids=[f"{i:02d}-{c[0]}" for i, c in enumerate(CASES)])
def test_a_huge_value_is_refused_naming_the_field_and_nothing_is_saved(
        ledger: Ledger, limited: str, reported: str, save: Save) -> None:
    w = world(ledger)
    limited, _, lower = limited.partition(":")
    size = max(HUGE, MAX_LENGTHS[limited] + 1)
    value = ("1" if limited in ("grid_code", "credit_code") else "张") * size
    before = db_state(ledger)
    with pytest.raises(UserError) as refused:
        save(ledger, w, value)
    errors = [e for e in _errors(refused.value) if e.field == reported]
    assert errors, f"no error on {reported}: {refused.value!r}"
    expected = f"“{field_label(limited)}”最多{lower or _limit(limited)}个字，现在是{size}个字"
    assert any(expected in e.message for e in errors), [e.message for e in errors]
    assert all(len(e.message) < 200 for e in _errors(refused.value))
    assert db_state(ledger) == before


def test_just_at_the_limit_is_accepted(ledger: Ledger) -> None:
    w = world(ledger)
    changes = residents.register(ledger, residents.ResidentInput(
        name="林小梅", address="址" * MAX_LENGTHS["address"], notes="注" * MAX_LENGTHS["notes"],
        occupation="农" * MAX_LENGTHS["occupation"], id_number=make_id(seq=777)))
    assert changes.row_id
    stored = residents.load(ledger, changes.row_id)[0]
    assert len(stored.address) == 200 and len(stored.notes) == 2000
    cases.add_session(ledger, w.open_case_id, casework.session(
        held_on="2026-11-21", statements="述" * MAX_LENGTHS["statements"]))


def test_every_field_a_service_limits_is_in_the_declared_table() -> None:
    """``fields.text(value, "<field>", …)`` anywhere in the services names a field of ``MAX_LENGTHS``."""
    services = Path(fields.__file__).parent
    used = {m[1] for path in services.glob("*.py")
            for m in re.finditer(r'fields\.text\(\s*[^,]+,\s*"(\w+)"', path.read_text(encoding="utf-8"))}
    assert used and used <= set(MAX_LENGTHS), used - set(MAX_LENGTHS)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(MAX_LENGTHS)), st.integers(0, 25_000), st.sampled_from(["张", "a", " ", "😀", "\x00"]))
def test_fields_text_limits_by_the_table(field: str, size: int, char: str) -> None:
    value = char * size
    try:
        out = fields.text(value, field, 1_000_000)
    except UserError as exc:
        assert exc.code == "text_too_long" and exc.field == field
        assert exc.message == f"“{field_label(field)}”最多{MAX_LENGTHS[field]}个字，现在是{len(value.strip())}个字"
    else:
        assert out == value.strip() and len(out) <= MAX_LENGTHS[field]
