"""公民身份号码 (GB 11643-1999): normalisation, MOD 11-2 check digit, 15→18 upgrade, parsing.

Layout of the 18 characters: ``AAAAAA YYYYMMDD SSS C`` — address code (GB/T 2260 county code at the time of issue),
birth date, sequence (17th digit odd = male), check character (ISO 7064 MOD 11-2). Also accepted: the 2023
外国人永久居留身份证 (first digit ``9``, same checksum) and 港澳台居民居住证 (prefix 810000 / 820000 / 830000).

An address code that is not in the code list is only a *warning*: a number keeps the code of the county where it was
issued, even after that county was abolished or re-coded (DOMAIN.md §2.2). Nothing here logs the number.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import Final

from zhzx_desktop.domain import codes
from zhzx_desktop.domain.validation import field_label
from zhzx_desktop.errors import UserError

__all__ = [
    "CitizenId",
    "check_digit",
    "is_valid_id",
    "normalize_id",
    "parse_citizen_id",
    "upgrade_15",
]

_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_MAP: Final = "10X98765432"
#: Birth dates before this are refused outright (no ID number encodes them).
_EARLIEST_BIRTH: Final = datetime.date(1800, 1, 1)
#: Birth dates before this parse with a warning (the standard's own example is born in 1880).
_UNUSUAL_BIRTH: Final = datetime.date(1900, 1, 1)
#: Address codes of 港澳台居民居住证 (not GB/T 2260 codes for 83).
_RESIDENCE_PERMIT_AREAS: Final = frozenset({"810000", "820000", "830000"})

_STRIP_CHARS: Final = " \t\r\n\u00a0\u3000-－—–‐‑‒―−﹣"
_TRANSLATE: Final = str.maketrans(
    {**{c: None for c in _STRIP_CHARS}, **{chr(0xFF10 + i): str(i) for i in range(10)}, "x": "X", "ｘ": "X", "Ｘ": "X"}
)


def normalize_id(raw: str) -> str:
    """Spaces (incl. U+3000), dashes and full-width digits out; ``x``/``ｘ``/``Ｘ`` → ``X``. Does not validate."""
    return raw.translate(_TRANSLATE)


def check_digit(first17: str) -> str:
    """The MOD 11-2 check character ("0"–"9" or "X") for the first 17 digits."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError("check_digit needs exactly 17 ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS))
    return _CHECK_MAP[total % 11]


def upgrade_15(id15: str) -> str:
    """A 15-digit (GB 11643-1989) number as 18 digits: ``19`` inserted before the 2-digit year, check digit appended."""
    if len(id15) != 15 or not (id15.isascii() and id15.isdigit()):
        raise ValueError("upgrade_15 needs exactly 15 ASCII digits")
    body = id15[:6] + "19" + id15[6:]
    return body + check_digit(body)


@dataclass(frozen=True, slots=True)
class CitizenId:
    """A parsed, checked ID number (always 18 characters, upper-case ``X``).

    ``sex`` is a GB/T 2261.1 code: "1" male (17th digit odd), "2" female. ``area_code`` is the first 6 digits; for a
    permanent-residence card (``9`` + 2-digit province of the issuing office + 3-digit nationality code) it is not a
    GB/T 2260 code. ``warnings`` are Chinese sentences to show beside the field; they never block saving.
    """

    number: str
    birth_date: datetime.date
    sex: str
    area_code: str
    permanent_residence_card: bool
    upgraded_from_15: bool
    warnings: tuple[str, ...]

    @property
    def residence_permit(self) -> bool:
        """A 港澳台居民居住证 number (address code 810000 / 820000 / 830000)."""
        return self.area_code in _RESIDENCE_PERMIT_AREAS

    def age_on(self, day: datetime.date) -> int:
        """Age in full years on ``day`` (a 29 February birthday counts from 1 March in common years)."""
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _error(field: str, code: str, detail: str) -> UserError:
    return UserError(field, code, field_label(field, "身份证号") + detail)


