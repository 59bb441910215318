"""Amounts of money as the documents print them: 大写 (financial capitals) next to the figures.

Amounts are integers of 分 (fen) everywhere in the app. The 大写 follows the rules for bills and cheques
(《支付结算办法》附一 "正确填写票据和结算凭证的基本规定"):

- the digit before 拾 is always written, also for a leading ten: 10 元 → 壹拾元整, 100,010 元 → 壹拾万零壹拾元整
  (the bank-cheque convention; everyday text would write 拾元);
- one 零 stands for a run of zeros between non-zero digits, also across 万 / 亿: 10,005 → 壹万零伍元,
  1,0000,1000 → 壹亿零壹仟元; trailing zeros are not written;
- 整 follows an amount that ends at 元 (壹万贰仟元整); an amount ending at 角 or 分 has no 整;
- 零 is written between 元 and 分 when 角 is zero (壹佰万元零柒分), not between 元 and 角 (壹拾元叁角);
- amounts below one 元 start with 角 or 分 (伍分), zero is 零元整;
- negative amounts and amounts of 1 万亿元 or more are refused (``UserError``).
"""

from __future__ import annotations

from typing import Final

from zhzx_desktop.errors import UserError

_DIGITS: Final = "零壹贰叁肆伍陆柒捌玖"
_PLACES: Final = ("", "拾", "佰", "仟")
_GROUPS: Final = ("", "万", "亿")
LIMIT_FEN: Final = 10 ** (4 * len(_GROUPS)) * 100  # 1 万亿元 (refused): far above anything a village mediates


def _group(value: int) -> str:
    """A group of up to four digits (1–9999): zeros inside collapse to one 零, trailing zeros vanish."""
    out: list[str] = []
    pending_zero = False
    for place in range(3, -1, -1):
        digit = value // 10**place % 10
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(_DIGITS[digit] + _PLACES[place])
    return "".join(out)


def _integer(yuan: int) -> str:
    groups = []
    while yuan:
        groups.append(yuan % 10000)
        yuan //= 10000
    out = ""
    zero_between = False
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if value == 0:
            zero_between = bool(out)
            continue
        if out and (zero_between or value < 1000):
            out += "零"
        out += _group(value) + _GROUPS[index]
        zero_between = False
    return out


def _check(fen: int) -> None:
    if fen < 0:
        raise UserError("amount", "negative_amount", "金额不能为负数")
    if fen >= LIMIT_FEN:
        raise UserError("amount", "amount_too_large", "金额过大，无法写成大写")


def rmb_upper(fen: int) -> str:
    """The amount in 大写: ``rmb_upper(1_200_000) == "壹万贰仟元整"``; negative amounts are refused (UserError)."""
    _check(fen)
    yuan, jiao, cents = fen // 100, fen // 10 % 10, fen % 10
    if fen == 0:
        return "零元整"
    out = _integer(yuan) + ("元" if yuan else "")
    if jiao == 0 and cents == 0:
        return out + "整"
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif yuan:
        out += "零"
    if cents:
        out += _DIGITS[cents] + "分"
    return out


def rmb_figures(fen: int) -> str:
    """The amount in figures: ``rmb_figures(1_200_000) == "¥12,000.00"``."""
    _check(fen)
    return f"¥{fen // 100:,}.{fen % 100:02d}"


def rmb_text(fen: int) -> str:
    """大写 with the figures in brackets, as agreements print amounts: ``壹万贰仟元整（¥12,000.00）``."""
    return f"{rmb_upper(fen)}（{rmb_figures(fen)}）"
