"""A case's documents: what each prints (``documents.model``, filled from the database), rendering them, and the
case file (卷宗) — archived PDFs with their SHA-256, attached scans of the signed agreement, paper-only items.

Preview = print = archive: the GUI renders once (``render``), shows those bytes, prints those bytes, and files those
bytes (``archive``). Rendering is deterministic, so filing the same document twice files it once.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from zhzx_desktop.documents import model
from zhzx_desktop.documents.render import Document
from zhzx_desktop.documents.render import render as render_doc
from zhzx_desktop.domain import case_rules
from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.domain.roles import Permission
from zhzx_desktop.errors import KnownError, UserError
from zhzx_desktop.services import cases, committee, fields
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.storage import rows

# doc_type → (title, 卷内目录 item)
DOC_TYPES: dict[str, tuple[str, str]] = {
    "agreement": ("人民调解协议书", "08"),
    "oral": ("人民调解口头协议登记表", "08"),
    "intake": ("人民调解受理登记表", "01"),
    "record": ("人民调解记录", "07"),
    "followup": ("人民调解回访记录", "10"),
    "cover": ("卷宗封面及卷内目录", "00"),
}
SCAN_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
MAX_SCAN_BYTES = 30 * 1024 * 1024
# Items that may be filed on paper only: a handwritten 申请书, the signed 告知书, ID copies, receipts, a handwritten
# 回访记录… The cover (00) is generated; the agreement (08) is filed as the printed PDF or its signed scan.
PAPER_ITEMS = ("01", "02", "03", "04", "05", "06", "07", "09", "10", "11", "12")
_COPY_LABELS = "甲乙丙丁戊己庚辛壬癸"
_PAGE_RE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def _committee(ledger: Ledger) -> model.Committee:
    settings = committee.require_complete(ledger)
    return model.Committee(settings.name, settings.show_id_numbers)


def _age(birth: str | None, on: str) -> int | None:
    if not birth:
        return None
    born, day = date.fromisoformat(birth), date.fromisoformat(on[:10])
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _parties(ledger: Ledger, case: cases.CaseDetail, on: str, *, with_ids: bool) -> tuple[model.PartyDoc, ...]:
    conn = ledger.store.conn
    stored = {r[0]: r[1:] for r in conn.execute(
        "SELECT id, phone, id_cipher FROM case_parties WHERE case_id = ?", (case.id,))}
    docs = []
    for i, p in enumerate(case.parties):
        phone, id_cipher = stored[p.id]
        number = ledger.cipher.decrypt(id_cipher, context=cases.PARTY_ID_CONTEXT) if with_ids and id_cipher else ""
        docs.append(model.PartyDoc(
            role=p.role_label, kind=p.party_kind, name=p.name, sex=_short("sex", p.sex), ethnicity=p.ethnicity,
            age=_age(p.birth_date, on), occupation=p.occupation, phone=phone, address=p.address, id_number=number,
            legal_rep=p.legal_rep, credit_code=p.credit_code, agent=p.agent,
            copy_label=f"{_COPY_LABELS[i]}方执" if i < len(_COPY_LABELS) else f"第{i + 1}方执"))
    return tuple(docs)


def _short(table: str, label: str) -> str:
    """男性 → 男: the party block prints the short form."""
    entry = next((e for e in code_table(table).entries if e.label == label), None)
    return entry.display if entry else label


def _people(case: cases.CaseDetail, *roles: str) -> tuple[str, ...]:
    return tuple(m.name for m in case.mediators if m.role in roles)


def _agreement_of(case: cases.CaseDetail, agreement_id: str | None) -> cases.AgreementRow:
    chosen = next((a for a in case.agreements if a.id == agreement_id), None) if agreement_id else case.agreement
    if chosen is None:
        raise UserError("agreement", "no_agreement", "本案还没有登记调解协议")
    return chosen


def build(ledger: Ledger, case_id: str, doc_type: str, *, agreement_id: str | None = None) -> Document:
    """The ``documents.model`` object of one document of a case (``agreement_id`` picks a 补充协议)."""
    case = cases.get_case(ledger, case_id)
    com = _committee(ledger)
    recorder = next(iter(_people(case, "recorder")), "")
    if doc_type in ("agreement", "oral"):
        chosen = _agreement_of(case, agreement_id)
        if chosen.written != (doc_type == "agreement"):
            raise UserError("agreement", "wrong_form", "本案的协议是口头协议，请打印口头协议登记表"
                            if doc_type == "agreement" else "本案的协议是书面协议，请打印人民调解协议书")
        on = chosen.effective_on or case.accepted_on
        terms = tuple(chosen.terms.splitlines())
        parties = _parties(ledger, case, on, with_ids=com.show_id_numbers and doc_type == "agreement")
        if doc_type == "oral":
            return model.OralAgreementDoc(com, case.case_no, parties, case.summary, terms, chosen.performance_method,
                                          chosen.performance_deadline or "", chosen.amount_fen,
                                          _people(case, "lead", "mediator"), recorder, chosen.effective_on or "")
        supplement_to = case.case_no if chosen.supplements_id else ""
        return model.AgreementDoc(
            com, case.case_no, parties, chosen.facts, terms, chosen.performance_method,
            chosen.performance_deadline or "", chosen.performance_place, chosen.amount_fen,
            tuple(model.InstallmentDoc(i.due_on, i.amount_fen, i.payer, i.payee) for i in chosen.installments),
            _people(case, "lead", "mediator"), recorder, chosen.effective_on or "", supplement_to)
    if doc_type == "intake":
        return model.IntakeDoc(com, case.case_no, case.accepted_on, _parties(ledger, case, case.accepted_on,
                                                                             with_ids=False),
                               code_table("case_source").label_or(case.source),
                               code_table("dispute_type").label_or(case.dispute_type), case.summary,
                               code_table("event_scale").label_or(case.event_scale), case.people_involved,
                               case.amount_fen)
    if doc_type == "record":
        if not case.sessions:
            raise UserError("sessions", "no_session", "本案还没有调查或调解记录")
        mediators = _people(case, "lead", "mediator")
        return model.RecordDoc(com, case.case_no, tuple(
            model.SessionDoc(s.kind, s.held_at, s.place, case.title, tuple(filter(None, s.parties_present.split("、"))),
                             s.participants, mediators, s.recorder or recorder, s.statements, s.result)
            for s in case.sessions))
    if doc_type == "followup":
        done = [f for f in case.follow_ups if f.done_on]
        if not done:
            raise UserError("follow_ups", "no_follow_up", "本案还没有已完成的回访")
        return model.FollowUpsDoc(com, case.case_no, tuple(
            model.FollowUpDoc(f.party, case.case_no, case.title, f.done_on or "",
                              code_table("follow_up_form").label_or(f.form),
                              code_table("performance_state").label_or(f.performance),
                              code_table("satisfaction").label_or(f.satisfaction), f.notes, f.visitor)
            for f in done))
    if doc_type == "cover":
        return _cover(ledger, case, com)
    raise UserError("doc_type", "unknown", f"未知的文书类型：{doc_type}")


def _cover(ledger: Ledger, case: cases.CaseDetail, com: model.Committee) -> model.CoverDoc:
    table = code_table("case_file_item")
    pages: dict[str, int] = {}
    for d in case.documents:
        if d.item != "00":
            pages[d.item] = pages.get(d.item, 0) + (d.pages or 0)
    filed = {d.item for d in case.documents}
    items = tuple(model.FileItem(e.label, pages.get(e.code) if e.code in filed else None)
                  for e in table.entries if e.code != "00")
    dates = [s.held_at[:10] for s in case.sessions] + [case.accepted_on]
    ended = case.closed_on or max(dates)
    return model.CoverDoc(com, case.case_no, case.title, _people(case, "lead", "mediator"), case.accepted_on, ended,
                          "", ledger.today().isoformat(), case.retention or committee.DEFAULT_RETENTION,
                          items=items)


def render(ledger: Ledger, case_id: str, doc_type: str, *, agreement_id: str | None = None,
           font_path: Path | None = None) -> bytes:
    """The PDF of one document; a character the font cannot draw is a UserError naming the field."""
    return render_doc(build(ledger, case_id, doc_type, agreement_id=agreement_id), font_path=font_path)


def page_count(pdf: bytes) -> int:
    return len(_PAGE_RE.findall(pdf))


@dataclass(frozen=True)
class Filed:
    changes: Changes
    document_id: str
    sha256: str
    new: bool  # False: these exact bytes were already in the case file


def _store_file(ledger: Ledger, data: bytes, media_type: str) -> str:
    digest = hashlib.sha256(data).hexdigest()
    conn = ledger.store.conn
    if conn.execute("SELECT 1 FROM document_files WHERE sha256 = ?", (digest,)).fetchone() is None:
        conn.execute("INSERT INTO document_files(sha256, media_type, sealed) VALUES (?, ?, ?)",
                     (digest, media_type, ledger.cipher.seal_bytes(data, context=digest)))
    return digest


def archive(ledger: Ledger, case_id: str, doc_type: str, pdf: bytes, *, agreement_id: str | None = None,
            printed: bool = False) -> Filed:
    """File a printed document in the case file, with its SHA-256 (the exact bytes previewed and printed); the audit
    log records the print (``printed``) or the filing."""
    if doc_type not in DOC_TYPES:
        raise UserError("doc_type", "unknown", f"未知的文书类型：{doc_type}")
    title, item = DOC_TYPES[doc_type]
    ledger.require(Permission.CASES_EDIT, "打印或存档调解文书")
    with ledger.store.write() as conn:
        case = cases.get_case(ledger, case_id)
        case_rules.require(case.status, "file")
        digest = hashlib.sha256(pdf).hexdigest()
        ledger.audit("print" if printed else "archive", object_type="cases", object_id=case_id,
                     object_label=case.case_no, detail=f"{title}（SHA-256 前8位 {digest[:8]}）")
        same = conn.execute("SELECT id FROM case_documents WHERE case_id = ? AND sha256 = ?",
                            (case_id, digest)).fetchone()
        if same is not None:
            return Filed(Changes(), same[0], digest, False)
        _store_file(ledger, pdf, "application/pdf")
        pages = page_count(pdf)
        if doc_type == "agreement":  # the file keeps the committee's copy: one of parties + 1
            pages = max(1, pages // (len(case.parties) + 1))
        doc_id = rows.new_id()
        subject = _agreement_of(case, agreement_id).id if doc_type in ("agreement", "oral") else None
        if subject and next(a for a in case.agreements if a.id == subject).supplements_id:
            title = "人民调解补充协议书"
        rows.insert(conn, "case_documents", [{
            "id": doc_id, "case_id": case_id, "item": item, "origin": "generated", "doc_type": doc_type,
            "subject_id": subject, "title": title, "sha256": digest, "media_type": "application/pdf",
            "size": len(pdf), "pages": pages, "created_at": rows.now_utc()}])
    return Filed(Changes(cases=True, row_id=doc_id), doc_id, digest, True)


def attach_scan(ledger: Ledger, agreement_id: str, data: bytes, media_type: str, *, pages: int = 1) -> Filed:
    """Attach a scan or photo of the signed agreement: it joins the case file and freezes that agreement (later
    changes go through a 补充协议)."""
    if media_type not in SCAN_TYPES:
        raise UserError("scan", "bad_type", "只能附加 PDF、JPG 或 PNG 格式的扫描件或照片")
    if not data:
        raise UserError("scan", "empty", "所选文件是空的")
    if len(data) > MAX_SCAN_BYTES:
        raise UserError("scan", "too_big", f"扫描件太大（{len(data) // 1024 // 1024} MB），最大 30 MB，请降低扫描分辨率")
    signatures = {"application/pdf": b"%PDF", "image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG"}
    if not data.startswith(signatures[media_type]):
        raise UserError("scan", "bad_content", "文件内容与格式不符，可能已损坏")
    with ledger.store.write() as conn:
        agreement = cases.agreement_row(conn, agreement_id)
        case = cases.case_for_step(conn, agreement["case_id"], "file")
        if agreement["frozen_at"]:
            raise UserError("scan", "frozen", "这份协议已经附过签字扫描件；如需变更，请制作补充协议")
        digest = _store_file(ledger, data, media_type)
        doc_id = rows.new_id()
        title = "人民调解补充协议书（签字件）" if agreement["supplements_id"] else "人民调解协议书（签字件）"
        if agreement["form"] != case_rules.WRITTEN:
            title = "人民调解口头协议登记表（签字件）"
        rows.insert(conn, "case_documents", [{
            "id": doc_id, "case_id": case["id"], "item": "08", "origin": "scan", "subject_id": agreement_id,
            "title": title, "sha256": digest, "media_type": media_type, "size": len(data), "pages": pages,
            "created_at": rows.now_utc()}])
        rows.update_changed(conn, "agreements", agreement_id, {"frozen_at": rows.now_utc(), "scan_sha256": digest})
    return Filed(Changes(cases=True, row_id=doc_id), doc_id, digest, True)


def file_paper(ledger: Ledger, case_id: str, item: str, pages: int | None, notes: str = "") -> Changes:
    """Record a paper-only item as in the case file (a signed 告知书, ID copies, receipts…)."""
    if item not in PAPER_ITEMS:
        raise UserError("item", "not_paper", f"“{code_table('case_file_item').label_or(item, item)}”由本程序生成，请打印存档")
    if pages is not None and not 1 <= pages <= 999:
        raise UserError("pages", "out_of_range", "页数应在 1 到 999 之间")
    with ledger.store.write() as conn:
        cases.case_for_step(conn, case_id, "file")
        doc_id = rows.new_id()
        rows.insert(conn, "case_documents", [{
            "id": doc_id, "case_id": case_id, "item": item, "origin": "paper",
            "title": code_table("case_file_item").label(item), "pages": pages,
            "notes": fields.text(notes, "notes", fields.LINE_TEXT), "created_at": rows.now_utc()}])
    return Changes(cases=True, row_id=doc_id)


def remove(ledger: Ledger, document_id: str) -> Changes:
    """Take a wrongly filed item out of the case file. A signed scan stays: it froze its agreement."""
    with ledger.store.write() as conn:
        doc = rows.get(conn, "case_documents", document_id)
        if doc is None:
            raise UserError("document", "not_found", "文书不存在，可能已被删除")
        cases.case_for_step(conn, doc["case_id"], "file")
        if doc["origin"] == "scan":
            raise UserError("document", "scan_kept", "签字扫描件是定稿依据，不能移出卷宗")
        conn.execute("DELETE FROM case_documents WHERE id = ?", (document_id,))
    return Changes(cases=True)


def printed_copy(ledger: Ledger, document_id: str) -> None:
    """Record in the audit log that a filed document of the case file was printed again."""
    ledger.require(Permission.CASES_EDIT, "打印卷宗材料")
    found = ledger.store.conn.execute("""SELECT d.case_id, d.title, c.case_no FROM case_documents d
                                         JOIN cases c ON c.id = d.case_id WHERE d.id = ?""", (document_id,)).fetchone()
    if found is None:
        raise UserError("document", "not_found", "文书不存在，可能已被删除")
    ledger.audit("print", object_type="cases", object_id=found[0], object_label=found[2] or "", detail=found[1])


def save_copy(ledger: Ledger, data: bytes, path: Path, *, case_id: str, title: str) -> None:
    """另存为: write a document (or a filed scan) outside the case file — an export: it needs ``EXPORT`` and the
    audit log records the file's name."""
    ledger.require(Permission.EXPORT, "把文书另存到卷宗以外")
    case_no = ""
    if case_id:
        found = ledger.store.conn.execute("SELECT case_no FROM cases WHERE id = ?", (case_id,)).fetchone()
        case_no = found[0] or "" if found is not None else ""
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise KnownError(f"保存失败：{exc.strerror or exc}") from exc
    ledger.audit("export", object_type="cases" if case_id else "", object_id=case_id, object_label=case_no,
                 detail=f"{title} 另存为 {path.name}")


def file_bytes(ledger: Ledger, document_id: str) -> tuple[bytes, str]:
    """An archived PDF or scan, decrypted and checked against its SHA-256: (bytes, media type)."""
    conn = ledger.store.conn
    found = conn.execute("""SELECT f.sealed, f.media_type, f.sha256 FROM case_documents d
                            JOIN document_files f ON f.sha256 = d.sha256 WHERE d.id = ?""", (document_id,)).fetchone()
    if found is None:
        raise UserError("document", "no_file", "这份材料只有纸质件，没有电子文件")
    data = ledger.cipher.open_bytes(found[0], context=found[2])
    if hashlib.sha256(data).hexdigest() != found[2]:
        raise UserError("document", "hash_mismatch", "存档文件与登记的 SHA-256 不符，文件可能已被改动")
    return data, str(found[1])
