"""A named push button, as every page builds its buttons."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton


def push_button(name: str, text: str, tip: str = "") -> QPushButton:
    """A push button with object name ``name`` (tests find it by it) and, when given, a tooltip."""
    widget = QPushButton(text)
    widget.setObjectName(name)
    if tip:
        widget.setToolTip(tip)
    return widget
