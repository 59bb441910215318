"""How a long service call reports progress: ``progress(done, total)``, which raises ``Cancelled`` when the clerk
cancelled (the GUI's operation helper supplies it; the command line passes ``None`` or prints)."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int], None]


def report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)
