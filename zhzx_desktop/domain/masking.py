"""Masked display of ID numbers and phones (去标识化展示, DOMAIN.md §4.4): lists, exports and prints show these."""

from __future__ import annotations

import re
from typing import Final

__all__ = ["mask_id", "mask_phone"]

_STAR: Final = "*"
_MOBILE_RE: Final = re.compile(r"1\d{10}")
_LANDLINE_RE: Final = re.compile(r"(0\d{2,3})-(\d{5,8})((?:-\d{1,6})?)")


def mask_id(number18_or_15: str) -> str:
    """前6后4: ``430102********1234`` (18 digits), ``430102*****1234`` (15 digits).

    Other lengths (passport and permit numbers) keep about a quarter at each end, at most 6 in front and 4 behind;
    four characters or fewer are all starred. ``""`` stays ``""``.
    """
    text = number18_or_15.strip()
    size = len(text)
    if size == 0:
        return ""
    if size in (15, 18):
        head, tail = 6, 4
    elif size <= 4:
        return _STAR * size
    else:
        head, tail = min(6, size // 4), min(4, size // 4)
    return text[:head] + _STAR * (size - head - tail) + text[size - tail:]


def mask_phone(normalized: str) -> str:
    """``138****1234`` for a mobile, ``0731-****8888`` for a landline (area code and last 4 kept, extension kept),
    ``""`` for ``""``. Anything else keeps only its last 4 characters."""
    text = normalized.strip()
    if not text:
        return ""
    if _MOBILE_RE.fullmatch(text):
        return text[:3] + _STAR * 4 + text[7:]
    landline = _LANDLINE_RE.fullmatch(text)
    if landline is not None:
        area, local, extension = landline.groups()
        return f"{area}-{_STAR * (len(local) - 4)}{local[-4:]}{extension}"
    if len(text) <= 4:
        return _STAR * len(text)
    return _STAR * (len(text) - 4) + text[-4:]
