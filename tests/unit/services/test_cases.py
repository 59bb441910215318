"""The 人民调解 workflow: every step, its rules and refusals (nothing half-saved), with the fixed clock 2026-11-23."""

from __future__ import annotations

import sqlite3

import pytest

from tests import casework
from tests.helpers import make_id
from zhzx_desktop.errors import UserError
from zhzx_desktop.services import case_documents, cases, committee, teams
from zhzx_desktop.services.cases import (
    FollowUpInput,
    InstallmentInput,
    JudicialInput,
    MediatorInput,
    PartyInput,
    TerminationInput,
)
from zhzx_desktop.services.fields import InvalidInput
from zhzx_desktop.services.ledger import Ledger


@pytest.fixture
def v(ledger: Ledger) -> casework.Village:
    return casework.village(ledger)


def _count(ledger: Ledger, table: str) -> int:
    return int(ledger.store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _fields(exc: pytest.ExceptionInfo[UserError]) -> set[str]:
    errors = exc.value.errors if isinstance(exc.value, InvalidInput) else (exc.value,)
    return {e.field for e in errors}


def _file_required(ledger: Ledger, case_id: str, *items: str) -> None:
    for item in items:
        case_documents.file_paper(ledger, case_id, item, 1)


# --- 受理登记 ---------------------------------------------------------------------------------------------------

def test_open_case_numbers_and_deadline(ledger: Ledger, v: casework.Village) -> None:
    case_id = casework.open_case(ledger, v)
    detail = cases.get_case(ledger, case_id)
    assert detail.case_no == "（2026）青石村人调字第001号"
    assert detail.status == "accepted"
    assert detail.deadline_on == "2026-12-02"  # 受理 2026-11-02 + 30 days
    assert [p.name for p in detail.parties] == ["周建国", "吴秀英"]
    assert detail.parties[0].id_masked.endswith(make_id(seq=101)[-4:]) and "*" in detail.parties[0].id_masked
    assert [(m.name, m.role) for m in detail.mediators] == [("蒋德胜", "lead")]
    assert cases.get_case(ledger, casework.open_case(ledger, v)).case_no == "（2026）青石村人调字第002号"


def test_numbers_restart_each_year_and_keep_the_printed_prefix(ledger: Ledger, v: casework.Village) -> None:
    first = casework.open_case(ledger, v, accepted_on="2025-12-30")
    committee.save(ledger, committee.CommitteeSettings(name="青石村人民调解委员会", prefix="青石"))
    second = casework.open_case(ledger, v, accepted_on="2026-01-03")
    assert cases.get_case(ledger, first).case_no == "（2025）青石村人调字第001号"
    assert cases.get_case(ledger, second).case_no == "（2026）青石人调字第001号"


def test_number_block_of_this_pc(ledger: Ledger, v: casework.Village) -> None:
    committee.save(ledger, committee.CommitteeSettings(name="青石村人民调解委员会", prefix="青石村", block=2))
    case_id = casework.open_case(ledger, v)
    assert cases.get_case(ledger, case_id).case_no == "（2026）青石村人调字第2001号"


def test_intake_refused_without_committee_settings(ledger: Ledger) -> None:
    with pytest.raises(UserError) as exc:
        cases.open_case(ledger, cases.IntakeInput(accepted_on="2026-11-01", source="01", dispute_type="02",
                                                  summary="x"))
    assert exc.value.code == "committee_unset" and "调委会设置" in exc.value.message


def test_intake_errors_name_every_field_and_save_nothing(ledger: Ledger, v: casework.Village) -> None:
    bad = casework.intake(v, accepted_on="2026-12-01", source="", dispute_type="77", summary="  ", amount="1.2万",
                          parties=[PartyInput(role="applicant", resident_id=v.parties[0])])
    before = _count(ledger, "sync_outbox")
    with pytest.raises(InvalidInput) as exc:
        cases.open_case(ledger, bad)
    assert _fields(exc) >= {"accepted_on", "case_source", "dispute_type", "description", "amount", "parties"}
    assert "不能晚于今天" in exc.value.message and "至少要有两方当事人" in exc.value.message
    assert _count(ledger, "cases") == 0 and _count(ledger, "case_parties") == 0
    assert _count(ledger, "sync_outbox") == before


def test_outsider_and_organisation_parties(ledger: Ledger, v: casework.Village) -> None:
    outsider_id = make_id(area="110101", born="19850316", seq=222)
    data = casework.intake(v, parties=[
        PartyInput(role="applicant", resident_id=v.parties[0]),
        PartyInput(role="respondent", name="欧阳明", sex="1", ethnicity="01", phone="13912345678",
                   address="邻村", id_number=outsider_id),
        PartyInput(role="respondent", party_kind="organization", name="青石村砖厂",
                   credit_code="91430223MA4L000000", legal_rep="厂长 李大成", address="青石村五组")])
    detail = cases.get_case(ledger, cases.open_case(ledger, data).row_id or "")
    person, org = detail.parties[1], detail.parties[2]
    assert person.birth_date == "1985-03-16" and person.phone_masked == "139****5678"
    assert org.party_kind == "organization" and org.legal_rep == "厂长 李大成" and org.sex == ""
    raw = b"".join(p.read_bytes() for p in ledger.store.path.parent.glob(ledger.store.path.name + "*"))
    assert outsider_id.encode() not in raw and b"13912345678" in raw  # ID sealed; the phone is a contact detail


def test_bad_outsider_names_the_party(ledger: Ledger, v: casework.Village) -> None:
    data = casework.intake(v, parties=[PartyInput(role="applicant", resident_id=v.parties[0]),
                                       PartyInput(role="respondent", name="欧阳明", id_number="110101198503161234")])
    with pytest.raises(InvalidInput) as exc:
        cases.open_case(ledger, data)
    assert exc.value.errors[0].field == "parties" and exc.value.message.startswith("第2位当事人（欧阳明）：")


def test_mediators_must_be_current_mediation_team_members(ledger: Ledger, v: casework.Village) -> None:
    data = casework.intake(v, mediators=[MediatorInput(resident_id=v.parties[2], role="lead")])
    with pytest.raises(InvalidInput) as exc:
        cases.open_case(ledger, data)
    assert "不是人民调解委员会或“和事佬”调解队的现任成员" in exc.value.message
    member = next(m for m in teams.members(ledger, v.team_id) if m.resident_id == v.mediators[0])
    teams.end_membership(ledger, member.id, "2026-06-01")
    with pytest.raises(InvalidInput):
        cases.open_case(ledger, casework.intake(v))  # 蒋德胜 left the team
    assert [o.name for o in cases.mediator_options(ledger)] == ["沈玉梅"]


def test_a_party_cannot_mediate_and_one_lead_only(ledger: Ledger, v: casework.Village) -> None:
    data = casework.intake(v, mediators=[MediatorInput(resident_id=v.mediators[0], role="lead"),
                                         MediatorInput(resident_id=v.mediators[1], role="lead")],
                           parties=[PartyInput(resident_id=v.mediators[1]), PartyInput(resident_id=v.parties[1])])
    with pytest.raises(InvalidInput) as exc:
        cases.open_case(ledger, data)
    assert "主持调解员只能有一位" in exc.value.message and "当事人不能担任本案的调解员" in exc.value.message


def test_update_intake_keeps_number_and_moves_deadline(ledger: Ledger, v: casework.Village) -> None:
    case_id = casework.open_case(ledger, v)
    data = cases.load_intake(ledger, case_id)
    data.accepted_on = "2026-11-04"
    data.parties = [*data.parties, PartyInput(role="third_party", resident_id=v.parties[2])]
    cases.update_intake(ledger, case_id, data)
    detail = cases.get_case(ledger, case_id)
    assert detail.case_no.endswith("第001号") and detail.deadline_on == "2026-12-04"
    assert len(detail.parties) == 3
    data = cases.load_intake(ledger, case_id)
    data.accepted_on = "2025-12-30"
    with pytest.raises(InvalidInput, match="不能改到其他年份"):
        cases.update_intake(ledger, case_id, data)


# --- sessions, agreement, performance ---------------------------------------------------------------------------

def test_session_rules_and_status(ledger: Ledger, v: casework.Village) -> None:
    case_id = casework.open_case(ledger, v)
    with pytest.raises(InvalidInput) as exc:
        cases.add_session(ledger, case_id, casework.session(held_on="2026-10-30", statements=""))
    assert _fields(exc) >= {"held_on", "statements"}
    cases.add_session(ledger, case_id, casework.session(kind="investigation", result="", parties_present=""))
    assert cases.get_case(ledger, case_id).status == "accepted"  # an investigation does not start mediating
    cases.add_session(ledger, case_id, casework.session(held_on="2026-11-06", held_time="9:05"))
    detail = cases.get_case(ledger, case_id)
    assert detail.status == "mediating" and detail.sessions[-1].held_at == "2026-11-06 09:05"


def test_mediation_needs_a_mediator(ledger: Ledger, v: casework.Village) -> None:
    case_id = casework.open_case(ledger, v, mediators=[])
    with pytest.raises(InvalidInput, match="请先为本案指派调解员"):
        cases.add_session(ledger, case_id, casework.session())
    cases.assign_mediators(ledger, case_id, [MediatorInput(resident_id=v.mediators[1], role="mediator")])
    cases.add_session(ledger, case_id, casework.session())
    assert cases.get_case(ledger, case_id).status == "mediating"


def test_no_agreement_without_a_session_terms_and_performance_method(ledger: Ledger, v: casework.Village) -> None:
    case_id = casework.open_case(ledger, v)
    with pytest.raises(InvalidInput) as exc:
        cases.record_agreement(ledger, case_id, casework.agreement(terms=" \n ", performance_method=""))
    assert _fields(exc) >= {"sessions", "terms", "performance_method"}
    assert "请先记录调解过程" in exc.value.message
    assert _count(ledger, "agreements") == 0 and cases.get_case(ledger, case_id).status == "accepted"


def test_installments_must_add_up(ledger: Ledger, v: casework.Village) -> None:
    case_id = casework.open_case(ledger, v)
    cases.add_session(ledger, case_id, casework.session())
    bad = casework.agreement(amount="12000", installments=[
        InstallmentInput(due_on="2026-11-30", amount="5000"), InstallmentInput(due_on="2026-11-05", amount="abc")])
    with pytest.raises(InvalidInput) as exc:
        cases.record_agreement(ledger, case_id, bad)
    assert "第2期" in exc.value.message and "不能早于协议生效日期" in exc.value.message
    bad = casework.agreement(amount="12000", installments=[InstallmentInput(due_on="2026-11-30", amount="5000")])
    with pytest.raises(InvalidInput, match="各期金额合计 5,000.00 元，与协议金额 12,000.00 元不一致"):
        cases.record_agreement(ledger, case_id, bad)


def test_agreement_then_performance(ledger: Ledger, v: casework.Village) -> None:
    case_id = casework.agreed_case(ledger, v)
    detail = cases.get_case(ledger, case_id)
    agreement = detail.agreement
    assert agreement is not None
    assert detail.status == "agreed" and detail.result == "success" and detail.agreement_form == "01"
    assert detail.status_label == "调解成功（履行中）"
    assert agreement.amount_fen == 1_200_000 and agreement.jc_deadline == "2026-12-10"
    assert [f.due_on for f in detail.follow_ups] == ["2026-12-31"]  # planned after the last performance date
    with pytest.raises(UserError, match="还有2期没有登记付款"):
        cases.set_performed(ledger, agreement.id, "2026-11-20")
    first, second = agreement.installments
    with pytest.raises(UserError, match="不能晚于今天"):
        cases.set_installment_paid(ledger, first.id, "2026-11-24")
    cases.set_installment_paid(ledger, first.id, "2026-11-20")
    cases.set_installment_paid(ledger, second.id, "2026-11-22")
    cases.set_performed(ledger, agreement.id, "2026-11-22")
    assert cases.get_case(ledger, case_id).status_label == "调解成功（已履行）"
    with pytest.raises(UserError, match="请先撤销“履行完毕”"):
        cases.set_installment_paid(ledger, first.id, None)


def test_oral_agreement(ledger: Ledger, v: casework.Village) -> None:
    case_id = casework.open_case(ledger, v)
    cases.add_session(ledger, case_id, casework.session())
    cases.record_agreement(ledger, case_id, casework.agreement(form="02", facts="", installments=[], amount=""))
    detail = cases.get_case(ledger, case_id)
    assert detail.agreement_form == "02" and detail.agreement is not None and detail.agreement.jc_deadline is None
    with pytest.raises(UserError, match="口头协议不能申请司法确认"):
        cases.set_judicial(ledger, detail.agreement.id, JudicialInput(applied_on="2026-11-12", court="攸县人民法院"))


def test_judicial_confirmation_window(ledger: Ledger, v: casework.Village) -> None:
    case_id = casework.open_case(ledger, v, accepted_on="2026-09-01")
    cases.add_session(ledger, case_id, casework.session(held_on="2026-09-05"))
    cases.record_agreement(ledger, case_id, casework.agreement(
        effective_on="2026-09-10", performance_deadline="2026-12-31"))
    agreement = cases.get_case(ledger, case_id).agreement
    assert agreement is not None
    with pytest.raises(InvalidInput, match="截至2026-10-10"):
        cases.set_judicial(ledger, agreement.id, JudicialInput(applied_on="2026-10-11", court="攸县人民法院"))
    with pytest.raises(InvalidInput, match="请同时选择确认结果|请填写法院决定日期"):
        cases.set_judicial(ledger, agreement.id, JudicialInput(applied_on="2026-10-10", court="攸县人民法院",
                                                               result="valid"))
    cases.set_judicial(ledger, agreement.id, JudicialInput(applied_on="2026-10-10", court="攸县人民法院",
                                                           result="valid", result_on="2026-10-20"))
    stored = cases.get_case(ledger, case_id).agreement
    assert stored is not None and (stored.jc_result, stored.jc_result_on) == ("valid", "2026-10-20")


def test_frozen_agreement_needs_a_supplement(ledger: Ledger, v: casework.Village) -> None:
    case_id = casework.agreed_case(ledger, v)
    agreement = cases.get_case(ledger, case_id).agreement
    assert agreement is not None
    with pytest.raises(UserError, match="可以直接修改原协议"):
        cases.add_supplement(ledger, agreement.id, casework.agreement())
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    case_documents.attach_scan(ledger, agreement.id, png, "image/png")
    with pytest.raises(UserError, match="已经定稿"):
        cases.update_agreement(ledger, agreement.id, casework.agreement(terms="改了"))
    cases.add_supplement(ledger, agreement.id, casework.agreement(
        effective_on="2026-11-20", terms="第二期付款延至2026年12月31日", amount="", installments=[]))
    detail = cases.get_case(ledger, case_id)
    assert len(detail.agreements) == 2 and detail.agreements[1].supplements_id == agreement.id
    assert detail.agreement is not None and detail.agreement.id == agreement.id


def test_update_agreement_cannot_drop_a_paid_installment(ledger: Ledger, v: casework.Village) -> None:
    case_id = casework.agreed_case(ledger, v)
    agreement = cases.get_case(ledger, case_id).agreement
    assert agreement is not None
    cases.set_installment_paid(ledger, agreement.installments[0].id, "2026-11-20")
    with pytest.raises(UserError, match="已登记付款的分期不能删除"):
        cases.update_agreement(ledger, agreement.id, casework.agreement(amount="6000", installments=[
            InstallmentInput(due_on="2026-12-31", amount="6000", id=agreement.installments[1].id)]))
    kept = casework.agreement()
    kept.installments = [InstallmentInput(due_on=i.due_on, amount=i.amount_fen, id=i.id)
                         for i in agreement.installments]
    kept.terms = "被申请人疏通排水沟\n被申请人赔偿损失\n双方今后和睦相处"
    cases.update_agreement(ledger, agreement.id, kept)
    after = cases.get_case(ledger, case_id).agreement
    assert after is not None and after.terms.count("\n") == 2 and after.installments[0].paid_on == "2026-11-20"


# --- termination, follow-up, closing ---------------------------------------------------------------------------

def test_termination_needs_reason_and_channels(ledger: Ledger, v: casework.Village) -> None:
    case_id = casework.open_case(ledger, v)
    with pytest.raises(InvalidInput) as exc:
        cases.terminate(ledger, case_id, TerminationInput(reason="", channels_told=[]))
    assert _fields(exc) == {"failure_reason", "channels_told"} and "人民调解法第26条" in exc.value.message
    cases.terminate(ledger, case_id, TerminationInput(reason="被申请人明确拒绝调解",
                                                      channels_told=["向人民法院起诉"]))
    detail = cases.get_case(ledger, case_id)
    assert (detail.status, detail.result, detail.channels_told) == ("failed", "failure", "向人民法院起诉")
    with pytest.raises(UserError, match="不能记录调解"):
        cases.add_session(ledger, case_id, casework.session())


def test_close_lists_every_missing_piece_then_closes_and_archives(ledger: Ledger, v: casework.Village) -> None:
    case_id = casework.agreed_case(ledger, v)
    with pytest.raises(InvalidInput) as exc:
        cases.close_case(ledger, case_id, "2026-11-23")
    message = exc.value.message
    for piece in ("人民调解申请书或受理登记表", "人民调解当事人权利义务告知书", "当事人身份证明", "人民调解记录",
                  "人民调解协议书或口头协议登记表", "还有1次计划的回访没有完成", "协议尚未履行完毕"):
        assert piece in message
    _file_required(ledger, case_id, "02", "03", "07")
    for doc_type in ("intake", "agreement"):
        case_documents.archive(ledger, case_id, doc_type, case_documents.render(ledger, case_id, doc_type))
    follow_up = cases.get_case(ledger, case_id).follow_ups[0]
    with pytest.raises(InvalidInput) as exc:
        cases.update_follow_up(ledger, follow_up.id, FollowUpInput(due_on=follow_up.due_on, done_on="2026-11-22"))
    assert _fields(exc) >= {"follow_up_form", "follow_up_party", "performance_state", "satisfaction",
                            "follow_up_visitor"}
    cases.update_follow_up(ledger, follow_up.id, FollowUpInput(
        due_on=follow_up.due_on, done_on="2026-11-22", form="02", party="周建国", performance="02",
        satisfaction="02", visitor="蒋德胜", notes="第一期已付，第二期约定年底付清"))
    with pytest.raises(InvalidInput, match="不能早于本案最后一项记录的日期"):
        cases.close_case(ledger, case_id, "2026-11-21")
    cases.close_case(ledger, case_id, "2026-11-23")
    with pytest.raises(UserError, match="卷宗封面及卷内目录"):
        cases.archive_case(ledger, case_id, "2026-11-23")
    case_documents.archive(ledger, case_id, "cover", case_documents.render(ledger, case_id, "cover"))
    cases.archive_case(ledger, case_id, "2026-11-23")
    detail = cases.get_case(ledger, case_id)
    assert (detail.status, detail.closed_on, detail.archived_on) == ("archived", "2026-11-23", "2026-11-23")
    with pytest.raises(UserError, match="已归档"):
        case_documents.file_paper(ledger, case_id, "09", 1)


def test_failed_case_closes_without_an_agreement(ledger: Ledger, v: casework.Village) -> None:
    case_id = casework.open_case(ledger, v)
    cases.add_session(ledger, case_id, casework.session(result="双方分歧较大，未达成协议"))
    cases.terminate(ledger, case_id, TerminationInput(reason="分歧较大", channels_told=list(cases.CHANNELS)))
    _file_required(ledger, case_id, "01", "02", "03", "07")
    assert cases.get_case(ledger, case_id).missing() == []
    cases.close_case(ledger, case_id, "2026-11-23")
    assert cases.get_case(ledger, case_id).status == "closed"


def test_wrong_status_is_explained(ledger: Ledger, v: casework.Village) -> None:
    case_id = casework.open_case(ledger, v)
    with pytest.raises(UserError) as exc:
        cases.close_case(ledger, case_id, "2026-11-23")
    assert exc.value.message == "案件当前为“已受理”，不能结案（只有调解成功、调解终止的案件可以）"


def test_list_search_and_filters(ledger: Ledger, v: casework.Village) -> None:
    agreed = casework.agreed_case(ledger, v)
    other = casework.open_case(ledger, v, accepted_on="2026-11-10", parties=[
        PartyInput(resident_id=v.parties[2]), PartyInput(resident_id=v.parties[3])], summary="宅基地界址争议")
    assert [c.id for c in cases.list_cases(ledger)] == [other, agreed]  # newest first
    assert [c.id for c in cases.list_cases(ledger, "王丽娟")] == [other]
    assert [c.id for c in cases.list_cases(ledger, "界址")] == [other]
    assert [c.id for c in cases.list_cases(ledger, "第001号")] == [agreed]
    assert [c.id for c in cases.list_cases(ledger, status="agreed")] == [agreed]
    assert cases.list_cases(ledger, "%") == []
    assert cases.case_id_by_no(ledger, "（2026）青石村人调字第002号") == other
    with pytest.raises(UserError, match="没有案号为"):
        cases.case_id_by_no(ledger, "（2026）青石村人调字第099号")


def test_every_case_write_is_captured_for_the_county(ledger: Ledger, v: casework.Village) -> None:
    casework.agreed_case(ledger, v)
    tables = {r[0] for r in ledger.store.conn.execute("SELECT DISTINCT table_name FROM sync_outbox")}
    assert {"cases", "case_parties", "case_mediators", "case_sessions", "agreements", "installments",
            "follow_ups"} <= tables


def test_the_printed_number_is_unique_in_the_database(ledger: Ledger, v: casework.Village) -> None:
    case_id = casework.open_case(ledger, v)
    with pytest.raises(sqlite3.IntegrityError), ledger.store.write() as conn:
        conn.execute("INSERT INTO cases(id, case_no, case_year, case_seq, created_at) "
                     "SELECT 'x', case_no, case_year, 2, created_at FROM cases WHERE id = ?", (case_id,))


def test_intake_prevention_and_difficult(ledger: Ledger, v: casework.Village) -> None:
    case_id = cases.open_case(ledger, casework.intake(v, prevention="02", difficult=True, people_involved=30)).row_id
    assert case_id
    stored = ledger.store.conn.execute("SELECT prevention, difficult FROM cases WHERE id = ?", (case_id,)).fetchone()
    assert tuple(stored) == ("02", 1)
    loaded = cases.load_intake(ledger, case_id)
    assert (loaded.prevention, loaded.difficult) == ("02", True)
    with pytest.raises(InvalidInput) as caught:
        cases.update_intake(ledger, case_id, casework.intake(v, prevention="09"))
    [error] = [e for e in caught.value.errors if e.field == "prevention"]
    assert "预防效果" in error.message
    cases.update_intake(ledger, case_id, casework.intake(v))
    assert (cases.get_case(ledger, case_id).prevention, cases.get_case(ledger, case_id).difficult) == (None, False)