def parse_citizen_id(raw: str, *, today: datetime.date, field: str = "id_number") -> CitizenId:
    """Normalise and check an ID number; 15-digit numbers are upgraded to 18.

    Raises ``UserError(field, code, message)`` with code ``id_empty``, ``id_chars``, ``id_length``,
    ``id_birth_date`` or ``id_check_digit``. An unknown address code gives a warning, not an error.
    """
    text = normalize_id(raw)
    if not text:
        raise _error(field, "id_empty", "不能为空")
    for index, char in enumerate(text):
        if char.isascii() and char.isdigit():
            continue
        if char == "X" and index == len(text) - 1:
            continue
        if char == "X":
            raise _error(field, "id_chars", "中的“X”只能是最后一位")
        raise _error(field, "id_chars", f"中含有不允许的字符“{char}”，只能是数字（最后一位可以是X）")
    if len(text) not in (15, 18):
        raise _error(field, "id_length", f"应为18位（或旧版15位），现为{len(text)}位")
    upgraded = len(text) == 15
    if upgraded:
        if text.endswith("X"):
            raise _error(field, "id_chars", "旧版15位号码只能由数字组成")
        number = upgrade_15(text)
    else:
        number = text
    warnings: list[str] = []
    birth = _birth_date(number, today=today, field=field, warnings=warnings)
    if not upgraded and check_digit(number[:17]) != number[17]:
        raise _error(field, "id_check_digit", "校验码不正确，请核对最后一位")
    permanent = number.startswith("9")
    area = number[:6]
    warnings.extend(_area_warnings(area, permanent=permanent))
    return CitizenId(
        number=number,
        birth_date=birth,
        sex="1" if int(number[16]) % 2 == 1 else "2",
        area_code=area,
        permanent_residence_card=permanent,
        upgraded_from_15=upgraded,
        warnings=tuple(warnings),
    )


def is_valid_id(raw: str, *, today: datetime.date) -> bool:
    """True when ``parse_citizen_id`` would accept ``raw`` (warnings allowed)."""
    try:
        parse_citizen_id(raw, today=today)
    except UserError:
        return False
    return True


def _birth_date(number: str, *, today: datetime.date, field: str, warnings: list[str]) -> datetime.date:
    digits = number[6:14]
    try:
        born = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        shown = f"{digits[:4]}年{digits[4:6]}月{digits[6:8]}日"
        raise _error(field, "id_birth_date", f"中的出生日期（{shown}）不存在，请核对第7–14位") from None
    if born > today:
        raise _error(field, "id_birth_date", "中的出生日期晚于今天，请核对第7–14位")
    if born < _EARLIEST_BIRTH:
        raise _error(field, "id_birth_date", "中的出生日期早于1800年，请核对第7–14位")
    if born < _UNUSUAL_BIRTH:
        warnings.append(f"出生日期 {born.isoformat()} 早于1900年，请核对")
    return born


@functools.cache
def _known_areas() -> tuple[frozenset[str], frozenset[str] | None]:
    """(2-digit province codes, 6-digit county codes or None when the county list is not installed)."""
    provinces = frozenset(codes.code_table("gbt2260_provinces").codes())
    counties = frozenset(codes.code_table("gbt2260_counties").codes()) if codes.has_table("gbt2260_counties") else None
    return provinces, counties


def _area_warnings(area: str, *, permanent: bool) -> list[str]:
    provinces, counties = _known_areas()
    if permanent:
        # 2023 外国人永久居留身份证: "9" + 2-digit province of the issuing office + 3-digit nationality code.
        if area[1:3] not in provinces:
            return [f"永久居留身份证号第2–3位（受理地代码 {area[1:3]}）不是省级行政区划代码，请核对"]
        return []
    if area in _RESIDENCE_PERMIT_AREAS:
        return []
    if area[:2] not in provinces or (counties is not None and area not in counties):
        return [f"地址码 {area} 不在行政区划代码表中，请核对"]
    return []

