"""Drafts that survive a crash or a power cut: what a form dialog holds is saved (sealed with the data key) about a
second after the clerk's last change, and offered back the next time the same form is opened.

``Drafts.attach(dialog, key, ledger)`` — one call at the end of a dialog's ``__init__`` (after loading the object):

* walks the dialog's input widgets that have an objectName (``QLineEdit`` except password fields,
  ``QPlainTextEdit``/``QTextEdit``, ``QComboBox``, ``QDateEdit``, ``QSpinBox``/``QDoubleSpinBox``,
  ``QCheckBox``/``QRadioButton``, check boxes in a ``QListWidget``); names used twice (rows of a dynamic editor) and
  Qt's internal widgets (``qt_…``) are left out;
* saves ~1 s after the last change (a debounced ``QTimer``) into the ``drafts`` table (schema v5): key, account
  (the logged-in account, or ``system``), saved_at, and the values as JSON sealed with
  ``ledger.cipher.seal_bytes(…, context="draft:" + key)`` — a draft may hold an ID number, which never sits on disk
  in clear; nothing is saved while the form still holds what it was opened with;
* on open, when a draft of the same key and account exists, shows a bar above the form — "发现上次未保存的内容（保存于
  HH:MM），是否恢复？ [恢复] [丢弃]" — without blocking; nothing is saved until the clerk chooses;
* deletes the draft when the dialog finishes (saved, or cancelled on purpose). A killed process finishes nothing, so
  the draft stays.

The drafts table is not captured for the sync and a draft write records no audit entry (it changes no register
row). A draft that cannot be written (the database busy with a long import) is skipped quietly: the next change
tries again. Keys: ``resident:new``, ``resident:<id>``, ``case:new``, ``session:<case id>:new`` …
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from PySide6.QtCore import QDate, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTextEdit,
    QWidget,
)

from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.storage.db import BUSY_TIMEOUT_MS

log = logging.getLogger(__name__)

SAVE_AFTER_MS = 1000
BUSY_MS = 200
_SKIPPED = ("qt_", "picker_", "draft_")  # Qt's own parts; a ResidentPicker's search (its value is the pick); the bar
_INPUTS = (QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QDateEdit, QSpinBox, QDoubleSpinBox, QCheckBox,
           QRadioButton, QListWidget)


def account_of(ledger: Ledger) -> str:
    actor = ledger.actor
    return actor.account_id if actor is not None and actor.account_id else "system"


def _is_input(widget: QWidget) -> bool:
    if not isinstance(widget, _INPUTS):
        return False
    if isinstance(widget, QLineEdit) and widget.echoMode() in (QLineEdit.EchoMode.Password,
                                                               QLineEdit.EchoMode.PasswordEchoOnEdit,
                                                               QLineEdit.EchoMode.NoEcho):
        return False
    return not widget.isReadOnly() if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit) else True


def _inside_input(widget: QWidget, dialog: QWidget) -> bool:
    """A widget of a combo box or spin box (its line edit), not a field of its own."""
    parent = widget.parentWidget()
    while parent is not None and parent is not dialog:
        if isinstance(parent, QComboBox | QDateEdit | QSpinBox | QDoubleSpinBox):
            return True
        parent = parent.parentWidget()
    return False


def _value(widget: QWidget) -> Any:
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        data = widget.currentData()
        return {"data": data if isinstance(data, str | int) else None, "text": widget.currentText()}
    if isinstance(widget, QDateEdit):
        return widget.date().toString(Qt.DateFormat.ISODate)
    if isinstance(widget, QSpinBox | QDoubleSpinBox):
        return widget.value()
    if isinstance(widget, QAbstractButton):
        return widget.isChecked()
    if isinstance(widget, QListWidget):
        return [i for i in range(widget.count()) if widget.item(i).checkState() == Qt.CheckState.Checked]
    raise TypeError(type(widget).__name__)


def _restore(widget: QWidget, value: Any) -> None:
    if isinstance(widget, QLineEdit) and isinstance(value, str):
        widget.setText(value)
    elif isinstance(widget, QPlainTextEdit | QTextEdit) and isinstance(value, str):
        widget.setPlainText(value)
    elif isinstance(widget, QComboBox) and isinstance(value, dict):
        index = widget.findData(value.get("data")) if value.get("data") is not None else -1
        if index < 0:
            index = widget.findText(str(value.get("text", "")))
        if index >= 0:
            widget.setCurrentIndex(index)
        elif widget.isEditable():
            widget.setEditText(str(value.get("text", "")))
    elif isinstance(widget, QDateEdit) and isinstance(value, str):
        day = QDate.fromString(value, Qt.DateFormat.ISODate)
        if day.isValid():
            widget.setDate(day)
    elif isinstance(widget, QSpinBox) and isinstance(value, int):
        widget.setValue(value)
    elif isinstance(widget, QDoubleSpinBox) and isinstance(value, int | float):
        widget.setValue(float(value))
    elif isinstance(widget, QAbstractButton) and isinstance(value, bool):
        widget.setChecked(value)
    elif isinstance(widget, QListWidget) and isinstance(value, list):
        for i in range(widget.count()):
            item = widget.item(i)
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                item.setCheckState(Qt.CheckState.Checked if i in value else Qt.CheckState.Unchecked)


def _changed_signal(widget: QWidget) -> Any:
    if isinstance(widget, QLineEdit):
        return widget.textChanged
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return widget.textChanged
    if isinstance(widget, QComboBox):
        return widget.currentTextChanged
    if isinstance(widget, QDateEdit):
        return widget.dateChanged
    if isinstance(widget, QSpinBox | QDoubleSpinBox):
        return widget.valueChanged
    if isinstance(widget, QAbstractButton):
        return widget.toggled
    if isinstance(widget, QListWidget):
        return widget.itemChanged
    raise TypeError(type(widget).__name__)


@contextmanager
def _briefly(ledger: Ledger) -> Iterator[None]:
    """Wait at most ``BUSY_MS`` for the write lock (not the store's 5 s): a draft is not worth freezing the form
    while a long import holds the database; it is tried again at the next change."""
    conn = ledger.store.conn
    conn.execute(f"PRAGMA busy_timeout={BUSY_MS}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _insert_top_row(grid: QGridLayout, widget: QWidget) -> None:
    """Put ``widget`` above everything in ``grid``, across all its columns (every item moves down a row)."""
    rows, columns = grid.rowCount(), max(1, grid.columnCount())
    placed = []
    for index in reversed(range(grid.count())):
        row, column, row_span, column_span = grid.getItemPosition(index)
        placed.append((grid.takeAt(index), row, column, row_span, column_span))
    for row in reversed(range(rows)):
        grid.setRowStretch(row + 1, grid.rowStretch(row))
    grid.setRowStretch(0, 0)
    for item, row, column, row_span, column_span in reversed(placed):
        grid.addItem(item, row + 1, column, row_span, column_span)
    grid.addWidget(widget, 0, 0, 1, columns)


class Drafts(QObject):
    """The draft of one open dialog (a child of it: it goes when the dialog goes).

    It keeps no Python reference to the dialog or its widgets (``dialog`` is ``parent()``, ``fields`` are looked up
    by name): a reference from this child back to a Python-owned dialog made a cycle that kept dropped dialogs alive
    until a garbage collection, whose timer then fired into half-destroyed widgets (a segfault in the GUI tests)."""

    def __init__(self, dialog: QDialog, key: str, ledger: Ledger) -> None:
        super().__init__(dialog)
        self.setObjectName("drafts")
        self.key = key
        self.ledger = ledger
        self.account = account_of(ledger)
        self.saves = 0  # drafts written (tests and the kill driver wait on it)
        self.names = sorted(self._inputs(dialog))  # names only: no Python references to the dialog's widgets
        self._baseline = self.snapshot()
        self._offered: dict[str, Any] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_AFTER_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        for widget in self.fields.values():
            _changed_signal(widget).connect(self._on_field_changed)
        dialog.finished.connect(self._on_dialog_finished)
        stored = self._load()
        if stored is not None:
            self._offered, saved_at = stored
            self._show_bar(saved_at)

    # -- attaching --
    @classmethod
    def attach(cls, dialog: QDialog, key: str, ledger: Ledger) -> Drafts:
        return cls(dialog, key, ledger)

    @staticmethod
    def of(dialog: QDialog) -> Drafts | None:
        found = dialog.findChild(Drafts, "drafts", Qt.FindChildOption.FindDirectChildrenOnly)
        return found if isinstance(found, Drafts) else None

    @property
    def dialog(self) -> QDialog:
        parent = self.parent()
        assert isinstance(parent, QDialog)
        return parent

    @property
    def fields(self) -> dict[str, QWidget]:
        """The dialog's input widgets by objectName (looked up each time: the dialog owns them)."""
        dialog = self.dialog
        found = {name: dialog.findChild(QWidget, name) for name in self.names}
        return {name: widget for name, widget in found.items() if widget is not None}

    @staticmethod
    def _inputs(dialog: QDialog) -> dict[str, QWidget]:
        found: dict[str, QWidget] = {}
        seen: set[str] = set()
        for widget in dialog.findChildren(QWidget):
            name = widget.objectName()
            if not name or name.startswith(_SKIPPED) or not _is_input(widget) or _inside_input(widget, dialog):
                continue
            if name in seen:  # the same name twice (rows of an editor): neither can be put back reliably
                found.pop(name, None)
                continue
            seen.add(name)
            found[name] = widget
        return found

    # -- values --
    def snapshot(self) -> dict[str, Any]:
        return {name: _value(widget) for name, widget in sorted(self.fields.items())}

    def restore(self, values: dict[str, Any]) -> None:
        for name, value in values.items():
            widget = self.fields.get(name)
            if widget is not None:
                _restore(widget, value)

    # -- the drafts table --
    def _context(self) -> str:
        return "draft:" + self.key

    def _load(self) -> tuple[dict[str, Any], str] | None:
        try:
            row = self.ledger.store.conn.execute("SELECT sealed, saved_at FROM drafts WHERE key = ? AND account = ?",
                                                 (self.key, self.account)).fetchone()
            if row is None:
                return None
            values = json.loads(self.ledger.cipher.open_bytes(bytes(row[0]), context=self._context()))
        except Exception:  # a draft that no longer opens (another key, a damaged row) is of no use: drop it
            log.warning("dropping an unreadable draft (%s)", self.key, exc_info=True)
            self.delete()
            return None
        return (values, str(row[1])) if isinstance(values, dict) else None

    def save(self) -> bool:
        """Write the draft now (the timer calls it); False when there was nothing to keep or it could not be
        written."""
        self._timer.stop()
        if self._offered is not None:  # the clerk has not chosen yet: the old draft stays as it is
            return False
        values = self.snapshot()
        if values == self._baseline:
            self.delete()
            return False
        sealed = self.ledger.cipher.seal_bytes(json.dumps(values, ensure_ascii=False).encode("utf-8"),
                                               context=self._context())
        try:
            with _briefly(self.ledger), self.ledger.store.write() as conn:
                conn.execute("INSERT OR REPLACE INTO drafts(key, account, saved_at, sealed) VALUES (?, ?, ?, ?)",
                             (self.key, self.account, datetime.now().astimezone().isoformat(timespec="seconds"),
                              sealed))
        except Exception:  # busy (a long import holds the write lock), disk full…: the next change tries again
            log.warning("could not save the draft of %s", self.key, exc_info=True)
            return False
        self.saves += 1
        return True

    def delete(self) -> None:
        self._timer.stop()
        try:
            if self.ledger.store.conn.execute("SELECT 1 FROM drafts WHERE key = ? AND account = ?",
                                              (self.key, self.account)).fetchone() is None:
                return  # no write at all: closing a form costs nothing
            with _briefly(self.ledger), self.ledger.store.write() as conn:
                conn.execute("DELETE FROM drafts WHERE key = ? AND account = ?", (self.key, self.account))
        except Exception:
            log.warning("could not delete the draft of %s", self.key, exc_info=True)

    # -- the offer --
    def _show_bar(self, saved_at: str) -> None:
        try:
            when = datetime.fromisoformat(saved_at)
        except ValueError:
            when = None
        if when is None:
            shown = saved_at
        elif when.date() == datetime.now().astimezone().date():
            shown = when.strftime("%H:%M")
        else:
            shown = self.tr("%1月%2日 %3").replace("%1", str(when.month)).replace("%2", str(when.day)) \
                .replace("%3", when.strftime("%H:%M"))
        bar = QFrame(self.dialog)
        bar.setObjectName("draft_bar")
        bar.setFrameShape(QFrame.Shape.StyledPanel)
        bar.setStyleSheet("#draft_bar { background: #fff4ce; border: 1px solid #e0c060; border-radius: 3px; }")
        label = QLabel(self.tr("发现上次未保存的内容（保存于 %1），是否恢复？").replace("%1", shown), bar)
        label.setObjectName("draft_label")
        label.setWordWrap(True)
        restore = QPushButton(self.tr("恢复"), bar)
        restore.setObjectName("draft_restore_button")
        restore.setAutoDefault(False)
        discard = QPushButton(self.tr("丢弃"), bar)
        discard.setObjectName("draft_discard_button")
        discard.setAutoDefault(False)
        row = QHBoxLayout(bar)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(label, 1)
        row.addWidget(restore)
        row.addWidget(discard)
        restore.clicked.connect(self._on_restore_clicked)
        discard.clicked.connect(self._on_discard_clicked)
        layout = self.dialog.layout()
        if isinstance(layout, QBoxLayout):
            layout.insertWidget(0, bar)
        elif isinstance(layout, QFormLayout):
            layout.insertRow(0, bar)
        elif isinstance(layout, QGridLayout):
            _insert_top_row(layout, bar)

    @property
    def bar(self) -> QFrame | None:
        found = self.dialog.findChild(QFrame, "draft_bar")
        return found if isinstance(found, QFrame) else None

    def _close_bar(self) -> None:
        self._offered = None
        bar = self.bar
        if bar is not None:
            bar.hide()
            bar.setObjectName("")
            bar.deleteLater()

    @property
    def offered(self) -> bool:
        return self._offered is not None

    def _on_restore_clicked(self) -> None:
        values = self._offered or {}
        self._close_bar()
        self.restore(values)
        self._timer.start()  # the restored values are the draft now (saved again after the debounce)

    def _on_discard_clicked(self) -> None:
        self._close_bar()
        self.delete()
        if self.snapshot() != self._baseline:  # typed meanwhile: that is the draft now
            self._timer.start()

    # -- slots --
    def _on_field_changed(self, *args: object) -> None:
        del args
        self._timer.start()

    def _on_timer_timeout(self) -> None:
        self.save()

    def _on_dialog_finished(self, result: int) -> None:
        del result
        self._close_bar()
        self.delete()
