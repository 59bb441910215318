"""Masked display of ID numbers and phones."""

from __future__ import annotations

import pytest

from zhzx_desktop.domain.masking import mask_id, mask_phone


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("430102199003071234", "430102********1234"),
        ("11010519491231002X", "110105********002X"),
        ("430102900307123", "430102*****7123"),
        ("", ""),
        ("E1234567", "E1****67"),  # a passport number: a quarter at each end
        ("A12", "***"),
    ],
)
def test_mask_id(number: str, masked: str) -> None:
    assert mask_id(number) == masked
    assert len(mask_id(number)) == len(number)


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("0731-88888888", "0731-****8888"),
        ("0731-8888888", "0731-***8888"),
        ("010-62345678", "010-****5678"),
        ("0731-88881234-12", "0731-****1234-12"),
        ("", ""),
        ("12345", "*2345"),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


def test_masks_hide_the_middle() -> None:
    assert "19900307" not in mask_id("430102199003071234")
    assert "1234" not in mask_phone("13812345678")[3:7]
