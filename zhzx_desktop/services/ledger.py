"""The Qt-free entry point to one database (like Anki's ``Collection``): the store, the field cipher, the clock.

Services are functions of a ``Ledger``; the GUI, the command line and the tests all open one the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from zhzx_desktop.security import keys
from zhzx_desktop.security.field_crypto import FieldCipher
from zhzx_desktop.storage.db import Store

log = logging.getLogger(__name__)


@dataclass
class Ledger:
    store: Store
    cipher: FieldCipher
    today: Callable[[], date] = date.today
    warnings: list[str] = field(default_factory=list)  # shown to the clerk once (e.g. the keyring fallback)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_ledger(path: Path | str, *, key_fallback_dir: Path, today: Callable[[], date] = date.today) -> Ledger:
    """Open (creating and migrating if needed) the database at ``path`` and unlock its data key."""
    warning = keys.ensure_backend(key_fallback_dir)
    store = Store(path)
    try:
        db_id = store.meta("db_id")
        assert db_id is not None, "migration 1 always records db_id"
        if store.meta("key_check") is not None:
            cipher, _ = keys.open_cipher(db_id, store.meta("key_check"))
        else:  # a new database: create its key under the write lock, so two first opens agree on one key
            with store.write() as conn:
                cipher, new_check = keys.open_cipher(db_id, store.meta("key_check"))
                if new_check is not None:
                    conn.execute("INSERT INTO app_meta(k, v) VALUES ('key_check', ?)", (new_check,))
    except BaseException:
        store.close()
        raise
    return Ledger(store, cipher, today, [warning] if warning else [])
