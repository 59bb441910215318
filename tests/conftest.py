"""Shared fixtures: offscreen Qt, an in-memory keyring, a migrated temp database, a fixed clock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring
import pytest

from tests.memory_keyring import MemoryKeyring
from zhzx_desktop.services.ledger import Ledger, open_ledger

TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def state_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Per-database state outside the database (the sync epoch, the audit log's anchor) goes to a temp dir."""
    folder = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("ZHZX_STATE_DIR", str(folder))
    return folder


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "zhzx.db"


@pytest.fixture
def ledger(db_path: Path, tmp_path: Path) -> Iterator[Ledger]:
    opened = open_ledger(db_path, key_fallback_dir=tmp_path / "keys", today=lambda: TODAY)
    yield opened
    opened.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if f"{os.sep}tests{os.sep}gui{os.sep}" in str(item.fspath):
            item.add_marker(pytest.mark.gui)
