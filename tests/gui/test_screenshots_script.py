"""scripts/screenshots.py: run as the README says (its own process, offscreen, a small demo) into a temp folder; every
main screen becomes a PNG of the expected size that shows something (not one flat colour, not a blank window)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "screenshots.py"
MAIN_SCREENS = ("login", "today", "residents", "resident_dialog", "teams", "case", "agreement_preview", "sync", "audit")
WINDOW_SCREENS = ("today", "residents", "teams", "case", "sync", "audit")


def _colours(image: QImage, step: int = 7) -> Counter[int]:
    return Counter(image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step))


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("shots")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, str(SCRIPT), "--out", str(out), "--residents", "150", "--cases", "16"],
                          check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=110)
    assert done.returncode == 0, done.stderr[-3000:]
    return out, done.stdout


def test_every_main_screen_is_written_and_not_blank(shots: tuple[Path, str]) -> None:
    out, stdout = shots
    for name in MAIN_SCREENS:
        path = out / f"{name}.png"
        assert path.is_file(), f"{name}.png missing; output:\n{stdout}"
        image = QImage(str(path))
        assert not image.isNull() and image.width() >= 400 and image.height() >= 150, name
        colours = _colours(image)
        top_share = colours.most_common(1)[0][1] / sum(colours.values())
        assert len(colours) >= 8 and top_share < 0.9, f"{name}.png looks blank ({len(colours)} colours)"
    for name in WINDOW_SCREENS:
        assert QImage(str(out / f"{name}.png")).size().toTuple() == (1280, 800), name
    assert f"{len(list(out.glob('*.png')))} screenshots in {out}" in stdout


def test_screens_of_parts_not_in_the_tree_are_skipped_not_faked(shots: tuple[Path, str]) -> None:
    out, stdout = shots
    optional = {"dashboard": ROOT / "zhzx_desktop/gui/pages/dashboard_page.py",
                "monthly_report": ROOT / "zhzx_desktop/gui/dialogs/monthly_report_dialog.py",
                "setup_wizard": ROOT / "zhzx_desktop/gui/dialogs/setup_wizard.py",
                "training": ROOT / "zhzx_desktop/gui/training.py"}
    for name, module in optional.items():
        if module.exists():
            assert (out / f"{name}.png").is_file() or f"skipped {name}:" in stdout, name
        else:
            assert not (out / f"{name}.png").exists() and f"skipped {name}:" in stdout, name


def test_the_agreement_preview_shows_the_rendered_page(shots: tuple[Path, str]) -> None:
    image = QImage(str(shots[0] / "agreement_preview.png"))
    middle = image.copy(image.width() // 4, image.height() // 4, image.width() // 2, image.height() // 2)
    colours = _colours(middle, 3)
    white = sum(n for pixel, n in colours.items() if pixel & 0xFFFFFF == 0xFFFFFF)
    assert white / sum(colours.values()) > 0.5  # the paper …
    assert len(colours) >= 8  # … with text on it
