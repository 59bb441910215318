"""The Qt-free entry point to one database (like Anki's ``Collection``): the store, the field cipher, the clock.

Services are functions of a ``Ledger``; the GUI, the command line and the tests all open one the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from zhzx_desktop.domain.roles import PERMISSION_LABELS, Permission
from zhzx_desktop.errors import Forbidden
from zhzx_desktop.security import audit, keys, permissions
from zhzx_desktop.security.field_crypto import FieldCipher
from zhzx_desktop.security.session import Actor, Session, system_actor
from zhzx_desktop.storage.db import Store

log = logging.getLogger(__name__)


@dataclass
class Ledger:
    store: Store
    cipher: FieldCipher
    today: Callable[[], date] = date.today
    warnings: list[str] = field(default_factory=list)  # shown to the clerk once (e.g. the keyring fallback)
    session: Session = field(default_factory=lambda: Session(system_actor()))

    def __post_init__(self) -> None:
        _install_hooks(self.store, self.session)

    def reopen(self) -> Ledger:
        """The same database, key and session on a new connection (for another thread)."""
        return Ledger(Store(self.store.path), self.cipher, self.today, session=self.session)

    @property
    def actor(self) -> Actor | None:
        return self.session.actor

    def require(self, permission: Permission, what: str) -> Actor:
        """The current actor if its role allows ``permission``; otherwise ``Forbidden``, and the refusal is audited
        (call it before opening the write, so the refusal's entry is not rolled back with it)."""
        actor = self.session.actor
        if actor is None:
            raise Forbidden(f"请先登录，才能{what}。")
        if actor.can(permission):
            return actor
        if self.store.tx is None:
            with self.store.write():
                audit.record(self.store, actor, "denied", success=False,
                             detail=f"{what}（需要“{PERMISSION_LABELS[permission]}”权限）")
        raise Forbidden(f"当前账户{actor.label}没有“{PERMISSION_LABELS[permission]}”权限，不能{what}。")

    def audit(self, action: str, **fields: object) -> int:
        """Append an audit entry for the current actor, in the write in progress or in its own."""
        actor = self.session.actor or system_actor()
        outer = self.store.tx is None
        with self.store.write():
            seq = audit.record(self.store, actor, action, **fields)  # type: ignore[arg-type]
        if outer:  # committed: move the anchor outside the database (at most every few seconds)
            audit.reanchor_soon(self.store)
        return seq

    def close(self) -> None:
        audit.reanchor(self.store)  # the audit log's head, kept outside the database (never raises)
        self.store.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _install_hooks(store: Store, session: Session) -> None:
    """What every write of the app checks and records, just before it commits (Store.commit_hooks)."""
    store.commit_hooks.append(permissions.guard(session))
    store.commit_hooks.append(audit.summarise(session))


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
    ledger = Ledger(store, cipher, today, [warning] if warning else [])
    _audit_migration(ledger)
    return ledger


def _audit_migration(ledger: Ledger) -> None:
    """The store migrated this database on open (storage/migrations.py left a note): record it once."""
    import json

    from zhzx_desktop.storage.migrations import MIGRATED_META
    note = ledger.store.meta(MIGRATED_META)
    if note is None:
        return
    done = json.loads(note)
    with ledger.store.write() as conn:
        ledger.audit("migrate", object_type="database", object_label=ledger.store.path.name,
                     detail=f"第{done['from']}版→第{done['to']}版；升级前的副本 {done['copy']}")
        conn.execute("DELETE FROM app_meta WHERE k = ?", (MIGRATED_META,))
