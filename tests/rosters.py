"""Synthetic resident rosters (花名册) as .xlsx files, the way village clerks make them: a merged title row or
two above the header, a 序号 column, households as consecutive rows with one 户号. Made-up people only: names
from common characters, ID numbers with a valid checksum from ``tests.helpers.make_id``."""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from tests.helpers import make_id

HEADERS = ("序号", "姓名", "身份证号", "性别", "出生日期", "民族", "联系电话", "户号", "与户主关系", "网格",
           "现住址", "人员类别", "备注")
GRID = "枫桥村第1网格"
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华建国志红文斌玉梅海燕鹏飞俊宇浩然子轩欣怡梓涵"
_RELATIONS = ("户主", "配偶", "长子", "长女", "次子", "母亲")


def person_id(index: int) -> tuple[str, datetime.date, str]:
    """A unique (ID number, birth date, sex label) for the ``index``-th made-up person."""
    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=(index * 37) % 25000)
    seq = (index // 676) * 2 % 1000 + (index % 2)  # odd = male
    return make_id(born=born.strftime("%Y%m%d"), seq=seq), born, "男" if seq % 2 else "女"


def people(count: int, *, start: int = 0, grid: str = GRID, household_size: int = 3, seed: int = 1,
           household_prefix: str = "H") -> list[list[object]]:
    """``count`` roster rows (values in ``HEADERS`` order) of households of ``household_size`` people."""
    rng = random.Random(seed + start)
    out: list[list[object]] = []
    for offset in range(count):
        index = start + offset
        number, born, sex = person_id(index)
        member = offset % household_size
        household = f"{household_prefix}{(start + offset - member):05d}"
        name = rng.choice(_SURNAMES) + rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.6 else "")
        phone = "1" + rng.choice("3578") + f"{rng.randrange(10 ** 9):09d}"
        out.append([offset + 1, name, number, sex, born.isoformat(), "汉族", phone, household,
                    _RELATIONS[member % len(_RELATIONS)] if member < len(_RELATIONS) else "其他亲属", grid,
                    f"枫桥村{(index % 40) + 1}组{index % 97 + 1}号", "", ""])
    return out


def write_roster(path: Path, rows: Sequence[Sequence[object]], *, headers: Sequence[str] = HEADERS,
                 titles: Sequence[str] = ("枫桥村实有人口花名册",), merged: bool = True,
                 sheet: str = "花名册", text_ids: bool = True) -> Path:
    """Write a roster: ``titles`` as merged title rows above the header (like clerks do), then the rows.
    ``text_ids``: the ID column formatted as text (as it must be), so numbers there stay as typed."""
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = sheet
    width = len(headers)
    for title in titles:
        ws.append([title])
        if merged and width > 1:
            ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)
    ws.append(list(headers))
    id_col = headers.index("身份证号") + 1 if "身份证号" in headers else None
    row_number = ws.max_row
    for values in rows:
        ws.append(list(values))
        row_number += 1
        if id_col is not None and text_ids:
            ws.cell(row=row_number, column=id_col).number_format = "@"
    for col in range(1, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 14
    workbook.save(path)
    return path
