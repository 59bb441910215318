"""Key escrow: wrap/unwrap round trip, and every way a blob must NOT open (security/escrow.py, keys.py)."""

from __future__ import annotations

import base64
import json

import pytest

from zhzx_desktop.errors import KnownError
from zhzx_desktop.security import escrow, keys
from zhzx_desktop.security.field_crypto import FieldCipher


@pytest.fixture
def county() -> tuple[bytes, bytes]:
    return escrow.generate_keypair(b"county secret 2026")


def _key() -> tuple[bytes, str]:
    key = FieldCipher.new_key()
    return key, FieldCipher(key).key_check()


def test_round_trip(county: tuple[bytes, bytes]) -> None:
    private_pem, public_pem = county
    key, check = _key()
    blob = escrow.wrap(key, public_pem, "db-1", check)
    fields = json.loads(blob)
    assert fields["alg"] == "X25519-HKDF-SHA256-AES256GCM"
    assert fields["kid"] == escrow.fingerprint(public_pem)
    assert base64.b64encode(key).decode() not in blob
    private = escrow.load_private(private_pem, b"county secret 2026")
    assert escrow.unwrap(blob, private, "db-1") == key


def test_two_wraps_differ_but_both_open(county: tuple[bytes, bytes]) -> None:
    private_pem, public_pem = county
    key, check = _key()
    a, b = escrow.wrap(key, public_pem, "db-1", check), escrow.wrap(key, public_pem, "db-1", check)
    assert a != b
    private = escrow.load_private(private_pem, b"county secret 2026")
    assert escrow.unwrap(a, private, "db-1") == escrow.unwrap(b, private, "db-1") == key


def test_wrong_private_key_refused(county: tuple[bytes, bytes]) -> None:
    _, public_pem = county
    other_pem, _ = escrow.generate_keypair(None)
    key, check = _key()
    blob = escrow.wrap(key, public_pem, "db-1", check)
    with pytest.raises(KnownError, match="另一把县级托管公钥"):
        escrow.unwrap(blob, escrow.load_private(other_pem, None), "db-1")


def test_forged_kid_still_refused(county: tuple[bytes, bytes]) -> None:
    """Claiming the other key's id does not help: the shared secret differs, GCM refuses."""
    _, public_pem = county
    other_pem, other_public = escrow.generate_keypair(None)
    key, check = _key()
    fields = json.loads(escrow.wrap(key, public_pem, "db-1", check))
    fields["kid"] = escrow.fingerprint(other_public)
    with pytest.raises(KnownError, match="无法解开"):
        escrow.unwrap(json.dumps(fields), escrow.load_private(other_pem, None), "db-1")


@pytest.mark.parametrize("field", ["ciphertext", "nonce", "epk", "key_check"])
def test_tampered_blob_refused(county: tuple[bytes, bytes], field: str) -> None:
    private_pem, public_pem = county
    key, check = _key()
    fields = json.loads(escrow.wrap(key, public_pem, "db-1", check))
    if field == "key_check":
        fields[field] = "0" * 32
    else:
        raw = bytearray(base64.b64decode(fields[field]))
        raw[-1] ^= 1
        fields[field] = base64.b64encode(bytes(raw)).decode()
    with pytest.raises(KnownError):
        escrow.unwrap(json.dumps(fields), escrow.load_private(private_pem, b"county secret 2026"), "db-1")


def test_other_db_id_refused(county: tuple[bytes, bytes]) -> None:
    private_pem, public_pem = county
    key, check = _key()
    blob = escrow.wrap(key, public_pem, "db-1", check)
    private = escrow.load_private(private_pem, b"county secret 2026")
    with pytest.raises(KnownError, match="另一个数据库"):
        escrow.unwrap(blob, private, "db-2")
    fields = json.loads(blob)
    fields["db_id"] = "db-2"  # relabelled to match: the associated data no longer does
    with pytest.raises(KnownError, match="无法解开"):
        escrow.unwrap(json.dumps(fields), private, "db-2")


def test_wrong_passphrase_and_garbage_keys(county: tuple[bytes, bytes]) -> None:
    private_pem, _ = county
    with pytest.raises(KnownError, match="口令"):
        escrow.load_private(private_pem, b"wrong")
    with pytest.raises(KnownError, match="口令"):
        escrow.load_private(private_pem, None)
    with pytest.raises(KnownError, match="无法识别"):
        escrow.load_public("not a key")
    with pytest.raises(KnownError, match="无法识别"):
        escrow.parse("{nope")
    with pytest.raises(KnownError, match="不支持"):
        escrow.parse(json.dumps({"version": 9, "alg": "RSA"}))


def test_fingerprint_is_stable(county: tuple[bytes, bytes]) -> None:
    _, public_pem = county
    assert escrow.fingerprint(public_pem) == escrow.fingerprint(public_pem.decode())
    assert len(escrow.fingerprint(public_pem)) == 32


def test_read_data_key_and_install_recovered_key() -> None:
    cipher_key, check = _key()
    with pytest.raises(keys.KeyMissing):
        keys.read_data_key("db-9", check)
    with pytest.raises(KnownError, match="校验值不符"):
        keys.install_recovered_key("db-9", FieldCipher.new_key(), check)
    assert keys.install_recovered_key("db-9", cipher_key, check) is True
    assert keys.read_data_key("db-9", check) == cipher_key
    assert keys.install_recovered_key("db-9", cipher_key, check) is False  # the same key again: nothing to do
    other, other_check = _key()
    with pytest.raises(KnownError, match="防止覆盖"):
        keys.install_recovered_key("db-9", other, other_check)
    assert keys.read_data_key("db-9", check) == cipher_key
    cipher, new_check = keys.open_cipher("db-9", check)
    assert new_check is None and cipher.key_check() == check
