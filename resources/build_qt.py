"""Compile Qt Designer forms (ui/*.ui) into zhzx_desktop/gui/forms/ui_*.py (committed; a test checks for drift).

Run after editing a form: ``python resources/build_qt.py``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UI_DIR = ROOT / "ui"
FORMS_DIR = ROOT / "zhzx_desktop" / "gui" / "forms"


def uic_executable() -> str:
    return str(Path(sys.executable).with_name("pyside6-uic"))


def compile_form(ui_file: Path) -> str:
    """The generated Python source of one form."""
    done = subprocess.run([uic_executable(), "--from-imports", str(ui_file)], capture_output=True, text=True,
                          check=True)
    return done.stdout


def target(ui_file: Path) -> Path:
    return FORMS_DIR / f"ui_{ui_file.stem}.py"


def main() -> int:
    FORMS_DIR.mkdir(exist_ok=True)
    (FORMS_DIR / "__init__.py").write_text('"""Generated from ../../../ui/*.ui by resources/build_qt.py."""\n',
                                           encoding="utf-8")
    for ui_file in sorted(UI_DIR.glob("*.ui")):
        target(ui_file).write_text(compile_form(ui_file), encoding="utf-8")
        print(f"{ui_file.relative_to(ROOT)} → {target(ui_file).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
