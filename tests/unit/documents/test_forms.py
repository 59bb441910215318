"""The other case documents read back from their PDFs: 受理登记表, 调解记录, 口头协议登记表, 回访记录, 卷宗."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.unit.documents import samples
from tests.unit.documents.pdftext import body_text, page_texts, squash
from zhzx_desktop.documents.cover import page_ranges
from zhzx_desktop.documents.fonts import find_cjk_font
from zhzx_desktop.documents.model import FileItem, FollowUpsDoc, RecordDoc
from zhzx_desktop.documents.render import document_title, render
from zhzx_desktop.errors import UserError


def test_intake_form() -> None:
    pdf = render(samples.intake())
    pages = page_texts(pdf)
    assert len(pages) == 1  # two parties and a paragraph of facts fit on one page
    text = body_text(pdf)
    for expected in [
        "人民调解受理登记表", "编号：（2026）青石村人调字第007号",
        "2026年11月2日，本人民调解委员会经当事人同意，调解韩立新、毛春燕之间的纠纷。",
        "申请人", "姓名：韩立新", "单位或住址：湖南省长沙县青石村四组18号", "被申请人", "姓名：毛春燕",
        "纠纷类型", "邻里纠纷", "案件来源", "当事人申请", "涉及人数", "2人", "涉及金额", "壹万贰仟元整（¥12,000.00）",
        "事件规模", "一般", "纠纷简要情况", squash(samples.FACTS), "当事人（签名）", "登记人（签名）", "彭小兰",
        "人民调解委员会（印章）", "青石村人民调解委员会", "此表由人民调解委员会填写",
    ]:
        assert expected in text, expected
    assert "身份证号码" not in text


def test_intake_without_a_date_leaves_blanks() -> None:
    text = body_text(render(replace(samples.intake(), accepted_on="")))
    assert "＿＿＿＿年＿＿月＿＿日，本人民调解委员会经当事人同意" in text


def test_record_sessions_each_start_a_page() -> None:
    doc = samples.record()
    pages = page_texts(render(doc))
    assert len(pages) == 2
    investigation, mediation = pages
    assert investigation.startswith("人民调解调查记录") and "被调查人（签名）" in investigation
    assert mediation.startswith("人民调解记录") and "人民调解调查记录" not in mediation
    for expected in ["时间：2026年11月23日9时30分", "地点：青石村人民调解室", "事由：韩立新、毛春燕邻里纠纷",
                     "当事人：韩立新、毛春燕", "参加人：村民小组长周德明", "调解员：唐振华、黎秀英", "记录人：彭小兰",
                     "调解情况：", squash(doc.sessions[1].statements), "调解结果：双方自愿达成调解协议",
                     "当事人（签名）", "调解员（签名）", "记录人（签名）", "第1页共1页"]:
        assert expected in mediation, expected
    assert mediation.count("当事人（签名）") == 2
    assert "调查人：唐振华" in investigation and "调查结果：菜地受淹属实" in investigation


def test_oral_agreement_form() -> None:
    text = body_text(render(samples.oral()))
    for expected in ["人民调解口头协议登记表", "编号：（2026）青石村人调字第008号", "姓名：韩立新", "姓名：毛春燕",
                     "纠纷简要情况", "双方因宅基地边界的一棵樟树归属发生争执。", "口头协议内容", "一、樟树归申请人所有。",
                     "二、申请人补偿被申请人伍佰元。", "履行方式、时限", "当场以现金支付。", "伍佰元整（¥500.00）",
                     "当事人（签名或按指印）", "人民调解员（签名）", "记录人（签名）", "协议达成日期", "2026年11月23日"]:
        assert expected in text, expected


def test_follow_ups_one_per_page() -> None:
    doc = samples.followups()
    pages = page_texts(render(doc))
    assert len(pages) == 2
    for page, visit in zip(pages, doc.follow_ups):
        assert page.startswith("人民调解回访记录")
        for expected in [f"当事人{visit.party}", "调解协议编号", samples.CASE_NO, f"回访事由{visit.matter}",
                         cn(visit.done_on), f"回访形式{visit.form}", f"履行情况：{visit.performance}",
                         f"满意程度：{visit.satisfaction}", visit.notes, f"回访人{visit.visitor}", "第1页共1页"]:
            assert expected in page, expected
    assert "毛春燕" not in pages[0].split("回访事由")[0]


def cn(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{year}年{int(month)}月{int(day)}日"


def test_cover_and_directory() -> None:
    doc = samples.cover()
    pages = page_texts(render(doc))
    assert len(pages) == 2
    cover, directory = pages
    for expected in ["青石村人民调解委员会", "调解卷宗", "卷名：韩立新与毛春燕邻里纠纷", "卷号：（2026）青石村人调字第007号",
                     "人民调解员：唐振华、黎秀英", "调解日期：自2026年11月2日至2027年1月20日", "立卷人：彭小兰",
                     "立卷日期：2027年1月25日", "保管期限：长期", "备注："]:
        assert expected in cover.replace("卷名", "卷名"), expected
    assert "第1页" not in cover  # the cover and the directory are not numbered
    assert directory.startswith("卷内目录序号文书名称页号备注")
    for expected in ["1人民调解受理登记表1", "2人民调解当事人权利义务告知书2-3", "3当事人身份证明4-5",
                     "4人民调解调查记录6", "5人民调解记录7-9", "6人民调解协议书10-12一式三份", "7人民调解回访记录13-14",
                     "8封底15"]:
        assert expected in directory, expected
    assert "授权委托书" not in directory  # not in this file


def test_page_ranges_run_on() -> None:
    items = (FileItem("甲", 2), FileItem("乙", None), FileItem("丙", 1), FileItem("丁", 0), FileItem("戊", 3))
    assert [(i.title, p) for i, p in page_ranges(items)] == [("甲", "1-2"), ("丙", "3"), ("丁", ""), ("戊", "4-6")]


def test_every_document_type_renders() -> None:
    docs = [samples.agreement(), samples.intake(), samples.record(), samples.oral(), samples.followups(),
            samples.cover(), RecordDoc(samples.COMMITTEE, samples.CASE_NO, ()),
            FollowUpsDoc(samples.COMMITTEE, samples.CASE_NO, ())]
    for doc in docs:
        pdf = render(doc)
        assert pdf.startswith(b"%PDF") and pdf == render(doc)
        assert document_title(doc)[:4] in body_text(pdf)


def test_missing_glyph_in_a_form_names_the_field() -> None:
    if find_cjk_font().has("𠮷"):
        pytest.skip("the font can print 𠮷")
    doc = samples.followups()
    bad = replace(doc, follow_ups=(doc.follow_ups[0], replace(doc.follow_ups[1], visitor="黎𠮷")))
    with pytest.raises(UserError) as caught:
        render(bad)
    assert caught.value.field == "follow_ups[1].visitor"
    assert caught.value.message.startswith("回访人中的“𠮷”")
    session = replace(samples.record().sessions[0], parties=("毛𠮷",))
    with pytest.raises(UserError) as caught:
        render(RecordDoc(samples.COMMITTEE, samples.CASE_NO, (session,)))
    assert caught.value.field == "sessions[0].parties[0]"
