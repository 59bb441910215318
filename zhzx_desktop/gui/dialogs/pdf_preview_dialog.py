"""Preview = print = archive: a case document is rendered once (on the DB worker, ``case_documents.render``), and
those exact bytes are shown (QtPdf), printed (each page rasterised by PDFium at the printer's resolution, so the paper
matches the preview) and filed in the case file with their SHA-256 (``case_documents.archive``).

A document that cannot be printed — a character the font lacks, the committee not set up, no agreement yet — shows
its reason in place of the preview, before anything reaches a printer. ``PdfPreviewDialog.archived`` shows a filed
PDF or a scanned JPG/PNG of the case file, with 打印 and 另存为 but no 存档."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRect, QRectF, QSize, QSizeF, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QImage, QPageLayout, QPageSize, QPainter, QPixmap
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from zhzx_desktop.domain.roles import Permission
from zhzx_desktop.errors import ZhzxError
from zhzx_desktop.gui import settings as keys
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.errors import show_error
from zhzx_desktop.gui.widgets.buttons import push_button
from zhzx_desktop.services import case_documents, cases
from zhzx_desktop.services.case_documents import Filed
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.services.progress import Progress

# Pages are rasterised by PDFium at the printer's resolution up to this (A4 at 300 dpi: 2480 × 3508 px), in strips.
# 300 dpi prints 五号 text crisply; 600 dpi triples the time spent in the print engine (≈4 s for a 6-page
# agreement on a developer PC, on the GUI thread) for no visible gain on paper.
MAX_PRINT_DPI = 300
STRIP_PX = 512  # rows of a page rasterised at a time, to bound memory
ZOOM_STEP = 1.25
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')
_LOADING, _PDF, _IMAGE, _ERROR = range(4)


def _opaque(image: QImage) -> QImage:
    """A rendered strip on white paper, grey when it has no colour: PDFium leaves the page transparent, and a
    print engine would otherwise carry an alpha mask (and three colour channels) for every strip."""
    flat = QImage(image.size(), QImage.Format.Format_RGB32)
    flat.fill(Qt.GlobalColor.white)
    painter = QPainter(flat)
    painter.drawImage(0, 0, image)
    painter.end()
    return flat.convertToFormat(QImage.Format.Format_Grayscale8) if flat.allGray() else flat


def _file_stem(text: str) -> str:
    return _UNSAFE.sub("_", text).strip("_") or "document"


class PdfPreviewDialog(QDialog):
    filed = Signal(object)  # Changes, after a document was filed in the case file

    def __init__(self, ctx: GuiContext, case_id: str, doc_type: str, *, agreement_id: str | None = None,
                 parent: QWidget | None = None, document_id: str | None = None, title: str = "") -> None:
        """Render ``doc_type`` of ``case_id`` and preview it (or, with ``document_id``, show that archived file:
        use ``PdfPreviewDialog.archived``)."""
        super().__init__(parent)
        self.ctx = ctx
        self.case_id = case_id
        self.doc_type = doc_type
        self.agreement_id = agreement_id
        self.document_id = document_id
        self.data: bytes | None = None  # the exact bytes shown, printed and filed
        self.media_type = "application/pdf"
        self.image = QImage()
        self.error: BaseException | None = None
        self.last_filed: Filed | None = None
        self.printer: QPrinter | None = None
        self.print_dialog: QPrintDialog | None = None
        self.file_dialog: QFileDialog | None = None
        self.document = QPdfDocument(self)
        self._buffer = QBuffer(self)
        self.setObjectName("pdf_preview_dialog")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.resize(960, 860)

        if document_id is None:
            self.doc_title = case_documents.DOC_TYPES.get(doc_type, (doc_type, ""))[0]
            detail = cases.get_case(ctx.ledger, case_id)
            self.case_no = detail.case_no
            self.copies = len(detail.parties) + 1 if doc_type == "agreement" else 1  # parties + 调委会存
        else:
            self.doc_title = title or self.tr("卷宗材料")
            self.case_no = ""
            self.copies = 1
        self.setWindowTitle(self.tr("%1 — 打印预览").replace("%1", self.doc_title) if document_id is None
                            else self.tr("%1 — 查看").replace("%1", self.doc_title))
        self._build()
        if document_id is None:
            self._render()
        else:
            self._load_archived(document_id)

    @classmethod
    def archived(cls, ctx: GuiContext, document_id: str, parent: QWidget | None = None, *,
                 title: str = "") -> PdfPreviewDialog:
        """A dialog showing a filed document (PDF, or a JPG/PNG scan) of the case file: print and save, no 存档."""
        return cls(ctx, "", "", parent=parent, document_id=document_id, title=title)

    # ---- building

    def _build(self) -> None:
        self.info_label = QLabel()
        self.info_label.setObjectName("info_label")
        self.info_label.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.info_label.setWordWrap(True)
        self.status_label = QLabel()
        self.status_label.setObjectName("status_label")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.fit_button = push_button("fit_button", self.tr("适合宽度"), self.tr("按窗口宽度显示整页"))
        self.fit_button.setCheckable(True)
        self.fit_button.setChecked(True)
        self.zoom_out_button = push_button("zoom_out_button", self.tr("缩小"))
        self.zoom_in_button = push_button("zoom_in_button", self.tr("放大"))
        self.zoom_label = QLabel()
        self.zoom_label.setObjectName("zoom_label")
        self.zoom_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("1000%") + 8)
        zoom_row = QHBoxLayout()
        zoom_row.addWidget(self.info_label, 1)
        zoom_row.addWidget(self.fit_button)
        zoom_row.addWidget(self.zoom_out_button)
        zoom_row.addWidget(self.zoom_in_button)
        zoom_row.addWidget(self.zoom_label)

        self.view = QPdfView(self)
        self.view.setObjectName("pdf_view")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setStyleSheet("QPdfView { background: #8a8f96; }")
        self.image_label = QLabel()
        self.image_label.setObjectName("image_label")
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.image_area = QScrollArea()
        self.image_area.setObjectName("image_area")
        self.image_area.setWidget(self.image_label)
        self.image_area.setWidgetResizable(True)
        self.error_label = QLabel()
        self.error_label.setObjectName("error_label")
        self.error_label.setWordWrap(True)
        self.error_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error_label.setStyleSheet("font-size: 13pt; color: #c0392b; padding: 40px;")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.loading_label = QLabel(self.tr("正在生成文书…"))
        self.loading_label.setObjectName("loading_label")
        self.loading_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.setObjectName("preview_stack")
        for widget in (self.loading_label, self.view, self.image_area, self.error_label):
            self.stack.addWidget(widget)

        self.print_button = push_button("print_button", self.tr("打印…"),
                                        self.tr("打印预览中的这份文书；打印后自动存入本案卷宗"))
        self.archive_button = push_button("archive_button", self.tr("存档"),
                                          self.tr("不打印，把这份文书（PDF）存入本案卷宗"))
        self.save_button = push_button("save_button", self.tr("另存为PDF…"), self.tr("把这份文书保存为PDF文件"))
        self.close_button = push_button("close_button", self.tr("关闭"))
        if self.document_id is not None:
            self.print_button.setToolTip(self.tr("打印这份卷宗材料"))
            self.save_button.setText(self.tr("另存为…"))
            self.save_button.setToolTip(self.tr("把这份卷宗材料保存为文件"))
            self.archive_button.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        for button in (self.print_button, self.archive_button, self.save_button, self.close_button):
            buttons.addWidget(button)
        self.print_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addLayout(zoom_row)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)

        self.fit_button.toggled.connect(self._on_fit_button_toggled)
        self.zoom_in_button.clicked.connect(self._on_zoom_in_button_clicked)
        self.zoom_out_button.clicked.connect(self._on_zoom_out_button_clicked)
        self.print_button.clicked.connect(self.open_print_dialog)
        self.archive_button.clicked.connect(self.archive)
        self.save_button.clicked.connect(self.open_save_dialog)
        self.close_button.clicked.connect(self.reject)
        self._update_controls()

    # ---- loading

    def _render(self) -> None:
        case_id, doc_type, agreement_id = self.case_id, self.doc_type, self.agreement_id
        font = self.ctx.settings.get(keys.FONT_PATH).strip()
        font_path = Path(font) if font else None

        def job(ledger: Ledger, progress: Progress) -> bytes:
            return case_documents.render(ledger, case_id, doc_type, agreement_id=agreement_id, font_path=font_path)

        self.stack.setCurrentIndex(_LOADING)
        self.ctx.runner.run(job, on_success=self._on_rendered, on_failure=self._on_failed,
                            label=self.tr("正在生成文书…"), parent=self, cancellable=False)

    def _load_archived(self, document_id: str) -> None:
        def job(ledger: Ledger, progress: Progress) -> tuple[bytes, str]:
            return case_documents.file_bytes(ledger, document_id)

        self.stack.setCurrentIndex(_LOADING)
        self.ctx.runner.run(job, on_success=self._on_archived_loaded, on_failure=self._on_failed, parent=self)

    def _on_rendered(self, data: bytes) -> None:
        self.show_pdf(data)

    def _on_archived_loaded(self, result: tuple[bytes, str]) -> None:
        data, media_type = result
        if media_type == "application/pdf":
            self.show_pdf(data)
        else:
            self.show_image(data, media_type)

    def _on_failed(self, exc: BaseException) -> None:
        self.error = exc
        self.data = None
        if isinstance(exc, ZhzxError):
            text = self.tr("无法生成这份文书：\n\n%1").replace("%1", exc.message) if self.document_id is None \
                else self.tr("无法打开这份材料：\n\n%1").replace("%1", exc.message)
            if self.document_id is None and getattr(exc, "code", "") == "missing_glyph":
                text += self.tr("\n\n打印字体在“设置 → 调委会设置”中更换；改正后重新打开预览。")
        else:
            show_error(self, exc)  # a bug: the crash dialog with copyable details
            text = self.tr("生成文书时出现意外错误，没有可以打印的内容。")
        self.error_label.setText(text)
        self.stack.setCurrentIndex(_ERROR)
        self.info_label.setText(self._heading(None))
        self._update_controls()

    def show_pdf(self, data: bytes) -> None:
        """Show ``data`` (a PDF) in the view; these bytes are what 打印/存档/另存为 use."""
        self._buffer.close()
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)  # a QBuffer is read at once
        if self.document.status() != QPdfDocument.Status.Ready or self.document.pageCount() < 1:
            self._on_failed(ZhzxError(self.tr("文件不是有效的PDF，可能已损坏")))
            return
        self.data = data
        self.media_type = "application/pdf"
        self.view.setDocument(self.document)
        self.stack.setCurrentIndex(_PDF)
        self.info_label.setText(self._heading(self.document.pageCount()))
        self._update_controls()

    def show_image(self, data: bytes, media_type: str) -> None:
        image = QImage.fromData(data)
        if image.isNull():
            self._on_failed(ZhzxError(self.tr("图片文件无法打开，可能已损坏")))
            return
        self.data = data
        self.media_type = media_type
        self.image = image
        self.stack.setCurrentIndex(_IMAGE)
        self.info_label.setText(self._heading(1))
        self._show_image_zoomed()
        self._update_controls()

    def _heading(self, pages: int | None) -> str:
        parts = [self.doc_title]
        if self.case_no:
            parts.append(self.case_no)
        if pages and self.copies > 1 and pages % self.copies == 0:
            parts.append(self.tr("共 %1 页（一式 %2 份，每份 %3 页）").replace("%1", str(pages))
                         .replace("%2", str(self.copies)).replace("%3", str(pages // self.copies)))
        elif pages:
            parts.append(self.tr("共 %1 页").replace("%1", str(pages)))
        return "　".join(parts)

    def page_count(self) -> int:
        return self.document.pageCount() if self.media_type == "application/pdf" and self.data else 1

    # ---- zoom

    def effective_zoom(self) -> float:
        """The zoom shown (1.0 = the paper's size on screen), also in 适合宽度 mode."""
        if self.stack.currentIndex() == _IMAGE:
            return self._image_zoom()
        if self.view.zoomMode() == QPdfView.ZoomMode.Custom or self.document.pageCount() < 1:
            return self.view.zoomFactor()
        page_px = self.document.pagePointSize(0).width() * self.view.logicalDpiX() / 72
        margins = self.view.documentMargins()
        usable = self.view.viewport().width() - margins.left() - margins.right()
        return max(0.1, usable / page_px) if page_px > 0 else 1.0

    def _image_zoom(self) -> float:
        if self.fit_button.isChecked() and not self.image.isNull():
            # the whole area less its frame and a vertical scroll bar (a tall scan has one): no sideways scrolling
            usable = (self.image_area.width() - 2 * self.image_area.frameWidth()
                      - self.image_area.verticalScrollBar().sizeHint().width() - 2)
            return max(0.05, usable / self.image.width())
        return self.view.zoomFactor()

    def set_zoom(self, factor: float) -> None:
        factor = min(8.0, max(0.1, factor))
        self.fit_button.blockSignals(True)
        self.fit_button.setChecked(False)
        self.fit_button.blockSignals(False)
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(factor)
        self._show_image_zoomed()
        self._update_zoom_label()

    def _on_zoom_in_button_clicked(self) -> None:
        self.set_zoom(self.effective_zoom() * ZOOM_STEP)

    def _on_zoom_out_button_clicked(self) -> None:
        self.set_zoom(self.effective_zoom() / ZOOM_STEP)

    def _on_fit_button_toggled(self, checked: bool) -> None:
        if checked:
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        else:
            self.set_zoom(self.effective_zoom())
        self._show_image_zoomed()
        self._update_zoom_label()

    def _show_image_zoomed(self) -> None:
        if self.image.isNull():
            return
        width = max(1, round(self.image.width() * self._image_zoom()))
        self.image_label.setPixmap(QPixmap.fromImage(self.image.scaledToWidth(
            width, Qt.TransformationMode.SmoothTransformation)))

    def _update_zoom_label(self) -> None:
        self.zoom_label.setText(f"{round(self.effective_zoom() * 100)}%")

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self._refit)  # once the view has been laid out at the new size

    def _refit(self) -> None:
        if self.fit_button.isChecked():
            self._show_image_zoomed()
        self._update_zoom_label()

    def _update_controls(self) -> None:
        ready = self.data is not None
        for button in (self.print_button, self.archive_button, self.save_button):
            button.setEnabled(ready)
        actor = self.ctx.ledger.actor
        self.save_button.setVisible(actor is not None and actor.can(Permission.EXPORT))  # 另存为 is an export
        if actor is None or not actor.can(Permission.CASES_EDIT):
            self.print_button.setEnabled(False)
            self.archive_button.setEnabled(False)
        for widget in (self.fit_button, self.zoom_in_button, self.zoom_out_button, self.zoom_label):
            widget.setVisible(ready)
        self._update_zoom_label()

    # ---- printing

    def make_printer(self) -> QPrinter:
        """A high-resolution printer set to the document's paper (A4 for every case document), portrait, the
        whole sheet addressable (the PDF carries its own margins)."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(_file_stem(" ".join(p for p in (self.case_no, self.doc_title) if p)))
        if self.media_type == "application/pdf" and self.document.pageCount() > 0:
            size = self.document.pagePointSize(0)
            orientation = QPageLayout.Orientation.Landscape if size.width() > size.height() \
                else QPageLayout.Orientation.Portrait
            paper = QSizeF(min(size.width(), size.height()), max(size.width(), size.height()))
            page_size = QPageSize(paper, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
        else:
            page_size, orientation = QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait
        printer.setPageLayout(QPageLayout(page_size, orientation, QMarginsF(0, 0, 0, 0)))
        printer.setFullPage(True)
        return printer

    def open_print_dialog(self) -> QPrintDialog | None:
        if self.data is None:
            return None
        self.printer = self.make_printer()
        dialog = QPrintDialog(self.printer, self)
        dialog.setObjectName("print_dialog")
        dialog.setWindowTitle(self.tr("打印 %1").replace("%1", self.doc_title))
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintToFile, True)
        dialog.accepted.connect(self._on_print_dialog_accepted)
        self.print_dialog = dialog
        QDialog.open(dialog)  # QPrintDialog.open() takes a receiver and a slot; the plain non-blocking open
        return dialog

    def _on_print_dialog_accepted(self) -> None:
        if self.printer is not None:
            self.print_and_file(self.printer)

    def print_and_file(self, printer: QPrinter) -> bool:
        """Print on ``printer``; then, for a rendered document, file the printed bytes in the case file."""
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.print_to(printer)
        except ZhzxError as exc:
            self.status_label.setText(exc.message)
            self.status_label.setStyleSheet("color: #c0392b;")
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        if self.document_id is None:
            self._file(printed=True)
        else:
            try:
                case_documents.printed_copy(self.ctx.ledger, self.document_id)
            except ZhzxError as exc:
                self._say(exc.message, error=True)
                return True
            self._say(self.tr("已送往打印机。"))
        return True

    def print_to(self, printer: QPrinter) -> int:
        """Draw every page of the previewed bytes on ``printer`` (PDFium rasterises each page at the printer's
        resolution, up to ``MAX_PRINT_DPI``, in strips; the sheet is the whole paper, the PDF brings its margins);
        the number of pages printed."""
        if self.data is None:
            raise ZhzxError(self.tr("没有可以打印的内容"))
        painter = QPainter()
        if not painter.begin(printer):
            raise ZhzxError(self.tr("无法开始打印：请检查打印机是否已连接、已开机"))
        try:
            paper = printer.pageLayout().fullRectPixels(printer.resolution())
            if self.media_type != "application/pdf":
                self._draw_image(painter, QRectF(paper), self.image)
                return 1
            resolution = printer.resolution()
            dpi = min(resolution, MAX_PRINT_DPI)
            for page in range(self.document.pageCount()):
                if page and not printer.newPage():
                    raise ZhzxError(self.tr("打印机无法换页，打印已中止"))
                self._draw_page(painter, page, QRectF(paper), resolution, dpi)
            return self.document.pageCount()
        finally:
            painter.end()

    def _draw_page(self, painter: QPainter, page: int, paper: QRectF, resolution: int, dpi: int) -> None:
        points = self.document.pagePointSize(page)
        full = QSize(max(1, round(points.width() * dpi / 72)), max(1, round(points.height() * dpi / 72)))
        # device pixels per rendered pixel; a page larger than the sheet is shrunk to fit, centred
        scale = min(resolution / dpi, paper.width() / full.width(), paper.height() / full.height())
        left = paper.left() + (paper.width() - full.width() * scale) / 2
        top = paper.top() + (paper.height() - full.height() * scale) / 2
        options = QPdfDocumentRenderOptions()
        options.setScaledSize(full)
        for y in range(0, full.height(), STRIP_PX):
            rows = min(STRIP_PX, full.height() - y)
            options.setScaledClipRect(QRect(0, y, full.width(), rows))
            strip = _opaque(self.document.render(page, QSize(full.width(), rows), options))
            painter.drawImage(QRectF(left, top + y * scale, full.width() * scale, rows * scale), strip)

    @staticmethod
    def _draw_image(painter: QPainter, paper: QRectF, image: QImage) -> None:
        scale = min(paper.width() / image.width(), paper.height() / image.height())
        width, height = image.width() * scale, image.height() * scale
        painter.drawImage(QRectF(paper.left() + (paper.width() - width) / 2,
                                 paper.top() + (paper.height() - height) / 2, width, height), image)

    # ---- filing and saving

    def archive(self) -> None:
        """存档: file the previewed bytes in the case file without printing."""
        self._file(printed=False)

    def _file(self, *, printed: bool) -> None:
        if self.data is None or self.document_id is not None:
            return
        data, case_id, doc_type, agreement_id = self.data, self.case_id, self.doc_type, self.agreement_id

        def job(ledger: Ledger, progress: Progress) -> Filed:
            return case_documents.archive(ledger, case_id, doc_type, data, agreement_id=agreement_id, printed=printed)

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, ZhzxError):
                show_error(self, exc)
                return
            text = self.tr("已打印，但没有存入卷宗：%1") if printed else self.tr("没有存入卷宗：%1")
            self._say(text.replace("%1", exc.message), error=True)

        self.ctx.runner.run(job, on_success=lambda filed: self._on_filed(filed, printed), on_failure=failed,
                            parent=self)

    def _on_filed(self, filed: Filed, printed: bool) -> None:
        self.last_filed = filed
        short = filed.sha256[:8]
        if filed.new:
            text = self.tr("已打印并存入卷宗（SHA-256 前8位：%1）") if printed \
                else self.tr("已存入卷宗（SHA-256 前8位：%1）")
        else:
            text = self.tr("已打印；这份文书此前已存入卷宗（SHA-256 前8位：%1）") if printed \
                else self.tr("这份文书此前已存入卷宗，没有重复存档（SHA-256 前8位：%1）")
        self._say(text.replace("%1", short))
        if filed.new:
            self.filed.emit(filed.changes)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status_label.setText(text)
        self.status_label.setStyleSheet("color: #c0392b;" if error else "color: #2e7d32;")

    def suggested_name(self) -> str:
        suffix = case_documents.SCAN_TYPES.get(self.media_type, ".pdf")
        return _file_stem(" ".join(p for p in (self.case_no, self.doc_title) if p)) + suffix

    def open_save_dialog(self) -> QFileDialog | None:
        if self.data is None:
            return None
        folder = self.ctx.settings.get(keys.LAST_DIR) or str(Path.home())
        suffix = case_documents.SCAN_TYPES.get(self.media_type, ".pdf")
        name_filter = self.tr("PDF 文件 (*.pdf)") if suffix == ".pdf" \
            else self.tr("图片文件 (*%1)").replace("%1", suffix)
        dialog = QFileDialog(self, self.tr("另存为"), str(Path(folder) / self.suggested_name()), name_filter)
        dialog.setObjectName("save_dialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(suffix.lstrip("."))
        dialog.fileSelected.connect(self._on_save_dialog_file_selected)
        self.file_dialog = dialog
        dialog.open()
        return dialog

    def _on_save_dialog_file_selected(self, path: str) -> None:
        self.save_to(Path(path))

    def save_to(self, path: Path) -> bool:
        """Write the previewed bytes to ``path`` (the same bytes as printed and filed)."""
        if self.data is None:
            return False
        try:
            case_documents.save_copy(self.ctx.ledger, self.data, path, case_id=self.case_id,
                                     title=" ".join(p for p in (self.case_no, self.doc_title) if p))
        except ZhzxError as exc:
            self._say(exc.message, error=True)
            return False
        self.ctx.settings.set(keys.LAST_DIR, str(path.parent))
        self._say(self.tr("已保存到 %1").replace("%1", str(path)))
        return True

