"""What the case documents print: plain, already-formatted data (labels not codes, dates as ISO text, money in fen).

``services/case_documents.py`` builds these from the database; the builders in this package only lay them out, so
they can be rendered and tested without a database. Every text a builder prints comes from here: a missing glyph
is found by walking these fields before anything is drawn (``documents.render.check_glyphs``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Committee:
    name: str  # 某某村人民调解委员会
    show_id_numbers: bool = False  # the committee's template option: print parties' ID numbers on the agreement


@dataclass(frozen=True)
class PartyDoc:
    """One party as the party block prints it. ``kind`` is 'person', 'legal_person' or 'organization'."""

    role: str  # 申请人 / 被申请人 / 当事人 (printed in front of the block)
    kind: str
    name: str
    sex: str = ""  # 男 / 女
    ethnicity: str = ""  # 汉族
    age: int | None = None
    occupation: str = ""  # 职业或职务
    phone: str = ""  # in clear on paper (the parties' own document); masked nowhere else
    address: str = ""  # 单位或住址 / 住所
    id_number: str = ""  # printed only when Committee.show_id_numbers; empty otherwise
    legal_rep: str = ""  # 法定代表人/负责人及职务 (organisations)
    credit_code: str = ""  # 统一社会信用代码 (organisations)
    agent: str = ""  # 委托代理人
    copy_label: str = ""  # the label of this party's copy: 甲方执 / 乙方执 / 丙方执 …


@dataclass(frozen=True)
class InstallmentDoc:
    due_on: str
    amount_fen: int
    payer: str = ""
    payee: str = ""


@dataclass(frozen=True)
class AgreementDoc:
    """人民调解协议书 (or, with ``supplement_to``, 补充协议书) — DOMAIN.md §1.3(g)."""

    committee: Committee
    case_no: str  # （2026）X村人调字第001号 — the 编号
    parties: tuple[PartyDoc, ...]
    facts: str  # 纠纷主要事实、争议事项（含各方责任）
    terms: tuple[str, ...]  # 协议内容, one clause each; numbered 一、二、三… when printed
    performance_method: str  # 履行方式
    performance_deadline: str = ""  # ISO date, or empty
    performance_place: str = ""  # 履行地点 (若干规定 §35; optional)
    amount_fen: int | None = None  # printed as 大写 with the figures: 壹万贰仟元整（¥12,000.00）
    installments: tuple[InstallmentDoc, ...] = ()
    mediators: tuple[str, ...] = ()
    recorder: str = ""
    effective_on: str = ""  # ISO date written at the end (= 生效日); empty → a blank 年 月 日 line
    supplement_to: str = ""  # non-empty for a 补充协议: the number of the agreement it amends

    @property
    def copies(self) -> int:
        """份数 = parties + 1: each party keeps one, the committee keeps one (DOMAIN.md §1.3(g))."""
        return len(self.parties) + 1


@dataclass(frozen=True)
class IntakeDoc:
    """人民调解受理登记表 — DOMAIN.md §1.3(c)."""

    committee: Committee
    case_no: str
    accepted_on: str
    parties: tuple[PartyDoc, ...]
    source: str  # 依申请调解 …
    dispute_type: str  # 邻里纠纷 …
    summary: str
    event_scale: str = ""
    people_involved: int | None = None
    amount_fen: int | None = None
    registrar: str = ""  # 登记人


@dataclass(frozen=True)
class SessionDoc:
    """One 人民调解记录 (or 调查记录 when ``kind`` is 'investigation') — DOMAIN.md §1.3(e)(f)."""

    kind: str  # 'mediation' / 'investigation'
    held_at: str  # ISO date or date-time
    place: str
    matter: str  # 事由 (the dispute, e.g. "张三、李四邻里纠纷")
    parties: tuple[str, ...]  # 当事人 present
    participants: str  # 参加人 (invited helpers; not mediators, parties or the recorder)
    mediators: tuple[str, ...]
    recorder: str
    statements: str  # the record itself
    result: str


@dataclass(frozen=True)
class RecordDoc:
    committee: Committee
    case_no: str
    sessions: tuple[SessionDoc, ...]  # each starts on a new page


@dataclass(frozen=True)
class OralAgreementDoc:
    """人民调解口头协议登记表 — DOMAIN.md §1.3(h), laid out like the agreement."""

    committee: Committee
    case_no: str
    parties: tuple[PartyDoc, ...]
    summary: str  # 纠纷简要情况
    terms: tuple[str, ...]  # 口头协议内容
    performance_method: str
    performance_deadline: str = ""
    amount_fen: int | None = None
    mediators: tuple[str, ...] = ()
    recorder: str = ""
    agreed_on: str = ""


@dataclass(frozen=True)
class FollowUpDoc:
    """One 人民调解回访记录 — DOMAIN.md §1.3(i)."""

    party: str  # 受访当事人
    agreement_no: str  # 调解协议编号 (= the case number)
    matter: str  # 回访事由 (the dispute's name)
    done_on: str
    form: str  # 上门 / 电话 …
    performance: str  # 履行情况
    satisfaction: str  # 满意程度
    notes: str  # 遗留隐患、采取的措施 …
    visitor: str  # 回访人


@dataclass(frozen=True)
class FollowUpsDoc:
    committee: Committee
    case_no: str
    follow_ups: tuple[FollowUpDoc, ...]  # each on its own page


@dataclass(frozen=True)
class FileItem:
    """A row of the 卷内目录: one document of the case file."""

    title: str
    pages: int | None  # None: not in the file
    note: str = ""


@dataclass(frozen=True)
class CoverDoc:
    """卷宗封面 followed by the 卷内目录 — DOMAIN.md §1.3(a)."""

    committee: Committee
    case_no: str  # 卷号
    title: str  # 卷名, e.g. "张三与李四邻里纠纷"
    mediators: tuple[str, ...]
    started_on: str  # 调解日期 自…
    ended_on: str  # …至
    filed_by: str  # 立卷人
    filed_on: str  # 立卷日期
    retention: str  # 保管期限
    notes: str = ""
    items: tuple[FileItem, ...] = field(default_factory=tuple)
