"""The device's secrets in the system keyring (SYNC.md §7.9): the refresh token and the USB bundle key.

Never in the database or a log. The short-lived access token lives in memory only (``client.Session``).
"""

from __future__ import annotations

import base64

import keyring
import keyring.errors

from zhzx_desktop.errors import KnownError
from zhzx_desktop.security.keys import SERVICE


def _user(db_id: str, what: str) -> str:
    return f"sync/{db_id}/{what}"


def _get(db_id: str, what: str) -> str | None:
    try:
        return keyring.get_password(SERVICE, _user(db_id, what))
    except keyring.errors.KeyringError as exc:
        raise KnownError(f"无法读取系统凭据存储：{exc}") from exc


def _set(db_id: str, what: str, value: str) -> None:
    try:
        keyring.set_password(SERVICE, _user(db_id, what), value)
    except keyring.errors.KeyringError as exc:
        raise KnownError(f"无法写入系统凭据存储：{exc}") from exc


def store(db_id: str, *, refresh_token: str, bundle_key: bytes) -> None:
    _set(db_id, "refresh", refresh_token)
    _set(db_id, "bundle-key", base64.b64encode(bundle_key).decode("ascii"))


def refresh_token(db_id: str) -> str:
    token = _get(db_id, "refresh")
    if not token:
        raise KnownError("找不到本电脑的同步凭据（可能重装了系统）。请向县综治中心索取新的注册码，重新注册本电脑。")
    return token


def bundle_key(db_id: str) -> bytes:
    value = _get(db_id, "bundle-key")
    if not value:
        raise KnownError("找不到本电脑的数据包密钥，请重新注册本电脑。")
    return base64.b64decode(value)


def forget(db_id: str) -> None:
    for what in ("refresh", "bundle-key"):
        try:
            keyring.delete_password(SERVICE, _user(db_id, what))
        except keyring.errors.KeyringError:
            pass
