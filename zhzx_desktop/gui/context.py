"""What every page and dialog is given: the ledger (the GUI thread's read/write connection), the runner for long
work, the settings. Passed explicitly — there is no global application object."""

from __future__ import annotations

from dataclasses import dataclass

from zhzx_desktop.gui.operations import Runner
from zhzx_desktop.gui.settings import Settings
from zhzx_desktop.services.ledger import Ledger


@dataclass
class GuiContext:
    ledger: Ledger
    runner: Runner
    settings: Settings
