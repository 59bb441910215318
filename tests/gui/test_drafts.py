"""Drafts that survive a crash (gui/drafts.py): typed values are saved sealed ~1 s after the last change, offered
back when the same form opens again, and gone once the form is saved or cancelled."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from tests import casework
from tests.crash.kill import child_env, count, driver, key_dir, run_killed
from tests.helpers import make_id
from zhzx_desktop.domain.roles import Role
from zhzx_desktop.errors import KnownError
from zhzx_desktop.gui import drafts as drafts_module
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.resident_dialog import ResidentDialog
from zhzx_desktop.gui.drafts import Drafts
from zhzx_desktop.security.session import Actor
from zhzx_desktop.services.ledger import Ledger, open_ledger

ID_NUMBER = make_id(seq=417, born="19790312")


@pytest.fixture(autouse=True)
def quick_drafts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drafts_module, "SAVE_AFTER_MS", 100)


@pytest.fixture(autouse=True)
def settle(qtbot, ledger: Ledger) -> Iterator[None]:
    """Let the dialogs' pending timers (live validation) fire while the database is still open."""
    yield
    qtbot.wait(350)


def _drafts(ledger: Ledger) -> list[tuple[str, str, bytes]]:
    return [(k, a, bytes(s)) for k, a, s in ledger.store.conn.execute("SELECT key, account, sealed FROM drafts")]


def _open_resident(qtbot, ctx: GuiContext, resident_id: str | None = None) -> tuple[ResidentDialog, Drafts]:
    dialog = ResidentDialog(ctx, resident_id)
    qtbot.addWidget(dialog)
    dialog.open()
    found = Drafts.of(dialog)
    assert found is not None
    return dialog, found


def _type_and_wait(qtbot, dialog: ResidentDialog, drafts: Drafts) -> None:
    dialog.ui.name_edit.setText("刘桂香")  # QTest types ASCII only
    qtbot.keyClicks(dialog.ui.id_number_edit, ID_NUMBER)
    dialog.ui.address_edit.setText("青石村三组18号")
    qtbot.waitUntil(lambda: drafts.saves >= 1, timeout=3000)


def _crash(dialog: QDialog) -> None:
    """What a killed process does to an open dialog: nothing is finished, the window just goes."""
    dialog.hide()
    dialog.deleteLater()


def test_typing_is_saved_sealed_after_the_debounce(qtbot, ctx: GuiContext) -> None:
    dialog, drafts = _open_resident(qtbot, ctx)
    assert _drafts(ctx.ledger) == []  # opening saves nothing
    _type_and_wait(qtbot, dialog, drafts)
    [(key, account, sealed)] = _drafts(ctx.ledger)
    assert (key, account) == ("resident:new", "system")
    assert ID_NUMBER.encode() not in sealed and "刘桂香".encode() not in sealed
    assert ID_NUMBER[-6:].encode() not in sealed
    opened = ctx.ledger.cipher.open_bytes(sealed, context="draft:resident:new").decode("utf-8")
    assert ID_NUMBER in opened and "刘桂香" in opened
    with pytest.raises(KnownError):  # bound to its key: a draft cannot be passed off as another form's
        ctx.ledger.cipher.open_bytes(sealed, context="draft:resident:other")


def test_a_crash_keeps_the_draft_and_the_next_open_offers_it(qtbot, ctx: GuiContext) -> None:
    dialog, drafts = _open_resident(qtbot, ctx)
    _type_and_wait(qtbot, dialog, drafts)
    dialog.ui.sex_combo.setCurrentIndex(2)
    dialog.ui.notes_edit.setPlainText("独居，需定期走访")
    qtbot.waitUntil(lambda: drafts.saves >= 2 and not drafts._timer.isActive(), timeout=3000)
    sex = dialog.ui.sex_combo.currentData()
    _crash(dialog)
    qtbot.wait(10)

    again, offer = _open_resident(qtbot, ctx)
    assert offer.offered
    bar = again.findChild(QWidget, "draft_bar")  # QWidget
    assert bar is not None and bar.isVisibleTo(again)
    label = again.findChild(QLabel, "draft_label")
    assert isinstance(label, QLabel)
    text = label.text()
    assert text.startswith("发现上次未保存的内容（保存于 ") and text.endswith("），是否恢复？")
    assert again.ui.name_edit.text() == ""  # nothing restored until the clerk says so
    qtbot.mouseClick(again.findChild(QPushButton, "draft_restore_button"),
                     Qt.MouseButton.LeftButton)
    assert not offer.offered
    assert again.ui.name_edit.text() == "刘桂香"
    assert again.ui.id_number_edit.text() == ID_NUMBER
    assert again.ui.address_edit.text() == "青石村三组18号"
    assert again.ui.notes_edit.toPlainText() == "独居，需定期走访"
    assert again.ui.sex_combo.currentData() == sex
    # saving the form removes the draft
    again.accept()
    assert again.result() == QDialog.DialogCode.Accepted
    assert _drafts(ctx.ledger) == []
    third, _ = _open_resident(qtbot, ctx)
    assert third.findChild(QWidget, "draft_bar") is None


