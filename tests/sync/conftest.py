"""Fixtures of the sync fault tests: the county server on loopback, the fault proxy in front of it, village PCs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

from tests.sync.harness import (
    OTHER_CODE,
    OTHER_NAME,
    VILLAGE_CODE,
    VILLAGE_NAME,
    ServerThread,
    VillageClient,
    add_village,
    new_enrollment_code,
)
from tests.sync.proxy import FaultProxy


@pytest.fixture(autouse=True)
def sync_state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The device-epoch state files (outside the DB) of this test's clients; no crash point leaks in."""
    folder = tmp_path / "sync-state"
    monkeypatch.setenv("ZHZX_STATE_DIR", str(folder))
    monkeypatch.delenv("ZHZX_SYNC_CRASH_AT", raising=False)
    return folder


@pytest.fixture
def file_keyring(tmp_path: Path) -> Any:
    """A keyring file shared with subprocess clients (they run with the fail backend → the owner-only key file)."""
    from zhzx_desktop.security.keys import OwnerOnlyFileKeyring

    backend = OwnerOnlyFileKeyring(tmp_path / "config" / "zhzx-desktop" / "keyring.json")
    keyring.set_keyring(backend)  # the autouse memory_keyring fixture restores the previous backend afterwards
    return backend


@pytest.fixture
def faults() -> Any:
    app = pytest.importorskip("sync.server.app", exc_type=ImportError)
    return app.Faults()


@pytest.fixture
def county(tmp_path: Path, faults: Any) -> Iterator[ServerThread]:
    server = ServerThread(tmp_path / "county.db", faults)
    add_village(server.store, VILLAGE_CODE, VILLAGE_NAME)
    add_village(server.store, OTHER_CODE, OTHER_NAME)
    yield server
    server.stop()


@pytest.fixture
def proxy(county: ServerThread) -> Iterator[FaultProxy]:
    with FaultProxy(county.host, county.port) as p:
        yield p


@pytest.fixture
def village(tmp_path: Path, county: ServerThread, proxy: FaultProxy) -> Iterator[Callable[..., VillageClient]]:
    """``village(name, code=VILLAGE_CODE, direct=False)`` → a new PC of that village, enrolled through the proxy."""
    pytest.importorskip("sync.client", exc_type=ImportError)
    made: list[VillageClient] = []

    def make(name: str = "东华一号机", code: str = VILLAGE_CODE, *, direct: bool = False) -> VillageClient:
        client = VillageClient(tmp_path, name, block=len(made))
        client.enroll(county.url if direct else proxy.url, new_enrollment_code(county.store, code))
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()
