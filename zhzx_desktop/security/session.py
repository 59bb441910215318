"""Who is working now. One ``Session`` object is shared by the GUI thread's ledger and the worker's ledger, so a
login, a logout or a switch of user at the idle lock is seen by both at once."""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from zhzx_desktop.domain.roles import ROLE_LABELS, Permission, Role, can


@dataclass(frozen=True)
class Actor:
    account_id: str | None  # None for the command line
    username: str
    display_name: str
    role: Role

    def can(self, permission: Permission) -> bool:
        return can(self.role, permission)

    @property
    def label(self) -> str:
        """How the audit log and the status bar name this actor: 王芳（调解员）."""
        return f"{self.display_name}（{ROLE_LABELS[self.role]}）"


def system_actor() -> Actor:
    """The command line, named after the operating-system account running it."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "?"
    return Actor(None, "system", f"命令行 {who}", Role.SYSTEM)


class Session:
    def __init__(self, actor: Actor | None) -> None:
        self.actor = actor  # None: nobody is logged in (the login dialog or the idle lock is showing)
