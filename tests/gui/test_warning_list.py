"""The 研判 warning list: cards for each warning, 上报镇综治中心 through its date dialog (errors inline), 打开案件,
and what a role without the cases or the sensitive categories sees."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel

from tests import casework
from zhzx_desktop.domain.roles import Role
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.widgets.warning_list import EscalateDialog, WarningList
from zhzx_desktop.security.session import Actor
from zhzx_desktop.services import cases
from zhzx_desktop.services.cases import PartyInput
from zhzx_desktop.storage import rows

SHOTS = Path("/tmp/warnings_shots")


@pytest.fixture
def village(ctx: GuiContext) -> casework.Village:
    return casework.village(ctx.ledger)


def _open(ctx: GuiContext, v: casework.Village, a: int = 0, b: int = 1, **overrides: object) -> str:
    data = casework.intake(v, **overrides)  # type: ignore[arg-type]
    data.parties = [PartyInput(role="applicant", resident_id=v.parties[a]),
                    PartyInput(role="respondent", resident_id=v.parties[b])]
    return cases.open_case(ctx.ledger, data).row_id or ""


def _make(qtbot, ctx: GuiContext) -> WarningList:  # type: ignore[no-untyped-def]
    widget = WarningList(ctx)
    qtbot.addWidget(widget)
    widget.resize(300, 520)
    widget.show()
    return widget


def test_no_warnings_says_so(qtbot, ctx: GuiContext, village: casework.Village) -> None:  # type: ignore[no-untyped-def]
    widget = _make(qtbot, ctx)
    assert widget.cards() == []
    assert widget.summary_label.text() == "目前没有需要研判上报的矛盾纠纷。"


def test_cards_open_the_case_and_escalate_it(qtbot, ctx: GuiContext,  # type: ignore[no-untyped-def]
                                             village: casework.Village) -> None:
    major = _open(ctx, village, people_involved=60)
    overdue = _open(ctx, village, 2, 3, accepted_on="2026-10-01")
    widget = _make(qtbot, ctx)
    cards = widget.cards()
    assert [c.warning.kind for c in cards] == ["major", "overdue"]
    assert [c.kind_label.text() for c in cards] == ["重大纠纷", "超期未调结"]
    assert "涉及60人" in cards[0].sentence_label.text()
    assert cards[0].escalate_button.isVisible() and cards[0].step_label.isHidden()  # the button says the step
    assert widget.summary_label.text() == "共 2 条预警，2 条待上报。"
    SHOTS.mkdir(exist_ok=True)
    QApplication.processEvents()
    widget.grab().save(str(SHOTS / "warning_list.png"))

    with qtbot.waitSignal(widget.case_requested) as opened:
        cards[1].open_button.click()
    assert opened.args == [overdue]

    cards[0].escalate_button.click()
    dialog = widget.dialog
    assert isinstance(dialog, EscalateDialog) and dialog.isVisible()
    assert dialog.date_edit.date() == QDate(2026, 11, 23)
    save = dialog.button_box.button(QDialogButtonBox.StandardButton.Save)
    assert save.text() == "确认已上报"
    dialog.date_edit.setDate(QDate(2026, 10, 1))  # before the case was accepted (2026-11-02)
    save.click()
    assert dialog.isVisible() and "不能早于受理日期" in (dialog.errors.text("escalated_on") if dialog.errors else "")
    dialog.date_edit.setDate(QDate(2026, 11, 20))
    with qtbot.waitSignal(widget.changed) as changed:
        save.click()
    assert not dialog.isVisible()
    assert changed.args[0].cases and changed.args[0].row_id == major
    cards = widget.cards()
    assert [c.warning.kind for c in cards] == ["overdue", "major"]  # the reported one moves down
    assert cards[1].step_label.text() == "已上报（2026-11-20）" and not cards[1].step_label.isHidden()
    assert not cards[1].escalate_button.isVisible()
    QApplication.processEvents()
    widget.grab().save(str(SHOTS / "warning_list_escalated.png"))
    assert widget.summary_label.text() == "共 2 条预警，1 条待上报。"
    assert cases.get_case(ctx.ledger, major).escalated_on == "2026-11-20"


def test_a_mediator_is_not_told_the_category(qtbot, ctx: GuiContext,  # type: ignore[no-untyped-def]
                                             village: casework.Village) -> None:
    with ctx.ledger.store.write() as conn:
        rows.insert(conn, "resident_categories", [{"id": rows.new_id(), "resident_id": village.parties[1],
                                                   "category": "T04"}])
    _open(ctx, village)
    ctx.ledger.session.actor = Actor("a2", "wangfang", "王芳", Role.MEDIATOR)
    widget = _make(qtbot, ctx)
    [card] = widget.cards()
    assert "当事人属于需关注人员" in card.sentence_label.text()
    assert "吸毒" not in card.sentence_label.text() and "吴秀英" not in card.sentence_label.text()
    assert card.escalate_button.isVisible()  # a mediator may report the case


def test_a_clerk_without_cases_sees_no_cards(qtbot, ctx: GuiContext,  # type: ignore[no-untyped-def]
                                            village: casework.Village) -> None:
    _open(ctx, village, people_involved=70)
    ctx.ledger.session.actor = Actor("a1", "zhangwei", "张伟", Role.CLERK)
    widget = _make(qtbot, ctx)
    assert widget.cards() == []
    assert widget.summary_label.text() == "当前账户不能查看调解案件，没有研判预警。"


def test_apply_reloads_on_case_changes(qtbot, ctx: GuiContext,  # type: ignore[no-untyped-def]
                                       village: casework.Village) -> None:
    widget = _make(qtbot, ctx)
    assert widget.cards() == []
    case_id = _open(ctx, village, people_involved=55)
    widget.apply(cases.Changes(activities=True))
    assert widget.cards() == []  # not a case change: nothing redrawn
    widget.apply(cases.Changes(cases=True, row_id=case_id))
    assert [c.warning.case_id for c in widget.cards()] == [case_id]


def test_screens_of_the_new_fields(qtbot, ctx: GuiContext, village: casework.Village) -> None:  # type: ignore[no-untyped-def]
    """Renders the escalate dialog, the intake form and the activity form with the issue-7 fields (to look at)."""
    from zhzx_desktop.gui.dialogs.activity_dialog import ActivityDialog
    from zhzx_desktop.gui.dialogs.case_intake_dialog import CaseIntakeDialog
    _open(ctx, village, people_involved=60)
    widget = _make(qtbot, ctx)
    dialog = widget.open_escalate_dialog(widget.cards()[0].warning)
    intake = CaseIntakeDialog(ctx)
    qtbot.addWidget(intake)
    intake.show()
    activity = ActivityDialog(ctx, village.team_id)
    qtbot.addWidget(activity)
    activity.show()
    SHOTS.mkdir(exist_ok=True)
    QApplication.processEvents()
    for name, shown in (("escalate", dialog), ("intake", intake), ("activity", activity)):
        assert shown.grab().save(str(SHOTS / f"{name}.png"))


def test_many_warnings_are_counted_past_the_shown_cards(qtbot, ctx: GuiContext,  # type: ignore[no-untyped-def]
                                                        village: casework.Village,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from zhzx_desktop.gui.widgets import warning_list
    monkeypatch.setattr(warning_list, "SHOWN_CARDS", 2)
    for a, b in ((0, 1), (2, 3), (1, 0)):
        _open(ctx, village, a, b, people_involved=51)
    widget = _make(qtbot, ctx)
    assert len(widget.warnings) == 4 and len(widget.cards()) == 2  # 3 major + 1 repeat
    more = widget.findChild(QLabel, "more_label")
    assert more is not None and more.text() == f"另有 {len(widget.warnings) - 2} 条预警未列出：请先处理上面的。"