def test_discard_and_cancel_delete_the_draft(qtbot, ctx: GuiContext) -> None:
    dialog, drafts = _open_resident(qtbot, ctx)
    _type_and_wait(qtbot, dialog, drafts)
    _crash(dialog)
    again, offer = _open_resident(qtbot, ctx)
    qtbot.mouseClick(again.findChild(QPushButton, "draft_discard_button"),
                     Qt.MouseButton.LeftButton)
    assert not offer.offered and _drafts(ctx.ledger) == []
    assert again.ui.name_edit.text() == ""
    again.ui.name_edit.setText("王建军")
    qtbot.waitUntil(lambda: offer.saves >= 1, timeout=3000)
    assert len(_drafts(ctx.ledger)) == 1
    again.reject()  # an explicit cancel
    assert _drafts(ctx.ledger) == []


def test_untouched_or_reverted_forms_leave_no_draft(qtbot, ctx: GuiContext) -> None:
    dialog, drafts = _open_resident(qtbot, ctx)
    qtbot.keyClicks(dialog.ui.phone_edit, "139")
    dialog.ui.phone_edit.clear()
    qtbot.wait(300)
    assert drafts.saves == 0 and _drafts(ctx.ledger) == []


def test_another_account_does_not_see_the_draft(qtbot, ctx: GuiContext) -> None:
    clerk = Actor("acc-1", "lixia", "李霞", Role.CLERK)
    other = Actor("acc-2", "wangfang", "王芳", Role.CLERK)
    ctx.ledger.session.actor = clerk
    dialog, drafts = _open_resident(qtbot, ctx)
    _type_and_wait(qtbot, dialog, drafts)
    assert [(k, a) for k, a, _ in _drafts(ctx.ledger)] == [("resident:new", "acc-1")]
    _crash(dialog)
    ctx.ledger.session.actor = other
    theirs, offer = _open_resident(qtbot, ctx)
    assert not offer.offered and theirs.findChild(QWidget, "draft_bar") is None
    _crash(theirs)
    ctx.ledger.session.actor = clerk
    _, offer = _open_resident(qtbot, ctx)
    assert offer.offered


def test_drafts_write_no_audit_entry_and_no_sync_change(qtbot, ctx: GuiContext) -> None:
    conn = ctx.ledger.store.conn
    audit_before = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    outbox_before = conn.execute("SELECT count(*) FROM sync_outbox").fetchone()[0]
    dialog, drafts = _open_resident(qtbot, ctx)
    _type_and_wait(qtbot, dialog, drafts)
    dialog.reject()
    assert conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == audit_before
    assert conn.execute("SELECT count(*) FROM sync_outbox").fetchone()[0] == outbox_before


