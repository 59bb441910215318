"""Key escrow through the county server: enrollment delivers the escrow public key, the PC wraps its data key with
it (audited), and the next sync sends the wrapped key to the county once — the county can then recover it without
the PC or its backups."""

from __future__ import annotations

from collections.abc import Callable

import keyring
import pytest

from sync import escrow as village_escrow
from sync.server.storage import ServerError
from tests.sync.harness import ServerThread, VillageClient
from zhzx_desktop.security import escrow, keys

Village = Callable[..., VillageClient]

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def escrow_pair(county: ServerThread) -> tuple[bytes, bytes]:
    private_pem, public_pem = escrow.generate_keypair(None)
    county.app.escrow_public_key = public_pem.decode()
    return private_pem, public_pem


def _meta(pc: VillageClient, key: str) -> str | None:
    found = pc.sql("SELECT v FROM app_meta WHERE k = ?", (key,))
    return None if not found else str(found[0][0])


def test_enrollment_delivers_the_key_and_the_sync_sends_the_wrapped_key(
        county: ServerThread, village: Village, escrow_pair: tuple[bytes, bytes]) -> None:
    private_pem, public_pem = escrow_pair
    pc = village("东华一号机", direct=True)
    assert pc.enrollment.escrow_fingerprint == escrow.fingerprint(public_pem)
    blob = _meta(pc, "escrow")
    assert blob and escrow.parse(blob)["kid"] == escrow.fingerprint(public_pem)
    assert (_meta(pc, "escrow_public_key") or "").strip() == public_pem.decode().strip()
    assert [r[0] for r in pc.sql("SELECT action FROM audit_log WHERE action = 'key_escrowed'")] == ["key_escrowed"]
    db_id = str(_meta(pc, "db_id"))
    assert county.sql("SELECT log_device FROM device_logs WHERE device_id = ?", (pc.state("device_id"),)) == [(db_id,)]

    first = pc.sync()
    assert first.error is None and first.escrow_sent and first.audit_error is None
    assert pc.sync().escrow_sent is False  # once per wrapped key
    assert county.sql("SELECT count(*) FROM escrowed_keys WHERE db_id = ?", (db_id,)) == [(1,)]

    # the PC and its backups are lost: the county alone recovers the key from what it holds
    held = county.store.escrowed_key(db_id)
    assert held is not None
    key = escrow.unwrap(held, escrow.load_private(private_pem, None), db_id)
    assert key == keys.read_data_key(db_id, _meta(pc, "key_check"))


def test_without_a_county_key_nothing_is_escrowed(county: ServerThread, village: Village) -> None:
    pc = village("东华一号机", direct=True)
    assert pc.enrollment.escrow_fingerprint is None and _meta(pc, "escrow") is None
    result = pc.sync()
    assert result.error is None and result.escrow_sent is False and result.audit_error is None


def test_recovery_with_the_key_the_county_holds(county: ServerThread, village: Village,
                                                escrow_pair: tuple[bytes, bytes], tmp_path: object) -> None:
    """A request without a wrapped key (e.g. an old backup) is answered from the county's database by db_id."""
    private_pem, _ = escrow_pair
    pc = village("东华一号机", direct=True)
    assert pc.sync().escrow_sent
    db_id = str(_meta(pc, "db_id"))
    pc.close()
    keyring.delete_password(keys.SERVICE, f"data-key/{db_id}")
    request = village_escrow.make_request(db_path=pc.path)
    request["escrow"] = None
    reply = village_escrow.answer_request(request, escrow.load_private(private_pem, None),
                                          blob=county.store.escrowed_key(db_id, request["key_check"]))
    assert village_escrow.apply_reply(reply, db_path=pc.path) is True
    pc.reopen()
    assert pc.ledger.cipher.key_check() == _meta(pc, "key_check")


def test_a_pc_cannot_send_an_escrow_for_another_database(county: ServerThread, village: Village,
                                                         escrow_pair: tuple[bytes, bytes]) -> None:
    first, second = village("东华一号机", direct=True), village("东华二号机", direct=True)
    device = county.store.device(second.state("device_id"))
    assert device is not None
    with pytest.raises(ServerError) as refused:
        county.store.store_escrow(device, {"escrow": _meta(first, "escrow")})
    assert refused.value.status == 403
