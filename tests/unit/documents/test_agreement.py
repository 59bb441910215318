"""人民调解协议书 read back from the PDF: every field, the copies and their labels, fonts, determinism, glyphs."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

import pytest

from tests.unit.documents import samples
from tests.unit.documents.pdftext import body_text, fonts, page_texts, placed_text, squash
from zhzx_desktop.documents.fonts import find_cjk_font
from zhzx_desktop.documents.layout import GB9704, PAGE_H, PAGE_W, mm
from zhzx_desktop.documents.model import Committee
from zhzx_desktop.documents.render import check_glyphs, render
from zhzx_desktop.errors import UserError

RARE = "𠮷"  # CJK Extension B: AR PL UMing has no glyph for it


def copies_of(pdf: bytes) -> list[tuple[str, int, int]]:
    """(corner label, page number, page count) of every page."""
    out = []
    for text in page_texts(pdf):
        label = re.findall(r"[甲乙丙丁]方执|调委会存", text)
        mark = re.findall(r"第(\d+)页共(\d+)页", text)
        assert len(label) == 1 and len(mark) == 1, text
        out.append((label[0], int(mark[0][0]), int(mark[0][1])))
    return out


def test_every_field_is_printed() -> None:
    doc = samples.agreement()
    text = body_text(render(doc))
    for expected in [
        "人民调解协议书", "编号：（2026）青石村人调字第007号",
        "申请人", "姓名：韩立新", "性别：男", "民族：汉族", "年龄：52岁", "职业或职务：农民", "联系方式：13907310425",
        "单位或住址：湖南省长沙县青石村四组18号",
        "被申请人", "姓名：毛春燕", "民族：土家族", "联系方式：13574120386", "委托代理人：毛建国（兄）",
        "纠纷主要事实、争议事项：", squash(samples.FACTS),
        "经调解，自愿达成如下协议：",
        *(f"{n}、{squash(term)}" for n, term in zip("一二三", samples.TERMS)),
        "履行方式、时限：", "被申请人以现金或银行转账方式向申请人支付。", "履行期限：2027年1月15日前履行完毕。",
        "涉及金额：壹万贰仟元整（¥12,000.00）",
        "（1）2026年12月1日前支付叁仟元整（¥3,000.00）", "（2）2027年1月15日前支付玖仟元整（¥9,000.00）",
        "由毛春燕向韩立新支付", "履行地点：青石村村民委员会",
        "本协议一式三份，当事人各执一份，人民调解委员会留存一份。",
        "人民调解员（签名）", "记录人（签名）", "（人民调解委员会印）", "青石村人民调解委员会", "2026年11月23日",
    ]:
        assert expected in text, expected
    assert text.count("当事人（签名盖章或按指印）") == 2 * doc.copies
    assert text.count("指印") >= 2 * doc.copies


@pytest.mark.parametrize(("fen", "printed"), [
    (1_000_550, "涉及金额：壹万零伍元伍角（¥10,005.50）"),
    (10_000_000_000, "涉及金额：壹亿元整（¥100,000,000.00）"),
    (5, "涉及金额：伍分（¥0.05）"),
])
def test_tricky_amounts_read_back_in_daxie(fen: int, printed: str) -> None:
    text = body_text(render(samples.agreement(amount_fen=fen, installments=())))
    assert printed in text


def test_two_parties_give_three_labelled_copies() -> None:
    pdf = render(samples.agreement())
    pages = copies_of(pdf)
    per_copy = pages[0][2]
    assert [label for label, _, _ in pages] == ["甲方执"] * per_copy + ["乙方执"] * per_copy + ["调委会存"] * per_copy
    assert [number for _, number, _ in pages] == list(range(1, per_copy + 1)) * 3
    texts = page_texts(pdf)
    assert sum(t.count("人民调解协议书") for t in texts) == 3  # one title per copy


def test_three_parties_give_four_copies_and_an_organisation_block() -> None:
    doc = samples.agreement((samples.PARTY_A, samples.PARTY_B, samples.PARTY_C))
    pdf = render(doc)
    labels = [label for label, number, _ in copies_of(pdf) if number == 1]
    assert labels == ["甲方执", "乙方执", "丙方执", "调委会存"]
    text = body_text(pdf)
    assert "本协议一式四份" in text
    for expected in ["名称：长沙县青石农机专业合作社", "住所：青石村村部东侧", "法定代表人：钟国华（理事长）",
                     "统一社会信用代码：93430121MA4L8XYZ2K"]:
        assert expected in text, expected
    assert "姓名：长沙县青石农机专业合作社" not in text


def test_party_copy_label_overrides_the_default() -> None:
    doc = samples.agreement((replace(samples.PARTY_A, copy_label="申请人执"), samples.PARTY_B))
    texts = page_texts(render(doc))
    assert "申请人执" in texts[0] and "甲方执" not in "".join(texts)
    assert any("乙方执" in t for t in texts) and "调委会存" in texts[-1]


def test_id_numbers_only_with_the_committee_option() -> None:
    hidden = body_text(render(samples.agreement()))
    assert samples.PARTY_A.id_number not in hidden and "身份证号码" not in hidden
    doc = samples.agreement(committee=Committee(samples.COMMITTEE.name, show_id_numbers=True))
    shown = body_text(render(doc))
    assert f"身份证号码：{samples.PARTY_A.id_number}" in shown
    assert f"身份证号码：{samples.PARTY_B.id_number}" in shown


def test_fonts_are_embedded_subsets() -> None:
    found = fonts(render(samples.agreement()))
    assert found
    for font in found:
        assert font["/Subtype"] == "/TrueType"
        assert re.fullmatch(r"/[A-Z]{6}\+.+", str(font["/BaseFont"])), font["/BaseFont"]
        assert "/FontFile2" in font["/FontDescriptor"].get_object()
        assert "/ToUnicode" in font  # text can be searched and copied


def test_same_data_same_bytes() -> None:
    first = render(samples.agreement())
    again = render(samples.agreement())
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(again).hexdigest()
    assert render(samples.agreement()) == first
    assert render(samples.agreement(performance_place="青石村村部")) != first


def test_blank_date_when_not_yet_effective() -> None:
    text = body_text(render(samples.agreement(effective_on="")))
    assert "2026年11月23日" not in text
    assert "年月日" in text  # "    年  月  日" to fill in by hand


def test_supplement_is_titled_and_names_the_agreement_it_amends() -> None:
    doc = samples.agreement(supplement_to="（2026）青石村人调字第003号", case_no="（2026）青石村人调字第009号")
    text = body_text(render(doc))
    assert "人民调解补充协议书" in text
    assert "编号为（2026）青石村人调字第003号的《人民调解协议书》的补充协议" in text
    assert "经调解，自愿达成如下补充协议：" in text


def test_missing_glyph_names_the_field() -> None:
    font = find_cjk_font()
    if font.has(RARE):
        pytest.skip(f"{font.family} can print {RARE}")
    doc = samples.agreement((replace(samples.PARTY_A, name=f"韩{RARE}"), samples.PARTY_B))
    with pytest.raises(UserError) as caught:
        render(doc)
    assert caught.value.field == "parties[0].name"
    assert caught.value.code == "missing_glyph"
    assert caught.value.message.startswith(f"当事人姓名中的“{RARE}”无法用字体 {font.family} 打印")
    assert "换用其他字体" in caught.value.message


def test_check_glyphs_lists_every_field() -> None:
    font = find_cjk_font()
    if font.has(RARE):
        pytest.skip(f"{font.family} can print {RARE}")
    doc = samples.agreement(terms=("一", f"二{RARE}"), recorder=f"彭{RARE}")
    errors = check_glyphs(doc)
    assert [(e.field, e.code) for e in errors] == [("terms[1]", "missing_glyph"), ("recorder", "missing_glyph")]
    assert errors[0].message.startswith("协议内容中的")
    assert check_glyphs(samples.agreement()) == []


def test_long_text_paginates_inside_the_margins() -> None:
    facts = "".join(f"第{i}段，{samples.FACTS}" for i in range(1, 30))[:3000]
    terms = tuple(f"第{i}项约定：{samples.TERMS[i % 3]}" for i in range(1, 31))
    doc = samples.agreement(facts=facts, terms=terms)
    pdf = render(doc)
    pages = copies_of(pdf)
    per_copy = pages[0][2]
    assert per_copy >= 5 and len(pages) == 3 * per_copy
    text = body_text(pdf)
    assert squash(facts) in text
    assert "三十、第30项约定" in text
    for number, term in enumerate(terms, start=1):
        assert squash(term) in text, number

    # every run of text starts inside the type area; only the copy label (top right) and the footer are outside
    for run in placed_text(pdf):
        if run.y > PAGE_H - GB9704.top:
            assert run.y > PAGE_H - 30 * mm and run.x > PAGE_W - GB9704.right - 60, run
            assert set(run.text.strip()) <= set("甲乙方执调委会存"), run
        elif run.y < GB9704.bottom:
            assert run.y < 20 * mm and set(run.text.strip()) <= set("第页共 0123456789"), run
        else:
            assert GB9704.left - 0.5 <= run.x < PAGE_W - GB9704.right, run

    # the signature block is never split: everything of it is on the last page of each copy
    texts = page_texts(pdf)
    for start in range(0, len(texts), per_copy):
        last = texts[start + per_copy - 1]
        assert last.count("当事人（签名盖章或按指印）") == 2
        assert "人民调解员（签名）" in last and "记录人（签名）" in last and "（人民调解委员会印）" in last
        assert all("（签名" not in t for t in texts[start:start + per_copy - 1])