def test_the_kinds_of_fields_round_trip(qtbot, ctx: GuiContext) -> None:
    """Every kind of input a form uses, on a small dialog: saved, offered, restored."""
    from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QDoubleSpinBox, QPlainTextEdit, QSpinBox

    def build() -> tuple[QDialog, dict[str, object]]:
        dialog = QDialog()
        layout = QVBoxLayout(dialog)
        made: dict[str, object] = {}
        for cls, name in ((QLineEdit, "line"), (QPlainTextEdit, "plain"), (QComboBox, "combo"), (QDateEdit, "day"),
                          (QSpinBox, "spin"), (QDoubleSpinBox, "money"), (QCheckBox, "check")):
            widget = cls(dialog)
            widget.setObjectName(name)
            layout.addWidget(widget)
            made[name] = widget
        secret = QLineEdit(dialog)
        secret.setObjectName("password_edit")
        secret.setEchoMode(QLineEdit.EchoMode.Password)
        layout.addWidget(secret)
        made["password_edit"] = secret
        made["combo"].addItem("甲", "a")  # type: ignore[attr-defined]
        made["combo"].addItem("乙", "b")  # type: ignore[attr-defined]
        made["day"].setDate(QDate(2026, 11, 23))  # type: ignore[attr-defined]
        qtbot.addWidget(dialog)
        return dialog, made

    dialog, w = build()
    drafts = Drafts.attach(dialog, "test:kinds", ctx.ledger)
    assert "password_edit" not in drafts.fields
    w["line"].setText("一行")  # type: ignore[attr-defined]
    w["plain"].setPlainText("多行\n文字")  # type: ignore[attr-defined]
    w["combo"].setCurrentIndex(1)  # type: ignore[attr-defined]
    w["day"].setDate(QDate(2026, 10, 1))  # type: ignore[attr-defined]
    w["spin"].setValue(7)  # type: ignore[attr-defined]
    w["money"].setValue(12.5)  # type: ignore[attr-defined]
    w["check"].setChecked(True)  # type: ignore[attr-defined]
    w["password_edit"].setText("Secret#2026")  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: drafts.saves >= 1 and not drafts._timer.isActive(), timeout=3000)
    [(_, _, sealed)] = _drafts(ctx.ledger)
    assert b"Secret#2026" not in ctx.ledger.cipher.open_bytes(sealed, context="draft:test:kinds")
    _crash(dialog)
    again, v = build()
    offer = Drafts.attach(again, "test:kinds", ctx.ledger)
    assert offer.offered
    offer._on_restore_clicked()
    assert v["line"].text() == "一行"  # type: ignore[attr-defined]
    assert v["plain"].toPlainText() == "多行\n文字"  # type: ignore[attr-defined]
    assert v["combo"].currentData() == "b"  # type: ignore[attr-defined]
    assert v["day"].date() == QDate(2026, 10, 1)  # type: ignore[attr-defined]
    assert v["spin"].value() == 7 and v["money"].value() == 12.5  # type: ignore[attr-defined]
    assert v["check"].isChecked()  # type: ignore[attr-defined]
    assert v["password_edit"].text() == ""  # type: ignore[attr-defined]


def test_a_killed_app_leaves_its_draft_sealed(tmp_path: Path) -> None:
    """An offscreen app types into the resident dialog, the draft is saved, the process is killed: the row is
    there and opens with the data key; the ID number is not in the file in clear."""
    import keyring

    from tests.conftest import TODAY
    from zhzx_desktop.security.keys import OwnerOnlyFileKeyring

    keyring.set_keyring(OwnerOnlyFileKeyring(key_dir(tmp_path) / "keyring.json"))
    db = tmp_path / "killed.db"
    with open_ledger(db, key_fallback_dir=key_dir(tmp_path), today=lambda: TODAY) as ledger:
        casework.village(ledger, people=1, mediators=1)
    run = run_killed(driver("draft", "--db", str(db), "--name", "刘桂香", "--id-number", ID_NUMBER),
                     child_env(tmp_path), 0.5, when=lambda: count(db, "SELECT count(*) FROM drafts") > 0)
    assert run.killed, run.describe()
    assert run.committed == ["draft:resident:new"], run.describe()
    conn = sqlite3.connect(str(db))
    try:
        rows = conn.execute("SELECT key, account, sealed FROM drafts").fetchall()
    finally:
        conn.close()
    assert [(k, a) for k, a, _ in rows] == [("resident:new", "system")]
    for name in (db, Path(str(db) + "-wal")):
        if name.exists():
            assert ID_NUMBER.encode() not in name.read_bytes()
    with open_ledger(db, key_fallback_dir=key_dir(tmp_path), today=lambda: TODAY) as ledger:
        values = ledger.cipher.open_bytes(bytes(rows[0][2]), context="draft:resident:new").decode("utf-8")
    assert ID_NUMBER in values and "刘桂香" in values


