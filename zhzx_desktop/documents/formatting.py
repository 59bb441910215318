"""Turning document data into the words the forms print: dates, Chinese numerals, party fields, copy labels."""

from __future__ import annotations

import re
from collections.abc import Sequence

from zhzx_desktop.documents.layout import BLANK
from zhzx_desktop.documents.model import PartyDoc

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?)?$")
DATE_BLANK = "\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日"
_NUMERALS = "零一二三四五六七八九"
STEMS = "甲乙丙丁戊己庚辛壬癸"


def cn_date(text: str, *, blank: str = DATE_BLANK) -> str:
    """ISO date (or date-time) → 2026年11月23日 (9时30分); empty → a blank 年 月 日 to fill in; other text as is."""
    text = text.strip()
    if not text:
        return blank
    match = _ISO.match(text)
    if not match:
        return text
    year, month, day, hour, minute = match.groups()
    out = f"{year}年{int(month)}月{int(day)}日"
    if hour is not None and minute is not None:
        out += f" {int(hour)}时{int(minute):02d}分"
    return out


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五 (clause numbers, 一式三份)."""
    if n < 0 or n >= 10000:
        return str(n)
    if n < 10:
        return _NUMERALS[n]
    if n < 20:
        return "十" + (_NUMERALS[n % 10] if n % 10 else "")
    out = ""
    zero = False
    for place, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // place % 10
        if digit:
            if zero and out:
                out += "零"
            out += _NUMERALS[digit] + unit
            zero = False
        else:
            zero = True
    return out


def copy_labels(parties: Sequence[PartyDoc]) -> list[str]:
    """甲方执 / 乙方执 / … for the parties (their own ``copy_label`` if set), 调委会存 for the committee's copy."""
    labels = [p.copy_label or (f"{STEMS[i]}方执" if i < len(STEMS) else f"第{cn_number(i + 1)}方执")
              for i, p in enumerate(parties)]
    return [*labels, "调委会存"]


def value(text: str | int | None, suffix: str = "") -> str:
    if text is None or text == "":
        return BLANK
    return f"{text}{suffix}"


def party_rows(party: PartyDoc, *, show_id: bool, blanks: bool = True) -> list[list[str]]:
    """The party block as rows of "标签：值" fields (DOMAIN.md §1.3(b)(g)); empty values print as a line to fill
    in (``blanks``) or as nothing."""

    def field(label: str, text: str | int | None, suffix: str = "") -> str:
        shown = value(text, suffix) if blanks else ("" if text in (None, "") else f"{text}{suffix}")
        return f"{label}：{shown}"

    if party.kind == "person":
        rows = [
            [field("姓名", party.name), field("性别", party.sex), field("民族", party.ethnicity),
             field("年龄", party.age, "岁")],
            [field("职业或职务", party.occupation), field("联系方式", party.phone)],
            [field("单位或住址", party.address)],
        ]
        if show_id:
            rows.append([field("身份证号码", party.id_number)])
    else:
        rep_label = "法定代表人" if party.kind == "legal_person" else "负责人"
        rows = [
            [field("名称", party.name)],
            [field("住所", party.address)],
            [field(rep_label, party.legal_rep), field("联系方式", party.phone)],
            [field("统一社会信用代码", party.credit_code)],
        ]
    if party.agent:
        rows.append([field("委托代理人", party.agent)])
    return rows


def names(items: Sequence[str], sep: str = "、") -> str:
    return sep.join(i for i in items if i)
