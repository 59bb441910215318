"""The contract between the main window and each navigation page (居民、户、网格、队伍 …)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.services.changes import Changes


class Page(QWidget):
    """A page saves through services and emits ``changed`` with the change record; the main window then passes
    the record to every page's ``apply``, and each redraws only what the record says changed."""

    changed = Signal(object)  # Changes
    title = ""

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__()
        self.ctx = ctx

    def apply(self, changes: Changes) -> None:
        """Redraw what ``changes`` touched (called for every change, from any page)."""

    def new_item(self) -> None:
        """Ctrl+N on this page."""

    def focus_search(self) -> None:
        """Ctrl+F on this page."""
