"""The case file: documents built from the database, archived with their SHA-256 (sealed at rest), scans that
freeze an agreement, paper items, and what may leave the file."""

from __future__ import annotations

import hashlib
import io
from dataclasses import replace

import pytest
from pypdf import PdfReader

from tests import casework
from tests.helpers import make_id
from zhzx_desktop.documents import model
from zhzx_desktop.errors import UserError
from zhzx_desktop.services import case_documents, cases, committee
from zhzx_desktop.services.cases import PartyInput
from zhzx_desktop.services.ledger import Ledger

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


@pytest.fixture
def v(ledger: Ledger) -> casework.Village:
    return casework.village(ledger)


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_agreement_built_from_the_case(ledger: Ledger, v: casework.Village) -> None:
    doc = case_documents.build(ledger, casework.agreed_case(ledger, v), "agreement")
    assert isinstance(doc, model.AgreementDoc)
    assert doc.case_no == "（2026）青石村人调字第001号" and doc.committee.name == "青石村人民调解委员会"
    assert [(p.role, p.name, p.sex, p.age, p.copy_label) for p in doc.parties] == [
        ("申请人", "周建国", "男", 36, "甲方执"), ("被申请人", "吴秀英", "男", 36, "乙方执")]
    assert doc.copies == 3 and doc.amount_fen == 1_200_000 and len(doc.installments) == 2
    assert doc.terms == ("被申请人疏通排水沟并恢复原状", "被申请人赔偿申请人菜地损失")
    assert doc.mediators == ("蒋德胜",) and doc.effective_on == "2026-11-10"
    assert all(p.id_number == "" for p in doc.parties)  # the template option is off


def test_id_numbers_only_with_the_template_option(ledger: Ledger, v: casework.Village) -> None:
    case_id = casework.agreed_case(ledger, v)
    committee.save(ledger, replace(casework.COMMITTEE, show_id_numbers=True))
    doc = case_documents.build(ledger, case_id, "agreement")
    assert isinstance(doc, model.AgreementDoc)
    assert doc.parties[0].id_number == make_id(seq=101)
    pdf = case_documents.render(ledger, case_id, "agreement")
    assert make_id(seq=101) in _text(pdf)
    case_documents.archive(ledger, case_id, "agreement", pdf)
    raw = b"".join(p.read_bytes() for p in ledger.store.path.parent.glob(ledger.store.path.name + "*"))
    assert make_id(seq=101).encode() not in raw and pdf[:400] not in raw  # the archived PDF is sealed at rest


def test_archive_files_the_exact_bytes_once(ledger: Ledger, v: casework.Village) -> None:
    case_id = casework.agreed_case(ledger, v)
    pdf = case_documents.render(ledger, case_id, "agreement")
    assert case_documents.render(ledger, case_id, "agreement") == pdf  # deterministic
    filed = case_documents.archive(ledger, case_id, "agreement", pdf)
    assert filed.new and filed.sha256 == hashlib.sha256(pdf).hexdigest()
    again = case_documents.archive(ledger, case_id, "agreement", pdf)
    assert not again.new and again.document_id == filed.document_id
    doc = cases.get_case(ledger, case_id).documents[0]
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert (doc.item, doc.origin, doc.title, doc.size) == ("08", "generated", "人民调解协议书", len(pdf))
    assert doc.pages == pages // 3  # the committee keeps one of the three copies
    assert case_documents.file_bytes(ledger, doc.id) == (pdf, "application/pdf")


def test_tampered_archive_is_detected(ledger: Ledger, v: casework.Village) -> None:
    case_id = casework.agreed_case(ledger, v)
    filed = case_documents.archive(ledger, case_id, "intake", case_documents.render(ledger, case_id, "intake"))
    with ledger.store.write() as conn:
        sealed = bytearray(conn.execute("SELECT sealed FROM document_files").fetchone()[0])
        sealed[40] ^= 1
        conn.execute("UPDATE document_files SET sealed = ?", (bytes(sealed),))
    with pytest.raises(Exception, match="无法解密存档文件"):
        case_documents.file_bytes(ledger, filed.document_id)


@pytest.mark.parametrize("doc_type", ["intake", "record", "cover"])
def test_each_document_renders_with_the_case_number(ledger: Ledger, v: casework.Village, doc_type: str) -> None:
    case_id = casework.agreed_case(ledger, v)
    assert "青石村人调字第001号" in _text(case_documents.render(ledger, case_id, doc_type)).replace(" ", "")


