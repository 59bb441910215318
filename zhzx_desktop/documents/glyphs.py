"""Checking, before anything is drawn, that the font can print every character of a document's fields.

A name with a rare character (𠮷) would otherwise print as an empty box on a legal document. Each field that
fails gives one ``UserError(field, "missing_glyph", …)`` naming the field in Chinese and the characters.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from zhzx_desktop.documents.fonts import CjkFont, missing_glyphs
from zhzx_desktop.errors import UserError

# Field name → what the clerk calls it. Keyed by "container.field" first, then by the bare field name.
LABELS: dict[str, str] = {
    "committee.name": "人民调解委员会名称",
    "parties.role": "当事人称谓",
    "parties.name": "当事人姓名",
    "parties.sex": "当事人性别",
    "parties.ethnicity": "当事人民族",
    "parties.occupation": "当事人职业或职务",
    "parties.phone": "当事人联系方式",
    "parties.address": "当事人单位或住址",
    "parties.id_number": "当事人身份证号码",
    "parties.legal_rep": "法定代表人（负责人）",
    "parties.credit_code": "统一社会信用代码",
    "parties.agent": "委托代理人",
    "parties.copy_label": "协议书份数标签",
    "installments.due_on": "分期履行日期",
    "installments.payer": "分期履行付款人",
    "installments.payee": "分期履行收款人",
    "sessions.held_at": "调解时间",
    "sessions.place": "调解地点",
    "sessions.matter": "事由",
    "sessions.parties": "到场当事人",
    "sessions.participants": "参加人",
    "sessions.mediators": "调解员",
    "sessions.recorder": "记录人",
    "sessions.statements": "调解记录内容",
    "sessions.result": "调解结果",
    "follow_ups.party": "受访当事人",
    "follow_ups.agreement_no": "调解协议编号",
    "follow_ups.matter": "回访事由",
    "follow_ups.done_on": "回访时间",
    "follow_ups.form": "回访形式",
    "follow_ups.performance": "履行情况",
    "follow_ups.satisfaction": "满意程度",
    "follow_ups.notes": "回访情况",
    "follow_ups.visitor": "回访人",
    "items.title": "卷内文书名称",
    "items.note": "卷内目录备注",
    "case_no": "编号",
    "facts": "纠纷主要事实、争议事项",
    "terms": "协议内容",
    "performance_method": "履行方式",
    "performance_deadline": "履行期限",
    "performance_place": "履行地点",
    "mediators": "人民调解员",
    "recorder": "记录人",
    "effective_on": "协议日期",
    "supplement_to": "原协议编号",
    "accepted_on": "受理日期",
    "source": "案件来源",
    "dispute_type": "纠纷类型",
    "summary": "纠纷简要情况",
    "event_scale": "事件规模",
    "registrar": "登记人",
    "agreed_on": "协议达成日期",
    "title": "卷名",
    "started_on": "调解开始日期",
    "ended_on": "调解结束日期",
    "filed_by": "立卷人",
    "filed_on": "立卷日期",
    "retention": "保管期限",
    "notes": "备注",
}
_NOT_PRINTED = frozenset({"kind"})  # codes that choose a layout, never printed themselves


def _texts(obj: Any, path: str, key: str) -> Iterator[tuple[str, str, str]]:
    """(field path, label key, text) for every text reachable from ``obj``."""
    if isinstance(obj, str):
        yield path, key, obj
    elif isinstance(obj, tuple):
        for index, item in enumerate(obj):
            yield from _texts(item, f"{path}[{index}]", key)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        container = key.rsplit(".", 1)[-1] if key else ""
        for f in dataclasses.fields(obj):
            if f.name in _NOT_PRINTED:
                continue
            child_path = f"{path}.{f.name}" if path else f.name
            child_key = f"{container}.{f.name}" if container else f.name
            yield from _texts(getattr(obj, f.name), child_path, child_key)


def field_label(key: str) -> str:
    return LABELS.get(key) or LABELS.get(key.rsplit(".", 1)[-1], key)


def glyph_errors(doc: object, font: CjkFont) -> list[UserError]:
    errors: list[UserError] = []
    for path, key, text in _texts(doc, "", ""):
        missing = missing_glyphs(font, text)
        if missing:
            chars = "、".join(f"“{ch}”" for ch in missing)
            errors.append(UserError(path, "missing_glyph",
                                    f"{field_label(key)}中的{chars}无法用字体 {font.family} 打印，"
                                    "请改用常用字或在设置中换用其他字体"))
    return errors
