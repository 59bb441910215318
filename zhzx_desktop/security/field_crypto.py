"""ID numbers at rest: AES-256-GCM ciphertext, an HMAC-SHA256 for exact lookup, and the masked form.

The clear number never touches the disk. A wrong or missing key is a ``KnownError`` with a clear message —
never garbage: GCM authenticates every ciphertext, and the database keeps a key-check value
(``app_meta.key_check``) so a key that does not belong to this database is refused on open.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from zhzx_desktop.errors import KnownError

KEY_BYTES = 64  # 32 for AES-256-GCM, 32 for HMAC-SHA256
_PREFIX = "v1:"
_CHECK_LABEL = b"zhzx-desktop key check v1"


@dataclass(frozen=True)
class SealedId:
    """What is stored for one ID number."""

    cipher: str
    hmac: str
    masked: str


class FieldCipher:
    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("the data key must be 64 bytes")
        self._aead = AESGCM(key[:32])
        self._mac_key = key[32:]

    @staticmethod
    def new_key() -> bytes:
        return os.urandom(KEY_BYTES)

    def key_check(self) -> str:
        """A value that identifies the key without revealing it (stored in the database)."""
        return hmac.new(self._mac_key, _CHECK_LABEL, hashlib.sha256).hexdigest()[:32]

    def lookup_hash(self, number: str) -> str:
        """Keyed hash of a normalised ID number: equal numbers give equal hashes, for lookup and duplicates."""
        return hmac.new(self._mac_key, number.encode("utf-8"), hashlib.sha256).hexdigest()

    def encrypt(self, plain: str, *, context: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plain.encode("utf-8"), context.encode("utf-8"))
        return _PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, token: str, *, context: str) -> str:
        if not token.startswith(_PREFIX):
            raise KnownError("加密字段格式无法识别，数据可能已损坏。")
        try:
            raw = base64.b64decode(token[len(_PREFIX):], validate=True)
            return self._aead.decrypt(raw[:12], raw[12:], context.encode("utf-8")).decode("utf-8")
        except (InvalidTag, ValueError) as exc:
            raise KnownError("无法解密证件号码：数据密钥与本数据库不匹配，或数据已被改动。") from exc

    def seal_bytes(self, data: bytes, *, context: str) -> bytes:
        """Encrypt a file's bytes (an archived PDF, a scan): nonce + ciphertext, bound to ``context``."""
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, data, context.encode("utf-8"))

    def open_bytes(self, sealed: bytes, *, context: str) -> bytes:
        try:
            return self._aead.decrypt(sealed[:12], sealed[12:], context.encode("utf-8"))
        except (InvalidTag, ValueError) as exc:
            raise KnownError("无法解密存档文件：数据密钥与本数据库不匹配，或文件已被改动。") from exc

    def seal_id(self, number: str, masked: str, *, context: str) -> SealedId:
        return SealedId(self.encrypt(number, context=context), self.lookup_hash(number), masked)
