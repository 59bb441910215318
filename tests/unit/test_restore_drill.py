"""The restore drill on a fresh data dir (issue 6 point 3): a village PC is lost; only an encrypted backup and the
county's escrow key remain. Everything runs through the real command lines in child processes, each PC with its own
empty profile (config, data, keyring file): demo data → county key pair → ``escrow set-key`` → ``backup`` → on a
NEW PC ``recover request --backup`` → county ``escrow unwrap`` → ``recover apply`` → ``restore`` → every resident's
ID number decrypts and equals the lost PC's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import keyring
import pytest

from sync import escrow as village_escrow
from zhzx_desktop.errors import KnownError
from zhzx_desktop.security import escrow, keys
from zhzx_desktop.security.keys import OwnerOnlyFileKeyring
from zhzx_desktop.services.ledger import open_ledger
from zhzx_desktop.storage.db import Store

REPO = Path(__file__).resolve().parents[2]
PASSPHRASE = "县综治中心-托管口令-2026"

pytestmark = pytest.mark.timeout(300)


def _env(home: Path) -> dict[str, str]:
    return dict(os.environ, XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"),
                XDG_STATE_HOME=str(home / "state"), XDG_CACHE_HOME=str(home / "cache"),
                ZHZX_STATE_DIR=str(home / "sync-state"), PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
                QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))


def village(home: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "zhzx_desktop", *args], capture_output=True, text=True,
                          env=_env(home), cwd=str(REPO), timeout=240, check=False)
    if ok:
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done


def county(home: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "sync.server.cli", *args], capture_output=True, text=True,
                          env=_env(home), cwd=str(REPO), timeout=120, check=False)
    if ok:
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done


def _keyring_of(home: Path) -> OwnerOnlyFileKeyring:
    return OwnerOnlyFileKeyring(home / "config" / "zhzx-desktop" / "keyring.json")


def _id_numbers(db: Path, home: Path, tmp: Path) -> dict[str, str]:
    """Every resident's full ID number, decrypted through the service (查看完整号码, as the system actor)."""
    from zhzx_desktop.services import residents

    keyring.set_keyring(_keyring_of(home))  # the autouse memory keyring fixture puts its own back afterwards
    with open_ledger(db, key_fallback_dir=tmp / "unused") as ledger:
        ids = [str(r[0]) for r in ledger.store.conn.execute("SELECT id FROM residents ORDER BY id")]
        return {rid: residents.reveal_id(ledger, rid, reason="恢复演练核对") for rid in ids}


