"""月报 dialog: last month by default, the figures in a read-only table, PDF/Excel export, 上报县里."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QMessageBox

from tests import casework
from tests.unit.documents.pdftext import body_text
from zhzx_desktop.domain.roles import Role
from zhzx_desktop.gui import settings as keys
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.monthly_report_dialog import MonthlyReportDialog, MonthlyReportModel
from zhzx_desktop.security.session import Actor
from zhzx_desktop.services import reports


def _cases(ctx: GuiContext) -> None:
    """Three cases accepted in October 2026 (the clock says 2026-11-23), one in September."""
    v = casework.village(ctx.ledger)
    for day in ("2026-10-01", "2026-10-15", "2026-10-31"):
        casework.open_case(ctx.ledger, v, accepted_on=day)
    casework.open_case(ctx.ledger, v, accepted_on="2026-09-30")


def _value(dialog: MonthlyReportDialog, label: str, column: int = 3) -> object:
    model = dialog.model
    for row in range(model.rowCount()):
        if model.index(row, 0).data() == label:
            return model.index(row, column).data(Qt.ItemDataRole.UserRole)
    raise AssertionError(label)


def _open(qtbot, ctx: GuiContext, **kwargs: object) -> MonthlyReportDialog:
    dialog = MonthlyReportDialog(ctx, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_defaults_to_last_month_and_shows_its_figures(qtbot, ctx: GuiContext) -> None:
    _cases(ctx)
    dialog = _open(qtbot, ctx)
    assert dialog.month() == "2026-10"
    assert dialog.month_combo.currentText() == "2026年10月"
    assert dialog.report is not None and dialog.report.accepted == 3
    assert _value(dialog, "受理纠纷数（件）") == 3
    assert dialog.model.index(0, 0).data() == "一、受理与调解"
    assert dialog.table.columnSpan(0, 0) == 6  # section rows span the table
    assert not dialog.zero_label.isVisibleTo(dialog)
    assert dialog.pdf_button.isEnabled() and dialog.xlsx_button.isEnabled() and dialog.submit_button.isEnabled()
    assert dialog.table.editTriggers() == dialog.table.EditTrigger.NoEditTriggers


def test_picking_another_month_recomputes_and_an_empty_month_is_zero(qtbot, ctx: GuiContext) -> None:
    _cases(ctx)
    dialog = _open(qtbot, ctx)
    with qtbot.waitSignal(dialog.report_computed):
        dialog.set_month("2026-09")
    assert _value(dialog, "受理纠纷数（件）") == 1
    assert not dialog.zero_label.isVisibleTo(dialog)
    dialog.set_month("2026-08")
    assert dialog.report is not None and dialog.report.zero
    assert dialog.zero_label.isVisibleTo(dialog)
    assert _value(dialog, "调解成功率") == "—"


def test_exports_pdf_and_excel_with_the_figures(qtbot, ctx: GuiContext, tmp_path: Path) -> None:
    _cases(ctx)
    dialog = _open(qtbot, ctx)
    with qtbot.waitSignal(dialog.report_exported) as pdf_done:
        dialog.export_pdf(tmp_path / "十月月报")  # the suffix is added
    pdf = Path(pdf_done.args[0])
    assert pdf.name == "十月月报.pdf"
    text = body_text(pdf.read_bytes())
    assert "统计月份：2026年10月" in text and "受理纠纷数（件）3" in text
    dialog.export_xlsx(tmp_path / "十月月报.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "十月月报.xlsx").active
    row = next(r for r in ws.iter_rows() if r[0].value == "受理纠纷数（件）")
    assert row[3].value == 3
    assert ctx.settings.get(keys.LAST_DIR) == str(tmp_path)
    assert "已导出到" in dialog.status_label.text()
    exported = ctx.ledger.store.conn.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'export' AND object_type = 'monthly_reports'").fetchone()[0]
    assert exported == 2


def test_export_buttons_open_a_save_dialog_with_a_suggested_name(qtbot, ctx: GuiContext, tmp_path: Path) -> None:
    ctx.settings.set(keys.LAST_DIR, str(tmp_path))
    dialog = _open(qtbot, ctx)
    qtbot.mouseClick(dialog.xlsx_button, Qt.MouseButton.LeftButton)
    assert dialog.file_dialog is not None and dialog.file_dialog.isVisible()
    dialog.file_dialog.fileSelected.emit(str(tmp_path / "月报.xlsx"))
    assert (tmp_path / "月报.xlsx").is_file()
    dialog.file_dialog.reject()


def test_submit_records_the_report_for_the_next_sync(qtbot, ctx: GuiContext) -> None:
    _cases(ctx)
    dialog = _open(qtbot, ctx)
    with qtbot.waitSignals([dialog.report_submitted, dialog.changed]):
        qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)
    sent = reports.submitted(ctx.ledger)
    assert [(s.month, s.report.accepted) for s in sent] == [("2026-10", 3)]
    assert "下次同步时上报县里" in dialog.status_label.text()
    box = dialog.findChild(QMessageBox, "message_box")
    assert box is not None and "下次同步" in box.text()
    box.close()
    dialog.submit()  # again: the same row, updated
    assert len(reports.submitted(ctx.ledger)) == 1
    again = _open(qtbot, ctx)
    assert "已由" in again.status_label.text() and "替换" in again.status_label.text()
    assert "未上报" in again.status_label.text()  # not synced yet (tests/sync/test_report_sync: 县里已确认)


def test_export_and_submit_need_the_export_permission(qtbot, ctx: GuiContext, tmp_path: Path) -> None:
    ctx.ledger.session.actor = Actor("a2", "wangfang", "王芳", Role.MEDIATOR)
    dialog = _open(qtbot, ctx)
    assert dialog.report is not None  # looking at the figures is allowed
    for button in (dialog.pdf_button, dialog.xlsx_button, dialog.submit_button):
        assert not button.isEnabled()
        assert "导出数据" in button.toolTip()
    dialog.export_pdf(tmp_path / "x.pdf")  # even when called directly: refused
    assert not (tmp_path / "x.pdf").exists()
    assert "没有" in dialog.status_label.text()


def test_model(qtmodeltester, qtbot, ctx: GuiContext) -> None:
    _cases(ctx)
    dialog = _open(qtbot, ctx)
    qtmodeltester.check(dialog.model)
    assert dialog.model.rowCount(dialog.model.index(0, 0)) == 0
    empty = MonthlyReportModel()
    qtmodeltester.check(empty)
    assert empty.rowCount(QModelIndex()) == 0


def test_the_current_month_and_the_training_sandbox_are_not_sent(qtbot, ctx: GuiContext) -> None:
    dialog = _open(qtbot, ctx)
    assert dialog.submit_button.isEnabled()  # last month, by default
    dialog.set_month("2026-11")
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.report.month == "2026-11")
    assert not dialog.submit_button.isEnabled() and "还没有结束" in dialog.submit_button.toolTip()
    assert dialog.pdf_button.isEnabled()  # looking at and printing the month so far is fine
    with ctx.ledger.store.write() as conn:
        conn.execute("INSERT INTO app_meta(k, v) VALUES ('training', '1')")
    sandbox = _open(qtbot, ctx)
    assert not sandbox.submit_button.isEnabled() and "训练模式" in sandbox.submit_button.toolTip()
