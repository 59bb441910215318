"""The role matrix enforced below the GUI: the commit guard refuses writes a role may not make (and rolls them back,
auditing the refusal), the services ask for the permissions of sensitive actions and record them in the audit log."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import casework
from tests.helpers import make_id
from zhzx_desktop.domain.roles import PERMISSIONS, Permission, Role
from zhzx_desktop.errors import Forbidden, UserError
from zhzx_desktop.security.permissions import TABLE_PERMISSIONS, needed
from zhzx_desktop.security.session import Actor
from zhzx_desktop.services import case_documents, case_export, duplicates, journal, residents, roster_export
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.services.residents import ResidentInput
from zhzx_desktop.storage.migrations import CAPTURED_TABLES

ACTORS = {
    Role.CLERK: Actor("a1", "lixia", "李霞", Role.CLERK),
    Role.MEDIATOR: Actor("a2", "wangfang", "王芳", Role.MEDIATOR),
    Role.DIRECTOR: Actor("a3", "zhaogang", "赵刚", Role.DIRECTOR),
    Role.ADMIN: Actor("a4", "sunli", "孙丽", Role.ADMIN),
    Role.AUDITOR: Actor("a5", "zhoumin", "周敏", Role.AUDITOR),
}
ROLES = list(ACTORS)


def as_role(ledger: Ledger, role: Role) -> Actor:
    actor = ACTORS[role]
    ledger.session.actor = actor
    return actor


def audit_rows(ledger: Ledger, action: str | None = None) -> list[dict[str, object]]:
    conn = ledger.store.conn
    cur = conn.execute("SELECT * FROM audit_log" + (" WHERE action = ?" if action else "") + " ORDER BY seq",
                       (action,) if action else ())
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def outbox(ledger: Ledger) -> int:
    return int(ledger.store.conn.execute("SELECT count(*) FROM sync_outbox").fetchone()[0])


def test_every_captured_table_needs_a_permission() -> None:
    assert set(TABLE_PERMISSIONS) == set(CAPTURED_TABLES), "map every captured table in security/permissions.py"
    assert needed({"residents", "cases"}) == sorted({Permission.REGISTER_EDIT, Permission.CASES_EDIT})
    assert set(needed({"a_new_table"})) == {Permission.REGISTER_EDIT, Permission.CASES_EDIT, Permission.EXPORT}  # all


def test_every_captured_table_in_the_database_is_guarded(ledger: Ledger) -> None:
    triggered = {r[0] for r in ledger.store.conn.execute(
        "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%sync_outbox%'")}
    assert triggered and triggered <= set(TABLE_PERMISSIONS)


@pytest.mark.parametrize("role", ROLES)
def test_register_writes_follow_the_matrix(ledger: Ledger, role: Role) -> None:
    actor = as_role(ledger, role)
    before = outbox(ledger)
    if actor.can(Permission.REGISTER_EDIT):
        residents.register(ledger, ResidentInput(name="李四", id_number=make_id(seq=11)))
        assert residents.count(ledger) == 1
        return
    with pytest.raises(Forbidden) as caught:
        residents.register(ledger, ResidentInput(name="李四", id_number=make_id(seq=11)))
    assert "修改居民台账" in caught.value.message and actor.display_name in caught.value.message
    assert residents.count(ledger) == 0 and outbox(ledger) == before  # nothing saved, nothing queued for sync
    denied = audit_rows(ledger, "denied")
    assert [(d["actor"], d["success"]) for d in denied] == [(actor.username, 0)]
    assert "修改居民台账" in str(denied[0]["detail"])


def test_a_refused_write_leaves_the_connection_usable(ledger: Ledger) -> None:
    as_role(ledger, Role.MEDIATOR)
    for _ in range(2):
        with pytest.raises(Forbidden):
            residents.register(ledger, ResidentInput(name="李四"))
    as_role(ledger, Role.CLERK)
    residents.register(ledger, ResidentInput(name="李四"))
    assert residents.count(ledger) == 1 and len(audit_rows(ledger, "denied")) == 2
    assert ledger.store.tx is None and not ledger.store.conn.in_transaction


def test_nobody_logged_in_may_write_but_nothing_is_recorded_for_a_ghost(ledger: Ledger) -> None:
    ledger.session.actor = None
    with pytest.raises(Forbidden) as caught:
        residents.register(ledger, ResidentInput(name="李四"))
    assert "请先登录" in caught.value.message and residents.count(ledger) == 0
    ledger.audit("screen_locked")  # a write that touches no register or case rows is not the guard's business
    assert audit_rows(ledger, "screen_locked")


@pytest.mark.parametrize("role", ROLES)
def test_case_writes_follow_the_matrix(ledger: Ledger, role: Role) -> None:
    v = casework.village(ledger)  # as the command line
    actor = as_role(ledger, role)
    if actor.can(Permission.CASES_EDIT):
        assert casework.open_case(ledger, v)
        return
    with pytest.raises(Forbidden) as caught:
        casework.open_case(ledger, v)
    assert "调解案件" in caught.value.message
    assert ledger.store.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 0


@pytest.mark.parametrize("role", ROLES)
def test_case_export_needs_export(ledger: Ledger, role: Role) -> None:
    v = casework.village(ledger)
    casework.open_case(ledger, v)
    actor = as_role(ledger, role)
    if not actor.can(Permission.EXPORT):
        with pytest.raises(Forbidden):
            case_export.iter_cases(ledger)
        assert audit_rows(ledger, "denied")[-1]["actor"] == actor.username
        return
    assert len(list(case_export.iter_cases(ledger))) == 1
    entry = audit_rows(ledger, "export")[-1]
    assert (entry["actor"], entry["object_type"], entry["detail"]) == (actor.username, "cases", "1 件")


@pytest.mark.parametrize("role", ROLES)
def test_roster_export_needs_export_and_names_the_file(ledger: Ledger, tmp_path: Path, role: Role) -> None:
    residents.register(ledger, ResidentInput(name="李四", id_number=make_id(seq=11)))
    actor = as_role(ledger, role)
    target = tmp_path / "花名册.xlsx"
    if not actor.can(Permission.EXPORT):
        with pytest.raises(Forbidden):
            roster_export.export_residents(ledger, target)
        assert not target.exists()
        return
    assert roster_export.export_residents(ledger, target).count == 1
    entry = audit_rows(ledger, "export")[-1]
    assert entry["actor"] == actor.username and entry["detail"] == "1 人，导出到 花名册.xlsx"


@pytest.mark.parametrize("role", ROLES)
def test_reveal_needs_the_permission_and_a_reason_and_is_audited(ledger: Ledger, role: Role) -> None:
    number = make_id(seq=11)
    rid = residents.register(ledger, ResidentInput(name="李四", id_number=number)).row_id or ""
    actor = as_role(ledger, role)
    if not actor.can(Permission.FULL_ID_VIEW):
        with pytest.raises(Forbidden):
            residents.reveal_id(ledger, rid, "核对身份")
        assert not audit_rows(ledger, "view_full_id")
        return
    for blank in ("", "  ", "a"):
        with pytest.raises(UserError) as caught:
            residents.reveal_id(ledger, rid, blank)
        assert caught.value.field == "reason" and "事由" in caught.value.message
    assert not audit_rows(ledger, "view_full_id")
    assert residents.reveal_id(ledger, rid, " 办理低保 核对身份 ") == number
    entry = audit_rows(ledger, "view_full_id")[-1]
    assert (entry["actor"], entry["object_type"], entry["object_id"], entry["object_label"], entry["detail"]) == (
        actor.username, "residents", rid, "李四", "办理低保 核对身份")
    assert not any(number in str(v) or number[-8:] in str(v) for e in audit_rows(ledger) for v in e.values())


def test_sensitive_categories_are_hidden_without_sensitive_view(ledger: Ledger) -> None:
    rid = residents.register(ledger, ResidentInput(name="李四", categories=("T01", "G01"))).row_id or ""
    assert residents.load(ledger, rid)[0].categories == ("G01", "T01")
    as_role(ledger, Role.MEDIATOR)
    assert residents.load(ledger, rid)[0].categories == ("G01",)
    assert "T01" in residents.hidden_categories(ledger) and "G01" not in residents.hidden_categories(ledger)
    assert list(residents.select_rids(ledger, residents.ResidentFilter(category="T01"))) == []
    assert len(residents.select_rids(ledger, residents.ResidentFilter(category="G01"))) == 1
    as_role(ledger, Role.CLERK)
    assert len(residents.select_rids(ledger, residents.ResidentFilter(category="T01"))) == 1


def test_a_save_by_a_role_that_cannot_see_a_category_keeps_it(ledger: Ledger, monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    rid = residents.register(ledger, ResidentInput(name="李四", categories=("T01", "G01"))).row_id or ""
    monkeypatch.setitem(PERMISSIONS, Role.CLERK, PERMISSIONS[Role.CLERK] - {Permission.SENSITIVE_VIEW})
    as_role(ledger, Role.CLERK)
    data = residents.load(ledger, rid)[0]
    assert data.categories == ("G01",)
    data.categories = ("G02",)
    data.address = "青石村三组"
    residents.update(ledger, rid, data)
    stored = {r[0] for r in ledger.store.conn.execute(
        "SELECT category FROM resident_categories WHERE resident_id = ?", (rid,))}
    assert stored == {"T01", "G02"}  # G01 removed as asked, T01 never shown and kept


def test_roster_export_leaves_out_hidden_categories(ledger: Ledger, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import load_workbook

    residents.register(ledger, ResidentInput(name="李四", categories=("T01", "G01")))
    monkeypatch.setitem(PERMISSIONS, Role.DIRECTOR, PERMISSIONS[Role.DIRECTOR] - {Permission.SENSITIVE_VIEW})
    as_role(ledger, Role.DIRECTOR)
    roster_export.export_residents(ledger, tmp_path / "a.xlsx")
    cells = [c for row in load_workbook(tmp_path / "a.xlsx").active.iter_rows(values_only=True) for c in row]
    assert "低保户" in cells and not any("刑释" in str(c) for c in cells)


def test_status_merge_and_undo_are_audited_by_name(ledger: Ledger) -> None:
    as_role(ledger, Role.CLERK)
    keep = residents.register(ledger, ResidentInput(name="李四", id_number=make_id(seq=11))).row_id or ""
    drop = residents.register(ledger, ResidentInput(name="李四")).row_id or ""
    residents.set_status(ledger, keep, "moved_out")
    duplicates.merge(ledger, keep, drop)
    entry_id = journal.recent(ledger)[0].id
    journal.undo(ledger, entry_id)
    entries = [(e["action"], e["actor"], e["object_label"]) for e in audit_rows(ledger)
               if e["action"] in ("status", "merge", "undo")]
    assert [e[:2] for e in entries] == [("status", "lixia"), ("merge", "lixia"), ("undo", "lixia")]
    assert entries[0][2] == "李四" and entries[1][2] == "李四"
    assert audit_rows(ledger, "status")[0]["detail"] == "标记为已迁出（1 人）"
    assert "edit" not in {e["action"] for e in audit_rows(ledger) if e["action"] in ("status", "merge", "undo")}


def test_import_is_audited_with_the_file_name_and_counts(ledger: Ledger, tmp_path: Path) -> None:
    from openpyxl import Workbook

    from zhzx_desktop.services import roster_import

    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号"])
    sheet.append(["李四", make_id(seq=11)])
    sheet.append(["王五", "123"])
    path = tmp_path / "三组花名册.xlsx"
    book.save(path)
    as_role(ledger, Role.MEDIATOR)
    preview = roster_import.parse(ledger, path)
    with pytest.raises(Forbidden):
        roster_import.commit(ledger, preview)
    as_role(ledger, Role.CLERK)
    roster_import.commit(ledger, preview)
    entry = audit_rows(ledger, "import")[-1]
    assert (entry["actor"], entry["object_label"]) == ("lixia", "三组花名册.xlsx")
    assert entry["detail"] == "导入 1 人，新建 0 户，1 行有问题未导入"


def test_printing_filing_and_saving_a_document(ledger: Ledger, tmp_path: Path) -> None:
    v = casework.village(ledger)
    case_id = casework.agreed_case(ledger, v)
    pdf = case_documents.render(ledger, case_id, "intake")
    as_role(ledger, Role.MEDIATOR)
    filed = case_documents.archive(ledger, case_id, "intake", pdf, printed=True)
    case_documents.archive(ledger, case_id, "intake", pdf)  # the same bytes again: filed once, audited twice
    case_documents.printed_copy(ledger, filed.document_id)
    actions = [(e["action"], e["object_label"]) for e in audit_rows(ledger) if e["action"] in ("print", "archive")]
    case_no = "（2026）青石村人调字第001号"
    assert actions == [("print", case_no), ("archive", case_no), ("print", case_no)]
    with pytest.raises(Forbidden):  # 另存为 takes a copy out of the case file: an export
        case_documents.save_copy(ledger, pdf, tmp_path / "a.pdf", case_id=case_id, title="受理登记表")
    assert not (tmp_path / "a.pdf").exists()
    as_role(ledger, Role.DIRECTOR)
    case_documents.save_copy(ledger, pdf, tmp_path / "a.pdf", case_id=case_id, title="受理登记表")
    assert (tmp_path / "a.pdf").read_bytes() == pdf
    assert audit_rows(ledger, "export")[-1]["detail"] == "受理登记表 另存为 a.pdf"
    as_role(ledger, Role.CLERK)
    with pytest.raises(Forbidden):
        case_documents.archive(ledger, case_id, "intake", pdf, printed=True)
