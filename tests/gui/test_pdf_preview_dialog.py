"""Preview = print = archive: the dialog shows the rendered bytes, files exactly those bytes (once), prints them page
for page, explains a document that cannot be printed, and shows archived PDFs and scans."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QImage
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter

from tests import casework
from zhzx_desktop.gui import settings as keys
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.pdf_preview_dialog import PdfPreviewDialog
from zhzx_desktop.gui.operations import ThreadRunner
from zhzx_desktop.services import case_documents, cases
from zhzx_desktop.services.cases import PartyInput
from zhzx_desktop.services.changes import Changes

WQY = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


@pytest.fixture
def case_id(ctx: GuiContext) -> str:
    return casework.agreed_case(ctx.ledger, casework.village(ctx.ledger))


def _dialog(qtbot, ctx: GuiContext, case_id: str, doc_type: str = "agreement") -> PdfPreviewDialog:
    dialog = PdfPreviewDialog(ctx, case_id, doc_type)
    qtbot.addWidget(dialog)
    return dialog


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _ink(pdf: bytes) -> float:
    """The share of dark pixels on the first page of ``pdf``, rendered by QtPdf."""
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    image = document.render(0, QSize(298, 421)).convertToFormat(QImage.Format.Format_ARGB32)
    dark = sum(1 for y in range(0, image.height(), 2) for x in range(0, image.width(), 2)
               if image.pixelColor(x, y).alpha() > 128 and image.pixelColor(x, y).lightness() < 128)
    return dark / ((image.height() // 2) * (image.width() // 2))


def _filed(ctx: GuiContext, case_id: str) -> list[cases.DocumentRow]:
    return [d for d in cases.get_case(ctx.ledger, case_id).documents if d.origin == "generated"]


def test_preview_shows_the_rendered_agreement(qtbot, ctx: GuiContext, case_id: str) -> None:
    dialog = _dialog(qtbot, ctx, case_id)
    dialog.show()
    assert dialog.data is not None and dialog.data.startswith(b"%PDF")
    assert dialog.data == case_documents.render(ctx.ledger, case_id, "agreement")  # deterministic: the same bytes
    assert dialog.document.pageCount() == _pages(dialog.data) >= 3  # parties + 1 copies
    assert dialog.stack.currentWidget() is dialog.view and dialog.view.document() is dialog.document
    assert dialog.view.pageMode() == QPdfView.PageMode.MultiPage
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    case_no = cases.get_case(ctx.ledger, case_id).case_no
    assert "人民调解协议书" in dialog.info_label.text() and case_no in dialog.info_label.text()
    pages = dialog.document.pageCount()
    assert f"共 {pages} 页（一式 3 份，每份 {pages // 3} 页）" in dialog.info_label.text()  # 2 parties + 调委会存
    assert all(b.isEnabled() for b in (dialog.print_button, dialog.archive_button, dialog.save_button))
    assert ctx.runner.labels[-1] == "正在生成文书…"  # rendered through the runner (the DB worker in the app)


def test_zoom_leaves_fit_width_and_fit_returns(qtbot, ctx: GuiContext, case_id: str) -> None:
    dialog = _dialog(qtbot, ctx, case_id)
    dialog.show()
    before = dialog.effective_zoom()
    dialog.zoom_in_button.click()
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.Custom and not dialog.fit_button.isChecked()
    assert dialog.view.zoomFactor() == pytest.approx(before * 1.25, rel=0.01)
    assert dialog.zoom_label.text() == f"{round(before * 125)}%"
    dialog.zoom_out_button.click()
    assert dialog.view.zoomFactor() == pytest.approx(before, rel=0.01)
    dialog.fit_button.click()
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitToWidth


def test_archive_files_the_exact_bytes_once(qtbot, ctx: GuiContext, case_id: str) -> None:
    dialog = _dialog(qtbot, ctx, case_id)
    emitted: list[Changes] = []
    dialog.filed.connect(emitted.append)
    dialog.archive_button.click()
    assert dialog.data is not None
    digest = hashlib.sha256(dialog.data).hexdigest()
    filed = _filed(ctx, case_id)
    assert [(d.doc_type, d.sha256, d.item) for d in filed] == [("agreement", digest, "08")]
    assert dialog.status_label.text() == f"已存入卷宗（SHA-256 前8位：{digest[:8]}）"
    assert len(emitted) == 1 and emitted[0].cases
    dialog.archive_button.click()  # the same bytes again: nothing new
    assert len(_filed(ctx, case_id)) == 1 and len(emitted) == 1
    assert "此前已存入卷宗" in dialog.status_label.text()
    assert case_documents.file_bytes(ctx.ledger, filed[0].id) == (dialog.data, "application/pdf")


def test_printing_draws_every_page(qtbot, ctx: GuiContext, case_id: str, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, ctx, case_id)
    printer = dialog.make_printer()
    assert printer.pageLayout().pageSize().id() == printer.pageLayout().pageSize().PageSizeId.A4
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(150)  # keeps the test quick; the app prints at the printer's resolution (≤ 300 dpi)
    assert dialog.print_to(printer) == dialog.document.pageCount()
    printed = (tmp_path / "printed.pdf").read_bytes()
    assert _pages(printed) == dialog.document.pageCount()
    page = PdfReader(io.BytesIO(printed)).pages[0]
    assert round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842  # A4 in points
    assert _ink(printed) > 0.005  # the page carries the document, not a blank sheet
    assert not _filed(ctx, case_id)  # printing alone files nothing


def test_print_then_file_says_so(qtbot, ctx: GuiContext, case_id: str, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, ctx, case_id)
    emitted: list[Changes] = []
    dialog.filed.connect(emitted.append)
    printer = dialog.make_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(72)
    assert dialog.print_and_file(printer)
    assert dialog.data is not None
    digest = hashlib.sha256(dialog.data).hexdigest()
    assert dialog.status_label.text() == f"已打印并存入卷宗（SHA-256 前8位：{digest[:8]}）"
    assert [d.sha256 for d in _filed(ctx, case_id)] == [digest] and len(emitted) == 1


def test_print_dialog_opens_on_the_document_paper(qtbot, ctx: GuiContext, case_id: str) -> None:
    dialog = _dialog(qtbot, ctx, case_id)
    dialog.show()
    print_dialog = dialog.open_print_dialog()
    assert print_dialog is not None and print_dialog.isVisible()
    assert dialog.printer is not None and dialog.printer.fullPage()
    assert dialog.printer.pageLayout().pageSize().id() == dialog.printer.pageLayout().pageSize().PageSizeId.A4
    print_dialog.reject()
    assert not _filed(ctx, case_id)  # cancelled: nothing printed, nothing filed


def test_save_as_pdf_writes_the_previewed_bytes(qtbot, ctx: GuiContext, case_id: str, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, ctx, case_id)
    case_no = cases.get_case(ctx.ledger, case_id).case_no
    assert dialog.suggested_name() == f"{case_no}_人民调解协议书.pdf"
    target = tmp_path / "协议书.pdf"
    assert dialog.save_to(target)
    assert target.read_bytes() == dialog.data
    assert ctx.settings.get(keys.LAST_DIR) == str(tmp_path)
    dialog.show()
    file_dialog = dialog.open_save_dialog()
    assert file_dialog is not None and file_dialog.isVisible()
    file_dialog.reject()


def test_a_missing_glyph_is_shown_instead_of_the_preview(qtbot, ctx: GuiContext) -> None:
    v = casework.village(ctx.ledger)
    case_id = casework.open_case(ctx.ledger, v, parties=[
        PartyInput(resident_id=v.parties[0]),
        PartyInput(role="respondent", party_kind="organization", name="𪚥记砖厂")])
    dialog = _dialog(qtbot, ctx, case_id, "intake")
    assert dialog.data is None and dialog.stack.currentWidget() is dialog.error_label
    text = dialog.error_label.text()
    assert text.startswith("无法生成这份文书") and "𪚥" in text and "打印字体" in text
    assert not dialog.print_button.isEnabled() and not dialog.archive_button.isEnabled()
    assert not dialog.save_button.isEnabled()
    assert dialog.open_print_dialog() is None


def test_a_document_the_case_does_not_have_yet_is_explained(qtbot, ctx: GuiContext) -> None:
    case_id = casework.open_case(ctx.ledger, casework.village(ctx.ledger))
    dialog = _dialog(qtbot, ctx, case_id, "record")
    assert dialog.stack.currentWidget() is dialog.error_label
    assert "本案还没有调查或调解记录" in dialog.error_label.text()


def test_archived_pdf_is_shown_and_printable_but_not_refiled(qtbot, ctx: GuiContext, case_id: str,
                                                             tmp_path: Path) -> None:
    pdf = case_documents.render(ctx.ledger, case_id, "agreement")
    filed = case_documents.archive(ctx.ledger, case_id, "agreement", pdf)
    dialog = PdfPreviewDialog.archived(ctx, filed.document_id, title="人民调解协议书")
    qtbot.addWidget(dialog)
    assert dialog.data == pdf and dialog.document.pageCount() == _pages(pdf)
    assert dialog.archive_button.isHidden() and dialog.print_button.isEnabled() and dialog.save_button.isEnabled()
    assert dialog.windowTitle() == "人民调解协议书 — 查看"
    printer = dialog.make_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "again.pdf"))
    printer.setResolution(72)
    assert dialog.print_and_file(printer)
    assert _pages((tmp_path / "again.pdf").read_bytes()) == _pages(pdf)
    assert dialog.status_label.text() == "已送往打印机。" and len(_filed(ctx, case_id)) == 1


def _png() -> bytes:
    image = QImage(400, 560, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def test_archived_scan_is_shown_as_an_image(qtbot, ctx: GuiContext, case_id: str, tmp_path: Path) -> None:
    agreement = cases.get_case(ctx.ledger, case_id).agreement
    assert agreement is not None
    png = _png()
    filed = case_documents.attach_scan(ctx.ledger, agreement.id, png, "image/png")
    dialog = PdfPreviewDialog.archived(ctx, filed.document_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.stack.currentWidget() is dialog.image_area and dialog.image.size().width() == 400
    pixmap = dialog.image_label.pixmap()
    assert not pixmap.isNull() and pixmap.width() > 0
    assert dialog.suggested_name().endswith(".png")
    printer = dialog.make_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "scan.pdf"))
    printer.setResolution(72)
    assert dialog.print_to(printer) == 1 and _pages((tmp_path / "scan.pdf").read_bytes()) == 1


def _font_names(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


@pytest.mark.skipif(not Path(WQY).is_file(), reason="needs fonts-wqy-microhei")
def test_the_font_configured_for_this_pc_is_used(qtbot, ctx: GuiContext, case_id: str) -> None:
    automatic = _dialog(qtbot, ctx, case_id)
    assert automatic.data is not None and not any("WenQuanYi" in n for n in _font_names(automatic.data))
    ctx.settings.set(keys.FONT_PATH, WQY)
    configured = _dialog(qtbot, ctx, case_id)
    assert configured.data is not None and any("WenQuanYi" in n for n in _font_names(configured.data))


def test_renders_and_files_on_the_worker_thread(qtbot, ctx: GuiContext, case_id: str) -> None:
    runner = ThreadRunner(ctx.ledger)
    try:
        threaded = GuiContext(ctx.ledger, runner, ctx.settings)
        dialog = PdfPreviewDialog(threaded, case_id, "agreement")
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.stack.currentWidget() is dialog.loading_label and not dialog.print_button.isEnabled()
        qtbot.waitUntil(lambda: dialog.data is not None, timeout=10_000)
        assert dialog.document.pageCount() == _pages(dialog.data or b"")
        with qtbot.waitSignal(dialog.filed, timeout=10_000):
            dialog.archive()
        assert [d.sha256 for d in _filed(ctx, case_id)] == [hashlib.sha256(dialog.data or b"").hexdigest()]
    finally:
        runner.shutdown()