def test_wrong_form_and_missing_material_are_explained(ledger: Ledger, v: casework.Village) -> None:
    case_id = casework.open_case(ledger, v)
    with pytest.raises(UserError, match="还没有登记调解协议"):
        case_documents.render(ledger, case_id, "agreement")
    with pytest.raises(UserError, match="还没有调查或调解记录"):
        case_documents.render(ledger, case_id, "record")
    with pytest.raises(UserError, match="还没有已完成的回访"):
        case_documents.render(ledger, case_id, "followup")
    cases.add_session(ledger, case_id, casework.session())
    cases.record_agreement(ledger, case_id, casework.agreement(form="02", facts=""))
    with pytest.raises(UserError, match="请打印口头协议登记表"):
        case_documents.render(ledger, case_id, "agreement")
    assert "口头协议" in _text(case_documents.render(ledger, case_id, "oral"))


def test_missing_glyph_is_reported_before_printing(ledger: Ledger, v: casework.Village) -> None:
    case_id = casework.open_case(ledger, v, parties=[
        PartyInput(resident_id=v.parties[0]), PartyInput(role="respondent", party_kind="organization",
                                                         name="𪚥记砖厂")])
    with pytest.raises(UserError) as exc:
        case_documents.render(ledger, case_id, "intake")
    assert exc.value.code == "missing_glyph" and "𪚥" in exc.value.message


def test_scan_freezes_and_is_checked(ledger: Ledger, v: casework.Village) -> None:
    case_id = casework.agreed_case(ledger, v)
    agreement = cases.get_case(ledger, case_id).agreement
    assert agreement is not None
    with pytest.raises(UserError, match="只能附加 PDF、JPG 或 PNG"):
        case_documents.attach_scan(ledger, agreement.id, PNG, "image/gif")
    with pytest.raises(UserError, match="文件内容与格式不符"):
        case_documents.attach_scan(ledger, agreement.id, b"GIF89a....", "image/png")
    filed = case_documents.attach_scan(ledger, agreement.id, PNG, "image/png")
    after = cases.get_case(ledger, case_id)
    assert after.agreement is not None and after.agreement.frozen_at and after.agreement.scan_sha256 == filed.sha256
    assert case_documents.file_bytes(ledger, filed.document_id) == (PNG, "image/png")
    with pytest.raises(UserError, match="已经附过签字扫描件"):
        case_documents.attach_scan(ledger, agreement.id, PNG, "image/png")
    with pytest.raises(UserError, match="不能移出卷宗"):
        case_documents.remove(ledger, filed.document_id)


def test_paper_items_and_removal(ledger: Ledger, v: casework.Village) -> None:
    case_id = casework.open_case(ledger, v)
    with pytest.raises(UserError, match="由本程序生成"):
        case_documents.file_paper(ledger, case_id, "00", 1)
    with pytest.raises(UserError, match="页数"):
        case_documents.file_paper(ledger, case_id, "03", 0)
    changes = case_documents.file_paper(ledger, case_id, "03", 2, "双方身份证复印件")
    detail = cases.get_case(ledger, case_id)
    assert [(d.item, d.origin, d.pages, d.notes) for d in detail.documents] == [("03", "paper", 2, "双方身份证复印件")]
    assert "当事人身份证明" not in detail.missing()
    with pytest.raises(UserError, match="只有纸质件"):
        case_documents.file_bytes(ledger, changes.row_id or "")
    case_documents.remove(ledger, changes.row_id or "")
    assert cases.get_case(ledger, case_id).documents == ()


def test_cover_lists_the_file_with_pages(ledger: Ledger, v: casework.Village) -> None:
    case_id = casework.agreed_case(ledger, v)
    case_documents.file_paper(ledger, case_id, "03", 2)
    case_documents.archive(ledger, case_id, "intake", case_documents.render(ledger, case_id, "intake"))
    cover = case_documents.build(ledger, case_id, "cover")
    assert isinstance(cover, model.CoverDoc)
    by_title = {i.title: i.pages for i in cover.items}
    assert by_title["当事人身份证明"] == 2 and by_title["人民调解申请书或受理登记表"] == 1
    assert by_title["授权委托书"] is None
    assert cover.title == "周建国、吴秀英 邻里纠纷" and cover.started_on == "2026-11-02"
