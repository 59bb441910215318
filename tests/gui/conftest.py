"""GUI fixtures: a temp settings file, the inline runner, the context every page gets, the county server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from tests.sync import harness
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


@pytest.fixture
def county(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[harness.ServerThread]:
    """The real county server on loopback, with the test village."""
    monkeypatch.setenv("ZHZX_STATE_DIR", str(tmp_path / "sync-state"))
    server = harness.ServerThread(tmp_path / "county.db")
    harness.add_village(server.store)
    yield server
    server.stop()
