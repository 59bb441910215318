"""How failures reach the clerk (ARCHITECTURE.md idiom 6): input and known problems as a plain message, bugs as
a crash dialog whose details can be copied into a report. Boxes are opened non-blocking (``open()``)."""

from __future__ import annotations

import logging
import traceback

from PySide6.QtWidgets import QMessageBox, QWidget

from zhzx_desktop import APP_DISPLAY_NAME
from zhzx_desktop.errors import Cancelled, ZhzxError

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    if isinstance(exc, Cancelled):
        box = QMessageBox(QMessageBox.Icon.Information, APP_DISPLAY_NAME, exc.message, parent=parent)
    elif isinstance(exc, ZhzxError):
        box = QMessageBox(QMessageBox.Icon.Warning, APP_DISPLAY_NAME, exc.message, parent=parent)
    else:
        log.error("unexpected error", exc_info=exc)
        box = QMessageBox(QMessageBox.Icon.Critical, APP_DISPLAY_NAME,
                          "程序出现了意外错误，刚才的操作没有完成。请把下面的详细信息复制给技术支持人员。", parent=parent)
        box.setDetailedText("".join(traceback.format_exception(exc)))
    box.setObjectName("error_box")
    box.open()
    return box


def show_message(parent: QWidget | None, text: str) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Information, APP_DISPLAY_NAME, text, parent=parent)
    box.setObjectName("message_box")
    box.open()
    return box
