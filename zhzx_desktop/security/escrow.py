"""Key escrow: the database's data key wrapped with the county's public key, so a lost keyring or a replaced PC
does not lose the data (issue 6 point 3; docs/sync.md "Key escrow").

The county's escrow key pair is X25519 (``cryptography`` has no SM2, which would be the 国密 choice; the format
carries ``alg`` so a later version can switch). ``wrap`` does ECIES: a fresh ephemeral X25519 key, the shared
secret through HKDF-SHA256 (bound to both public keys), AES-256-GCM over the 64-byte data key with the database
id and key-check value as associated data — a blob moved to another database, or edited, does not open.

The same format carries the county's reply to a recovery request: the data key wrapped again for the one-time
reply key of the village PC (``wrap(key, reply_public_pem, …)``), so the key never travels in clear.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from zhzx_desktop.errors import KnownError

VERSION: Final = 1
ALG: Final = "X25519-HKDF-SHA256-AES256GCM"
_INFO: Final = b"zhzx-desktop key escrow v1"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def _text(pem: str | bytes) -> bytes:
    return pem.encode("ascii") if isinstance(pem, str) else pem


# ---- keys --------------------------------------------------------------------------------------------------

def generate_keypair(passphrase: bytes | None) -> tuple[bytes, bytes]:
    """A new escrow key pair → (private key PEM, encrypted with ``passphrase`` when given; public key PEM)."""
    private = X25519PrivateKey.generate()
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption())
    private_pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    return private_pem, public_pem(private)


def public_pem(private: X25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(serialization.Encoding.PEM,
                                             serialization.PublicFormat.SubjectPublicKeyInfo)


def load_public(pem: str | bytes) -> X25519PublicKey:
    try:
        key = serialization.load_pem_public_key(_text(pem))
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise KnownError("县里的托管公钥文件无法识别（应为 escrow_public.pem）。") from exc
    if not isinstance(key, X25519PublicKey):
        raise KnownError("县里的托管公钥不是 X25519 密钥（应为 escrow_public.pem）。")
    return key


def load_private(pem: str | bytes, passphrase: bytes | None) -> X25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(_text(pem), password=passphrase or None)
    except TypeError as exc:  # encrypted without a passphrase given, or a passphrase for an unencrypted key
        raise KnownError("托管私钥需要口令（--passphrase-file），或给出的口令不适用于这个文件。") from exc
    except ValueError as exc:
        raise KnownError("托管私钥口令不对，或文件不是托管私钥（escrow_private.pem）。") from exc
    if not isinstance(key, X25519PrivateKey):
        raise KnownError("托管私钥不是 X25519 密钥（应为 escrow_private.pem）。")
    return key


def private_from_raw(raw: bytes) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(raw)


def private_raw(private: X25519PrivateKey) -> bytes:
    return private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                 serialization.NoEncryption())


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(pem: str | bytes | X25519PublicKey) -> str:
    """The key id: SHA-256 of the raw public key, first 16 bytes in hex (``kid`` in every blob)."""
    key = pem if isinstance(pem, X25519PublicKey) else load_public(pem)
    return hashlib.sha256(_raw_public(key)).hexdigest()[:32]


# ---- wrap / unwrap -----------------------------------------------------------------------------------------

def _aad(kid: str, db_id: str, key_check: str) -> bytes:
    return json.dumps({"v": VERSION, "alg": ALG, "kid": kid, "db_id": db_id, "key_check": key_check},
                      separators=(",", ":"), sort_keys=True).encode("utf-8")


def _kek(shared: bytes, epk: bytes, recipient: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO + epk + recipient).derive(shared)


def wrap(data_key: bytes, county_public_pem: str | bytes, db_id: str, key_check: str) -> str:
    """The data key sealed for the holder of the private half of ``county_public_pem`` → a JSON string."""
    recipient = load_public(county_public_pem)
    kid = fingerprint(recipient)
    ephemeral = X25519PrivateKey.generate()
    epk = _raw_public(ephemeral.public_key())
    kek = _kek(ephemeral.exchange(recipient), epk, _raw_public(recipient))
    nonce = os.urandom(12)
    sealed = AESGCM(kek).encrypt(nonce, data_key, _aad(kid, db_id, key_check))
    return json.dumps({"version": VERSION, "alg": ALG, "kid": kid, "db_id": db_id, "key_check": key_check,
                       "epk": _b64(epk), "nonce": _b64(nonce), "ciphertext": _b64(sealed)},
                      ensure_ascii=False, separators=(",", ":"))


def parse(blob: str) -> dict[str, str]:
    """The blob's fields (checked for shape, not opened); ``KnownError`` when it is not an escrow blob."""
    try:
        obj = json.loads(blob)
    except (TypeError, ValueError) as exc:
        raise KnownError("托管密钥数据无法识别（不是有效的 JSON）。") from exc
    if not isinstance(obj, dict):
        raise KnownError("托管密钥数据无法识别。")
    if obj.get("version") != VERSION or obj.get("alg") != ALG:
        raise KnownError(f"不支持的托管密钥格式（版本 {obj.get('version')!r}，算法 {obj.get('alg')!r}）。")
    out: dict[str, str] = {}
    for key in ("kid", "db_id", "key_check", "epk", "nonce", "ciphertext"):
        value = obj.get(key)
        if not isinstance(value, str) or not value:
            raise KnownError(f"托管密钥数据缺少 {key}。")
        out[key] = value
    return out


def unwrap(blob: str, private_key: X25519PrivateKey, db_id: str) -> bytes:
    """The data key inside ``blob``; ``KnownError`` for another key pair, another database or a changed blob."""
    fields = parse(blob)
    own_kid = fingerprint(private_key.public_key())
    if fields["kid"] != own_kid:
        raise KnownError(f"这份托管密钥是用另一把县级托管公钥加密的（指纹 {fields['kid']}，"
                         f"本私钥的指纹 {own_kid}），无法解开。")
    if fields["db_id"] != db_id:
        raise KnownError("托管密钥属于另一个数据库，与恢复申请不符。")
    try:
        epk = _unb64(fields["epk"])
        nonce = _unb64(fields["nonce"])
        sealed = _unb64(fields["ciphertext"])
        peer = X25519PublicKey.from_public_bytes(epk)
        kek = _kek(private_key.exchange(peer), epk, _raw_public(private_key.public_key()))
        key = AESGCM(kek).decrypt(nonce, sealed, _aad(fields["kid"], db_id, fields["key_check"]))
    except (InvalidTag, ValueError) as exc:
        raise KnownError("托管密钥无法解开：数据已被改动，或不属于这个数据库。") from exc
    return key
