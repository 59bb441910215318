"""The 调解 page: a whole 人民调解 case run through the page and its dialogs — intake with two residents and an
outside company, refusals shown in Chinese, a session, an agreement of two installments, payments, 履行完毕, 回访,
paper items filed, 结案 — plus the list's filter and search, and every model under the model tester."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QMessageBox

from tests import casework
from tests.casework import Village
from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.case_intake_dialog import CaseForm
from zhzx_desktop.gui.models.case_file_model import CaseFileModel, case_file_rows
from zhzx_desktop.gui.models.case_follow_up_model import CaseFollowUpModel
from zhzx_desktop.gui.models.case_installment_model import CaseInstallmentModel
from zhzx_desktop.gui.models.case_party_model import CasePartyModel
from zhzx_desktop.gui.models.case_session_model import CaseSessionModel
from zhzx_desktop.gui.models.case_table_model import OVERDUE, CaseTableModel
from zhzx_desktop.gui.pages.cases_page import CasesPage, next_step
from zhzx_desktop.gui.widgets.party_editor import OutsiderDialog
from zhzx_desktop.services import case_documents, cases, warnings
from zhzx_desktop.services.cases import PartyInput

SHOTS = Path("/tmp/cases_h2")


@pytest.fixture
def village(ctx: GuiContext) -> Village:
    return casework.village(ctx.ledger)


@pytest.fixture
def make_page(qtbot, ctx: GuiContext):  # type: ignore[no-untyped-def]
    def make() -> CasesPage:
        shown = CasesPage(ctx)
        shown.changed.connect(shown.apply)  # as the main window does
        shown.resize(1250, 700)
        qtbot.addWidget(shown)
        return shown
    return make


def _save(dialog: CaseForm) -> None:
    dialog.button_box.button(QDialogButtonBox.StandardButton.Save).click()


def _pick(qtbot, picker, text: str) -> None:  # type: ignore[no-untyped-def]
    picker.search_edit.setText(text)
    qtbot.keyClick(picker.search_edit, Qt.Key.Key_Return)


def _column(model, column: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [model.index(r, column).data() for r in range(model.rowCount())]


def _shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(exist_ok=True)
    QApplication.processEvents()  # pending layout requests first
    widget.grab().save(str(SHOTS / f"{name}.png"))


def _fill_paper(page: CasesPage, item: str) -> None:
    dialog = page.open_paper_dialog()
    assert dialog is not None
    dialog.item_combo.setCurrentIndex(dialog.item_combo.findData(item))
    dialog.pages_spin.setValue(2)
    _save(dialog)
    assert not dialog.isVisible()


def test_a_whole_case_through_the_page(qtbot, ctx: GuiContext, village: Village, make_page) -> None:  # type: ignore[no-untyped-def]
    page = make_page()
    page.show()
    assert page.model.rowCount() == 0
    assert "在左边选择" in page.title_label.text()

    # ---- 受理登记: two residents picked, one outside company typed in
    intake = page.open_intake_dialog()
    assert intake is not None and intake.isVisible()
    intake.accepted_edit.setDate(QDate(2026, 11, 2))
    intake.source_combo.setCurrentIndex(intake.source_combo.findData("01"))
    intake.type_combo.setCurrentIndex(intake.type_combo.findData("06"))
    intake.summary_edit.setPlainText("施工车辆压坏两户院墙，双方就赔偿协商不成。")
    intake.amount_edit.setText("8000")
    _save(intake)  # no parties yet: refused inline, stays open
    assert intake.isVisible()
    assert "至少要有两方当事人" in intake.errors.text("parties")
    editor = intake.party_editor
    editor.add_resident_button.click()
    assert editor.picker.isVisible()
    _pick(qtbot, editor.picker, "周建国")
    assert not editor.picker.isVisible()
    editor.add_resident_button.click()
    _pick(qtbot, editor.picker, "吴秀英")
    outsider = editor.open_outsider_dialog()
    assert isinstance(outsider, OutsiderDialog)
    outsider.kind_combo.setCurrentIndex(outsider.kind_combo.findData("legal_person"))
    outsider.accept()  # no name: refused
    assert outsider.isVisible() and outsider.name_error.text() == "请填写单位名称"
    outsider.name_edit.setText("青石建筑工程有限公司")
    outsider.legal_rep_edit.setText("李成功")
    outsider.phone_edit.setText("13900001111")
    outsider.accept()
    assert not outsider.isVisible()
    assert editor.table.rowCount() == 3
    assert editor.table.item(2, 3).text() == "139****1111"  # phones masked
    editor.set_role(1, "applicant")
    editor.set_role(2, "respondent")
    intake.mediator_list.set_checked(village.mediators[0])
    intake.mediator_list.set_checked(village.mediators[1], role="recorder")
    _shot(intake, "dialog_intake")
    _save(intake)
    assert not intake.isVisible(), intake.errors.shown() if intake.errors else ""
    case_no = "（2026）青石村人调字第001号"
    assert page.case_no_label.text() == case_no
    assert page.model.rowCount() == 1 and page.selected_case_id() == page.case_id
    assert page.detail is not None
    assert [(p.name, p.role) for p in page.detail.parties] == [
        ("周建国", "applicant"), ("吴秀英", "applicant"), ("青石建筑工程有限公司", "respondent")]
    assert [(m.role) for m in page.detail.mediators] == ["lead", "recorder"]
    assert page.next_label.text() == "下一步：记录调解（先去了解情况的，可以先记录调查）"
    assert page.step_buttons["agreement"].isVisibleTo(page) and not page.step_buttons["close"].isVisibleTo(page)
    overview = page.overview_label.toPlainText()
    assert "损害赔偿纠纷" in overview and "8,000.00 元" in overview and "2026-12-02（还有9天）" in overview
    assert "138****1000" in _column(page.party_model, 4)  # masked phone of the resident
    _shot(page, "page_overview")

    # ---- an agreement before any mediation session: refused with the service's words
    early = page.open_agreement_dialog()
    assert early is not None
    early.terms_edit.setPlainText("被申请人赔偿8000元")
    early.facts_edit.setPlainText("施工车辆压坏院墙")
    early.method_edit.setText("现金")
    _save(early)
    assert early.isVisible()
    assert "还没有调解记录" in early.errors.text("form")
    early.reject()

    # ---- a mediation session → 调解中
    session = page.open_session_dialog()
    assert session is not None and session.mediation_radio.isChecked()
    assert session.present_edit.text() == "周建国、吴秀英、青石建筑工程有限公司"
    assert session.recorder_edit.text() == "沈玉梅"  # the recorder mediator
    session.held_edit.setDate(session.held_edit.date().addDays(-10))
    session.time_edit.setText("9:30")
    session.place_edit.setText("村委会调解室")
    _save(session)  # statements and result missing
    assert session.isVisible() and session.errors is not None
    assert session.errors.text("statements") == "请填写记录内容"
    session.statements_edit.setPlainText("申请人称院墙被压坏；被申请人认可，愿意赔偿。")
    session.result_edit.setPlainText("双方同意赔偿8000元，分两期支付")
    _shot(session, "dialog_session")
    _save(session)
    assert not session.isVisible(), session.errors.shown()
    assert page.detail.status == "mediating" and page.status_label.text() == "调解中"
    assert _column(page.session_model, 0) == ["2026-11-13 09:30"]
    page.session_table.selectRow(0)
    assert "愿意赔偿" in page.session_detail.toPlainText()
    page.tabs.setCurrentIndex(1)
    _shot(page, "page_sessions")

    # ---- the agreement: refused without terms, then two installments → 履行中
    agreement = page.open_agreement_dialog()
    assert agreement is not None and agreement.written_radio.isChecked()
    agreement.facts_edit.setPlainText("被申请人施工车辆压坏申请人院墙。")
    agreement.method_edit.setText("分两期银行转账")
    agreement.deadline_edit.setText("2026-12-31")
    agreement.amount_edit.setText("8000")
    assert agreement.amount_words_label.text() == "大写：捌仟元整（¥8,000.00）"
    _save(agreement)
    assert agreement.isVisible()
    assert agreement.errors is not None and agreement.errors.text("terms") == "请填写协议内容"
    agreement.terms_edit.setPlainText("被申请人赔偿申请人院墙损失8000元\n\n申请人不再追究其他责任")
    agreement.add_installment("2026-11-25", "5000")
    agreement.add_installment("2026-12-20", "3000")
    assert agreement.installment_sum_label.text() == "共 2 期，合计 8,000.00 元"
    assert agreement.installments()[0].payer == "青石建筑工程有限公司"
    _save(agreement)  # effective today is fine; sums match
    assert not agreement.isVisible(), agreement.errors.shown()
    detail = page.detail
    assert detail.status == "agreed" and page.status_label.text() == "调解成功（履行中）"
    assert page.tabs.tabText(2) == "协议与履行"
    shown = page.agreement_label.toPlainText()
    assert "1. 被申请人赔偿申请人院墙损失8000元" in shown and "2. 申请人不再追究其他责任" in shown
    assert "大写：捌仟元整（¥8,000.00）" in shown
    assert page.jc_label.text() == "司法确认申请截止：2026-12-23（还有30天）"
    assert _column(page.installment_model, 5) == ["未付", "未付"]
    assert page.next_label.text() == "下一步：第1期（2026-11-25 到期，5,000.00 元）付款后点“登记付款”"
    page.tabs.setCurrentIndex(2)
    _shot(page, "page_agreement")

    # ---- pay both installments, then 履行完毕
    assert page.open_pay_dialog() is None  # nothing selected
    for row in (0, 1):
        page.installment_table.selectRow(row)
        pay = page.open_pay_dialog()
        assert pay is not None and "付给 周建国" in pay.note_label.text()
        _save(pay)
        assert not pay.isVisible()
    assert _column(page.installment_model, 5) == ["已付（2026-11-23）"] * 2
    page.installment_table.selectRow(1)
    assert page.undo_payment()
    assert _column(page.installment_model, 5)[1] == "未付"
    performed = page.open_performed_dialog()
    assert performed is not None
    _save(performed)
    assert performed.isVisible() and "还有1期没有登记付款" in performed.errors.text("performed_on")
    performed.reject()
    page.installment_table.selectRow(1)
    _save(page.open_pay_dialog())
    performed = page.open_performed_dialog()
    _save(performed)
    assert not performed.isVisible()
    assert page.status_label.text() == "调解成功（已履行）"
    assert page.performed_button.text() == "撤销履行完毕"

    # ---- 司法确认
    judicial = page.open_judicial_dialog()
    assert judicial is not None and judicial.deadline_label.text() == "司法确认申请截止：2026-12-23（还有30天）"
    _save(judicial)
    assert judicial.errors.text("jc_court") == "请填写受理法院"
    judicial.court_edit.setText("某某县人民法院")
    _shot(judicial, "dialog_judicial")
    _save(judicial)
    assert not judicial.isVisible()
    assert page.jc_label.text() == "已于 2026-11-23 向某某县人民法院申请司法确认"

    # ---- closing with a missing document says which ones
    close = page.open_close_dialog()
    assert close is not None and "结案还缺" in close.note_label.text()
    _save(close)
    assert close.isVisible()
    refusal = close.errors.text("form")
    assert "卷宗缺少必备文书：人民调解申请书或受理登记表、人民调解当事人权利义务告知书、当事人身份证明" in refusal
    assert "还有1次计划的回访没有完成" in refusal
    close.reject()

    # ---- 回访: the planned one gets its result
    page.tabs.setCurrentIndex(3)
    assert page.follow_up_model.rowCount() == 1 and _column(page.follow_up_model, 1) == ["尚未回访"]
    record = page.open_record_follow_up_dialog()  # the planned one is selected already
    assert record is not None and record.due_edit.text() == "2026-12-31"
    record.form_combo.setCurrentIndex(record.form_combo.findData("01"))
    record.party_combo.setCurrentText("周建国")
    record.performance_combo.setCurrentIndex(record.performance_combo.findData("01"))
    record.satisfaction_combo.setCurrentIndex(record.satisfaction_combo.findData("01"))
    record.notes_edit.setPlainText("院墙已修好，赔偿款已全部收到。")
    assert record.visitor_edit.text() == "蒋德胜"
    _shot(record, "dialog_follow_up")
    _save(record)
    assert not record.isVisible(), record.errors.shown()
    assert _column(page.follow_up_model, 1) == ["2026-11-23"]
    _shot(page, "page_follow_up")

    # ---- 卷宗: paper items filed; the missing message follows
    page.tabs.setCurrentIndex(4)
    assert page.missing_label.text().startswith("结案还缺：人民调解申请书或受理登记表")
    _fill_paper(page, "02")
    _fill_paper(page, "03")
    assert page.missing_label.text() == "结案还缺：人民调解申请书或受理登记表、人民调解记录、人民调解协议书或口头协议登记表"
    states = {row.item: page.file_model.index(i, 2).data() for i, row in enumerate(page.file_model._rows)}
    assert states["02"] == "已归档" and states["01"] == "缺少" and states["04"] == ""
    # the printed documents are filed through the PDF preview; here straight through the service
    for doc_type in ("intake", "record", "agreement"):
        pdf = case_documents.render(ctx.ledger, page.case_id, doc_type)
        page.changed.emit(case_documents.archive(ctx.ledger, page.case_id, doc_type, pdf).changes)
    assert page.missing_label.text() == "必备材料已齐全。"
    _shot(page, "page_file")
    assert page.next_label.text() == "下一步：结案"

    # ---- 结案
    close = page.open_close_dialog()
    _save(close)
    assert not close.isVisible(), close.errors.shown()
    assert page.detail.status == "closed" and page.status_label.text() == "已结案"
    assert page.next_label.text() == "下一步：打印卷宗封面及目录并存档，然后归档"
    assert page.missing_label.text() == "归档还缺：卷宗封面及卷内目录"
    visible = [step for step, b in page.step_buttons.items() if b.isVisibleTo(page)]
    assert visible == ["archive"]
    archive = page.open_archive_dialog()
    _save(archive)
    assert "卷宗缺少：卷宗封面及卷内目录" in archive.errors.text("form")
    archive.reject()
    assert _column(page.model, 0) == [case_no]


def test_refusals_and_corrections(qtbot, ctx: GuiContext, village: Village, make_page) -> None:  # type: ignore[no-untyped-def]
    case_id = casework.open_case(ctx.ledger, village)
    page = make_page()
    page.show_case(case_id)
    assert page.case_id == case_id
    # a party cannot mediate their own case
    mediators = page.open_mediators_dialog()
    assert mediators is not None
    assert [m.role for m in mediators.mediator_list.mediators()] == ["lead"]
    mediators.mediator_list.set_checked(village.mediators[1], role="lead")
    _save(mediators)
    assert mediators.errors.text("mediators") == "主持调解员只能有一位"
    mediators.mediator_list.set_checked(village.mediators[1], role="recorder")
    _shot(mediators, "dialog_mediators")
    _save(mediators)
    assert not mediators.isVisible()
    assert "沈玉梅（记录人）" in page.mediators_label.text()
    # correcting the intake keeps the parties (with their ids) and the number
    edit = page.open_edit_intake_dialog()
    assert edit is not None and edit.party_editor.table.rowCount() == 2
    assert edit.amount_edit.text() == "12000.00"
    edit.party_editor.table.selectRow(1)
    edit.party_editor.remove_selected()
    _save(edit)
    assert "至少要有两方当事人" in edit.errors.text("parties")
    edit.party_editor.add_resident(village.parties[2])
    edit.summary_edit.setPlainText("修改后的纠纷情况")
    _save(edit)
    assert not edit.isVisible()
    assert [p.name for p in page.detail.parties] == ["周建国", "郑海涛"]
    assert page.case_no_label.text() == "（2026）青石村人调字第001号"
    # 终止调解 needs the channels told
    stop = page.open_termination_dialog()
    assert stop is not None
    stop.reason_edit.setPlainText("双方分歧太大")
    _save(stop)
    assert "请勾选已告知当事人的其他解决途径" in stop.errors.text("channels_told")
    stop.channel_checks[2].setChecked(True)
    _shot(stop, "dialog_termination")
    _save(stop)
    assert not stop.isVisible()
    assert page.detail.status == "failed" and page.status_label.text() == "调解终止"
    assert "向人民法院起诉" in page.overview_label.toPlainText()
    assert page.no_agreement_label.text() == "本案调解终止，没有协议。"
    assert [s for s, b in page.step_buttons.items() if b.isVisibleTo(page)] == ["close"]


def test_list_filter_search_and_overdue(qtbot, ctx: GuiContext, village: Village, make_page) -> None:  # type: ignore[no-untyped-def]
    late = casework.open_case(ctx.ledger, village, accepted_on="2026-10-01")  # deadline 2026-10-31: overdue
    agreed = casework.agreed_case(ctx.ledger, village)
    other = cases.open_case(ctx.ledger, casework.intake(village, summary="两家为宅基地界址争执", dispute_type="03",
                                                       parties=[PartyInput(role="applicant",
                                                                           resident_id=village.parties[2]),
                                                                PartyInput(role="respondent",
                                                                           resident_id=village.parties[3])])).row_id
    page = make_page()
    assert page.model.rowCount() == 3 and page.result_label.text() == "共 3 件"
    row = page.model.row_of(late)
    deadline = page.model.index(row, 5)
    assert deadline.data() == "2026-10-31"
    assert deadline.data(Qt.ItemDataRole.ForegroundRole).color() == OVERDUE
    assert page.model.index(page.model.row_of(other), 5).data(Qt.ItemDataRole.ForegroundRole) is None
    assert page.model.index(page.model.row_of(agreed), 5).data() == ""  # not open: no deadline shown
    page.status_filter.setCurrentIndex(page.status_filter.findData("agreed"))
    page.status_filter.activated.emit(page.status_filter.currentIndex())
    assert [page.model.row_at(r).id for r in range(page.model.rowCount())] == [agreed]
    assert page.result_label.text() == "找到 1 件" and page.case_id == agreed
    page.status_filter.setCurrentIndex(0)
    page.status_filter.activated.emit(0)
    assert page.model.rowCount() == 3
    page.search_edit.setText("宅基地")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert page.model.row_at(0).id == other and page.title_label.text() == "郑海涛、王丽娟 房屋宅基地纠纷"
    page.search_edit.setText("吴秀英")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    page.search_edit.setText("第00")  # case numbers
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    page.search_edit.setText("没有这个人")
    qtbot.waitUntil(lambda: page.model.rowCount() == 0)
    assert page.result_label.text() == "没有找到匹配的案件" and not page.detail_widget.isEnabled()
    page.show_case(late)  # from 今天要办: the search no longer hides it
    assert page.search_edit.text() == "" and page.case_id == late and page.selected_case_id() == late
    _shot(page, "page_list")


def test_committee_missing_offers_the_settings(qtbot, ctx: GuiContext, make_page) -> None:  # type: ignore[no-untyped-def]
    page = make_page()
    assert page.open_intake_dialog() is None
    assert isinstance(page.prompt, QMessageBox) and page.prompt.isVisible()
    assert "调委会名称和案号前缀" in page.prompt.text()
    settings_button = next(b for b in page.prompt.buttons() if b.text() == "调委会设置…")
    settings_button.click()
    assert page.dialog is not None and type(page.dialog).__name__ == "CommitteeDialog"
    page.dialog.reject()


def test_supplement_after_the_scan_and_the_file_tab(qtbot, ctx: GuiContext, village: Village, make_page,
                                                    tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case_id = casework.agreed_case(ctx.ledger, village)
    page = make_page()
    page.show_case(case_id)
    assert not page.edit_agreement_button.isHidden() and page.supplement_button.isHidden()
    edit = page.open_edit_agreement_dialog()
    assert edit is not None and edit.installment_table.rowCount() == 2 and edit.amount_edit.text() == "12000.00"
    edit.amount_edit.setText("13000")
    _save(edit)
    assert "各期金额合计 12,000.00 元，与协议金额 13,000.00 元不一致" in edit.errors.text("installments")
    edit.reject()
    scan = tmp_path / "签字件.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    wrong = tmp_path / "签字件.gif"
    wrong.write_bytes(b"GIF89a")
    page.attach_scan_file(str(wrong))
    box = page.findChild(QMessageBox, "error_box")
    assert box is not None and "只能附加 PDF、JPG 或 PNG" in box.text()
    box.close()
    page.attach_scan_file(str(scan))
    agreement = page.shown_agreement()
    assert agreement is not None and agreement.frozen_at
    assert page.edit_agreement_button.isHidden() and not page.supplement_button.isHidden()
    supplement = page.open_supplement_dialog()
    assert supplement is not None and not supplement.oral_radio.isEnabled()
    supplement.terms_edit.setPlainText("第二期付款日期改为2026年12月25日")
    supplement.method_edit.setText("银行转账")
    _save(supplement)
    assert not supplement.isVisible(), supplement.errors.shown()
    assert page.agreement_combo.count() == 2 and not page.agreement_combo.isHidden()
    # the 卷宗 tab lists the signed scan, which cannot be removed; a paper item can
    page.tabs.setCurrentIndex(4)
    rows = page.file_model._rows
    scan_row = next(i for i, r in enumerate(rows) if r.document is not None and r.document.origin == "scan")
    page.file_table.selectRow(scan_row)
    assert page.view_button.isEnabled() and not page.remove_document_button.isEnabled()
    _fill_paper(page, "09")
    paper_row = next(i for i, r in enumerate(page.file_model._rows) if r.item == "09")
    page.file_table.selectRow(paper_row)
    assert not page.view_button.isEnabled() and page.remove_document_button.isEnabled()
    assert page.remove_document()
    assert all(r.document is None for r in page.file_model._rows if r.item == "09")


def test_next_step_words(ctx: GuiContext, village: Village) -> None:
    case_id = casework.open_case(ctx.ledger, village, mediators=[])
    assert next_step(cases.get_case(ctx.ledger, case_id)) == "下一步：指派调解员"
    agreed = casework.agreed_case(ctx.ledger, village)
    assert next_step(cases.get_case(ctx.ledger, agreed)).startswith("下一步：第1期（2026-11-30 到期，6,000.00 元）")


def test_models_pass_the_model_tester(qtmodeltester, ctx: GuiContext, village: Village) -> None:  # type: ignore[no-untyped-def]
    case_id = casework.agreed_case(ctx.ledger, village)
    cases.add_follow_up(ctx.ledger, case_id, cases.FollowUpInput(due_on="2026-11-20"))
    case_documents.file_paper(ctx.ledger, case_id, "02", 2)
    detail = cases.get_case(ctx.ledger, case_id)
    today = ctx.ledger.today()
    case_model = CaseTableModel(today)
    case_model.set_rows(cases.list_cases(ctx.ledger))
    qtmodeltester.check(case_model)
    party_model = CasePartyModel()
    party_model.set_rows(detail.parties)
    qtmodeltester.check(party_model)
    assert _column(party_model, 5)[0].startswith("430223") and "*" in _column(party_model, 5)[0]
    session_model = CaseSessionModel()
    session_model.set_rows(detail.sessions)
    qtmodeltester.check(session_model)
    installment_model = CaseInstallmentModel(today)
    installment_model.set_rows(detail.agreements[0].installments)
    qtmodeltester.check(installment_model)
    assert _column(installment_model, 0) == ["第1期", "第2期"]
    assert _column(installment_model, 2) == ["6,000.00", "6,000.00"]
    follow_up_model = CaseFollowUpModel(today)
    follow_up_model.set_rows(detail.follow_ups)
    qtmodeltester.check(follow_up_model)
    late = follow_up_model.row_of(next(f.id for f in detail.follow_ups if f.due_on == "2026-11-20"))
    assert follow_up_model.index(late, 0).data(Qt.ItemDataRole.ForegroundRole) is not None
    file_model = CaseFileModel()
    file_model.set_rows(case_file_rows(detail))
    qtmodeltester.check(file_model)
    labels = _column(file_model, 1)
    assert len(labels) == len(code_table("case_file_item").entries)
    assert "人民调解当事人权利义务告知书（必备）" in labels and "授权委托书" in labels
    assert _column(file_model, 2)[labels.index("人民调解当事人权利义务告知书（必备）")] == "已归档"
    assert isinstance(QLabel(), QLabel)


def test_printing_files_in_the_case_file_and_viewing(qtbot, ctx: GuiContext, village: Village,  # type: ignore[no-untyped-def]
                                                    make_page) -> None:
    case_id = casework.agreed_case(ctx.ledger, village)
    page = make_page()
    page.show_case(case_id)
    page.tabs.setCurrentIndex(4)
    assert "人民调解申请书或受理登记表" in page.missing_label.text()
    preview = page.open_print_dialog("intake")
    assert preview is not None and preview.isVisible() and preview.data is not None
    preview.archive()
    assert "人民调解申请书或受理登记表" not in page.missing_label.text()  # the page redrew from the change record
    page.tabs.setCurrentIndex(2)
    agreement_preview = page.print_agreement()
    assert agreement_preview is not None and agreement_preview.doc_type == "agreement"
    agreement_preview.archive()
    agreement_preview.close()
    preview.close()
    page.tabs.setCurrentIndex(4)
    row = next(i for i, r in enumerate(page.file_model._rows) if r.item == "01" and r.document is not None)
    page.file_table.selectRow(row)
    assert page.view_button.isEnabled()
    viewer = page.open_document()
    assert viewer is not None and viewer.isVisible() and viewer.data == preview.data
    viewer.close()
    _shot(page, "page_file_printed")


def test_the_overview_shows_prevention_difficulty_and_the_escalation(  # type: ignore[no-untyped-def]
        qtbot, ctx: GuiContext, village: Village, make_page) -> None:
    case_id = casework.open_case(ctx.ledger, village, accepted_on="2026-10-01", prevention="01", difficult=True)
    page = make_page()
    page.show_case(case_id)
    overview = page.overview_label.toPlainText()
    assert "防止民间纠纷转化为刑事案件" in overview and "疑难案件" in overview
    assert "上报镇综治中心" not in overview  # not reported yet: no empty row
    page.apply(warnings.escalate(ctx.ledger, case_id, "2026-11-20"))
    assert "上报镇综治中心\n2026-11-20" in page.overview_label.toPlainText()
