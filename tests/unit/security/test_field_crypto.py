from pathlib import Path

import keyring
import pytest

from tests.conftest import TODAY
from tests.helpers import make_id
from zhzx_desktop.errors import KnownError
from zhzx_desktop.security import keys
from zhzx_desktop.security.field_crypto import FieldCipher
from zhzx_desktop.services import residents
from zhzx_desktop.services.ledger import Ledger, open_ledger


def test_encrypt_round_trip_and_tamper_detection() -> None:
    cipher = FieldCipher(FieldCipher.new_key())
    token = cipher.encrypt("110105194912310021", context="residents.id_number")
    assert "110105194912310021" not in token
    assert cipher.decrypt(token, context="residents.id_number") == "110105194912310021"
    with pytest.raises(KnownError, match="无法解密"):
        cipher.decrypt(token, context="case_parties.id_number")
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(KnownError):
        cipher.decrypt(tampered, context="residents.id_number")


def test_lookup_hash_is_keyed_and_stable() -> None:
    a, b = FieldCipher(FieldCipher.new_key()), FieldCipher(FieldCipher.new_key())
    assert a.lookup_hash("X") == a.lookup_hash("X") != b.lookup_hash("X")


def test_no_id_number_in_clear_anywhere_in_the_files(ledger: Ledger, db_path: Path) -> None:
    numbers = [make_id(seq=s) for s in range(101, 111)]
    residents.register_many(ledger, [residents.ResidentInput(name=f"测试{n}", id_number=x)
                                     for n, x in zip("甲乙丙丁戊己庚辛壬癸", numbers)])
    ledger.store.conn.execute("PRAGMA wal_checkpoint(FULL)")
    raw = b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*"))
    assert raw  # the files exist
    for number in numbers:
        assert number.encode() not in raw
        assert number[6:14].encode() + number[14:17].encode() not in raw  # not even the middle digits
    first = residents.search(ledger, numbers[0])[0]
    assert residents.reveal_id(ledger, first.id, "核对测试数据") == numbers[0]
    assert first.id_masked == numbers[0][:6] + "*" * 8 + numbers[0][-4:]


def test_missing_key_is_a_clear_error_not_garbage(ledger: Ledger, db_path: Path, tmp_path: Path,
                                                   memory_keyring) -> None:
    residents.register(ledger, residents.ResidentInput(name="王五", id_number=make_id()))
    ledger.close()
    memory_keyring.entries.clear()  # a new PC, a wiped keyring
    with pytest.raises(KnownError, match="找不到本数据库的数据密钥"):
        open_ledger(db_path, key_fallback_dir=tmp_path)


def test_a_foreign_key_is_refused(ledger: Ledger, db_path: Path, tmp_path: Path, memory_keyring) -> None:
    ledger.close()
    (slot,) = memory_keyring.entries
    memory_keyring.entries[slot] = keyring.get_password(*slot).swapcase()  # type: ignore[union-attr]
    with pytest.raises(KnownError):
        open_ledger(db_path, key_fallback_dir=tmp_path, today=lambda: TODAY)


def test_fallback_key_file_is_owner_only(tmp_path: Path) -> None:
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        warning = keys.ensure_backend(tmp_path / "cfg")
        assert warning is not None and "keyring.json" in warning
        keyring.set_password("svc", "user", "secret")
        path = tmp_path / "cfg" / "keyring.json"
        assert path.stat().st_mode & 0o077 == 0
        assert keyring.get_password("svc", "user") == "secret"
    finally:
        keyring.set_keyring(previous)


def test_a_secure_backend_is_kept(tmp_path: Path, memory_keyring) -> None:
    assert keys.ensure_backend(tmp_path) is None
    assert keyring.get_keyring() is memory_keyring
