"""人民调解协议书 (and 补充协议书) in the layout of DOMAIN.md §1.3(g), one copy per party plus the committee's."""

from __future__ import annotations

from collections.abc import Sequence

from zhzx_desktop.documents.formatting import cn_date, cn_number, copy_labels, party_rows
from zhzx_desktop.documents.layout import BODY, BODY_LEADING, SMALL, Writer
from zhzx_desktop.documents.model import AgreementDoc, InstallmentDoc
from zhzx_desktop.domain.money import rmb_text

EFFECT = ("本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。")
SEAL_DIAMETER = 119.0  # 42 mm


def agreement_title(doc: AgreementDoc) -> str:
    return "人民调解补充协议书" if doc.supplement_to else "人民调解协议书"


def _who(item: InstallmentDoc) -> str:
    if item.payer and item.payee:
        return f"{item.payer}向{item.payee}"
    return item.payer


def installment_lines(items: Sequence[InstallmentDoc]) -> list[str]:
    """"分期履行：" and one line per installment; the payer and payee once in the heading when all share them."""
    shared = len({_who(item) for item in items}) == 1
    heading = f"分期履行（由{_who(items[0])}支付）：" if shared and _who(items[0]) else "分期履行："
    lines = [heading]
    for number, item in enumerate(items, start=1):
        who = "" if shared else _who(item)
        lines.append(f"（{number}）{cn_date(item.due_on)}前 {who}支付 {rmb_text(item.amount_fen)}")
    return lines


def performance_text(doc: AgreementDoc) -> str:
    """履行方式、时限 as paragraphs: the method, the deadline, the amount and installments, the place."""
    parts = [doc.performance_method.strip()] if doc.performance_method.strip() else []
    if doc.performance_deadline:
        parts.append(f"履行期限：{cn_date(doc.performance_deadline)}前履行完毕。")
    if doc.amount_fen is not None:
        parts.append(f"涉及金额：{rmb_text(doc.amount_fen)}。")
    if doc.installments:
        parts.extend(installment_lines(doc.installments))
    if doc.performance_place:
        parts.append(f"履行地点：{doc.performance_place}。")
    return "\n".join(parts)


def write_parties(w: Writer, doc: AgreementDoc) -> None:
    label_chars = max([4, *(len(p.role) for p in doc.parties)]) + 1
    for party in doc.parties:
        w.hanging(party.role, party_rows(party, show_id=doc.committee.show_id_numbers), label_chars=label_chars)
        w.skip(BODY_LEADING * 0.25)


def write_signatures(w: Writer, doc: AgreementDoc) -> None:
    """Signature area kept on one page: each party with a fingerprint box, mediators and recorder on the left,
    the seal circle with the committee's name and the date on the right."""
    size = BODY
    box = 40.0
    party_row = box + 10
    mediators = max(1, len(doc.mediators))
    staff_rows = mediators + 1
    staff_leading = BODY_LEADING * 1.7
    lower = max(staff_rows * staff_leading, SEAL_DIAMETER + 10)
    w.keep(BODY_LEADING + len(doc.parties) * party_row + lower)
    w.skip(BODY_LEADING * 0.6)

    label = "当事人（签名盖章或按指印）："
    line_length = w.width - w.text_width(label, size) - box - size * 2
    for _party in doc.parties:
        baseline = w.y - party_row + 14
        end = w.sign_line(w.left, baseline, label, line_length, size)
        w.fingerprint_box(end + size, w.y - 4, box)
        w.y -= party_row

    radius = SEAL_DIAMETER / 2
    name = doc.committee.name
    name_width = w.text_width(name, size)
    centre_x = w.right - max(radius, name_width / 2) - 2
    top = w.y
    centre_y = top - 10 - radius
    w.draw_circle(centre_x, centre_y, radius)
    stamp = "（人民调解委员会印）"
    w.draw_text(centre_x - w.text_width(stamp, SMALL) / 2, centre_y + radius * 0.45, stamp, SMALL, grey=True)
    w.draw_text(centre_x - name_width / 2, centre_y - 0.38 * size, name, size)
    date = cn_date(doc.effective_on)
    w.draw_text(centre_x - w.text_width(date, size) / 2, centre_y - radius * 0.5, date, size)

    left_width = centre_x - radius - w.left - size
    for index in range(staff_rows):
        label = "人民调解员（签名）：" if index < mediators else "记录人（签名）："
        baseline = top - (index + 1) * staff_leading + size
        w.sign_line(w.left, baseline, label, min(left_width - w.text_width(label, size), size * 9), size)
    w.y = top - lower


def write_agreement(w: Writer, doc: AgreementDoc) -> None:
    labels = copy_labels(doc.parties)
    w.section(labels[0])
    w.title(agreement_title(doc))
    w.line(f"编号：{doc.case_no}", align="right")
    w.skip(BODY_LEADING * 0.5)
    write_parties(w, doc)
    if doc.supplement_to:
        w.paragraph(f"本协议是对编号为{doc.supplement_to}的《人民调解协议书》的补充协议，"
                    "与原协议具有同等效力；本协议未涉及的事项，仍按原协议履行。")
    w.skip(BODY_LEADING * 0.25)
    w.line("纠纷主要事实、争议事项：", bold=True)
    w.paragraph(doc.facts)
    w.line("经调解，自愿达成如下补充协议：" if doc.supplement_to else "经调解，自愿达成如下协议：", bold=True)
    for number, term in enumerate(doc.terms, start=1):
        w.paragraph(f"{cn_number(number)}、{term.strip()}")
    w.line("履行方式、时限：", bold=True)
    w.paragraph(performance_text(doc) or "—")
    w.paragraph(EFFECT)
    w.paragraph(f"本协议一式{cn_number(doc.copies)}份，当事人各执一份，人民调解委员会留存一份。")
    write_signatures(w, doc)
    for label in labels[1:]:
        w.repeat_section(label)
