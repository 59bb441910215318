"""Inline errors in a form: each field ``<field>`` has a hidden red label ``<field>_error`` next to it (in the
Designer form); a service's ``InvalidInput`` fills the labels of the fields it names, in Chinese, and whatever
is left over (a field without a label) goes to the general label ``form_error``."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from zhzx_desktop.errors import UserError
from zhzx_desktop.services.fields import InvalidInput

STYLE = "color: #c0392b;"


class FormErrors:
    def __init__(self, form: QWidget) -> None:
        self._labels = {label.objectName().removesuffix("_error"): label
                        for label in form.findChildren(QLabel) if label.objectName().endswith("_error")}
        for label in self._labels.values():
            label.setStyleSheet(STYLE)
            label.setWordWrap(True)
            label.hide()

    def clear(self) -> None:
        for label in self._labels.values():
            label.clear()
            label.hide()

    def show(self, exc: UserError) -> None:
        """Show every error of ``exc`` (an ``InvalidInput`` or a single ``UserError``) next to its field."""
        self.clear()
        errors = exc.errors if isinstance(exc, InvalidInput) else (exc,)
        general: list[str] = []
        by_field: dict[str, list[str]] = {}
        for error in errors:
            if error.field in self._labels and error.field != "form":
                by_field.setdefault(error.field, []).append(error.message)
            else:
                general.append(error.message)
        if general:
            by_field.setdefault("form", []).extend(general)
        for name, messages in by_field.items():
            label = self._labels.get(name)
            if label is not None:
                label.setText("；".join(messages))
                label.show()

    def text(self, field: str) -> str:
        label = self._labels.get(field)
        return label.text() if label is not None and not label.isHidden() else ""

    def shown(self) -> dict[str, str]:
        return {name: label.text() for name, label in self._labels.items() if not label.isHidden()}