def test_restore_drill_on_a_fresh_pc(tmp_path: Path) -> None:
    old_pc, new_pc, county_home = tmp_path / "old-pc", tmp_path / "new-pc", tmp_path / "county"
    old_db = old_pc / "data" / "zhzx-desktop" / "zhzx.db"
    old_db.parent.mkdir(parents=True)
    village(old_pc, "demo", "--db", str(old_db), "--residents", "40", "--cases", "3", "--seed", "11")

    # the county makes its escrow key pair once; the public key reaches the village (here: on a USB stick)
    keys_dir = county_home / "escrow"
    pass_file = county_home / "pass.txt"
    county_home.mkdir()
    pass_file.write_text(PASSPHRASE + "\n", encoding="utf-8")
    made = county(county_home, "escrow", "init", "--dir", str(keys_dir), "--passphrase-file", str(pass_file))
    assert "公钥指纹" in made.stdout
    assert county(county_home, "escrow", "init", "--dir", str(keys_dir), "--passphrase-file", str(pass_file),
                  ok=False).returncode == 2  # never overwrites the pair the villages depend on
    assert b"ENCRYPTED" in (keys_dir / "escrow_private.pem").read_bytes()
    set_key = village(old_pc, "escrow", "set-key", "--db", str(old_db), str(keys_dir / "escrow_public.pem"))
    assert escrow.fingerprint((keys_dir / "escrow_public.pem").read_bytes()) in set_key.stdout
    assert "已托管" in village(old_pc, "escrow", "status", "--db", str(old_db)).stdout

    backups_dir = tmp_path / "usb-stick"
    village(old_pc, "backup", "--db", str(old_db), "--to", str(backups_dir))
    (backup,) = sorted(backups_dir.glob("*.zbk"))
    before = _id_numbers(old_db, old_pc, tmp_path)
    assert len(before) == 40 and all(len(n) == 18 for n in before.values())

    # the old PC is gone. A new PC with an empty profile and an empty keyring has only the backup.
    new_db = new_pc / "data" / "zhzx-desktop" / "zhzx.db"
    new_db.parent.mkdir(parents=True)
    refused = village(new_pc, "restore", "--db", str(new_db), "--from", str(backup), ok=False)
    assert refused.returncode != 0 and "密钥" in refused.stderr
    request = tmp_path / "恢复申请.json"
    village(new_pc, "recover", "request", "--backup", str(backup), "--out", str(request))
    asked = json.loads(request.read_text(encoding="utf-8"))
    assert asked["escrow"] and asked["db_id"] and "PRIVATE" not in request.read_text(encoding="utf-8")

    reply = tmp_path / "县里回复.json"
    wrong = county_home / "wrong.txt"
    wrong.write_text("not the passphrase", encoding="utf-8")
    bad = county(county_home, "escrow", "unwrap", "--key", str(keys_dir / "escrow_private.pem"),
                 "--passphrase-file", str(wrong), "--request", str(request), "--out", str(reply), ok=False)
    assert bad.returncode == 2 and "口令" in bad.stderr and not reply.exists()
    county(county_home, "escrow", "unwrap", "--key", str(keys_dir / "escrow_private.pem"), "--passphrase-file",
           str(pass_file), "--request", str(request), "--out", str(reply), "--operator", "李科长")
    log_lines = (keys_dir / "escrow-recoveries.log").read_text(encoding="utf-8").splitlines()
    logged = json.loads(log_lines[-1])
    assert logged["operator"] == "李科长" and logged["db_id"] == asked["db_id"]

    # a third PC cannot use the reply: the reply key's private half is only in the new PC's keyring
    stranger = village(tmp_path / "stranger", "recover", "apply", "--backup", str(backup), "--reply", str(reply),
                       ok=False)
    assert stranger.returncode == 2 and "生成申请文件的那台电脑" in stranger.stderr

    applied = village(new_pc, "recover", "apply", "--backup", str(backup), "--reply", str(reply))
    assert "已恢复数据密钥" in applied.stdout
    village(new_pc, "restore", "--db", str(new_db), "--from", str(backup))
    after = _id_numbers(new_db, new_pc, tmp_path)
    assert after == before

    # the raw key never appeared in any file the county or the village wrote
    secret = _keyring_of(new_pc).get_password(keys.SERVICE, f"data-key/{asked['db_id']}")
    assert secret
    for path in (request, reply, keys_dir / "escrow-recoveries.log"):
        assert secret not in path.read_text(encoding="utf-8")
    # the one-time reply key is gone after use
    assert _keyring_of(new_pc).get_password(keys.SERVICE, f"recovery/{asked['db_id']}") is None


def test_recovery_of_a_database_file_is_audited(tmp_path: Path, memory_keyring: object) -> None:
    """The key of a database at hand is lost (reinstalled system): request and apply are audited in its log."""
    db = tmp_path / "zhzx.db"
    private_pem, public_pem = escrow.generate_keypair(None)
    with open_ledger(db, key_fallback_dir=tmp_path / "keys") as ledger:
        assert village_escrow.escrow_key(ledger.store, public_pem.decode()) is True
        assert village_escrow.escrow_key(ledger.store, public_pem.decode()) is False  # idempotent
        db_id = str(ledger.store.meta("db_id"))
    keyring.delete_password(keys.SERVICE, f"data-key/{db_id}")
    with pytest.raises(keys.KeyMissing):
        open_ledger(db, key_fallback_dir=tmp_path / "keys")

    request = village_escrow.make_request(db_path=db)
    again = village_escrow.make_request(db_path=db)
    assert again["reply_public_key"] == request["reply_public_key"]  # an earlier request stays answerable
    reply = village_escrow.answer_request(request, escrow.load_private(private_pem, None), operator="王主任")
    other = tmp_path / "other.db"
    with open_ledger(other, key_fallback_dir=tmp_path / "keys"):
        pass
    with pytest.raises(KnownError, match="另一个数据库"):
        village_escrow.apply_reply(reply, db_path=other)
    assert village_escrow.apply_reply(reply, db_path=db) is True
    with open_ledger(db, key_fallback_dir=tmp_path / "keys") as ledger:
        actions = [r[0] for r in ledger.store.conn.execute("SELECT action FROM audit_log ORDER BY seq")]
    assert actions.count("key_escrowed") == 1
    assert actions.index("key_recovery_requested") < actions.index("key_recovered")


def test_county_refuses_a_request_whose_key_check_does_not_match(tmp_path: Path) -> None:
    private_pem, public_pem = escrow.generate_keypair(None)
    with open_ledger(tmp_path / "a.db", key_fallback_dir=tmp_path / "keys") as ledger:
        village_escrow.escrow_key(ledger.store, public_pem.decode())
    with Store(tmp_path / "a.db") as store:
        request = village_escrow.make_request(db_path=store.path)
    request["key_check"] = "f" * 32
    with pytest.raises(KnownError):
        village_escrow.answer_request(request, escrow.load_private(private_pem, None))