def test_every_form_dialog_keeps_drafts(qtbot, ctx: GuiContext) -> None:
    """Each form dialog has drafts attached under its own key, over the fields a clerk types into."""
    from zhzx_desktop.gui.dialogs.activity_dialog import ActivityDialog
    from zhzx_desktop.gui.dialogs.agreement_dialog import AgreementDialog
    from zhzx_desktop.gui.dialogs.case_intake_dialog import CaseIntakeDialog
    from zhzx_desktop.gui.dialogs.follow_up_dialog import FollowUpDialog
    from zhzx_desktop.gui.dialogs.household_dialog import HouseholdDialog
    from zhzx_desktop.gui.dialogs.member_dialog import MemberDialog
    from zhzx_desktop.gui.dialogs.session_dialog import SessionDialog
    from zhzx_desktop.gui.dialogs.team_dialog import TeamDialog

    village = casework.village(ctx.ledger)
    case_id = casework.open_case(ctx.ledger, village)
    team = village.team_id
    made = {
        "household:new": (HouseholdDialog(ctx), "address_edit"),
        "team:new": (TeamDialog(ctx), "name_edit"),
        f"team:{team}": (TeamDialog(ctx, team), "name_edit"),
        f"member:{team}:new": (MemberDialog(ctx, team), None),
        f"activity:{team}:new": (ActivityDialog(ctx, team), None),
        "case:new": (CaseIntakeDialog(ctx), "summary_edit"),
        f"case:{case_id}": (CaseIntakeDialog(ctx, case_id), "summary_edit"),
        f"session:{case_id}:new": (SessionDialog(ctx, case_id), "statements_edit"),
        f"agreement:{case_id}:new": (AgreementDialog(ctx, case_id), "terms_edit"),
        f"follow_up:{case_id}:new": (FollowUpDialog(ctx, case_id), "notes_edit"),
    }
    for key, (dialog, field) in made.items():
        qtbot.addWidget(dialog)
        found = Drafts.of(dialog)
        assert found is not None and found.key == key
        assert found.names, key
        assert not any(n.startswith(("qt_", "picker_")) for n in found.names), found.names
        if field is not None:
            assert field in found.names, (key, found.names)
        dialog.reject()
    assert _drafts(ctx.ledger) == []


def test_a_grid_layout_form_shows_the_offer_on_top(qtbot, ctx: GuiContext) -> None:
    from zhzx_desktop.gui.dialogs.household_dialog import HouseholdDialog

    first = HouseholdDialog(ctx)
    qtbot.addWidget(first)
    first.ui.address_edit.setText("青石村四组7号")
    found = Drafts.of(first)
    assert found is not None and found.save()
    _crash(first)
    again = HouseholdDialog(ctx)
    qtbot.addWidget(again)
    again.show()
    bar = again.findChild(QWidget, "draft_bar")
    assert bar is not None and bar.isVisible()
    assert bar.geometry().bottom() < again.ui.household_no_edit.geometry().top()
    qtbot.mouseClick(again.findChild(QPushButton, "draft_restore_button"), Qt.MouseButton.LeftButton)
    assert again.ui.address_edit.text() == "青石村四组7号"
    assert again.findChild(QWidget, "draft_bar") is None or not again.findChild(QWidget, "draft_bar").isVisible()


def test_a_busy_database_skips_the_draft_quickly_and_the_next_change_saves_it(qtbot, ctx: GuiContext,
                                                                               db_path: Path) -> None:
    import time

    dialog, drafts = _open_resident(qtbot, ctx)
    dialog.ui.address_edit.setText("青石村五组")
    other = sqlite3.connect(str(db_path), timeout=1)
    try:
        other.execute("BEGIN IMMEDIATE")  # a long import on the worker thread holds the write lock
        started = time.monotonic()
        assert not drafts.save()
        assert time.monotonic() - started < 2  # not the store's 5 s: the form does not freeze
        other.rollback()
    finally:
        other.close()
    assert ctx.ledger.store.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    dialog.ui.address_edit.setText("青石村五组9号")
    qtbot.waitUntil(lambda: drafts.saves == 1, timeout=3000)
    assert len(_drafts(ctx.ledger)) == 1
