"""The people who log in to this PC (DOMAIN.md §4, 等保 2.0 身份鉴别): accounts, passwords, login, lockout.

Passwords are hashed with Argon2id (memory-hard) and kept as a PHC string that names its parameters and salt
(``$argon2id$v=19$m=65536,t=3,p=1$<salt>$<hash>``), so the parameters can be raised later: a login with a hash made
under older parameters rehashes the password. The rules: at least 8 characters of at least 3 kinds (大写字母, 小写字母,
数字, 符号), not containing the username, a new password differs from the current one, a password older than 90 days
must change, and so must an initial or reset password. Five consecutive failures lock the account for 15 minutes.

An unknown username and a wrong password get the same answer (no one learns which usernames exist), and the unknown
username still costs one hash (no timing difference). Every login, failure, lockout and account change is in the
audit log — never a password.
"""

from __future__ import annotations

import base64
import hmac
import math
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from zhzx_desktop.domain.roles import ACCOUNT_ROLES, ROLE_LABELS, Permission, Role
from zhzx_desktop.errors import InvalidInput, UserError
from zhzx_desktop.security import audit
from zhzx_desktop.security.session import Actor, Session
from zhzx_desktop.storage.db import Store
from zhzx_desktop.storage.rows import new_id

MIN_LENGTH = 8
MAX_LENGTH = 128
MIN_KINDS = 3
MAX_FAILURES = 5
LOCK_MINUTES = 15
PASSWORD_MAX_AGE_DAYS = 90
USERNAME_MAX = 32
DISPLAY_NAME_MAX = 30
WRONG_CREDENTIALS = "用户名或密码不正确"
_USERNAME_RE = re.compile(r"[0-9A-Za-z_.\-\u4e00-\u9fff]{2,32}")
_RESERVED_USERNAMES = frozenset({"system"})


class Ledger(Protocol):
    """What this module needs of ``services.ledger.Ledger`` (security sits below services in the layers)."""

    store: Store
    session: Session

    def require(self, permission: Permission, what: str) -> Actor: ...

    def audit(self, action: str, **fields: object) -> int: ...


@dataclass(frozen=True)
class HashParams:
    memory_kib: int = 65536  # 64 MiB
    iterations: int = 3
    lanes: int = 1
    salt_bytes: int = 16
    hash_bytes: int = 32


# What new hashes use (~170 ms on the development PC; see notes). A stored hash with other parameters is rehashed at
# the next successful login.
PARAMS = HashParams()


# ---- hashing


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def _derive(password: str, salt: bytes, memory_kib: int, iterations: int, lanes: int, length: int) -> bytes:
    kdf = Argon2id(salt=salt, length=length, iterations=iterations, lanes=lanes, memory_cost=memory_kib)
    return kdf.derive(password.encode("utf-8"))


def hash_password(password: str, params: HashParams | None = None) -> str:
    """The PHC string for ``password``: ``$argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>`` (base64 without padding)."""
    p = params or PARAMS
    salt = os.urandom(p.salt_bytes)
    digest = _derive(password, salt, p.memory_kib, p.iterations, p.lanes, p.hash_bytes)
    return f"$argon2id$v=19$m={p.memory_kib},t={p.iterations},p={p.lanes}${_b64(salt)}${_b64(digest)}"


@dataclass(frozen=True)
class _Parsed:
    memory_kib: int
    iterations: int
    lanes: int
    salt: bytes
    digest: bytes


def _parse(phc: str) -> _Parsed | None:
    parts = phc.split("$")
    if len(parts) != 6 or parts[1] != "argon2id" or parts[2] != "v=19":
        return None
    try:
        values = dict(item.split("=", 1) for item in parts[3].split(","))
        return _Parsed(int(values["m"]), int(values["t"]), int(values["p"]), _unb64(parts[4]), _unb64(parts[5]))
    except (KeyError, ValueError):
        return None


