"""Fixtures of the kill tests: a home folder for the child processes and the key file they share with the test."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest

from tests.crash.kill import key_dir
from zhzx_desktop.security.keys import OwnerOnlyFileKeyring


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The children's XDG home; the test process keeps its data keys in the same owner-only key file."""
    keyring.set_keyring(OwnerOnlyFileKeyring(key_dir(tmp_path) / "keyring.json"))  # restored by memory_keyring
    monkeypatch.setenv("ZHZX_STATE_DIR", str(tmp_path / "sync-state"))
    monkeypatch.delenv("ZHZX_SYNC_CRASH_AT", raising=False)
    return tmp_path
