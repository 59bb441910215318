"""Accounts: Argon2id hashes, the password rules, login and lockout, forced and expired passwords, the last admin,
and what the audit log says about all of it (never a password)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from zhzx_desktop.domain.roles import Role
from zhzx_desktop.errors import Forbidden, UserError
from zhzx_desktop.security import accounts
from zhzx_desktop.errors import InvalidInput
from zhzx_desktop.security.accounts import HashParams
from zhzx_desktop.security.session import Actor
from zhzx_desktop.services.ledger import Ledger

ADMIN_PW = "Guanli#2026"
CLERK_PW = "Luru@Start1"
START = datetime(2026, 11, 23, 9, 0).astimezone()


def audit_rows(ledger: Ledger) -> list[tuple[str, str, str, int, str, str]]:
    return ledger.store.conn.execute(
        "SELECT action, actor, role, success, detail, object_label FROM audit_log ORDER BY seq").fetchall()


def everything_logged(ledger: Ledger) -> str:
    return "\n".join(" ".join(str(v) for v in row) for row in ledger.store.conn.execute("SELECT * FROM audit_log"))


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheaper Argon2id parameters, so a test of 20 logins takes no minute (the real ones are tested below)."""
    monkeypatch.setattr(accounts, "PARAMS", HashParams(memory_kib=8192, iterations=1))


@pytest.fixture
def admin(ledger: Ledger) -> Actor:
    return accounts.create_first_admin(ledger, "admin", "李建国", ADMIN_PW)


@pytest.fixture
def clerk(ledger: Ledger, admin: Actor) -> accounts.Account:
    return accounts.create_account(ledger, "wangfang", "王芳", Role.CLERK, CLERK_PW)


# ---- hashing


def test_hash_round_trip_names_its_parameters_and_salt(monkeypatch: pytest.MonkeyPatch) -> None:
    p = HashParams()  # what the app uses
    monkeypatch.setattr(accounts, "PARAMS", p)
    phc = accounts.hash_password("Abcdef12!")
    assert phc.startswith(f"$argon2id$v=19$m={p.memory_kib},t={p.iterations},p={p.lanes}$")
    assert p.memory_kib >= 19456  # memory-hard: at least OWASP's minimum for Argon2id
    assert accounts.verify_password("Abcdef12!", phc)
    assert not accounts.verify_password("Abcdef12?", phc)
    assert not accounts.verify_password("Abcdef12!", phc.replace("argon2id", "argon2i"))
    other = accounts.hash_password("Abcdef12!")
    assert other.split("$")[4] != phc.split("$")[4], "each hash has its own salt"
    assert not accounts.needs_rehash(phc)
    assert accounts.needs_rehash(accounts.hash_password("Abcdef12!", HashParams(memory_kib=8192, iterations=1)))


