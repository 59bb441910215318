"""The cycle collector runs from the GUI event loop only (see zhzx_desktop/gui/garbage.py)."""

from __future__ import annotations

import gc
import weakref

from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from zhzx_desktop.gui.garbage import GuiGarbageCollector


class _Cycle:
    def __init__(self) -> None:
        self.me = self
        self.obj = QObject()


def test_cycles_wait_for_the_event_loop_then_go(qtbot: QtBot, gui_garbage_collector: GuiGarbageCollector) -> None:
    assert not gc.isenabled()
    cycle = _Cycle()
    ref = weakref.ref(cycle)
    del cycle
    churn = [[n] for n in range(5000)]  # live allocations far past the first generation's threshold
    assert ref() is not None  # nothing collected outside the event loop
    qtbot.waitUntil(lambda: ref() is None, timeout=3000)
    assert len(churn) == 5000


def test_stopping_gives_collection_back_to_python(qapp: QObject) -> None:
    collector = GuiGarbageCollector(qapp)
    collector.stop()
    assert gc.isenabled()
    assert not collector.timer.isActive()
    collector.deleteLater()