def verify_password(password: str, phc: str) -> bool:
    """Whether ``password`` matches the stored PHC string (constant-time comparison of the digests)."""
    parsed = _parse(phc)
    if parsed is None:
        return False
    digest = _derive(password, parsed.salt, parsed.memory_kib, parsed.iterations, parsed.lanes, len(parsed.digest))
    return hmac.compare_digest(digest, parsed.digest)


def needs_rehash(phc: str, params: HashParams | None = None) -> bool:
    p = params or PARAMS
    parsed = _parse(phc)
    return parsed is None or (parsed.memory_kib, parsed.iterations, parsed.lanes, len(parsed.salt),
                              len(parsed.digest)) != (p.memory_kib, p.iterations, p.lanes, p.salt_bytes, p.hash_bytes)


_dummy_hash: str | None = None


def _burn_time(password: str) -> None:
    """Spend one hash on an unknown username, so its answer takes as long as a wrong password's."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hash_password("不存在的账户")
    verify_password(password, _dummy_hash)


# ---- rules


def _kinds(password: str) -> int:
    upper = any(c.isascii() and c.isupper() for c in password)
    lower = any(c.isascii() and c.islower() for c in password)
    digit = any(c.isascii() and c.isdigit() for c in password)
    symbol = any(not (c.isascii() and c.isalnum()) and not c.isspace() for c in password)
    return upper + lower + digit + symbol


PASSWORD_RULES = (f"密码至少{MIN_LENGTH}位，须包含大写字母、小写字母、数字、符号中的至少{MIN_KINDS}种，"
                  "不能包含用户名，新密码不能与原密码相同。")


def check_password(password: str, username: str, current_hash: str | None = None) -> None:
    """Raise ``InvalidInput`` (field ``password``, one error per broken rule) unless ``password`` keeps every rule."""
    errors: list[UserError] = []
    if len(password) < MIN_LENGTH:
        errors.append(UserError("password", "password_too_short",
                                f"密码太短：至少{MIN_LENGTH}位，现有{len(password)}位"))
    elif len(password) > MAX_LENGTH:
        errors.append(UserError("password", "password_too_long", f"密码太长：最多{MAX_LENGTH}位"))
    if _kinds(password) < MIN_KINDS:
        errors.append(UserError("password", "password_too_simple",
                                f"密码太简单：须包含大写字母、小写字母、数字、符号中的至少{MIN_KINDS}种"))
    if username and username.casefold() in password.casefold():
        errors.append(UserError("password", "password_contains_username", "密码不能包含用户名"))
    if current_hash is not None and not errors and verify_password(password, current_hash):
        errors.append(UserError("password", "password_unchanged", "新密码不能与原密码相同"))
    if errors:
        raise InvalidInput(errors)


def _check_username(username: str) -> str:
    cleaned = username.strip()
    if not cleaned:
        raise UserError("username", "required", "请填写用户名")
    if not _USERNAME_RE.fullmatch(cleaned):
        raise UserError("username", "username_invalid",
                        f"用户名须为2～{USERNAME_MAX}个字符，只能用汉字、字母、数字、下划线、点或连字符，不能有空格")
    if cleaned.casefold() in _RESERVED_USERNAMES:
        raise UserError("username", "username_reserved", f"“{cleaned}”是系统保留的名字，请换一个用户名")
    return cleaned


def _check_display_name(display_name: str) -> str:
    cleaned = display_name.strip()
    if not cleaned:
        raise UserError("display_name", "required", "请填写姓名")
    if len(cleaned) > DISPLAY_NAME_MAX:
        raise UserError("display_name", "text_too_long",
                        f"姓名太长：最多{DISPLAY_NAME_MAX}个字，现有{len(cleaned)}个字")
    return cleaned


def _check_role(role: Role | str) -> Role:
    try:
        value = Role(role)
    except ValueError:
        value = Role.SYSTEM
    if value not in ACCOUNT_ROLES:
        raise UserError("role", "role_invalid", "请选择角色：录入员、调解员、主任、管理员或审计员")
    return value


# ---- records


def _now() -> datetime:
    return datetime.now().astimezone()


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.astimezone()


@dataclass(frozen=True)
class Account:
    id: str
    username: str
    display_name: str
    role: Role
    must_change: bool
    password_changed_at: str
    failed_logins: int
    locked_until: str | None
    active: bool
    created_at: str

    @property
    def actor(self) -> Actor:
        return Actor(self.id, self.username, self.display_name, self.role)

    def locked_minutes(self, now: datetime | None = None) -> int:
        """Minutes left of a lockout (rounded up), 0 when not locked."""
        until = _parse_time(self.locked_until)
        moment = now or _now()
        if until is None or until <= moment:
            return 0
        return max(1, math.ceil((until - moment).total_seconds() / 60))

    def password_expired(self, now: datetime | None = None) -> bool:
        changed = _parse_time(self.password_changed_at)
        return changed is not None and (now or _now()) - changed > timedelta(days=PASSWORD_MAX_AGE_DAYS)

    def status(self, now: datetime | None = None) -> str:
        """正常 / 已锁定 / 已停用 / 需改密码 (the accounts page's 状态 column)."""
        if not self.active:
            return "已停用"
        if self.locked_minutes(now):
            return "已锁定"
        if self.must_change or self.password_expired(now):
            return "需改密码"
        return "正常"

    @property
    def label(self) -> str:
        return f"{self.display_name}（{ROLE_LABELS[self.role]}）"


_COLUMNS = ("id, username, display_name, role, must_change, password_changed_at, failed_logins, locked_until, active, "
            "created_at")


def _account(row: tuple[object, ...]) -> Account:
    return Account(str(row[0]), str(row[1]), str(row[2]), Role(str(row[3])), bool(row[4]), str(row[5]),
                   int(row[6]), str(row[7]) if row[7] is not None else None, bool(row[8]), str(row[9]))  # type: ignore[call-overload]


def _by_username(ledger: Ledger, username: str) -> tuple[Account, str] | None:
    row = ledger.store.conn.execute(f"SELECT {_COLUMNS}, password_hash FROM accounts WHERE username = ?",
                                    (username,)).fetchone()
    return (_account(row[:-1]), str(row[-1])) if row else None


def _by_id(ledger: Ledger, account_id: str) -> tuple[Account, str]:
    row = ledger.store.conn.execute(f"SELECT {_COLUMNS}, password_hash FROM accounts WHERE id = ?",
                                    (account_id,)).fetchone()
    if row is None:
        raise UserError("form", "account_missing", "找不到这个账户，可能已被其他人修改，请刷新后重试")
    return _account(row[:-1]), str(row[-1])


def get_account(ledger: Ledger, account_id: str) -> Account:
    return _by_id(ledger, account_id)[0]


def list_accounts(ledger: Ledger) -> list[Account]:
    rows = ledger.store.conn.execute(
        f"SELECT {_COLUMNS} FROM accounts ORDER BY active DESC, username COLLATE NOCASE").fetchall()
    return [_account(row) for row in rows]


def accounts_exist(ledger: Ledger) -> bool:
    return bool(ledger.store.conn.execute("SELECT EXISTS (SELECT 1 FROM accounts)").fetchone()[0])


# ---- creating accounts


def _insert(ledger: Ledger, username: str, display_name: str, role: Role, password: str, must_change: bool) -> Account:
    conn = ledger.store.conn
    if conn.execute("SELECT 1 FROM accounts WHERE username = ?", (username,)).fetchone():
        raise InvalidInput([UserError("username", "username_taken", f"用户名“{username}”已被使用，请换一个")])
    now = _iso(_now())
    account_id = new_id()
    conn.execute("INSERT INTO accounts(id, username, display_name, role, password_hash, must_change, "
                 "password_changed_at, failed_logins, locked_until, active, created_at) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, 0, NULL, 1, ?)",
                 (account_id, username, display_name, str(role), hash_password(password), int(must_change), now, now))
    return _by_id(ledger, account_id)[0]


def _validated(username: str, display_name: str, role: Role | str, password: str) -> tuple[str, str, Role]:
    collector_errors: list[UserError] = []
    values: list[object] = []
    for check, arg in ((_check_username, username), (_check_display_name, display_name), (_check_role, role)):
        try:
            values.append(check(arg))
        except UserError as exc:
            collector_errors.append(exc)
            values.append(None)
    try:
        check_password(password, str(values[0] or username.strip()))
    except InvalidInput as exc:
        collector_errors.extend(exc.errors)
    if collector_errors:
        raise InvalidInput(collector_errors)
    return str(values[0]), str(values[1]), Role(str(values[2]))


def create_first_admin(ledger: Ledger, username: str, display_name: str, password: str) -> Actor:
    """The first run: the first account, an administrator who chose their own password (no forced change)."""
    name, shown, role = _validated(username, display_name, Role.ADMIN, password)
    with ledger.store.write():
        if accounts_exist(ledger):
            raise UserError("form", "accounts_exist", "本机已经有账户了，请用已有的账户登录")
        account = _insert(ledger, name, shown, role, password, must_change=False)
        audit.record(ledger.store, account.actor, "account_created", object_type="accounts", object_id=account.id,
                     object_label=account.label, detail="首次使用：创建管理员账户")
    return account.actor


def create_account(ledger: Ledger, username: str, display_name: str, role: Role | str,
                   initial_password: str, *, must_change: bool = True) -> Account:
    """An administrator adds an account; its initial password must be changed at the first login (``must_change``
    False only for the demo database's ready-made accounts)."""
    actor = ledger.require(Permission.ACCOUNTS_MANAGE, "新建账户")
    name, shown, checked_role = _validated(username, display_name, role, initial_password)
    with ledger.store.write():
        account = _insert(ledger, name, shown, checked_role, initial_password, must_change=must_change)
        audit.record(ledger.store, actor, "account_created", object_type="accounts", object_id=account.id,
                     object_label=account.label, detail=f"角色：{ROLE_LABELS[checked_role]}")
    return account


# ---- logging in


@dataclass(frozen=True)
class LoginResult:
    actor: Actor
    must_change_password: bool = False
    reason: str = ""  # why the password must change: '' | 'initial' | 'expired'


def _unknown_actor(username: str) -> Actor:
    """Who the log names for a failed login with a username no account has (the name as typed, shortened)."""
    return Actor(None, username[:USERNAME_MAX] or "（空）", "（不存在的用户名）", Role.SYSTEM)


def _locked_message(minutes: int) -> str:
    return f"账户已锁定，请{minutes}分钟后再试，或请管理员解锁"


def login(ledger: Ledger, username: str, password: str) -> LoginResult:
    """Check ``username`` and ``password``. Returns the account's actor (the caller puts it into the session) and
    whether the password must change first; raises ``UserError`` (field ``form``) with the same message for an
    unknown user and a wrong password, a lockout message after the 5th consecutive failure, and a refusal for a
    disabled account. Every outcome is audited."""
    typed = username.strip()
    failure: UserError | None = None
    result: LoginResult | None = None
    with ledger.store.write() as conn:
        found = _by_username(ledger, typed) if typed else None
        if found is None:
            _burn_time(password)
            audit.record(ledger.store, _unknown_actor(typed), "login_failed", success=False, detail="用户名不存在")
            failure = UserError("form", "wrong_credentials", WRONG_CREDENTIALS)
        else:
            account, stored = found
            now = _now()
            failed = account.failed_logins
            if account.locked_until is not None and not account.locked_minutes(now):
                failed = 0  # the lockout has run out: a fresh count
                conn.execute("UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = ?", (account.id,))
            minutes = account.locked_minutes(now)
            if minutes:
                audit.record(ledger.store, account.actor, "login_failed", object_type="accounts",
                             object_id=account.id, object_label=account.label, success=False, detail="账户已锁定")
                failure = UserError("form", "account_locked", _locked_message(minutes))
            elif not verify_password(password, stored):
                failed += 1
                locked_until = _iso(now + timedelta(minutes=LOCK_MINUTES)) if failed >= MAX_FAILURES else None
                conn.execute("UPDATE accounts SET failed_logins = ?, locked_until = ? WHERE id = ?",
                             (failed, locked_until, account.id))
                audit.record(ledger.store, account.actor, "login_failed", object_type="accounts",
                             object_id=account.id, object_label=account.label, success=False,
                             detail=f"密码错误（连续第{failed}次）")
                if locked_until is not None:
                    audit.record(ledger.store, account.actor, "account_locked", object_type="accounts",
                                 object_id=account.id, object_label=account.label,
                                 detail=f"连续{failed}次密码错误，锁定{LOCK_MINUTES}分钟")
                    failure = UserError("form", "account_locked", _locked_message(LOCK_MINUTES))
                else:
                    failure = UserError("form", "wrong_credentials", WRONG_CREDENTIALS)
            elif not account.active:
                audit.record(ledger.store, account.actor, "login_failed", object_type="accounts",
                             object_id=account.id, object_label=account.label, success=False, detail="账户已停用")
                failure = UserError("form", "account_disabled", "该账户已停用，请联系管理员")
            else:
                new_hash = hash_password(password) if needs_rehash(stored) else stored
                conn.execute("UPDATE accounts SET failed_logins = 0, locked_until = NULL, password_hash = ? "
                             "WHERE id = ?", (new_hash, account.id))
                reason = "initial" if account.must_change else "expired" if account.password_expired(now) else ""
                detail = {"initial": "须修改初始密码", "expired": f"密码已超过{PASSWORD_MAX_AGE_DAYS}天，须修改",
                          "": ""}[reason]
                audit.record(ledger.store, account.actor, "login", object_type="accounts", object_id=account.id,
                             object_label=account.label, detail=detail)
                result = LoginResult(account.actor, bool(reason), reason)
    if failure is not None:
        raise failure
    assert result is not None
    return result


def logout(ledger: Ledger, actor: Actor | None = None) -> None:
    """``actor`` (by default the session's) leaves: audited; when it is the session's, nobody is logged in any more."""
    leaving = actor or ledger.session.actor
    if leaving is not None and leaving.account_id is not None:
        with ledger.store.write():
            audit.record(ledger.store, leaving, "logout", object_type="accounts", object_id=leaving.account_id,
                         object_label=leaving.label)
    if ledger.session.actor == leaving:
        ledger.session.actor = None


def record_screen_locked(ledger: Ledger, detail: str = "") -> None:
    """The idle lock (or 锁定屏幕) covered the window; the account stays logged in until it is unlocked."""
    actor = ledger.session.actor
    if actor is not None and actor.account_id is not None:
        ledger.audit("screen_locked", object_type="accounts", object_id=actor.account_id, object_label=actor.label,
                     detail=detail)


# ---- passwords


def change_password(ledger: Ledger, account_id: str, old: str, new: str) -> None:
    """The account's own change: the current password proves who asks; the new one must keep every rule."""
    account, stored = _by_id(ledger, account_id)
    if not verify_password(old, stored):
        raise InvalidInput([UserError("old_password", "wrong_password", "当前密码不正确")])
    check_password(new, account.username, stored)
    with ledger.store.write() as conn:
        conn.execute("UPDATE accounts SET password_hash = ?, must_change = 0, password_changed_at = ?, "
                     "failed_logins = 0, locked_until = NULL WHERE id = ?",
                     (hash_password(new), _iso(_now()), account.id))
        audit.record(ledger.store, account.actor, "password_changed", object_type="accounts", object_id=account.id,
                     object_label=account.label)


def reset_password(ledger: Ledger, account_id: str, new_initial: str) -> None:
    """An administrator sets a new initial password (the account must change it at its next login); also unlocks."""
    actor = ledger.require(Permission.ACCOUNTS_MANAGE, "重置密码")
    account, _stored = _by_id(ledger, account_id)
    check_password(new_initial, account.username)
    with ledger.store.write() as conn:
        conn.execute("UPDATE accounts SET password_hash = ?, must_change = 1, password_changed_at = ?, "
                     "failed_logins = 0, locked_until = NULL WHERE id = ?",
                     (hash_password(new_initial), _iso(_now()), account.id))
        audit.record(ledger.store, actor, "password_reset", object_type="accounts", object_id=account.id,
                     object_label=account.label, detail="须在下次登录时修改")


def unlock(ledger: Ledger, account_id: str) -> None:
    actor = ledger.require(Permission.ACCOUNTS_MANAGE, "解锁账户")
    account, _stored = _by_id(ledger, account_id)
    with ledger.store.write() as conn:
        conn.execute("UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = ?", (account.id,))
        audit.record(ledger.store, actor, "account_unlocked", object_type="accounts", object_id=account.id,
                     object_label=account.label)


def update_account(ledger: Ledger, account_id: str, *, display_name: str | None = None, role: Role | str | None = None,
                   active: bool | None = None) -> Account:
    """An administrator changes an account's name, role or whether it may log in. The last active administrator can
    be neither demoted nor disabled, and nobody disables the account they are using."""
    actor = ledger.require(Permission.ACCOUNTS_MANAGE, "修改账户")
    account, _stored = _by_id(ledger, account_id)
    errors: list[UserError] = []
    new_name, new_role, new_active = account.display_name, account.role, account.active
    if display_name is not None:
        try:
            new_name = _check_display_name(display_name)
        except UserError as exc:
            errors.append(exc)
    if role is not None:
        try:
            new_role = _check_role(role)
        except UserError as exc:
            errors.append(exc)
    if active is not None:
        new_active = active
    if not new_active and account.active and actor.account_id == account.id:
        errors.append(UserError("active", "self_disable", "不能停用自己正在使用的账户"))
    if errors:
        raise InvalidInput(errors)
    changed = [label for label, before, after in (("姓名", account.display_name, new_name),
                                                  ("角色", account.role, new_role),
                                                  ("状态", account.active, new_active)) if before != after]
    if not changed:
        return account
    with ledger.store.write() as conn:
        if account.role == Role.ADMIN and account.active and (new_role != Role.ADMIN or not new_active):
            others = conn.execute("SELECT COUNT(*) FROM accounts WHERE role = 'admin' AND active = 1 AND id != ?",
                                  (account.id,)).fetchone()[0]
            if not others:
                field = "role" if new_role != Role.ADMIN else "active"
                raise InvalidInput([UserError(field, "last_admin",
                                              "这是最后一个可用的管理员账户，不能停用或改为其他角色；请先另设一个管理员")])
        conn.execute("UPDATE accounts SET display_name = ?, role = ?, active = ? WHERE id = ?",
                     (new_name, str(new_role), int(new_active), account.id))
        details = []
        if new_role != account.role:
            details.append(f"角色：{ROLE_LABELS[account.role]}→{ROLE_LABELS[new_role]}")
        if new_active != account.active:
            details.append("启用" if new_active else "停用")
        if new_name != account.display_name:
            details.append("姓名")
        audit.record(ledger.store, actor, "account_changed", object_type="accounts", object_id=account.id,
                     object_label=f"{new_name}（{ROLE_LABELS[new_role]}）", detail="；".join(details))
    return _by_id(ledger, account_id)[0]
