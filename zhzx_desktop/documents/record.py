"""人民调解记录 (调解笔录, DOMAIN.md §1.3(f)) and 人民调解调查记录 (§1.3(e)): each session from a new page."""

from __future__ import annotations

from zhzx_desktop.documents.formatting import cn_date, names
from zhzx_desktop.documents.layout import BLANK, BODY_LEADING, Writer
from zhzx_desktop.documents.model import RecordDoc, SessionDoc

CONFIRM = "以上记录已经当事人阅读（或向其宣读），确认无误。"


def write_session(w: Writer, doc: RecordDoc, session: SessionDoc) -> None:
    investigation = session.kind == "investigation"
    staff = "调查人" if investigation else "调解员"
    w.section()
    w.title("人民调解调查记录" if investigation else "人民调解记录")
    w.line(f"编号：{doc.case_no}", align="right")
    w.skip(BODY_LEADING * 0.25)
    header = [
        ("时间：", cn_date(session.held_at, blank=BLANK)),
        ("地点：", session.place),
        ("事由：", session.matter),
        ("被调查人：" if investigation else "当事人：", names(session.parties)),
        ("参加人：", session.participants),
        (f"{staff}：", names(session.mediators)),
        ("记录人：", session.recorder),
    ]
    label_chars = max(len(label) for label, _ in header) + 0.5
    for label, text in header:
        w.hanging(label, text or BLANK, label_chars=label_chars)
    w.skip(BODY_LEADING * 0.5)
    w.line("调查情况：" if investigation else "调解情况：", bold=True)
    w.paragraph(session.statements or BLANK)
    w.line("调查结果：" if investigation else "调解结果：", bold=True)
    w.paragraph(session.result or BLANK)
    w.skip(BODY_LEADING * 0.5)
    w.paragraph(CONFIRM)
    party_label = "被调查人（签名）：" if investigation else "当事人（签名）："
    labels = [party_label] * max(1, len(session.parties))
    labels += [f"{staff}（签名）："] * max(1, len(session.mediators))
    labels.append("记录人（签名）：")
    w.sign_grid(labels)


def write_record(w: Writer, doc: RecordDoc) -> None:
    for session in doc.sessions:
        write_session(w, doc, session)
    if not doc.sessions:
        w.section()
        w.title("人民调解记录")
        w.line(f"编号：{doc.case_no}", align="right")
        w.paragraph("（尚无调解记录）")
