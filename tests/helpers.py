"""Synthetic test data: valid-checksum ID numbers for made-up people (never a real person's number)."""

from __future__ import annotations

from zhzx_desktop.domain.citizen_id import check_digit


def make_id(area: str = "430223", born: str = "19900101", seq: int = 123) -> str:
    body = f"{area}{born}{seq:03d}"
    return body + check_digit(body)
