"""The 审计 page: the log newest first as sentences, lazily paged, filtered; 校验完整性 green or red."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt

from tests.helpers import make_id
from zhzx_desktop.domain.roles import Role
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.models.audit_model import AuditModel
from zhzx_desktop.gui.pages.audit_page import AuditPage
from zhzx_desktop.security import audit
from zhzx_desktop.security.session import Actor
from zhzx_desktop.services import residents
from zhzx_desktop.services.ledger import Ledger

CLERK = Actor("acc-1", "wangfang", "王芳", Role.CLERK)
NAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv("ZHZX_STATE_DIR", str(folder))
    return folder


def _fill(ledger: Ledger, n: int) -> None:
    ledger.session.actor = CLERK
    for i in range(n):
        residents.register(ledger, residents.ResidentInput(name=f"{NAMES[i % 30]}{NAMES[i // 30]}",
                                                           id_number=make_id(seq=i + 1)))
    ledger.session.actor = None
    ledger.audit("login_failed", success=False, detail="第3次")


def test_model_pages_lazily_newest_first(qtmodeltester, ledger: Ledger) -> None:  # type: ignore[no-untyped-def]
    _fill(ledger, 24)
    model = AuditModel(lambda: ledger.store.conn, page_size=10)
    model.reload()
    assert model.rowCount() == 10 and model.canFetchMore()
    assert model.index(0, 0).data(Qt.ItemDataRole.UserRole) == 25
    model.fetchMore()
    model.fetchMore()
    assert model.rowCount() == 25 and not model.canFetchMore()
    seqs = [model.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(25)]
    assert seqs == list(range(25, 0, -1))
    assert model.index(0, 4).data() == "失败"
    assert model.index(0, 4).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.index(1, 2).data() == "新增" and model.index(1, 4).data() == "成功"
    assert model.index(1, 1).data() == "王芳（录入员）"
    assert model.index(1, 5).data().endswith("新增居民 " + model.index(1, 3).data().removeprefix("居民 "))
    qtmodeltester.check(model)


def test_page_lists_filters_and_verifies(qtbot, ctx: GuiContext) -> None:  # type: ignore[no-untyped-def]
    _fill(ctx.ledger, 5)
    page = AuditPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 500)
    page.show()
    assert page.model.rowCount() == 6
    assert page.user_combo.count() == 3  # 全部用户, 命令行, 王芳
    page.failed_check.setChecked(True)
    assert page.model.rowCount() == 1
    assert "登录失败（第3次）" in page.model.index(0, 5).data()
    page.failed_check.setChecked(False)
    page.user_combo.setCurrentIndex(page.user_combo.findData("wangfang"))
    assert page.model.rowCount() == 5
    page.action_combo.setCurrentIndex(page.action_combo.findData("login_failed"))
    assert page.model.rowCount() == 0
    page.action_combo.setCurrentIndex(0)
    page.search_edit.setText(NAMES[2])
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    page.search_edit.clear()
    page.date_check.setChecked(True)
    page.since_edit.setDate(QDate(2000, 1, 1))
    page.until_edit.setDate(QDate(2000, 12, 31))
    assert page.model.rowCount() == 0
    page.date_check.setChecked(False)
    qtbot.waitUntil(lambda: page.model.rowCount() == 5)

    page.verify_button.click()
    assert page.verify_label.isVisible() and page.verify_label.property("ok") is True
    assert "审计日志完整：共6条" in page.verify_label.text()
    assert audit.entries(ctx.ledger.store.conn, limit=1)[0].action == "audit_verified"
    page.user_combo.setCurrentIndex(0)
    assert page.model.index(0, 2).data() == "校验审计日志"
    page.grab().save(str(Path("/tmp") / "audit_page_ok.png"))


def test_verify_shows_the_first_broken_entry_in_red(qtbot, ctx: GuiContext, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    _fill(ctx.ledger, 5)
    raw = sqlite3.connect(db_path, isolation_level=None)
    raw.execute("DROP TRIGGER audit_log_no_update")
    raw.execute("UPDATE audit_log SET object_label = '别人' WHERE seq = 3")
    raw.close()
    page = AuditPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 500)
    page.show()
    page.verify_button.click()
    assert page.verify_label.property("ok") is False
    assert "第3条记录" in page.verify_label.text() and "内容被改动" in page.verify_label.text()
    failed = audit.entries(ctx.ledger.store.conn, limit=1)[0]
    assert (failed.action, failed.success) == ("audit_verified", 0)
    page.grab().save(str(Path("/tmp") / "audit_page_broken.png"))


def test_apply_reloads_when_visible(qtbot, ctx: GuiContext) -> None:  # type: ignore[no-untyped-def]
    page = AuditPage(ctx)
    qtbot.addWidget(page)
    page.show()
    assert page.model.rowCount() == 0
    changes = residents.register(ctx.ledger, residents.ResidentInput(name="张三", id_number=make_id(seq=1)))
    page.apply(changes)
    assert page.model.rowCount() == 1
