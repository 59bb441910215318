"""Roles and what each may do (DOMAIN.md §4: 最小必要, 权限分离, 三员分立).

A village PC has a handful of accounts, each with one role. The matrix below is the only place that says who may do
what: the GUI hides what a role may not use, and the services refuse it (``Ledger.require``) — a hidden button is a
convenience, the refusal is the rule. ``system`` is the command line run by the operating-system account that holds
the data key (county IT, scripts, tests); it is never an account in the database.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CLERK = "clerk"          # 录入员: keeps the register of residents, households, grids, teams
    MEDIATOR = "mediator"    # 调解员: the 和事佬 cases
    DIRECTOR = "director"    # 主任: everything of the village's business, exports, the audit log
    ADMIN = "admin"          # 管理员: accounts, backups, sync — not the people's data
    AUDITOR = "auditor"      # 审计员: the audit log, read-only
    SYSTEM = "system"        # the command line (not an account)


class Permission(StrEnum):
    REGISTER_VIEW = "register_view"      # residents, households, grids, teams (ID numbers and phones masked)
    REGISTER_EDIT = "register_edit"      # add, edit, import, merge, undo in the register
    SENSITIVE_VIEW = "sensitive_view"    # categories marked sensitive in the code tables (特殊人群, 精神障碍 …)
    FULL_ID_VIEW = "full_id_view"        # 查看完整号码 (asks for a reason; audited)
    CASES_VIEW = "cases_view"            # the 和事佬 mediation cases (人民调解法 §15: the parties' privacy)
    CASES_EDIT = "cases_edit"            # intake, sessions, agreements, printing, follow-ups, the case file
    EXPORT = "export"                    # Excel exports, saving PDFs outside the case file, USB data bundles
    ACCOUNTS_MANAGE = "accounts_manage"  # create accounts, reset passwords, unlock, change roles
    AUDIT_VIEW = "audit_view"            # read and verify the audit log
    BACKUP_MANAGE = "backup_manage"      # back up now, restore, backup folders
    SYNC_MANAGE = "sync_manage"          # enrol with the county, sync now, settle conflict cards


ROLE_LABELS: dict[Role, str] = {
    Role.CLERK: "录入员", Role.MEDIATOR: "调解员", Role.DIRECTOR: "主任", Role.ADMIN: "管理员",
    Role.AUDITOR: "审计员", Role.SYSTEM: "命令行",
}

PERMISSION_LABELS: dict[Permission, str] = {
    Permission.REGISTER_VIEW: "查看居民台账", Permission.REGISTER_EDIT: "修改居民台账",
    Permission.SENSITIVE_VIEW: "查看特殊人群等敏感类别", Permission.FULL_ID_VIEW: "查看完整证件号码",
    Permission.CASES_VIEW: "查看调解案件", Permission.CASES_EDIT: "办理调解案件", Permission.EXPORT: "导出数据",
    Permission.ACCOUNTS_MANAGE: "管理账户", Permission.AUDIT_VIEW: "查看审计日志",
    Permission.BACKUP_MANAGE: "备份与恢复", Permission.SYNC_MANAGE: "同步管理",
}

_P = Permission
PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CLERK: frozenset({_P.REGISTER_VIEW, _P.REGISTER_EDIT, _P.SENSITIVE_VIEW, _P.FULL_ID_VIEW}),
    Role.MEDIATOR: frozenset({_P.REGISTER_VIEW, _P.FULL_ID_VIEW, _P.CASES_VIEW, _P.CASES_EDIT}),
    Role.DIRECTOR: frozenset({_P.REGISTER_VIEW, _P.REGISTER_EDIT, _P.SENSITIVE_VIEW, _P.FULL_ID_VIEW, _P.CASES_VIEW,
                              _P.CASES_EDIT, _P.EXPORT, _P.AUDIT_VIEW, _P.BACKUP_MANAGE, _P.SYNC_MANAGE}),
    Role.ADMIN: frozenset({_P.ACCOUNTS_MANAGE, _P.BACKUP_MANAGE, _P.SYNC_MANAGE}),
    Role.AUDITOR: frozenset({_P.AUDIT_VIEW}),
    Role.SYSTEM: frozenset(Permission),
}

# Roles an account can have (``system`` is not one).
ACCOUNT_ROLES: tuple[Role, ...] = (Role.CLERK, Role.MEDIATOR, Role.DIRECTOR, Role.ADMIN, Role.AUDITOR)


def can(role: Role, permission: Permission) -> bool:
    return permission in PERMISSIONS[role]
