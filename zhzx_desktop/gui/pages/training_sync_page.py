"""The 同步 page of the 训练模式 sandbox (gui/training.py): says why there is no sync, and refuses every way to the
county (the sync engine refuses a training database too: sync/client.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QLabel, QMessageBox, QVBoxLayout, QWidget

from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.errors import show_message
from zhzx_desktop.gui.pages.sync_page import SyncPage
from zhzx_desktop.gui.training import REFUSAL


class TrainingSyncPage(SyncPage):
    """The 同步 page in training: says why there is no sync, and refuses every way to the county."""

    def __init__(self, ctx: GuiContext, worker: Any = None) -> None:
        super().__init__(ctx, worker)
        self.training_label = QLabel(self.tr(REFUSAL))
        self.training_label.setObjectName("training_sync_label")
        self.training_label.setWordWrap(True)
        self.training_label.setStyleSheet("background: #fdebd0; color: #a04000; font-size: 12pt; padding: 8px;")
        layout = self.layout()
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(1, self.training_label)
        self._update_buttons()

    def reload(self) -> None:
        super().reload()
        self.not_enrolled_label.hide()  # 「请点连接县平台…」 does not apply here

    def _update_buttons(self) -> None:
        super()._update_buttons()
        for button in (self.sync_button, self.usb_button, self.enroll_button):
            button.setEnabled(False)
            button.setToolTip(self.tr(REFUSAL))

    def refuse(self) -> QMessageBox:
        return show_message(self, self.tr(REFUSAL))

    def open_enroll_dialog(self) -> QWidget:
        return self.refuse()

    def sync_now(self) -> bool:
        self.refuse()
        return False

    def export_bundle(self, out_path: Path) -> None:
        self.refuse()

    def import_receipt(self, receipt_path: Path) -> None:
        self.refuse()

    def _on_export_action_triggered(self) -> None:
        self.refuse()

    def _on_import_action_triggered(self) -> None:
        self.refuse()
