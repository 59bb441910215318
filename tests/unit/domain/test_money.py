"""Amounts in 大写 as bills and agreements write them (domain/money.py)."""

from __future__ import annotations

import pytest

from zhzx_desktop.domain.money import rmb_figures, rmb_text, rmb_upper
from zhzx_desktop.errors import UserError


@pytest.mark.parametrize(("fen", "upper"), [
    (1_000_550, "壹万零伍元伍角"),  # 10,005.50
    (10_000_000_000, "壹亿元整"),  # 100,000,000
    (0, "零元整"),
    (5, "伍分"),  # 0.05
    (50, "伍角"),
    (55, "伍角伍分"),
    (100_000_007, "壹佰万元零柒分"),  # 1,000,000.07
    (1_200_000, "壹万贰仟元整"),  # 12,000
    (1_030, "壹拾元叁角"),  # 10.30: the cheque convention writes 壹拾
    (1_000, "壹拾元整"),
    (1_001, "壹拾元零壹分"),
    (10_101, "壹佰零壹元零壹分"),  # 101.01
    (100_010, "壹仟元壹角"),  # 100,010 fen = 1,000.10
    (10_001_000, "壹拾万零壹拾元整"),  # 100,010 元
    (100_000_001, "壹佰万元零壹分"),  # 1,0000,0001 fen
    (10_000_000_100, "壹亿零壹元整"),  # 1,0000,0001 元
    (10_000_100_000, "壹亿零壹仟元整"),  # a zero 万 group between 亿 and 仟
    (10_010_000_000, "壹亿零壹拾万元整"),
    (11_100, "壹佰壹拾壹元整"),
    (100_100, "壹仟零壹元整"),
    (99_999_999_999_999, "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
])
def test_rmb_upper(fen: int, upper: str) -> None:
    assert rmb_upper(fen) == upper


def test_rmb_text_and_figures() -> None:
    assert rmb_text(1_200_000) == "壹万贰仟元整（¥12,000.00）"
    assert rmb_text(1_000_550) == "壹万零伍元伍角（¥10,005.50）"
    assert rmb_figures(5) == "¥0.05"
    assert rmb_figures(10_000_000_000) == "¥100,000,000.00"


def test_negative_is_refused() -> None:
    with pytest.raises(UserError) as caught:
        rmb_upper(-1)
    assert caught.value.code == "negative_amount"
    with pytest.raises(UserError):
        rmb_text(-100)
    with pytest.raises(UserError) as caught:
        rmb_upper(100_000_000_000_000)  # 1 万亿元
    assert caught.value.code == "amount_too_large"
