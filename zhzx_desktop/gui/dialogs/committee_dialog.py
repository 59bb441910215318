"""调委会设置: the committee's name, the case-number prefix (with a live example), this PC's number block, whether
agreements print the parties' ID numbers, the 保管期限 of new case files — and this PC's print font (a setting of
the machine, not of the database; empty = found automatically).

Saves itself in ``accept()``; bad input shows next to its field and the dialog stays open."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QWidget

from zhzx_desktop.documents import fonts
from zhzx_desktop.domain import case_rules
from zhzx_desktop.errors import UserError, ZhzxError
from zhzx_desktop.gui import settings as keys
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.forms.ui_committee_dialog import Ui_CommitteeDialog
from zhzx_desktop.gui.widgets import enter_navigation
from zhzx_desktop.gui.widgets.form_errors import FormErrors
from zhzx_desktop.services import committee
from zhzx_desktop.services.changes import Changes

RETENTIONS = ("永久", "长期", "短期", "30年", "10年")
_SAMPLE = "人民调解协议书甲乙方执"  # characters every print font must have


def check_font(path_text: str) -> UserError | None:
    """None when ``path_text`` is empty (automatic) or a TrueType font with Chinese characters reportlab can embed;
    otherwise the error to show next to the field."""
    text = path_text.strip()
    if not text:
        return None
    path = Path(text)
    if not path.is_file():
        return UserError("font", "not_found", "找不到字体文件：" + text)
    if path.suffix.lower() not in (".ttf", ".ttc"):
        return UserError("font", "not_truetype", "打印字体须是 TrueType 字体文件（.ttf 或 .ttc），如宋体 simsun.ttc、仿宋 simfang.ttf")
    try:
        font = fonts.find_cjk_font(path)  # falls back to a system font when this one cannot be embedded
    except Exception:  # noqa: BLE001 - no font at all, or reportlab choking on a damaged file (KeyError…)
        font = None
    if font is None or font.path != path.resolve():
        return UserError("font", "unusable", "这个字体文件无法用于打印（可能是 OpenType/CFF 字体或文件已损坏），"
                                             "请选用 TrueType 中文字体，如宋体 simsun.ttc、仿宋 simfang.ttf")
    if fonts.missing_glyphs(font, _SAMPLE):
        return UserError("font", "no_chinese", "字体“" + font.family + "”不含中文字符，请选用中文字体，如宋体、仿宋")
    return None


class CommitteeDialog(QDialog):
    committee_saved = Signal(object)  # Changes, after saving

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.changes: Changes | None = None
        self.file_dialog: QFileDialog | None = None
        self.ui = Ui_CommitteeDialog()
        self.ui.setupUi(self)
        self.ui.button_box.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        self.ui.button_box.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.errors = FormErrors(self)
        self._year = ctx.ledger.today().year
        self.ui.retention_combo.addItems([self.tr(r) for r in RETENTIONS])

        current = committee.load(ctx.ledger)
        self.ui.name_edit.setText(current.name)
        self.ui.prefix_edit.setText(current.prefix)
        self.ui.block_spin.setValue(current.block)
        self.ui.show_id_check.setChecked(current.show_id_numbers)
        index = self.ui.retention_combo.findText(current.retention)
        if index >= 0:
            self.ui.retention_combo.setCurrentIndex(index)
        else:
            self.ui.retention_combo.setEditText(current.retention)
        self.ui.font_edit.setText(ctx.settings.get(keys.FONT_PATH))

        self.ui.prefix_edit.textChanged.connect(self._show_example)
        self.ui.block_spin.valueChanged.connect(self._show_example)
        self.ui.font_edit.textChanged.connect(self._show_font_help)
        self.ui.font_browse_button.clicked.connect(self._on_font_browse_button_clicked)
        self.ui.button_box.accepted.connect(self.accept)
        self.ui.button_box.rejected.connect(self.reject)
        enter_navigation.install(self)
        self._show_example()
        self._show_font_help()
        self.ui.name_edit.setFocus()

    def _show_example(self) -> None:
        prefix = self.ui.prefix_edit.text().strip() or self.tr("X村")
        block = self.ui.block_spin.value()
        first, last = case_rules.block_range(block)
        self.ui.prefix_example.setText(
            self.tr("案号示例：%1").replace("%1", case_rules.case_number(self._year, prefix, first)))
        self.ui.block_spin.setToolTip(self.tr("%1 号段：第 %2–%3 号")
                                      .replace("%1", str(block)).replace("%2", f"{first:03d}").replace("%3", str(last)))

    def _show_font_help(self) -> None:
        if self.ui.font_edit.text().strip():
            self.ui.font_help.setText(self.tr("协议书等文书用这个字体打印。"))
            return
        try:
            found = fonts.find_cjk_font(None)
        except ZhzxError as exc:
            self.ui.font_help.setText(exc.message)
            return
        self.ui.font_help.setText(self.tr("留空为自动：依次找宋体、仿宋、黑体和系统中的 TrueType 中文字体。本机现在用：%1")
                                  .replace("%1", found.family))

    def _on_font_browse_button_clicked(self) -> None:
        start = self.ui.font_edit.text().strip()
        folder = str(Path(start).parent) if start else str(fonts.CANDIDATES[0].parent)
        dialog = QFileDialog(self, self.tr("选择打印字体"), folder, self.tr("TrueType 字体 (*.ttf *.ttc)"))
        dialog.setObjectName("font_file_dialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self._on_font_file_selected)
        self.file_dialog = dialog
        dialog.open()

    def _on_font_file_selected(self, path: str) -> None:
        self.ui.font_edit.setText(path)

    def committee_settings(self) -> committee.CommitteeSettings:
        return committee.CommitteeSettings(
            name=self.ui.name_edit.text(),
            prefix=self.ui.prefix_edit.text(),
            block=self.ui.block_spin.value(),
            show_id_numbers=self.ui.show_id_check.isChecked(),
            retention=self.ui.retention_combo.currentText(),
        )

    def accept(self) -> None:
        font_path = self.ui.font_edit.text().strip()
        bad_font = check_font(font_path)
        if bad_font is not None:
            self.errors.show(bad_font)
            return
        try:
            self.changes = committee.save(self.ctx.ledger, self.committee_settings())
        except UserError as exc:
            self.errors.show(exc)
            return
        self.ctx.settings.set(keys.FONT_PATH, font_path)
        self.ctx.settings.sync()
        self.errors.clear()
        super().accept()
        self.committee_saved.emit(self.changes)
