"""查看完整号码: asks for the reason (查询事由 — a common one from the list, or typed), then shows a resident's full ID
number in this dialog only. The view and its reason go to the audit log (``residents.reveal_id``); the number is
never logged, copied anywhere else or left on screen after the dialog closes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from zhzx_desktop.errors import KnownError, UserError
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.errors import show_error
from zhzx_desktop.services import residents

# Common reasons offered in the list; anything else can be typed.
REASONS = ("核对身份信息", "办理低保、救助等民生事项", "调解案件核实当事人身份", "协助公安、司法机关查询",
           "录入或更正证件号码", "上级部门核查数据")


class RevealDialog(QDialog):
    def __init__(self, ctx: GuiContext, resident_id: str, name: str, masked: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.resident_id = resident_id
        self.number = ""
        self.setObjectName("reveal_dialog")
        self.setWindowTitle(self.tr("查看完整号码"))
        self.setMinimumWidth(460)

        intro = QLabel(self.tr("查看 %1（%2）的完整证件号码。请选择或填写查询事由；本次查看将记入审计日志。")
                       .replace("%1", name).replace("%2", masked or self.tr("无证件号")))
        intro.setObjectName("intro_label")
        intro.setWordWrap(True)
        self.reason_combo = QComboBox()
        self.reason_combo.setObjectName("reason_combo")
        self.reason_combo.setEditable(True)
        self.reason_combo.addItems(REASONS)
        self.reason_combo.setCurrentIndex(-1)
        line = self.reason_combo.lineEdit()
        assert line is not None  # editable
        line.setPlaceholderText(self.tr("选择常用事由，或直接输入"))
        line.setMaxLength(200)
        self.reason_error = QLabel()
        self.reason_error.setObjectName("reason_error")
        self.reason_error.setStyleSheet("color: #c0392b;")
        self.reason_error.setWordWrap(True)
        self.reason_error.hide()
        self.number_label = QLabel()
        self.number_label.setObjectName("number_label")
        self.number_label.setStyleSheet("font-size: 16pt; font-weight: bold; letter-spacing: 2px;")
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.number_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number_label.setMinimumHeight(self.number_label.fontMetrics().height() * 3)
        self.number_label.hide()

        form = QFormLayout()
        form.addRow(self.tr("查询事由："), self.reason_combo)
        form.addRow("", self.reason_error)
        self.buttons = QDialogButtonBox()
        self.show_button = self.buttons.addButton(self.tr("查看"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.show_button.setObjectName("show_button")
        self.close_button = self.buttons.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button.setObjectName("close_button")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.number_label)
        layout.addWidget(self.buttons)
        self.show_button.clicked.connect(self.reveal)
        self.close_button.clicked.connect(self.reject)

    def reason(self) -> str:
        return self.reason_combo.currentText()

    def reveal(self) -> bool:
        """Ask the service (permission, reason, audit); show the number here. False (and the error shown) if not."""
        try:
            number = residents.reveal_id(self.ctx.ledger, self.resident_id, self.reason())
        except UserError as exc:
            self.reason_error.setText(exc.message)
            self.reason_error.show()
            self.reason_combo.setFocus()
            return False
        except KnownError as exc:  # Forbidden: the role lost the right (a switch of user)
            show_error(self, exc)
            return False
        self.number = number
        self.reason_error.hide()
        self.number_label.setText(number or self.tr("（未登记证件号码）"))
        self.number_label.show()
        self.adjustSize()  # room for the number
        self.reason_combo.setEnabled(False)
        self.show_button.setEnabled(False)
        self.close_button.setDefault(True)
        return True

    def done(self, result: int) -> None:
        self.number = ""
        self.number_label.clear()  # the number does not outlive the dialog
        super().done(result)
