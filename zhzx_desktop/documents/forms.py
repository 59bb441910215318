"""The ruled forms: 受理登记表 (DOMAIN.md §1.3(c)), 口头协议登记表 (§1.3(h)), 回访记录 (§1.3(i))."""

from __future__ import annotations

from collections.abc import Sequence

from zhzx_desktop.documents.formatting import cn_date, cn_number, names, party_rows
from zhzx_desktop.documents.layout import BODY_LEADING, FORM, Cell, Writer
from zhzx_desktop.documents.model import FollowUpsDoc, IntakeDoc, OralAgreementDoc, PartyDoc
from zhzx_desktop.domain.money import rmb_text

LABEL = 24.0  # weight of a label column (of 100)
WIDE = 100.0 - LABEL
HALF = 50.0 - LABEL
SHORT_BLANK = "＿＿＿＿"


def label(text: str, *, min_lines: int = 1) -> Cell:
    return Cell(text, LABEL, align="center", min_lines=min_lines)


def heading(w: Writer, title: str, case_no: str) -> None:
    w.title(title)
    w.line(f"编号：{case_no}", align="right", size=FORM)
    w.skip(BODY_LEADING * 0.25)


def party_cells(parties: Sequence[PartyDoc], show_id: bool) -> list[list[Cell]]:
    return [[label(p.role), Cell(party_rows(p, show_id=show_id, blanks=False), WIDE, valign="top")]
            for p in parties]


def seal_cell(committee: str, date: str, weight: float) -> Cell:
    return Cell(f"{committee}\n\n{cn_date(date)}", weight, align="right", valign="bottom", min_lines=4)


def write_intake(w: Writer, doc: IntakeDoc) -> None:
    w.section()
    heading(w, "人民调解受理登记表", doc.case_no)
    people = [p.name for p in doc.parties] or [SHORT_BLANK, SHORT_BLANK]
    sentence = (f"{cn_date(doc.accepted_on, blank='＿＿＿＿年＿＿月＿＿日')}，本人民调解委员会经当事人同意，"
                f"调解{names(people)}之间的纠纷。")
    rows: list[list[Cell]] = [[Cell(sentence, 100, align="justify", indent=2)]]
    rows += party_cells(doc.parties, doc.committee.show_id_numbers)
    rows.append([label("纠纷类型"), Cell(doc.dispute_type, HALF), label("案件来源"), Cell(doc.source, HALF)])
    people_involved = "" if doc.people_involved is None else f"{doc.people_involved}人"
    amount = "" if doc.amount_fen is None else rmb_text(doc.amount_fen)
    rows.append([label("涉及人数"), Cell(people_involved, HALF), label("涉及金额"), Cell(amount, HALF)])
    if doc.event_scale:
        rows.append([label("事件规模"), Cell(doc.event_scale, WIDE)])
    rows.append([label("纠纷简要情况"), Cell(doc.summary, WIDE, align="justify", valign="top", indent=2, min_lines=6)])
    rows.append([label("当事人（签名）"), Cell("", WIDE, min_lines=2)])
    rows.append([label("登记人（签名）"), Cell(doc.registrar, HALF - 8, valign="top"),
                 label("人民调解委员会\n（印章）"), seal_cell(doc.committee.name, doc.accepted_on, HALF + 8)])
    w.table(rows)
    w.skip(6)
    w.line("备注：此表由人民调解委员会填写。", size=FORM)


def write_oral(w: Writer, doc: OralAgreementDoc) -> None:
    w.section()
    heading(w, "人民调解口头协议登记表", doc.case_no)
    terms = "\n".join(f"{cn_number(i)}、{t.strip()}" for i, t in enumerate(doc.terms, start=1))
    performance = [doc.performance_method.strip()] if doc.performance_method.strip() else []
    if doc.performance_deadline:
        performance.append(f"履行期限：{cn_date(doc.performance_deadline)}前履行完毕。")
    if doc.amount_fen is not None:
        performance.append(f"涉及金额：{rmb_text(doc.amount_fen)}。")
    rows = party_cells(doc.parties, doc.committee.show_id_numbers)
    rows.append([label("纠纷简要情况"), Cell(doc.summary, WIDE, align="justify", valign="top", indent=2, min_lines=5)])
    rows.append([label("口头协议内容"), Cell(terms, WIDE, align="justify", valign="top", indent=2, min_lines=5)])
    rows.append([label("履行方式、时限"), Cell("\n".join(performance), WIDE, align="justify", valign="top",
                                                 indent=2, min_lines=2)])
    rows.append([label("当事人\n（签名或按指印）"), Cell("", WIDE, min_lines=3)])
    rows.append([label("人民调解员\n（签名）", min_lines=2), Cell("", HALF), label("记录人（签名）"), Cell("", HALF)])
    rows.append([label("协议达成日期"), Cell(cn_date(doc.agreed_on), WIDE)])
    w.table(rows)
    w.skip(6)
    w.line("备注：口头协议自各方当事人达成协议之日起生效。", size=FORM)


def write_followups(w: Writer, doc: FollowUpsDoc) -> None:
    for visit in doc.follow_ups or ():
        w.section()
        heading(w, "人民调解回访记录", doc.case_no)
        situation = (f"履行情况：{visit.performance}\n对处理结果的满意程度：{visit.satisfaction}\n"
                     f"遗留隐患、采取的措施等：{visit.notes}")
        w.table([
            [label("当事人"), Cell(visit.party, HALF - 8), label("调解协议编号"), Cell(visit.agreement_no, HALF + 8)],
            [label("回访事由"), Cell(visit.matter, WIDE)],
            [label("回访时间"), Cell(cn_date(visit.done_on), HALF), label("回访形式"), Cell(visit.form, HALF)],
            [label("回访情况"), Cell(situation, WIDE, align="justify", valign="top", min_lines=16)],
            [label("回访人"), Cell(visit.visitor, HALF), label("回访人\n（签名）", min_lines=2), Cell("", HALF)],
        ])
    if not doc.follow_ups:  # an empty form to fill in by hand
        w.section()
        heading(w, "人民调解回访记录", doc.case_no)
        w.table([
            [label("当事人"), Cell("", HALF - 8), label("调解协议编号"), Cell(doc.case_no, HALF + 8)],
            [label("回访事由"), Cell("", WIDE)],
            [label("回访时间"), Cell("", HALF), label("回访形式"), Cell("", HALF)],
            [label("回访情况"), Cell("", WIDE, min_lines=16)],
            [label("回访人\n（签名）", min_lines=2), Cell("", WIDE)],
        ])
