"""What the logged-in role sees of a page (domain/roles.py): the buttons of actions it may not take are hidden, and
pages it may only read do not open edit dialogs. A hidden button is a convenience — the services refuse anyway
(``Ledger.require``, ``security/permissions.guard``)."""

from __future__ import annotations

import warnings

from PySide6.QtWidgets import QAbstractItemView, QPushButton, QWidget

from zhzx_desktop.domain.roles import Permission
from zhzx_desktop.security.session import Actor

_REGISTER = Permission.REGISTER_EDIT

# page class name → {permission: objectNames of the buttons that need it}
BUTTONS: dict[str, dict[Permission, tuple[str, ...]]] = {
    "ResidentsPage": {_REGISTER: ("new_button", "edit_button", "status_button", "merge_button", "import_button",
                                  "journal_button"),
                      Permission.EXPORT: ("export_button",)},
    "HouseholdsPage": {_REGISTER: ("new_household_button", "edit_household_button", "move_in_button",
                                   "relation_button", "make_head_button", "dissolve_button")},
    "GridsPage": {_REGISTER: ("new_grid_button", "edit_grid_button", "add_worker_button", "edit_worker_button",
                              "end_worker_button")},
    "TeamsPage": {_REGISTER: ("new_button", "edit_button", "add_member_button", "leave_button", "log_button",
                              "edit_activity_button")},
    "CasesPage": {Permission.CASES_EDIT: ("new_case_button", "committee_button")},
    "SyncPage": {Permission.SYNC_MANAGE: ("sync_button", "enroll_button"),
                 Permission.EXPORT: ("usb_button",)},
}
# page class name → the permission its Ctrl+N and its double-click editing need
EDIT_PERMISSION: dict[str, Permission] = {
    "ResidentsPage": _REGISTER, "HouseholdsPage": _REGISTER, "GridsPage": _REGISTER, "TeamsPage": _REGISTER,
    "CasesPage": Permission.CASES_EDIT,
}
# pages whose tables open edit dialogs on a double-click (the resident dialog opens read-only instead)
_DOUBLE_CLICK_EDITS = ("HouseholdsPage", "GridsPage", "TeamsPage")


def allowed(actor: Actor | None, permission: Permission | None) -> bool:
    return permission is None or (actor is not None and actor.can(permission))


def read_only(page: QWidget, actor: Actor | None) -> bool:
    """True when ``actor`` may not change what ``page`` shows."""
    permission = EDIT_PERMISSION.get(type(page).__name__)
    return permission is not None and not allowed(actor, permission)


def apply(page: QWidget, actor: Actor | None) -> None:
    """Hide the buttons ``actor`` may not use on a freshly built ``page`` (and stop its tables opening edit dialogs
    when it may only read)."""
    name = type(page).__name__
    for permission, buttons in BUTTONS.get(name, {}).items():
        if allowed(actor, permission):
            continue
        for button_name in buttons:
            for button in page.findChildren(QPushButton, button_name):
                button.setVisible(False)
    if name in _DOUBLE_CLICK_EDITS and read_only(page, actor):
        for view in page.findChildren(QAbstractItemView):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # a view with nothing connected
                try:
                    view.doubleClicked.disconnect()
                except (RuntimeError, TypeError):
                    pass
