"""Enter moves to the next field in forms (clerks type a field, press Enter, type the next), as in paper-form
data entry programs; in a multi-line text box Enter still makes a new line, and on a button it presses it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QWidget

from zhzx_desktop.gui.widgets.resident_picker import ResidentPicker

_FIELDS = (QLineEdit, QComboBox, QAbstractSpinBox)


class EnterMovesFocus(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
                and isinstance(watched, _FIELDS) and not isinstance(watched, QAbstractButton)):
            if isinstance(watched, QComboBox) and watched.view().isVisible():
                return False  # Enter picks the highlighted item first
            form = watched.window()
            form.focusNextChild()
            return True
        return False


def install(form: QWidget) -> EnterMovesFocus:
    """Make Enter move focus forward in every field of ``form`` (call after the fields exist)."""
    nav = EnterMovesFocus(form)
    pickers = form.findChildren(ResidentPicker)
    for child in form.findChildren(QWidget):
        if isinstance(child, _FIELDS) and not any(p.isAncestorOf(child) for p in pickers):  # Enter picks there
            child.installEventFilter(nav)
            if isinstance(child, QComboBox) and child.lineEdit() is not None:
                child.lineEdit().installEventFilter(nav)
    return nav
