"""The rule at the bottom of the role matrix: a write that changes rows the actor's role may not change is refused
before it commits (Store.commit_hooks), whatever screen or command it came from."""

from __future__ import annotations

from zhzx_desktop.security.session import Session
from zhzx_desktop.storage.db import CommitHook


def guard(session: Session) -> CommitHook:
    def check(conn, tx):  # type: ignore[no-untyped-def]  # TODO(enforcement helper): implement
        del conn, tx
    return check
