"""研判预警: the early warnings of ``services/warnings.py`` as cards — what kind, the sentence, and the step: a
「上报镇综治中心」 button (asks for the day it was reported; a role without 办理调解案件 does not get it) or, once
done, 已上报 and the date — and 「打开案件」 (``case_requested``, shown on the 调解 page by the main window)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from zhzx_desktop.domain.roles import Permission
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.case_intake_dialog import CaseForm, date_edit
from zhzx_desktop.services import warnings
from zhzx_desktop.services.changes import Changes

# Colour of each kind's tag (the text says the kind too: colour is never the only cue).
_KIND_COLOURS = {"major": "#c0392b", "overdue": "#d35400", "repeat": "#8e44ad", "attention": "#2c3e50"}
SHOWN_CARDS = 60  # more cards than this are counted, not drawn (a demo database can have hundreds)
_CARD_STYLE = ("QFrame#warning_card { border: 1px solid #d5d8dc; border-radius: 4px; background: #fdfefe; }"
               "QFrame#warning_card[escalated=\"true\"] { background: #f4f6f6; }")


class EscalateDialog(CaseForm):
    """上报镇综治中心: the day the case was reported (today by default); saving records it (audited)."""

    def __init__(self, ctx: GuiContext, warning: warnings.Warning, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("上报镇综治中心"), parent)
        self.setObjectName("escalate_dialog")
        self.warning = warning
        self.button_box.button(self.button_box.StandardButton.Save).setText(self.tr("确认已上报"))
        note = QLabel(warning.sentence)
        note.setObjectName("note_label")
        note.setWordWrap(True)
        self.form.addRow(note)
        self.date_edit = date_edit("date_edit", ctx.ledger.today())
        self.add_row(self.tr("上报日期"), self.date_edit, "escalated_on")
        self.finish()
        self.setMinimumWidth(460)
        self.date_edit.setFocus()

    def save(self) -> Changes:
        return warnings.escalate(self.ctx.ledger, self.warning.case_id, self.date_edit.date().toString("yyyy-MM-dd"))


class _Card(QFrame):
    def __init__(self, warning: warnings.Warning, can_escalate: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.warning = warning
        self.setObjectName("warning_card")
        self.setProperty("escalated", warning.escalated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        self.kind_label = QLabel(warning.kind_label)
        self.kind_label.setObjectName("kind_label")
        colour = _KIND_COLOURS.get(warning.kind, "#2c3e50")
        self.kind_label.setStyleSheet(f"color: white; background: {colour}; border-radius: 3px; padding: 1px 6px;"
                                      "font-weight: bold;")
        self.kind_label.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.sentence_label = QLabel(warning.sentence)
        self.sentence_label.setObjectName("sentence_label")
        self.sentence_label.setWordWrap(True)
        self.sentence_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.step_label = QLabel(warning.step_text)
        self.step_label.setObjectName("step_label")
        self.step_label.setStyleSheet("color: #1e8449;" if warning.escalated else "color: #7f8c8d;")
        self.escalate_button = QPushButton(self.tr("上报镇综治中心"))
        self.escalate_button.setObjectName("escalate_button")
        self.escalate_button.setVisible(can_escalate and not warning.escalated)
        self.step_label.setVisible(warning.escalated or not can_escalate)  # else the button says the step
        self.open_button = QPushButton(self.tr("打开案件"))
        self.open_button.setObjectName("open_button")
        head = QHBoxLayout()
        head.addWidget(self.kind_label)
        head.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.step_label, 1)
        buttons.addWidget(self.escalate_button)
        buttons.addWidget(self.open_button)
        layout.addLayout(head)
        layout.addWidget(self.sentence_label)
        layout.addLayout(buttons)


class WarningList(QWidget):
    """The list of 研判 warnings, not yet reported first; ``reload()`` reads them again."""

    case_requested = Signal(str)  # a case id, to show on the 调解 page
    changed = Signal(object)  # Changes, after a case was reported

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.warnings: list[warnings.Warning] = []
        self.dialog: EscalateDialog | None = None
        self.summary_label = QLabel()
        self.summary_label.setObjectName("summary_label")
        self.summary_label.setWordWrap(True)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("warning_scroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.holder = QWidget()
        self.holder.setObjectName("warning_holder")
        self.holder.setStyleSheet(_CARD_STYLE)
        self.cards_layout = QVBoxLayout(self.holder)
        self.cards_layout.setContentsMargins(0, 0, 0, 0)
        self.cards_layout.setSpacing(6)
        self.scroll_area.setWidget(self.holder)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.scroll_area, 1)
        self.reload()

    # ---- reading

    def reload(self) -> None:
        actor = self.ctx.ledger.actor
        self.warnings = warnings.early_warnings(self.ctx.ledger)
        while self.cards_layout.count():
            item = self.cards_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        if actor is None or not actor.can(Permission.CASES_VIEW):
            self.summary_label.setText(self.tr("当前账户不能查看调解案件，没有研判预警。"))
        elif not self.warnings:
            self.summary_label.setText(self.tr("目前没有需要研判上报的矛盾纠纷。"))
        else:
            waiting = sum(1 for w in self.warnings if not w.escalated)
            self.summary_label.setText(self.tr("共 %1 条预警，%2 条待上报。")
                                       .replace("%1", str(len(self.warnings))).replace("%2", str(waiting)))
        can_escalate = actor is not None and actor.can(Permission.CASES_EDIT)
        for warning in self.warnings[:SHOWN_CARDS]:
            card = _Card(warning, can_escalate, self.holder)
            card.escalate_button.clicked.connect(lambda _=False, w=warning: self.open_escalate_dialog(w))
            card.open_button.clicked.connect(lambda _=False, w=warning: self.case_requested.emit(w.case_id))
            self.cards_layout.addWidget(card)
        if len(self.warnings) > SHOWN_CARDS:
            more = QLabel(self.tr("另有 %1 条预警未列出：请先处理上面的。")
                          .replace("%1", str(len(self.warnings) - SHOWN_CARDS)), self.holder)
            more.setObjectName("more_label")
            more.setWordWrap(True)
            self.cards_layout.addWidget(more)
        self.cards_layout.addStretch(1)

    def cards(self) -> list[_Card]:
        found = []
        for i in range(self.cards_layout.count()):
            item = self.cards_layout.itemAt(i)
            widget = item.widget() if item is not None else None
            if isinstance(widget, _Card):
                found.append(widget)
        return found

    def apply(self, changes: Changes) -> None:
        if changes.cases or changes.residents:
            self.reload()

    # ---- acting

    def open_escalate_dialog(self, warning: warnings.Warning) -> EscalateDialog:
        """Ask for the day the case was reported; on save the list redraws and ``changed`` tells the others."""
        dialog = EscalateDialog(self.ctx, warning, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._on_dialog_saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _on_dialog_saved(self, changes: Changes) -> None:
        self.reload()
        self.changed.emit(changes)
