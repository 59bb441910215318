"""A small bar chart drawn with QPainter (no QtCharts: it would pull in PySide6-Addons and grow the bundle, issue 8).

Horizontal bars (a label on the left, the count on the bar's end) suit categories with long Chinese names;
vertical bars (labels under them) suit months. Bars are clickable: the pointing-hand cursor and a tooltip over a
bar, a highlight under the mouse, ``bar_clicked(index)`` on a left click (and Enter/Space on the focused bar,
moved with the arrow keys)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFocusEvent, QHelpEvent, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

BAR_COLOR = QColor("#3b7dd8")
HOVER_COLOR = QColor("#1f5fb0")
ZERO_COLOR = QColor("#c8c8c8")
TEXT_COLOR = QColor("#333333")
GRID_COLOR = QColor("#e4e4e4")


@dataclass(frozen=True)
class ChartBar:
    label: str
    value: int
    tooltip: str = ""


class BarChart(QWidget):
    bar_clicked = Signal(int)  # the index of the bar

    def __init__(self, name: str, *, horizontal: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.horizontal = horizontal
        self.bars: list[ChartBar] = []
        self.hovered = -1
        self.current = -1  # the bar the keyboard is on
        self.empty_text = ""
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    # ---- data

    def set_bars(self, bars: list[ChartBar]) -> None:
        self.bars = list(bars)
        self.hovered = -1
        self.current = min(self.current, len(self.bars) - 1)
        self.updateGeometry()
        self.update()

    def set_empty_text(self, text: str) -> None:
        self.empty_text = text
        self.update()

    # ---- geometry

    def _row_height(self) -> int:
        return self.fontMetrics().height() + 10

    def _label_width(self) -> int:
        metrics = self.fontMetrics()
        return min(max((metrics.horizontalAdvance(b.label) for b in self.bars), default=0) + 12, self.width() // 2)

    def _value_width(self) -> int:
        return self.fontMetrics().horizontalAdvance(str(max((b.value for b in self.bars), default=0))) + 10

    def sizeHint(self) -> QSize:
        if self.horizontal:
            return QSize(360, max(3, len(self.bars)) * self._row_height() + 8)
        return QSize(max(360, len(self.bars) * 36), 200)

    def minimumSizeHint(self) -> QSize:
        if self.horizontal:
            return QSize(220, max(3, len(self.bars)) * self._row_height() + 8)
        return QSize(len(self.bars) * 24 + 20, 150)

    def bar_rect(self, index: int) -> QRectF:
        """Where bar ``index`` is drawn (its clickable area is the whole row or column slot: see ``bar_at``)."""
        peak = max((b.value for b in self.bars), default=0) or 1
        value = self.bars[index].value
        if self.horizontal:
            row = self._row_height()
            left = self._label_width()
            room = max(10, self.width() - left - self._value_width() - 4)
            length = max(3.0, room * value / peak) if value else 3.0
            return QRectF(left, 4 + index * row + 3, length, row - 6)
        metrics = self.fontMetrics()
        top, bottom = metrics.height() + 6, self.height() - metrics.height() - 8
        slot = (self.width() - 8) / max(1, len(self.bars))
        width = max(6.0, slot * 0.6)
        height = max(3.0, (bottom - top) * value / peak) if value else 3.0
        return QRectF(4 + index * slot + (slot - width) / 2, bottom - height, width, height)

    def _slot(self, index: int) -> QRectF:
        """The area a click on bar ``index`` hits: its whole row (horizontal) or column (vertical)."""
        if self.horizontal:
            row = self._row_height()
            return QRectF(0, 4 + index * row, self.width(), row)
        slot = (self.width() - 8) / max(1, len(self.bars))
        return QRectF(4 + index * slot, 0, slot, self.height())

    def bar_at(self, point: QPoint) -> int:
        for index in range(len(self.bars)):
            if self._slot(index).contains(point.toPointF()):
                return index
        return -1

    # ---- painting

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = self.fontMetrics()
        if not self.bars or (self.empty_text and not any(b.value for b in self.bars)):
            painter.setPen(QColor("#888888"))
            painter.drawText(self.rect(), int(Qt.AlignmentFlag.AlignCenter), self.empty_text)
            painter.end()
            return
        for index, bar in enumerate(self.bars):
            rect = self.bar_rect(index)
            active = index in (self.hovered, self.current if self.hasFocus() else -1)
            color = ZERO_COLOR if not bar.value else HOVER_COLOR if active else BAR_COLOR
            painter.fillRect(rect, color)
            painter.setPen(TEXT_COLOR)
            if self.horizontal:
                label_rect = QRectF(0, rect.top() - 3, self._label_width() - 8, rect.height() + 6)
                text = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, int(label_rect.width()))
                painter.drawText(label_rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), text)
                value_rect = QRectF(rect.right() + 4, rect.top() - 3, self._value_width(), rect.height() + 6)
                painter.drawText(value_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                                 str(bar.value))
            else:
                slot = self._slot(index)
                below = QRectF(slot.left(), self.height() - metrics.height() - 6, slot.width(), metrics.height() + 4)
                painter.drawText(below, int(Qt.AlignmentFlag.AlignCenter), bar.label)
                above = QRectF(slot.left(), rect.top() - metrics.height() - 2, slot.width(), metrics.height())
                painter.drawText(above, int(Qt.AlignmentFlag.AlignCenter), str(bar.value))
            if active and self.hasFocus() and index == self.current:
                painter.setPen(QPen(HOVER_COLOR, 1, Qt.PenStyle.DotLine))
                painter.drawRect(self._slot(index).adjusted(1, 1, -1, -1))
        if not self.horizontal:
            painter.setPen(GRID_COLOR)
            base = self.height() - metrics.height() - 8
            painter.drawLine(4, base, self.width() - 4, base)
        painter.end()

    # ---- interaction

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self.bar_at(event.position().toPoint())
        if index != self.hovered:
            self.hovered = index
            if index >= 0:
                self.setCursor(Qt.CursorShape.PointingHandCursor)
            else:
                self.unsetCursor()
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self.hovered = -1
        self.unsetCursor()
        self.update()
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.bar_at(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and index >= 0:
            self.current = index
            self.bar_clicked.emit(index)
            event.accept()
            return
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Right: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_Left: -1}.get(
            Qt.Key(event.key()))
        if step is not None and self.bars:
            self.current = max(0, min(len(self.bars) - 1, self.current + step))
            self.update()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and self.current >= 0:
            self.bar_clicked.emit(self.current)
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        if self.current < 0 and self.bars:
            self.current = 0
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusOutEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self.bar_at(event.pos())
            if index >= 0:
                bar = self.bars[index]
                QToolTip.showText(event.globalPos(), bar.tooltip or f"{bar.label}：{bar.value}", self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)
