"""Field-level normalisation and validation: phone numbers, personal names, dates.

Pure functions, no I/O. Every failure is a ``UserError(field, code, message)`` whose Chinese message names the field
by its label from ``FIELD_LABELS`` (DOMAIN.md §2, ARCHITECTURE.md idiom 6). Nothing here logs or prints its input.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Final

from zhzx_desktop.errors import UserError

__all__ = [
    "EARLIEST_BIRTH_DATE",
    "FIELD_LABELS",
    "MAX_LENGTHS",
    "field_label",
    "is_cjk_char",
    "max_length",
    "normalize_name",
    "normalize_phone",
    "parse_date",
    "phone_digits",
    "shown",
    "too_long",
    "validate_birth_date",
]

#: Column / input names → the Chinese label a clerk sees in messages and headers.
FIELD_LABELS: Final[dict[str, str]] = {
    # person (实有人口 base record, GB/T 31000 §2.1.2)
    "id_number": "身份证号",
    "id_type": "证件类型",
    "id_doc_number": "证件号码",
    "name": "姓名",
    "former_name": "曾用名",
    "foreign_surname": "外文姓",
    "foreign_given_name": "外文名",
    "sex": "性别",
    "birth_date": "出生日期",
    "ethnicity": "民族",
    "nationality": "国籍（地区）",
    "native_place": "籍贯",
    "marital_status": "婚姻状况",
    "political_status": "政治面貌",
    "education": "学历",
    "religion": "宗教信仰",
    "occupation": "职业",
    "workplace": "服务处所",
    "phone": "联系电话",
    "mobile": "手机号码",
    "landline": "固定电话",
    "address": "住址",
    "registered_address": "户籍地详址",
    "current_address": "现住地详址",
    "residence_type": "人口类型",
    "category": "人员类别",
    "attention_level": "关注程度",
    "health": "健康状况",
    "note": "备注",
    "notes": "备注",
    "status": "状态",
    "resident_id": "居民",
    # household
    "household_id": "户",
    "household_no": "户号",
    "head_name": "户主姓名",
    "head_id_number": "户主身份证号",
    "relation": "与户主关系",
    # guardian / helper (重点青少年, 严重精神障碍患者)
    "guardian_name": "监护人姓名",
    "guardian_id_number": "监护人身份证号",
    "guardian_phone": "监护人联系电话",
    "guardian_relation": "与监护人关系",
    "helper_name": "帮扶人姓名",
    "helper_phone": "帮扶人联系电话",
    # grid
    "grid_id": "网格",
    "grid_code": "网格编码",
    "grid_name": "网格名称",
    "grid_worker_role": "网格员角色",
    "since": "任职日期",
    "until": "离任日期",
    # 群防群治 teams and members
    "team_id": "队伍",
    "team_name": "队伍名称",
    "team_type": "队伍类型",
    "leader_resident_id": "队长（负责人）",
    "contact_phone": "联系电话",
    "founded_on": "成立日期",
    "duties": "主要职责",
    "member_id": "队员",
    "place": "地点",
    "findings": "发现的问题",
    "participant_ids": "参加人员",
    "leader_name": "负责人",
    "leader_phone": "负责人联系电话",
    "supervisor": "指导部门",
    "member_count": "成员人数",
    "role": "职务/角色",
    "speciality": "专业特长",
    "joined_on": "加入日期",
    "left_on": "离队日期",
    # activities and visits
    "kind": "活动类型",
    "activity_date": "活动日期",
    "start_time": "开始时间",
    "end_time": "结束时间",
    "duration_hours": "时长（小时）",
    "location": "地点",
    "participants": "参加人员",
    "summary": "情况摘要",
    "visit_date": "走访日期",
    "visitor": "走访人",
    "next_visit_date": "下次走访日期",
    # disputes and 人民调解 cases
    "case_no": "案件编号",
    "dispute_type": "纠纷类型",
    "case_source": "案件来源",
    "event_scale": "事件规模",
    "occurred_on": "发生日期",
    "accepted_on": "受理日期",
    "closed_on": "结案日期",
    "party_count": "涉及人数",
    "amount": "涉及金额",
    "applicant": "申请人",
    "respondent": "被申请人",
    "party_name": "当事人姓名",
    "party_id_number": "当事人身份证号",
    "party_phone": "当事人联系电话",
    "mediator": "调解员",
    "agreement_form": "协议形式",
    "agreement_date": "协议日期",
    "performance_deadline": "履行期限",
    "return_visit_date": "回访日期",
    "description": "纠纷简要情况",
    "people_involved": "涉及人数",
    "parties": "当事人",
    "org_name": "单位名称",
    "credit_code": "统一社会信用代码",
    "legal_rep": "法定代表人（负责人）",
    "agent": "委托代理人",
    "mediators": "调解员",
    "committee": "调委会设置",
    "committee_name": "调委会名称",
    "village_name": "村名称",
    "village_code": "统计用区划代码",
    "prevention": "预防效果",
    "difficult": "疑难案件",
    "escalated_on": "上报镇综治中心日期",
    "disputes_found": "排查发现纠纷数",
    "disputes_prevented": "预防纠纷数",
    "month": "月份",
    "case_prefix": "案号前缀",
    "case_block": "本机号段",
    "retention": "保管期限",
    "session_kind": "记录类型",
    "held_on": "日期",
    "held_time": "时间",
    "parties_present": "到场当事人",
    "statements": "记录内容",
    "session_result": "调解结果",
    "recorder": "记录人",
    "sessions": "调解记录",
    "facts": "纠纷主要事实、争议事项",
    "terms": "协议内容",
    "performance_method": "履行方式",
    "performance_place": "履行地点",
    "agreement_amount": "协议金额",
    "effective_on": "协议生效日期",
    "installments": "分期履行",
    "due_on": "到期日期",
    "installment_amount": "本期金额",
    "payer": "付款人",
    "payee": "收款人",
    "paid_on": "付款日期",
    "performed_on": "履行完毕日期",
    "jc_applied_on": "司法确认申请日期",
    "jc_court": "受理法院",
    "jc_result": "确认结果",
    "jc_result_on": "法院决定日期",
    "failure_reason": "终止原因",
    "channels_told": "已告知的其他途径",
    "follow_ups": "回访",
    "follow_up_due_on": "计划回访日期",
    "follow_up_done_on": "回访日期",
    "follow_up_form": "回访形式",
    "follow_up_party": "受访当事人",
    "follow_up_visitor": "回访人",
    "performance_state": "履行情况",
    "satisfaction": "满意程度",
    "documents": "卷宗",
    "archived_on": "归档日期",
    "pages": "页数",
    "reason": "查询事由",
}


def field_label(field: str, default: str | None = None) -> str:
    """The Chinese label of ``field``; ``default`` (or the raw field name) when unknown."""
    label = FIELD_LABELS.get(field)
    if label is not None:
        return label
    return default if default is not None else field


# --------------------------------------------------------------------------------------------------------------
# Lengths of free text
# --------------------------------------------------------------------------------------------------------------

NAME_MAX: Final = 30  # a Chinese name (characters); see normalize_name
FOREIGN_NAME_MAX: Final = 60  # a name in Latin letters
PHONE_MAX: Final = 30  # what a clerk may type into a phone field before it is even parsed

#: The longest text (in characters, after trimming) every free-text field accepts — the ONE table: ``fields.text``
#: uses it for every field named here (a service may ask for less, e.g. the 200-character note on a 卷宗 cover
#: line), names through ``normalize_name`` (30 / 60) and phones through ``normalize_phone`` (30 before parsing).
MAX_LENGTHS: Final[dict[str, int]] = {
    # people, households, grids
    "name": FOREIGN_NAME_MAX,
    "party_name": FOREIGN_NAME_MAX,
    "id_number": 40,  # other documents (passport, permit numbers); 居民身份证 numbers are 18
    "phone": PHONE_MAX,
    "contact_phone": PHONE_MAX,
    "party_phone": PHONE_MAX,
    "address": 200,
    "occupation": 60,
    "notes": 2000,
    "household_no": 30,
    "grid_name": 60,
    "grid_code": 20,
    "reason": 200,
    # teams and activities
    "team_name": 60,
    "role": 20,
    "duties": 2000,
    "place": 200,
    "summary": 2000,
    "findings": 2000,
    # cases
    "description": 5000,
    "agent": 60,
    "org_name": 60,
    "credit_code": 18,
    "legal_rep": 60,
    "parties_present": 200,
    "participants": 200,
    "statements": 20000,  # a whole 调解笔录
    "session_result": 5000,
    "recorder": 60,
    "facts": 5000,
    "terms": 5000,
    "performance_method": 200,
    "performance_place": 200,
    "payer": 60,
    "payee": 60,
    "jc_court": 60,
    "failure_reason": 2000,
    "follow_up_party": 60,
    "follow_up_visitor": 60,
    # committee settings
    "committee_name": 60,
    "village_name": 60,
    "case_prefix": 20,
    "retention": 20,
}


def max_length(field: str, default: int) -> int:
    """The longest text ``field`` accepts: ``MAX_LENGTHS`` when declared (``default`` may only lower it)."""
    declared = MAX_LENGTHS.get(field)
    return default if declared is None else min(declared, default)


def too_long(field: str, limit: int, actual: int) -> UserError:
    """``UserError(field, "text_too_long", "“姓名”最多50个字，现在是10000个字")``."""
    return UserError(field, "text_too_long", f"“{field_label(field)}”最多{limit}个字，现在是{actual}个字")


def shown(text: str, limit: int = 20) -> str:
    """A value quoted back in a message: control characters out, at most ``limit`` characters (then "…")."""
    cleaned = "".join(c if c.isprintable() else " " for c in text.strip())
    return cleaned if len(cleaned) <= limit else cleaned[:limit] + "…"


# --------------------------------------------------------------------------------------------------------------
# Phone numbers
# --------------------------------------------------------------------------------------------------------------

_DASHES: Final = str.maketrans({c: "-" for c in "‐‑‒–—―−－﹣"})
_MOBILE_RE: Final = re.compile(r"1[3-9]\d{9}")
_LOCAL_RE: Final = re.compile(r"[2-9]\d{6,7}")
_EXT_SPLIT_RE: Final = re.compile(r"(?:转|分机|ext\.?|x|#)", re.IGNORECASE)
_PHONE_MESSAGE: Final = "格式不正确：应为11位手机号或带区号的固定电话"


def _phone_error(field: str) -> UserError:
    return UserError(field, "phone_invalid", field_label(field, "联系电话") + _PHONE_MESSAGE)


def _area_code_length(digits: str) -> int:
    """010 and 02x are 3-digit area codes; every other area code (03xx–09xx) has 4 digits."""
    return 3 if digits[1] in "12" else 4


def normalize_phone(raw: str, *, field: str = "phone") -> str:
    """A mobile number as 11 digits (``13812345678``) or a landline as ``0731-88888888`` (``-123`` extension kept).

    Accepts spaces, dashes, parentheses, full-width characters and a ``+86``/``0086``/``86`` prefix.
    An empty input gives ``""`` (the phone is optional); anything else raises ``phone_invalid``.
    """
    if len(raw.strip()) > PHONE_MAX:
        raise too_long(field, PHONE_MAX, len(raw.strip()))
    text = unicodedata.normalize("NFKC", raw).translate(_DASHES)
    text = "".join(text.split())
    if not text:
        return ""
    # Mobile: all separators out, optional country prefix.
    flat = re.sub(r"[-()]", "", text)
    if flat.startswith("+"):
        if not flat.startswith("+86"):
            raise _phone_error(field)
        flat = flat[3:]
    elif flat.startswith("0086"):
        flat = flat[4:]
    elif flat.startswith("86") and len(flat) == 13:
        flat = flat[2:]
    if _MOBILE_RE.fullmatch(flat):
        return flat
    return _normalize_landline(text, field)


def _normalize_landline(text: str, field: str) -> str:
    # Country prefix: "+86 731 8888 8888" / "+86 (731) 88888888" → "0731…".
    for prefix in ("+86", "0086"):
        if text.startswith(prefix):
            text = text[len(prefix):].lstrip("-")
            opened = text.startswith("(")
            body = text[1:] if opened else text
            if not body.startswith("0"):
                body = "0" + body
            text = ("(" if opened else "") + body
            break
    # Parentheses around the area code become a dash: "(0731)8888888" → "0731-8888888".
    paren = re.fullmatch(r"\((\d+)\)-?(.*)", text)
    if paren is not None:
        text = paren.group(1) + "-" + paren.group(2)
    main, extension = text, ""
    ext_parts = _EXT_SPLIT_RE.split(text)
    if len(ext_parts) == 2:
        main, extension = ext_parts[0].rstrip("-"), ext_parts[1]
    elif len(ext_parts) > 2:
        raise _phone_error(field)
    groups = main.split("-")
    if any(not (g.isascii() and g.isdigit()) for g in groups):
        raise _phone_error(field)
    digits = "".join(groups)
    if len(digits) < 4 or not digits.startswith("0"):
        raise _phone_error(field)
    area_len = _area_code_length(digits)
    first = groups[0]
    if len(first) == area_len:
        # "0731-88888888", "0731-8888-8888", "0731-88888888-123"
        local = "".join(groups[1:])
        # a last group of 1–2 digits is an extension, never half of a split local number: keeps the stored form
        # "010-2000000-8" from turning into "010-20000008" when it is normalised again
        if len(groups) >= 3 and not extension and (len(groups[-1]) < 3 or not _LOCAL_RE.fullmatch(local)):
            local, extension = "".join(groups[1:-1]), groups[-1]
    elif len(first) > area_len and len(groups) <= 2:
        # "073188888888", "073188888888-123"
        local = first[area_len:]
        if len(groups) == 2:
            if extension:
                raise _phone_error(field)
            extension = groups[1]
    else:
        raise _phone_error(field)
    if not _LOCAL_RE.fullmatch(local):
        raise _phone_error(field)
    if extension and not (extension.isascii() and extension.isdigit() and len(extension) <= 6):
        raise _phone_error(field)
    return f"{digits[:area_len]}-{local}" + (f"-{extension}" if extension else "")


def phone_digits(normalized: str) -> str:
    """Digits only, for search keys: ``0731-88888888`` → ``073188888888``."""
    return "".join(c for c in normalized if c.isascii() and c.isdigit())


# --------------------------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------------------------

_CJK_RANGES: Final = (
    (0x3400, 0x4DBF),  # Extension A
    (0x4E00, 0x9FFF),  # Unified Ideographs
    (0xF900, 0xFAFF),  # Compatibility Ideographs (most fold to unified under NFKC)
    (0x20000, 0x323AF),  # Extensions B–H (rare characters do occur in real names)
)
_LING: Final = "〇"
_MIDDLE_DOT: Final = "·"
_DOT_VARIANTS: Final = str.maketrans({c: _MIDDLE_DOT for c in "•・‧∙⋅●･"})
_LATIN_PUNCT: Final = "-'."


def is_cjk_char(char: str) -> bool:
    """A CJK ideograph (Unified, Ext A–H, compatibility) or 〇."""
    if char == _LING:
        return True
    point = ord(char)
    return any(lo <= point <= hi for lo, hi in _CJK_RANGES)


def _is_latin_letter(char: str) -> bool:
    return char.isalpha() and ord(char) < 0x250  # Basic Latin, Latin-1 Supplement, Latin Extended-A/B


def _name_error(field: str, code: str, detail: str) -> UserError:
    return UserError(field, code, field_label(field, "姓名") + detail)


def normalize_name(raw: str, *, field: str = "name") -> str:
    """A person's name, cleaned: ``" 张  三 "`` → ``"张三"``, ``"买买提・艾力"`` → ``"买买提·艾力"``, ``"ｊｏｈｎ  smith"`` → ``"john smith"``.

    Chinese names (2–30 characters) may hold CJK ideographs, 〇 and the middle dot ``·`` (minority names); spaces inside
    them are layout padding and are removed. Foreign names (2–60 characters) hold Latin letters, single spaces and
    ``- ' .``. Raises ``name_empty``, ``name_length`` or ``name_chars``.
    """
    text = unicodedata.normalize("NFKC", raw).translate(_DOT_VARIANTS)
    text = " ".join(text.split())
    if not text:
        raise _name_error(field, "name_empty", "不能为空")
    if len(text) > 2 * FOREIGN_NAME_MAX:  # a pasted paragraph: say so before complaining about its characters
        raise too_long(field, NAME_MAX if any(is_cjk_char(c) for c in text) else FOREIGN_NAME_MAX, len(text))
    has_cjk = any(is_cjk_char(c) for c in text)
    if has_cjk:
        text = text.replace(" ", "").replace(".", _MIDDLE_DOT)
        for char in text:
            if not (is_cjk_char(char) or char == _MIDDLE_DOT):
                raise _name_error(field, "name_chars", f"中含有不允许的字符“{char}”（中文姓名只能包含汉字和间隔号“·”）")
        if text.startswith(_MIDDLE_DOT) or text.endswith(_MIDDLE_DOT) or _MIDDLE_DOT * 2 in text:
            raise _name_error(field, "name_chars", "中的间隔号“·”不能在开头、结尾或连续出现")
        if len(text) < 2:
            raise _name_error(field, "name_length", "至少应有2个字")
        if len(text) > 30:
            raise _name_error(field, "name_length", f"不能超过30个字（现有{len(text)}个字）")
        return text
    for char in text:
        if not (_is_latin_letter(char) or char == " " or char in _LATIN_PUNCT):
            shown = "间隔号" if char == _MIDDLE_DOT else f"“{char}”"
            raise _name_error(field, "name_chars", f"中含有不允许的字符{shown}（外文姓名只能包含拉丁字母、空格和 - ' .）")
    if not any(_is_latin_letter(c) for c in text):
        raise _name_error(field, "name_chars", "中没有文字")
    if len(text) < 2:
        raise _name_error(field, "name_length", "至少应有2个字母")
    if len(text) > 60:
        raise _name_error(field, "name_length", f"不能超过60个字符（现有{len(text)}个）")
    return text


# --------------------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------------------

#: The earliest birth date the ledger accepts for a living resident.
EARLIEST_BIRTH_DATE: Final = datetime.date(1900, 1, 1)

_DATE_PATTERNS: Final = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
)


def parse_date(value: str | datetime.date, *, field: str) -> datetime.date:
    """A date from a ``date``/``datetime`` or text: ``2024-03-05``, ``2024/3/5``, ``2024.3.5``, ``20240305``,
    ``2024年3月5日`` (full-width digits accepted). Raises ``date_invalid``."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = "".join(unicodedata.normalize("NFKC", value).split())
    label = field_label(field, "日期")
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        year, month, day = (int(g) for g in match.groups())
        try:
            return datetime.date(year, month, day)
        except ValueError:
            raise UserError(field, "date_invalid", f"{label}“{shown(value)}”不是有效的日期（例：2024-03-05）") from None
    if not text:
        raise UserError(field, "date_invalid", f"{label}不能为空（例：2024-03-05）")
    raise UserError(field, "date_invalid", f"{label}格式不正确（例：2024-03-05）")


def validate_birth_date(
    value: str | datetime.date, *, today: datetime.date, field: str = "birth_date"
) -> datetime.date:
    """``parse_date`` plus: not after ``today`` (``date_future``), not before 1900-01-01 (``date_too_early``)."""
    born = parse_date(value, field=field)
    label = field_label(field, "出生日期")
    if born > today:
        raise UserError(field, "date_future", f"{label}不能晚于今天")
    if born < EARLIEST_BIRTH_DATE:
        raise UserError(field, "date_too_early", f"{label}不能早于1900年1月1日")
    return born
