"""调委会设置: loads what is saved, shows a live case-number example, saves the committee and this PC's print font,
and explains bad input next to the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog

from tests import casework
from zhzx_desktop.gui import settings as keys
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.committee_dialog import CommitteeDialog
from zhzx_desktop.services import committee
from zhzx_desktop.services.changes import Changes

UMING = Path("/usr/share/fonts/truetype/arphic/uming.ttc")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _dialog(qtbot, ctx: GuiContext) -> CommitteeDialog:
    dialog = CommitteeDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog


def test_shows_the_saved_settings_and_a_live_example(qtbot, ctx: GuiContext) -> None:
    committee.save(ctx.ledger, committee.CommitteeSettings(
        name=casework.COMMITTEE.name, prefix="青石村", block=0, show_id_numbers=True, retention="永久"))
    dialog = _dialog(qtbot, ctx)
    assert dialog.ui.name_edit.text() == "青石村人民调解委员会" and dialog.ui.prefix_edit.text() == "青石村"
    assert dialog.ui.show_id_check.isChecked() and dialog.ui.retention_combo.currentText() == "永久"
    assert dialog.ui.prefix_example.text() == "案号示例：（2026）青石村人调字第001号"
    dialog.ui.block_spin.setValue(1)
    assert dialog.ui.prefix_example.text() == "案号示例：（2026）青石村人调字第1001号"
    dialog.ui.prefix_edit.clear()
    assert dialog.ui.prefix_example.text() == "案号示例：（2026）X村人调字第1001号"
    assert "每台电脑选不同的号段" in dialog.ui.block_help.text()
    assert dialog.ui.block_spin.minimum() == 0 and dialog.ui.block_spin.maximum() == 9
    retentions = [dialog.ui.retention_combo.itemText(i) for i in range(dialog.ui.retention_combo.count())]
    assert retentions == ["永久", "长期", "短期", "30年", "10年"] and dialog.ui.retention_combo.isEditable()


def test_saves_the_committee_and_the_font(qtbot, ctx: GuiContext) -> None:
    dialog = _dialog(qtbot, ctx)
    saved: list[Changes] = []
    dialog.committee_saved.connect(saved.append)
    dialog.ui.name_edit.setText("东湾村人民调解委员会")
    dialog.ui.prefix_edit.setText("东湾村")
    dialog.ui.block_spin.setValue(2)
    dialog.ui.show_id_check.setChecked(True)
    dialog.ui.retention_combo.setEditText("15年")
    if UMING.is_file():
        dialog.ui.font_edit.setText(str(UMING))
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    assert committee.load(ctx.ledger) == committee.CommitteeSettings("东湾村人民调解委员会", "东湾村", 2, True, "15年")
    assert dialog.changes is not None and dialog.changes.cases and saved == [dialog.changes]
    assert ctx.settings.get(keys.FONT_PATH) == (str(UMING) if UMING.is_file() else "")


def test_bad_input_stays_open_with_the_errors_by_the_fields(qtbot, ctx: GuiContext) -> None:
    dialog = _dialog(qtbot, ctx)
    dialog.ui.name_edit.clear()
    dialog.ui.prefix_edit.setText("（青石村）")
    dialog.accept()
    assert dialog.isVisible() and dialog.changes is None
    shown = dialog.errors.shown()
    assert "调委会名称" in shown["committee_name"] and "不要带括号" in shown["case_prefix"]
    assert committee.load(ctx.ledger) == committee.CommitteeSettings()


@pytest.mark.parametrize(("make", "message"), [
    (lambda tmp: tmp / "没有这个字体.ttf", "找不到字体文件"),
    (lambda tmp: tmp / "notes.txt", "TrueType 字体文件"),
    (lambda tmp: tmp / "broken.ttf", "无法用于打印"),
])
def test_an_unusable_font_is_explained(qtbot, ctx: GuiContext, tmp_path: Path, make, message: str) -> None:
    (tmp_path / "notes.txt").write_text("不是字体", encoding="utf-8")
    (tmp_path / "broken.ttf").write_bytes(b"\x00\x01\x00\x00" + b"\x00" * 64)
    committee.save(ctx.ledger, casework.COMMITTEE)
    dialog = _dialog(qtbot, ctx)
    dialog.ui.font_edit.setText(str(make(tmp_path)))
    dialog.accept()
    assert dialog.isVisible() and message in dialog.errors.text("font")
    assert ctx.settings.get(keys.FONT_PATH) == ""


@pytest.mark.skipif(not DEJAVU.is_file(), reason="needs fonts-dejavu-core")
def test_a_font_without_chinese_is_refused(qtbot, ctx: GuiContext) -> None:
    committee.save(ctx.ledger, casework.COMMITTEE)
    dialog = _dialog(qtbot, ctx)
    dialog.ui.font_edit.setText(str(DEJAVU))
    dialog.accept()
    assert dialog.isVisible() and "不含中文字符" in dialog.errors.text("font")


def test_automatic_font_names_the_font_in_use(qtbot, ctx: GuiContext) -> None:
    dialog = _dialog(qtbot, ctx)
    assert dialog.ui.font_edit.text() == "" and dialog.ui.font_edit.placeholderText() == "自动"
    assert "本机现在用：" in dialog.ui.font_help.text()
    dialog.ui.font_browse_button.click()
    assert dialog.file_dialog is not None and dialog.file_dialog.isVisible()
    dialog.file_dialog.fileSelected.emit(str(UMING))
    dialog.file_dialog.reject()
    assert dialog.ui.font_edit.text() == str(UMING)
