"""The data key of a database, kept by ``keyring`` (Windows Credential Manager, macOS Keychain, Secret Service).

Each database has its own 64-byte key under service ``zhzx-desktop``, user ``data-key/<db_id>``; the database
holds only a key-check value. Where no secure keyring backend exists (a headless Linux box, CI), ``ensure_backend``
switches to ``OwnerOnlyFileKeyring``: a JSON file readable by its owner only (mode 0600 in a 0700 folder), with a
warning — the key then sits beside the data, protected by the OS account only. README explains it.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import tempfile
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
from keyring.backends import fail

from zhzx_desktop.errors import KnownError
from zhzx_desktop.security.field_crypto import FieldCipher

log = logging.getLogger(__name__)

SERVICE = "zhzx-desktop"
FALLBACK_WARNING = ("没有找到系统的安全凭据存储（keyring），数据密钥改存于仅当前用户可读的文件 {path}。"
                    "请确保本电脑的系统账户有密码。")


class OwnerOnlyFileKeyring(keyring.backend.KeyringBackend):
    """A keyring in one JSON file with owner-only permissions: the fallback where no secure backend exists."""

    priority = 0.1  # never chosen automatically

    def __init__(self, path: Path) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.path = path

    def _load(self) -> dict[str, str]:
        try:
            return dict(json.loads(self.path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return {}

    def _save(self, entries: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".keyring-")
        try:
            os.chmod(tmp, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(entries, out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @staticmethod
    def _slot(service: str, username: str) -> str:
        return f"{service}\x1f{username}"

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(self._slot(service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        entries = self._load()
        entries[self._slot(service, username)] = password
        self._save(entries)

    def delete_password(self, service: str, username: str) -> None:
        entries = self._load()
        if entries.pop(self._slot(service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)
        self._save(entries)


def ensure_backend(fallback_dir: Path) -> str | None:
    """Make sure keyring can store secrets; returns a Chinese warning when the file fallback is in use."""
    backend = keyring.get_keyring()
    if isinstance(backend, OwnerOnlyFileKeyring):
        return FALLBACK_WARNING.format(path=backend.path)
    if not isinstance(backend, fail.Keyring) and backend.priority >= 1:
        return None
    fallback = OwnerOnlyFileKeyring(fallback_dir / "keyring.json")
    keyring.set_keyring(fallback)
    warning = FALLBACK_WARNING.format(path=fallback.path)
    log.warning("no secure keyring backend (%s); using the owner-only key file", type(backend).__name__)
    return warning


class KeyMissing(KnownError):  # noqa: N818 — reads as what happened, like Forbidden
    """The keyring has no data key for a database that already has one: recover it through the county's escrow."""

    def __init__(self, db_id: str) -> None:
        super().__init__("找不到本数据库的数据密钥（可能更换了电脑或重装了系统）。数据没有被改动；"
                         "请联系县综治中心用托管密钥恢复后再打开。")
        self.db_id = db_id


def _username(db_id: str) -> str:
    return f"data-key/{db_id}"


def open_cipher(db_id: str, key_check: str | None) -> tuple[FieldCipher, str | None]:
    """The cipher of database ``db_id``. With no ``key_check`` yet (a new database) a key is created and stored;
    returns the cipher and the new key-check value to record (None when it was already recorded)."""
    try:
        stored = keyring.get_password(SERVICE, _username(db_id))
    except keyring.errors.KeyringError as exc:
        raise KnownError(f"无法读取系统凭据存储中的数据密钥：{exc}") from exc
    if stored is None:
        if key_check is not None:
            raise KeyMissing(db_id)
        key = FieldCipher.new_key()
        try:
            keyring.set_password(SERVICE, _username(db_id), base64.b64encode(key).decode("ascii"))
        except keyring.errors.KeyringError as exc:
            raise KnownError(f"无法把数据密钥存入系统凭据存储：{exc}") from exc
        cipher = FieldCipher(key)
        return cipher, cipher.key_check()
    try:
        cipher = FieldCipher(base64.b64decode(stored))
    except ValueError as exc:
        raise KnownError("系统凭据存储中的数据密钥已损坏，请联系县综治中心恢复密钥。") from exc
    if key_check is not None and cipher.key_check() != key_check:
        raise KnownError("系统凭据存储中的数据密钥与本数据库不匹配，数据没有被改动；请联系县综治中心恢复密钥。")
    return cipher, None if key_check is not None else cipher.key_check()



# ---- what key recovery needs (security/escrow.py, sync/escrow.py) -------------------------------------------

def _get(username: str) -> str | None:
    try:
        return keyring.get_password(SERVICE, username)
    except keyring.errors.KeyringError as exc:
        raise KnownError(f"无法读取系统凭据存储：{exc}") from exc


def _set(username: str, value: str) -> None:
    try:
        keyring.set_password(SERVICE, username, value)
    except keyring.errors.KeyringError as exc:
        raise KnownError(f"无法写入系统凭据存储：{exc}") from exc


def read_data_key(db_id: str, key_check: str | None) -> bytes:
    """The raw data key of ``db_id`` (for wrapping it with the county's escrow key), checked against ``key_check``."""
    stored = _get(_username(db_id))
    if stored is None:
        raise KeyMissing(db_id)
    try:
        key = base64.b64decode(stored, validate=True)
        cipher = FieldCipher(key)
    except ValueError as exc:
        raise KnownError("系统凭据存储中的数据密钥已损坏，请联系县综治中心恢复密钥。") from exc
    if key_check is not None and cipher.key_check() != key_check:
        raise KnownError("系统凭据存储中的数据密钥与本数据库不匹配；请联系县综治中心恢复密钥。")
    return key


def install_recovered_key(db_id: str, key: bytes, key_check: str) -> bool:
    """Store a key recovered through the county's escrow under ``db_id`` after checking it against the database's
    ``key_check``. Returns False when the very same key is already there; never replaces a different key."""
    try:
        cipher = FieldCipher(key)
    except ValueError as exc:
        raise KnownError("恢复的数据密钥长度不对，可能是回复文件已损坏。") from exc
    if cipher.key_check() != key_check:
        raise KnownError("恢复的数据密钥与本数据库的密钥校验值不符，没有保存。请确认回复文件对应这个数据库。")
    existing = _get(_username(db_id))
    if existing is not None:
        if existing == base64.b64encode(key).decode("ascii"):
            return False
        raise KnownError("本电脑的系统凭据存储中已有这个数据库的另一把数据密钥，为防止覆盖，没有保存恢复的密钥。"
                         "请联系县综治中心或系统管理员处理。")
    _set(_username(db_id), base64.b64encode(key).decode("ascii"))
    log.warning("data key of database %s installed from the county's escrow", db_id)
    return True


def _recovery_username(db_id: str) -> str:
    return f"recovery/{db_id}"


def recovery_secret(db_id: str) -> bytes | None:
    """The private half of the one-time reply key of an open recovery request (raw X25519 bytes)."""
    stored = _get(_recovery_username(db_id))
    return None if stored is None else base64.b64decode(stored)


def save_recovery_secret(db_id: str, raw: bytes) -> None:
    _set(_recovery_username(db_id), base64.b64encode(raw).decode("ascii"))


def forget_recovery_secret(db_id: str) -> None:
    try:
        keyring.delete_password(SERVICE, _recovery_username(db_id))
    except keyring.errors.KeyringError:
        pass
