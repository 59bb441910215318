"""The case dialogs on their own: the party editor (residents once, outsiders typed in and corrected, roles), the
mediator list, the agreement form (大写 as typed, installments, oral form), sessions, 回访, 司法确认 and the small
date / paper forms — each saving itself and showing the services' refusals next to the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QWidget

from tests import casework
from tests.casework import Village
from tests.helpers import make_id
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.agreement_dialog import AgreementDialog, amount_words
from zhzx_desktop.gui.dialogs.case_intake_dialog import CaseForm, CaseIntakeDialog
from zhzx_desktop.gui.dialogs.follow_up_dialog import FollowUpDialog
from zhzx_desktop.gui.dialogs.judicial_dialog import JudicialDialog, deadline_text
from zhzx_desktop.gui.dialogs.mediators_dialog import MediatorsDialog
from zhzx_desktop.gui.dialogs.session_dialog import SessionDialog
from zhzx_desktop.gui.pages.cases_page import CasesPage, DateStepDialog, PaperItemDialog
from zhzx_desktop.gui.widgets.party_editor import MediatorList, PartyEditor
from zhzx_desktop.services import cases

SHOTS = Path("/tmp/cases_h2")


@pytest.fixture
def village(ctx: GuiContext) -> Village:
    return casework.village(ctx.ledger)


def _save(dialog: CaseForm) -> None:
    dialog.button_box.button(QDialogButtonBox.StandardButton.Save).click()


def _shot(widget: QWidget, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    QApplication.processEvents()
    widget.grab().save(str(SHOTS / f"{name}.png"))


def test_party_editor_residents_outsiders_and_roles(qtbot, ctx: GuiContext, village: Village) -> None:  # type: ignore[no-untyped-def]
    editor = PartyEditor(ctx.ledger)
    qtbot.addWidget(editor)
    assert editor.add_resident(village.parties[0])
    assert not editor.add_resident(village.parties[0])  # once only
    assert village.parties[0] in editor.picker.exclude
    dialog = editor.open_outsider_dialog()
    assert dialog.sex_combo.isVisibleTo(dialog) and not dialog.credit_edit.isVisibleTo(dialog)
    dialog.name_edit.setText("钱多多")
    dialog.id_edit.setText(make_id(area="110101", seq=555))
    dialog.phone_edit.setText("13712345678")
    dialog.address_edit.setText("外县某镇")
    _shot(dialog, "dialog_outsider")
    dialog.accept()
    parties = editor.parties()
    assert [(p.role, p.resident_id is not None, p.name) for p in parties] == [
        ("applicant", True, ""), ("respondent", False, "钱多多")]
    assert editor.table.item(1, 2).text() == "外来人员" and editor.table.item(1, 3).text() == "137****5678"
    # correct the outsider: becomes an organisation; the row keeps its chosen role
    editor.set_role(1, "third_party")
    editor.table.selectRow(1)
    assert editor.edit_button.isEnabled()
    edit = editor.edit_selected()
    assert edit is not None and edit.name_edit.text() == "钱多多"
    edit.kind_combo.setCurrentIndex(edit.kind_combo.findData("organization"))
    assert edit.credit_edit.isVisibleTo(edit) and not edit.id_edit.isVisibleTo(edit)
    edit.name_edit.setText("钱家合作社")
    _shot(edit, "dialog_outsider_org")
    edit.accept()
    party = editor.parties()[1]
    assert (party.party_kind, party.name, party.role, party.id_number) == ("organization", "钱家合作社", "third_party", "")
    assert editor.table.item(1, 2).text() == "非法人组织"
    editor.table.selectRow(0)
    assert not editor.edit_button.isEnabled()  # a resident's details come from the register
    editor.remove_selected()
    assert [p.name for p in editor.parties()] == ["钱家合作社"]
    assert village.parties[0] not in editor.picker.exclude


def test_intake_names_the_bad_party(qtbot, ctx: GuiContext, village: Village) -> None:  # type: ignore[no-untyped-def]
    dialog = CaseIntakeDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.open()
    assert dialog.windowTitle() == "受理登记 — 青石村人民调解委员会"
    dialog.source_combo.setCurrentIndex(1)
    dialog.type_combo.setCurrentIndex(2)
    dialog.summary_edit.setPlainText("欠款纠纷")
    dialog.party_editor.add_resident(village.parties[0])
    dialog.party_editor.add_outsider(cases.PartyInput(role="respondent", name="孙小宝", id_number="110101199001011234"))
    dialog.amount_edit.setText("一万")
    _save(dialog)
    assert dialog.isVisible() and dialog.errors is not None
    assert dialog.errors.text("parties").startswith("第2位当事人（孙小宝）：")
    assert "涉及金额" in dialog.errors.text("amount")
    # a mediator who is a party is refused
    dialog.party_editor.set_parties([cases.PartyInput(role="applicant", resident_id=village.parties[0]),
                                     cases.PartyInput(role="respondent", resident_id=village.mediators[0])])
    dialog.mediator_list.set_checked(village.mediators[0])
    dialog.amount_edit.setText("")
    _save(dialog)
    assert "当事人不能担任本案的调解员" in dialog.errors.text("mediators")
    assert dialog.errors.text("parties") == ""
    dialog.mediator_list.set_checked(village.mediators[0], False)
    _save(dialog)
    assert not dialog.isVisible() and dialog.changes is not None and dialog.changes.row_id


def test_mediator_list(qtbot, ctx: GuiContext, village: Village) -> None:  # type: ignore[no-untyped-def]
    listing = MediatorList(ctx.ledger)
    qtbot.addWidget(listing)
    assert listing.table.rowCount() == 2 and listing.hint.isHidden()
    listing.set_checked(village.mediators[1])
    listing.set_checked(village.mediators[0])
    assert {(m.resident_id, m.role) for m in listing.mediators()} == {(village.mediators[1], "lead"),
                                                                       (village.mediators[0], "mediator")}


def test_mediator_list_without_teams_says_what_to_do(qtbot, ctx: GuiContext) -> None:  # type: ignore[no-untyped-def]
    listing = MediatorList(ctx.ledger)
    qtbot.addWidget(listing)
    assert not listing.hint.isHidden() and "“和事佬”调解队" in listing.hint.text()
    assert listing.mediators() == []


def test_mediators_dialog_saves(qtbot, ctx: GuiContext, village: Village) -> None:  # type: ignore[no-untyped-def]
    case_id = casework.open_case(ctx.ledger, village, mediators=[])
    dialog = MediatorsDialog(ctx, case_id)
    qtbot.addWidget(dialog)
    dialog.open()
    assert dialog.mediator_list.mediators() == []
    dialog.mediator_list.set_checked(village.mediators[0])
    _save(dialog)
    assert not dialog.isVisible()
    assert [(m.name, m.role) for m in cases.get_case(ctx.ledger, case_id).mediators] == [("蒋德胜", "lead")]


def test_amount_words() -> None:
    assert amount_words("12000.5") == "大写：壹万贰仟元伍角（¥12,000.50）"
    assert amount_words("") == ""
    assert amount_words("一万").startswith("金额格式不正确")


def test_agreement_dialog(qtbot, ctx: GuiContext, village: Village) -> None:  # type: ignore[no-untyped-def]
    case_id = casework.open_case(ctx.ledger, village)
    cases.add_session(ctx.ledger, case_id, casework.session())
    dialog = AgreementDialog(ctx, case_id)
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.effective_edit.setDate(QDate(2026, 11, 10))
    dialog.facts_edit.setPlainText("被申请人堵塞排水沟致申请人菜地积水。")
    dialog.terms_edit.setPlainText("被申请人赔偿申请人菜地损失")
    dialog.method_edit.setText("分两期现金支付")
    dialog.deadline_edit.setText("2026-12-01")
    dialog.amount_edit.setText("12000")
    dialog.add_installment("2026-11-30", "6000")
    dialog.add_installment("2026-12-31", "5000")
    dialog.add_installment()  # an empty row is ignored
    assert len(dialog.installments()) == 2
    assert dialog.installment_sum_label.text() == "共 2 期，合计 11,000.00 元"
    _shot(dialog, "dialog_agreement")
    _save(dialog)
    shown = dialog.errors.text("installments") if dialog.errors else ""
    assert "各期金额合计 11,000.00 元" in shown and "最后一期（2026-12-31）晚于履行期限（2026-12-01）" in shown
    dialog.installment_table.item(1, 1).setText("6000")
    dialog.deadline_edit.setText("2026-12-31")
    _save(dialog)
    assert not dialog.isVisible()
    detail = cases.get_case(ctx.ledger, case_id)
    agreement = detail.agreement
    assert agreement is not None and [i.payer for i in agreement.installments] == ["吴秀英", "吴秀英"]
    assert [i.payee for i in agreement.installments] == ["周建国", "周建国"]
    # paying the first locks its row in the edit form; removing it is refused by the service
    cases.set_installment_paid(ctx.ledger, agreement.installments[0].id, "2026-11-20")
    edit = AgreementDialog(ctx, case_id, agreement_id=agreement.id)
    qtbot.addWidget(edit)
    edit.open()
    assert edit.windowTitle().startswith("修改协议")
    assert edit.installment_table.rowCount() == 2 and edit.amount_edit.text() == "12000.00"
    first = edit.installment_table.item(0, 1)
    assert not first.flags() & first.flags().ItemIsEditable
    edit.installment_table.selectRow(0)
    edit.remove_selected_installment()
    edit.amount_edit.setText("6000")
    _save(edit)
    assert edit.errors is not None and edit.errors.text("installments") == "已登记付款的分期不能删除"


def test_an_oral_agreement_needs_no_facts(qtbot, ctx: GuiContext, village: Village) -> None:  # type: ignore[no-untyped-def]
    case_id = casework.open_case(ctx.ledger, village)
    cases.add_session(ctx.ledger, case_id, casework.session())
    dialog = AgreementDialog(ctx, case_id)
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.written_radio.setChecked(True)
    dialog.terms_edit.setPlainText("被申请人当场疏通排水沟")
    dialog.method_edit.setText("当场履行")
    _save(dialog)
    assert dialog.errors is not None and dialog.errors.text("facts") == "请填写纠纷主要事实、争议事项"
    dialog.oral_radio.setChecked(True)
    assert "口头协议可不填" in dialog.facts_edit.placeholderText()
    _save(dialog)
    assert not dialog.isVisible()
    detail = cases.get_case(ctx.ledger, case_id)
    assert detail.agreement is not None and not detail.agreement.written and detail.agreement_form == "02"


def test_session_dialog_edit_and_investigation(qtbot, ctx: GuiContext, village: Village) -> None:  # type: ignore[no-untyped-def]
    case_id = casework.open_case(ctx.ledger, village)
    dialog = SessionDialog(ctx, case_id, kind="investigation")
    qtbot.addWidget(dialog)
    dialog.open()
    assert dialog.investigation_radio.isChecked()
    dialog.held_edit.setDate(QDate(2026, 11, 3))
    dialog.place_edit.setText("申请人家")
    dialog.statements_edit.setPlainText("查看了被淹的菜地")
    dialog.time_edit.setText("25:00")
    _save(dialog)
    assert dialog.errors is not None and dialog.errors.text("held_time") == "时间格式不正确（例：14:30）"
    dialog.time_edit.setText("")
    _save(dialog)
    assert not dialog.isVisible()
    detail = cases.get_case(ctx.ledger, case_id)
    assert detail.status == "accepted"  # an investigation does not start the mediation
    edit = SessionDialog(ctx, case_id, session_id=detail.sessions[0].id)
    qtbot.addWidget(edit)
    edit.open()
    assert edit.place_edit.text() == "申请人家" and edit.held_edit.date() == QDate(2026, 11, 3)
    edit.participants_edit.setText("村民小组长")
    _save(edit)
    assert cases.get_case(ctx.ledger, case_id).sessions[0].participants == "村民小组长"


def test_follow_up_plan_and_record(qtbot, ctx: GuiContext, village: Village) -> None:  # type: ignore[no-untyped-def]
    case_id = casework.agreed_case(ctx.ledger, village)
    dialog = FollowUpDialog(ctx, case_id)
    qtbot.addWidget(dialog)
    dialog.open()
    assert dialog.done_edit.text() == "2026-11-23" and dialog.visitor_edit.text() == "蒋德胜"
    _save(dialog)  # done today but nothing said about it
    assert dialog.errors is not None
    assert set(dialog.errors.shown()) >= {"follow_up_form", "follow_up_party", "performance_state", "satisfaction"}
    dialog.done_edit.clear()
    dialog.due_edit.setText("2027-01-15")  # a plan only
    _save(dialog)
    assert not dialog.isVisible()
    planned = [f for f in cases.get_case(ctx.ledger, case_id).follow_ups if f.due_on == "2027-01-15"]
    assert len(planned) == 1 and planned[0].done_on is None


def test_judicial_too_late_and_deadline_words(qtbot, ctx: GuiContext, village: Village) -> None:  # type: ignore[no-untyped-def]
    assert deadline_text("2026-12-10", ctx.ledger.today()) == "司法确认申请截止：2026-12-10（还有17天）"
    assert deadline_text("2026-11-23", ctx.ledger.today()).endswith("（今天截止）")
    case_id = casework.open_case(ctx.ledger, village, accepted_on="2026-09-01")
    cases.add_session(ctx.ledger, case_id, casework.session("2026-09-02"))
    cases.record_agreement(ctx.ledger, case_id, casework.agreement("2026-09-05", installments=[],
                                                                   performance_deadline=None))
    agreement = cases.get_case(ctx.ledger, case_id).agreement
    assert agreement is not None
    dialog = JudicialDialog(ctx, agreement.id, case_id)
    qtbot.addWidget(dialog)
    dialog.open()
    assert dialog.deadline_label.text() == "司法确认申请截止：2026-10-05（已过期）"
    dialog.court_edit.setText("某某县人民法院")
    _save(dialog)
    assert "已超过期限" in (dialog.errors.text("jc_applied_on") if dialog.errors else "")


def test_small_forms(qtbot, ctx: GuiContext, village: Village) -> None:  # type: ignore[no-untyped-def]
    case_id = casework.agreed_case(ctx.ledger, village)
    page = CasesPage(ctx)
    qtbot.addWidget(page)
    page.show_case(case_id)
    paper = page.open_paper_dialog()
    assert isinstance(paper, PaperItemDialog)
    assert paper.item_combo.currentData() == "01"  # the first required item still missing (a signed 申请书)
    _shot(paper, "dialog_paper")
    paper.reject()
    page.installment_table.selectRow(0)
    pay = page.open_pay_dialog()
    assert isinstance(pay, DateStepDialog)
    pay.date_edit.setDate(QDate(2026, 11, 1))  # before the agreement took effect
    _save(pay)
    assert pay.errors is not None and "不能早于协议生效日期（2026-11-10）" in pay.errors.text("paid_on")
    _shot(pay, "dialog_pay")
    pay.reject()
    assert page.step_buttons["terminate"].isHidden()
    stop = page.open_termination_dialog()  # forced open: the service still refuses, in words
    assert stop is not None
    stop.reason_edit.setPlainText("不想调了")
    stop.channel_checks[0].setChecked(True)
    _save(stop)
    assert stop.isVisible() and stop.errors is not None
    assert stop.errors.text("form") == "案件当前为“调解成功”，不能终止调解（只有已受理、调解中的案件可以）"
    stop.reject()
    close = page.open_close_dialog()
    assert close is not None and close.note_label.text().startswith("注意：结案还缺")
    _shot(close, "dialog_close")


def test_intake_records_prevention_and_difficult_and_reloads_them(  # type: ignore[no-untyped-def]
        qtbot, ctx: GuiContext, village: Village) -> None:
    dialog = CaseIntakeDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.open()
    assert dialog.prevention_combo.currentText() == "（无）" and not dialog.difficult_check.isChecked()
    dialog.source_combo.setCurrentIndex(1)
    dialog.type_combo.setCurrentIndex(2)
    dialog.summary_edit.setPlainText("两家因宅基地界址争执，扬言动手，经调解平息。")
    dialog.party_editor.add_resident(village.parties[0])
    dialog.party_editor.add_resident(village.parties[1])
    dialog.people_spin.setValue(6)
    dialog.prevention_combo.setCurrentIndex(dialog.prevention_combo.findData("01"))
    dialog.difficult_check.setChecked(True)
    _save(dialog)
    assert not dialog.isVisible() and dialog.changes is not None and dialog.changes.row_id
    case_id = dialog.changes.row_id
    detail = cases.get_case(ctx.ledger, case_id)
    assert (detail.prevention, detail.difficult, detail.people_involved) == ("01", True, 6)
    again = CaseIntakeDialog(ctx, case_id)
    qtbot.addWidget(again)
    assert again.prevention_combo.currentText() == "防止民间纠纷转化为刑事案件" and again.difficult_check.isChecked()
    again.prevention_combo.setCurrentIndex(0)
    again.difficult_check.setChecked(False)
    again.open()
    _save(again)
    assert not again.isVisible()
    detail = cases.get_case(ctx.ledger, case_id)
    assert (detail.prevention, detail.difficult) == (None, False)
