"""The committed generated forms match their Designer sources (run resources/build_qt.py after editing a .ui)."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("build_qt", ROOT / "resources" / "build_qt.py")
assert spec is not None and spec.loader is not None
build_qt = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_qt)

UI_FILES = sorted((ROOT / "ui").glob("*.ui"))


def test_there_are_forms() -> None:
    assert UI_FILES


@pytest.mark.parametrize("ui_file", UI_FILES, ids=lambda p: p.name)
def test_generated_form_is_up_to_date(ui_file: Path) -> None:
    generated = build_qt.target(ui_file)
    assert generated.exists(), f"run resources/build_qt.py: {generated.name} is missing"
    assert generated.read_text(encoding="utf-8") == build_qt.compile_form(ui_file), \
        f"{generated.name} is stale: run resources/build_qt.py"
