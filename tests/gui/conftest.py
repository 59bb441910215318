"""GUI fixtures: a temp settings file, the inline runner, the context every page gets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.operations import InlineRunner
from zhzx_desktop.gui.settings import Settings
from zhzx_desktop.services.ledger import Ledger


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(tmp_path / "settings.ini")


@pytest.fixture
def ctx(ledger: Ledger, settings: Settings) -> Iterator[GuiContext]:
    runner = InlineRunner(ledger)
    yield GuiContext(ledger, runner, settings)
    runner.shutdown()
