"""GUI fixtures: a temp settings file, the inline runner, the context every page gets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.garbage import GuiGarbageCollector
from zhzx_desktop.gui.operations import InlineRunner
from zhzx_desktop.gui.settings import Settings
from zhzx_desktop.services.ledger import Ledger


@pytest.fixture(autouse=True)
def gui_garbage_collector(qapp: QApplication) -> Iterator[GuiGarbageCollector]:
    """As in the app: cycles are collected from the event loop only."""
    collector = GuiGarbageCollector(qapp)
    yield collector
    collector.stop()
    collector.deleteLater()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(tmp_path / "settings.ini")


@pytest.fixture
def ctx(ledger: Ledger, settings: Settings) -> Iterator[GuiContext]:
    runner = InlineRunner(ledger)
    yield GuiContext(ledger, runner, settings)
    runner.shutdown()
