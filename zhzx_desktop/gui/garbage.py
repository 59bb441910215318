"""Python's cycle collector runs only from the GUI event loop, between events.

Left automatic, the collector runs whenever allocations cross its threshold: in the middle of a slot, inside an
event filter, on a worker thread. A Qt object whose wrapper sits in a reference cycle is then deleted while Qt is
still delivering an event to it, and the process dies in native code (seen as a segfault in a posted queued call
reaching a freed widget). Collecting on a timer of the GUI thread deletes such objects only at the top of the event
loop, where nothing is half-way through an event.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiGarbageCollector(QObject):
    """While it lives, automatic collection is off and ``collect`` runs every ``INTERVAL_MS`` on the GUI thread,
    sweeping the generations whose thresholds were crossed (as the automatic collector would)."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.collect)
        self.timer.start()

    def collect(self) -> int:
        """Collect the oldest generation due (0 when none is): returns how many objects were unreachable."""
        counts = gc.get_count()
        due = [gen for gen in range(3) if counts[gen] > self._thresholds[gen]]
        return gc.collect(due[-1]) if due else 0

    def stop(self) -> None:
        """Back to Python's automatic collection (after a last sweep)."""
        self.timer.stop()
        gc.collect()
        gc.enable()