def test_login_rehashes_a_password_hashed_under_older_parameters(ledger: Ledger, admin: Actor,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    old = accounts.hash_password(ADMIN_PW, HashParams(memory_kib=4096, iterations=1))
    with ledger.store.write() as conn:
        conn.execute("UPDATE accounts SET password_hash = ?", (old,))
    accounts.login(ledger, "admin", ADMIN_PW)
    stored = ledger.store.conn.execute("SELECT password_hash FROM accounts").fetchone()[0]
    assert stored != old and not accounts.needs_rehash(stored)
    assert accounts.verify_password(ADMIN_PW, stored)
    assert "m=4096" not in stored


# ---- the rules


@pytest.mark.parametrize(("password", "code"), [
    ("Ab1!", "password_too_short"),
    ("abcdefgh", "password_too_simple"),         # one kind
    ("abcdefgh12", "password_too_simple"),       # two kinds
    ("xwangfang1A", "password_contains_username"),
    ("WANGFANG!1a", "password_contains_username"),  # whatever the case
    ("A1!" + "a" * 200, "password_too_long"),
])
def test_each_rule_is_named(password: str, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        accounts.check_password(password, "wangfang")
    assert code in {e.code for e in caught.value.errors}
    assert all(e.field == "password" for e in caught.value.errors)


@pytest.mark.parametrize("password", ["abcdEFGH12", "abcd1234!!", "ABCD1234#x", "中文密码Ab12"])
def test_three_kinds_of_eight_characters_pass(password: str) -> None:
    accounts.check_password(password, "wangfang")


def test_rule_messages_are_chinese_and_name_the_rule() -> None:
    with pytest.raises(InvalidInput) as caught:
        accounts.check_password("wf", "wf")
    text = caught.value.message
    assert "至少8位" in text and "大写字母、小写字母、数字、符号" in text and "用户名" in text


def test_a_new_password_differs_from_the_current_one(ledger: Ledger, clerk: accounts.Account) -> None:
    with pytest.raises(InvalidInput) as caught:
        accounts.change_password(ledger, clerk.id, CLERK_PW, CLERK_PW)
    assert caught.value.errors[0].code == "password_unchanged"


def test_account_fields_are_checked_together(ledger: Ledger, admin: Actor) -> None:
    with pytest.raises(InvalidInput) as caught:
        accounts.create_account(ledger, "a b", "", "superuser", "short")
    assert {e.field for e in caught.value.errors} == {"username", "display_name", "role", "password"}
    with pytest.raises(InvalidInput) as caught:
        accounts.create_account(ledger, "system", "命令行", Role.CLERK, CLERK_PW)
    assert caught.value.errors[0].code == "username_reserved"
    with pytest.raises(InvalidInput) as caught:
        accounts.create_account(ledger, "ADMIN", "另一个", Role.CLERK, CLERK_PW)
    assert caught.value.errors[0].code == "username_taken"


# ---- first run and creation


def test_first_admin_only_once(ledger: Ledger) -> None:
    assert not accounts.accounts_exist(ledger)
    actor = accounts.create_first_admin(ledger, "admin", "李建国", ADMIN_PW)
    assert actor.role == Role.ADMIN and accounts.accounts_exist(ledger)
    (account,) = accounts.list_accounts(ledger)
    assert not account.must_change and account.status() == "正常"
    with pytest.raises(UserError) as caught:
        accounts.create_first_admin(ledger, "admin2", "张三", ADMIN_PW)
    assert caught.value.code == "accounts_exist"
    assert len(accounts.list_accounts(ledger)) == 1


def test_creating_an_account_needs_accounts_manage(ledger: Ledger, admin: Actor, clerk: accounts.Account) -> None:
    ledger.session.actor = clerk.actor
    with pytest.raises(Forbidden):
        accounts.create_account(ledger, "zhaolei", "赵磊", Role.MEDIATOR, "Tiaojie#2026")
    ledger.session.actor = admin
    created = accounts.create_account(ledger, "zhaolei", "赵磊", Role.MEDIATOR, "Tiaojie#2026")
    assert created.must_change and created.role == Role.MEDIATOR
    entry = audit_rows(ledger)[-1]
    assert entry[:2] == ("account_created", "admin") and "调解员" in entry[4]


# ---- login


def test_login_returns_the_actor_and_forces_the_initial_change(ledger: Ledger, clerk: accounts.Account) -> None:
    result = accounts.login(ledger, "WangFang", CLERK_PW)  # usernames ignore case
    assert result.actor == Actor(clerk.id, "wangfang", "王芳", Role.CLERK)
    assert result.must_change_password and result.reason == "initial"
    accounts.change_password(ledger, clerk.id, CLERK_PW, "Xin#Mima2026")
    result = accounts.login(ledger, "wangfang", "Xin#Mima2026")
    assert not result.must_change_password
    with pytest.raises(UserError):
        accounts.login(ledger, "wangfang", CLERK_PW)


def test_unknown_user_and_wrong_password_get_the_same_message(ledger: Ledger, clerk: accounts.Account) -> None:
    with pytest.raises(UserError) as unknown:
        accounts.login(ledger, "nobody", CLERK_PW)
    with pytest.raises(UserError) as wrong:
        accounts.login(ledger, "wangfang", "Wrong#2026")
    assert unknown.value.message == wrong.value.message == "用户名或密码不正确"
    assert unknown.value.code == wrong.value.code
    rows = audit_rows(ledger)[-2:]
    assert rows[0][:4] == ("login_failed", "nobody", "system", 0)
    assert rows[1][:4] == ("login_failed", "wangfang", "clerk", 0)


def test_fifth_failure_locks_for_15_minutes(ledger: Ledger, clerk: accounts.Account) -> None:
    accounts.change_password(ledger, clerk.id, CLERK_PW, "Xin#Mima2026")
    with time_machine.travel(START, tick=False) as clock:
        for attempt in range(1, 5):
            with pytest.raises(UserError) as caught:
                accounts.login(ledger, "wangfang", f"Wrong#{attempt}xx")
            assert caught.value.code == "wrong_credentials"
        with pytest.raises(UserError) as caught:
            accounts.login(ledger, "wangfang", "Wrong#5xxx")
        assert caught.value.message == "账户已锁定，请15分钟后再试，或请管理员解锁"
        assert accounts.get_account(ledger, clerk.id).status() == "已锁定"
        clock.shift(timedelta(minutes=10, seconds=30))
        with pytest.raises(UserError) as caught:  # even the right password waits
            accounts.login(ledger, "wangfang", "Xin#Mima2026")
        assert caught.value.message == "账户已锁定，请5分钟后再试，或请管理员解锁"
        clock.shift(timedelta(minutes=5))
        assert accounts.login(ledger, "wangfang", "Xin#Mima2026").actor.username == "wangfang"
        assert accounts.get_account(ledger, clerk.id).failed_logins == 0
    actions = [row[0] for row in audit_rows(ledger)]
    assert actions.count("account_locked") == 1 and actions[-1] == "login"


def test_success_resets_the_count_and_failures_are_consecutive(ledger: Ledger, clerk: accounts.Account) -> None:
    for _ in range(4):
        with pytest.raises(UserError):
            accounts.login(ledger, "wangfang", "Wrong#2026")
    accounts.login(ledger, "wangfang", CLERK_PW)
    for _ in range(4):
        with pytest.raises(UserError) as caught:
            accounts.login(ledger, "wangfang", "Wrong#2026")
        assert caught.value.code == "wrong_credentials"


def test_after_a_lockout_runs_out_the_count_starts_again(ledger: Ledger, clerk: accounts.Account) -> None:
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            with pytest.raises(UserError):
                accounts.login(ledger, "wangfang", "Wrong#2026")
        clock.shift(timedelta(minutes=16))
        with pytest.raises(UserError) as caught:
            accounts.login(ledger, "wangfang", "Wrong#2026")
        assert caught.value.code == "wrong_credentials"
        assert accounts.get_account(ledger, clerk.id).failed_logins == 1


def test_an_admin_unlocks(ledger: Ledger, admin: Actor, clerk: accounts.Account) -> None:
    for _ in range(5):
        with pytest.raises(UserError):
            accounts.login(ledger, "wangfang", "Wrong#2026")
    accounts.unlock(ledger, clerk.id)
    assert accounts.get_account(ledger, clerk.id).status() == "需改密码"
    assert accounts.login(ledger, "wangfang", CLERK_PW).actor.role == Role.CLERK
    assert "account_unlocked" in [row[0] for row in audit_rows(ledger)]


def test_a_disabled_account_is_refused_only_with_its_password(ledger: Ledger, admin: Actor,
                                                               clerk: accounts.Account) -> None:
    accounts.update_account(ledger, clerk.id, active=False)
    with pytest.raises(UserError) as caught:
        accounts.login(ledger, "wangfang", "Wrong#2026")
    assert caught.value.code == "wrong_credentials"
    with pytest.raises(UserError) as caught:
        accounts.login(ledger, "wangfang", CLERK_PW)
    assert caught.value.code == "account_disabled" and "停用" in caught.value.message
    accounts.update_account(ledger, clerk.id, active=True)
    assert accounts.login(ledger, "wangfang", CLERK_PW).actor.username == "wangfang"


def test_a_password_older_than_90_days_must_change(ledger: Ledger, admin: Actor) -> None:
    with time_machine.travel(START, tick=False) as clock:
        clerk = accounts.create_account(ledger, "wangfang", "王芳", Role.CLERK, CLERK_PW)
        accounts.change_password(ledger, clerk.id, CLERK_PW, "Xin#Mima2026")
        clock.shift(timedelta(days=89))
        assert not accounts.login(ledger, "wangfang", "Xin#Mima2026").must_change_password
        clock.shift(timedelta(days=2))
        result = accounts.login(ledger, "wangfang", "Xin#Mima2026")
        assert result.must_change_password and result.reason == "expired"
        assert accounts.get_account(ledger, clerk.id).status() == "需改密码"
        accounts.change_password(ledger, clerk.id, "Xin#Mima2026", "Geng@Xin2027")
        assert not accounts.login(ledger, "wangfang", "Geng@Xin2027").must_change_password


def test_change_password_needs_the_current_one(ledger: Ledger, clerk: accounts.Account) -> None:
    with pytest.raises(InvalidInput) as caught:
        accounts.change_password(ledger, clerk.id, "Wrong#2026", "Xin#Mima2026")
    assert caught.value.errors[0].field == "old_password"
    assert accounts.get_account(ledger, clerk.id).must_change


def test_reset_sets_a_new_initial_password(ledger: Ledger, admin: Actor, clerk: accounts.Account) -> None:
    accounts.change_password(ledger, clerk.id, CLERK_PW, "Xin#Mima2026")
    accounts.reset_password(ledger, clerk.id, "Chong#Zhi2026")
    result = accounts.login(ledger, "wangfang", "Chong#Zhi2026")
    assert result.must_change_password and result.reason == "initial"
    ledger.session.actor = result.actor
    with pytest.raises(Forbidden):
        accounts.reset_password(ledger, clerk.id, "Another#2026")


# ---- the last administrator


def test_the_last_active_admin_can_be_neither_demoted_nor_disabled(ledger: Ledger, admin: Actor) -> None:
    assert admin.account_id is not None
    with pytest.raises(InvalidInput) as caught:
        accounts.update_account(ledger, admin.account_id, role=Role.DIRECTOR)
    assert caught.value.errors[0].code == "last_admin"
    with pytest.raises(InvalidInput) as caught:
        accounts.update_account(ledger, admin.account_id, active=False)
    assert caught.value.errors[0].code == "last_admin"
    second = accounts.create_account(ledger, "admin2", "周敏", Role.ADMIN, "Zhou#Min2026")
    accounts.update_account(ledger, admin.account_id, role=Role.DIRECTOR)
    assert accounts.get_account(ledger, admin.account_id).role == Role.DIRECTOR
    with pytest.raises(InvalidInput):  # now the second is the last one
        accounts.update_account(ledger, second.id, active=False)
    assert accounts.get_account(ledger, second.id).active is True


def test_the_last_admin_counts_only_active_admins(ledger: Ledger, admin: Actor) -> None:
    assert admin.account_id is not None
    second = accounts.create_account(ledger, "admin2", "周敏", Role.ADMIN, "Zhou#Min2026")
    accounts.update_account(ledger, second.id, active=False)
    with pytest.raises(InvalidInput) as caught:
        accounts.update_account(ledger, admin.account_id, role=Role.AUDITOR)
    assert caught.value.errors[0].code == "last_admin"


def test_nobody_disables_their_own_account(ledger: Ledger, admin: Actor) -> None:
    assert admin.account_id is not None
    accounts.create_account(ledger, "admin2", "周敏", Role.ADMIN, "Zhou#Min2026")
    ledger.session.actor = admin
    with pytest.raises(InvalidInput) as caught:
        accounts.update_account(ledger, admin.account_id, active=False)
    assert caught.value.errors[0].code == "self_disable"


# ---- the audit log


def test_audit_entries_are_written_and_hold_no_password(ledger: Ledger, admin: Actor) -> None:
    clerk = accounts.create_account(ledger, "wangfang", "王芳", Role.CLERK, CLERK_PW)
    for _ in range(5):
        with pytest.raises(UserError):
            accounts.login(ledger, "wangfang", "Wrong#2026")
    with pytest.raises(UserError):
        accounts.login(ledger, "nobody", "Secret#Typed1")
    accounts.unlock(ledger, clerk.id)
    accounts.reset_password(ledger, clerk.id, "Chong#Zhi2026")
    result = accounts.login(ledger, "wangfang", "Chong#Zhi2026")
    accounts.change_password(ledger, clerk.id, "Chong#Zhi2026", "Xin#Mima2026")
    accounts.update_account(ledger, clerk.id, role=Role.MEDIATOR)
    ledger.session.actor = result.actor
    accounts.record_screen_locked(ledger)
    accounts.logout(ledger)
    assert ledger.session.actor is None
    actions = {row[0] for row in audit_rows(ledger)}
    assert actions >= {"account_created", "login_failed", "account_locked", "account_unlocked", "password_reset",
                       "login", "password_changed", "account_changed", "screen_locked", "logout"}
    logged = everything_logged(ledger)
    for secret in (ADMIN_PW, CLERK_PW, "Wrong#2026", "Secret#Typed1", "Chong#Zhi2026", "Xin#Mima2026", "argon2"):
        assert secret not in logged
    changed = next(row for row in audit_rows(ledger) if row[0] == "account_changed")
    assert changed[4] == "角色：录入员→调解员"


def test_a_failed_login_is_kept_although_login_raises(ledger: Ledger, clerk: accounts.Account) -> None:
    with pytest.raises(UserError):
        accounts.login(ledger, "wangfang", "Wrong#2026")
    ledger.store.conn.rollback()  # nothing left pending: the failure was committed
    assert accounts.get_account(ledger, clerk.id).failed_logins == 1
    assert audit_rows(ledger)[-1][0] == "login_failed"
