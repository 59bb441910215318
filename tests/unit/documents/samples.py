"""Plausible, generated document data for the document tests (no real people)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tests.helpers import make_id
from zhzx_desktop.documents.model import (
    AgreementDoc,
    Committee,
    CoverDoc,
    FileItem,
    FollowUpDoc,
    FollowUpsDoc,
    InstallmentDoc,
    IntakeDoc,
    OralAgreementDoc,
    PartyDoc,
    RecordDoc,
    SessionDoc,
)

COMMITTEE = Committee("青石村人民调解委员会")
CASE_NO = "（2026）青石村人调字第007号"

PARTY_A = PartyDoc(role="申请人", kind="person", name="韩立新", sex="男", ethnicity="汉族", age=52, occupation="农民",
                   phone="13907310425", address="湖南省长沙县青石村四组18号", id_number=make_id(seq=11))
PARTY_B = PartyDoc(role="被申请人", kind="person", name="毛春燕", sex="女", ethnicity="土家族", age=47,
                   occupation="个体经营", phone="13574120386", address="湖南省长沙县青石村四组21号",
                   id_number=make_id(seq=12), agent="毛建国（兄）")
PARTY_C = PartyDoc(role="被申请人", kind="legal_person", name="长沙县青石农机专业合作社", address="青石村村部东侧",
                   legal_rep="钟国华（理事长）", credit_code="93430121MA4L8XYZ2K", phone="0731-86012345")

FACTS = ("申请人韩立新与被申请人毛春燕系前后邻居。2026年9月，被申请人在自家屋后修建排水沟，"
         "雨水经排水沟流入申请人菜地，致申请人种植的白菜、萝卜约0.3亩受淹。双方多次协商未果，"
         "申请人于2026年11月2日向本委员会申请调解。经查，被申请人修建排水沟未与申请人协商，对损失负主要责任；"
         "申请人未及时告知被申请人，负次要责任。")
TERMS = ("被申请人毛春燕于2026年12月1日前将排水沟改道至村道边沟，改道费用由被申请人承担。",
         "被申请人赔偿申请人菜地损失共计人民币壹万贰仟元整（¥12,000.00），分两期支付。",
         "双方今后应和睦相处，不得因本纠纷再生事端。")


def agreement(parties: tuple[PartyDoc, ...] = (PARTY_A, PARTY_B), **changes: Any) -> AgreementDoc:
    base = AgreementDoc(
        committee=COMMITTEE, case_no=CASE_NO, parties=parties, facts=FACTS, terms=TERMS,
        performance_method="被申请人以现金或银行转账方式向申请人支付。", performance_deadline="2027-01-15",
        performance_place="青石村村民委员会", amount_fen=1_200_000,
        installments=(InstallmentDoc("2026-12-01", 300_000, payer="毛春燕", payee="韩立新"),
                      InstallmentDoc("2027-01-15", 900_000, payer="毛春燕", payee="韩立新")),
        mediators=("唐振华", "黎秀英"), recorder="彭小兰", effective_on="2026-11-23")
    return replace(base, **changes)


def intake() -> IntakeDoc:
    return IntakeDoc(committee=COMMITTEE, case_no=CASE_NO, accepted_on="2026-11-02", parties=(PARTY_A, PARTY_B),
                     source="当事人申请", dispute_type="邻里纠纷", summary=FACTS, event_scale="一般",
                     people_involved=2, amount_fen=1_200_000, registrar="彭小兰")


def record() -> RecordDoc:
    return RecordDoc(committee=COMMITTEE, case_no=CASE_NO, sessions=(
        SessionDoc(kind="investigation", held_at="2026-11-05T15:00", place="申请人菜地现场", matter="韩立新、毛春燕邻里纠纷",
                   parties=("毛春燕",), participants="村民小组长 周德明", mediators=("唐振华",), recorder="彭小兰",
                   statements="问：排水沟是什么时候修的？\n答：今年九月初修的，当时没有想到会流到他家菜地。",
                   result="菜地受淹属实，受淹面积约0.3亩。"),
        SessionDoc(kind="mediation", held_at="2026-11-23T09:30", place="青石村人民调解室", matter="韩立新、毛春燕邻里纠纷",
                   parties=("韩立新", "毛春燕"), participants="村民小组长 周德明", mediators=("唐振华", "黎秀英"),
                   recorder="彭小兰",
                   statements="调解员告知双方当事人在调解活动中享有的权利和承担的义务。\n申请人：菜地被淹，损失一万多元。"
                              "\n被申请人：愿意改道并赔偿，希望分期支付。",
                   result="双方自愿达成调解协议，制作人民调解协议书。"),
    ))


def oral() -> OralAgreementDoc:
    return OralAgreementDoc(committee=COMMITTEE, case_no="（2026）青石村人调字第008号", parties=(PARTY_A, PARTY_B),
                            summary="双方因宅基地边界的一棵樟树归属发生争执。", terms=("樟树归申请人所有。", "申请人补偿被申请人伍佰元。"),
                            performance_method="当场以现金支付。", performance_deadline="2026-11-23", amount_fen=50_000,
                            mediators=("唐振华",), recorder="彭小兰", agreed_on="2026-11-23")


def followups() -> FollowUpsDoc:
    visit = FollowUpDoc(party="韩立新", agreement_no=CASE_NO, matter="韩立新、毛春燕邻里纠纷", done_on="2026-12-05",
                        form="上门", performance="第一期叁仟元已按期支付，排水沟已改道。", satisfaction="满意",
                        notes="无遗留隐患。", visitor="唐振华")
    second = FollowUpDoc(party="毛春燕", agreement_no=CASE_NO, matter="韩立新、毛春燕邻里纠纷", done_on="2027-01-20",
                         form="电话", performance="已全部履行完毕。", satisfaction="基本满意", notes="无。",
                         visitor="黎秀英")
    return FollowUpsDoc(committee=COMMITTEE, case_no=CASE_NO, follow_ups=(visit, second))


def cover() -> CoverDoc:
    items = (FileItem("人民调解受理登记表", 1), FileItem("人民调解当事人权利义务告知书", 2),
             FileItem("当事人身份证明", 2), FileItem("授权委托书", None), FileItem("人民调解调查记录", 1),
             FileItem("人民调解记录", 3), FileItem("人民调解协议书", 3, "一式三份"), FileItem("人民调解回访记录", 2),
             FileItem("封底", 1))
    return CoverDoc(committee=COMMITTEE, case_no=CASE_NO, title="韩立新与毛春燕邻里纠纷", mediators=("唐振华", "黎秀英"),
                    started_on="2026-11-02", ended_on="2027-01-20", filed_by="彭小兰", filed_on="2027-01-25",
                    retention="长期", notes="", items=items)
