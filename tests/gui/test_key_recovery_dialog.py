"""恢复数据密钥 at start: write the request, the county answers, import the reply → the database opens."""

from __future__ import annotations

import json
from pathlib import Path

import keyring
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from sync import escrow as village_escrow
from zhzx_desktop.gui.dialogs.key_recovery_dialog import KeyRecoveryDialog
from zhzx_desktop.security import escrow, keys
from zhzx_desktop.services.ledger import open_ledger


def _lost_key_db(tmp_path: Path) -> tuple[Path, bytes]:
    db = tmp_path / "zhzx.db"
    private_pem, public_pem = escrow.generate_keypair(None)
    with open_ledger(db, key_fallback_dir=tmp_path / "keys") as ledger:
        village_escrow.escrow_key(ledger.store, public_pem.decode())
        db_id = str(ledger.store.meta("db_id"))
    keyring.delete_password(keys.SERVICE, f"data-key/{db_id}")
    return db, private_pem


def test_request_then_reply_recovers_the_key(qtbot: QtBot, tmp_path: Path) -> None:
    db, private_pem = _lost_key_db(tmp_path)
    dialog = KeyRecoveryDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    request_file = tmp_path / "申请.json"
    assert dialog.write_request(request_file)
    assert "已生成申请文件" in dialog.status_label.text()
    dialog.grab().save(str(tmp_path / "key_recovery.png"))

    bogus = tmp_path / "bogus.json"
    bogus.write_text("{}", encoding="utf-8")
    assert not dialog.import_reply(bogus)
    assert "没有恢复" in dialog.status_label.text() and dialog.isVisible()

    request = json.loads(request_file.read_text(encoding="utf-8"))
    reply = village_escrow.answer_request(request, escrow.load_private(private_pem, None), operator="县综治中心")
    reply_file = tmp_path / "回复.json"
    village_escrow.write_json(reply_file, reply)
    with qtbot.waitSignal(dialog.accepted):
        assert dialog.import_reply(reply_file)
    assert dialog.result() == QDialog.DialogCode.Accepted
    with open_ledger(db, key_fallback_dir=tmp_path / "keys") as ledger:
        assert ledger.cipher.key_check() == ledger.store.meta("key_check")


def test_a_request_that_cannot_be_written_is_explained(qtbot: QtBot, tmp_path: Path) -> None:
    db, _ = _lost_key_db(tmp_path)
    dialog = KeyRecoveryDialog(db)
    qtbot.addWidget(dialog)
    assert not dialog.write_request(tmp_path / "no-such-folder" / "申请.json")
    assert "没有生成申请文件" in dialog.status_label.text()
