"""Reading rendered PDFs back with pypdf: text per page (whitespace removed), fonts, text positions."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader

_PAGE_MARKS = re.compile(r"第\d+页共\d+页")
_CORNER = re.compile(r"(?:[甲乙丙丁戊己庚辛壬癸]方执|调委会存)")


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def squash(text: str) -> str:
    return "".join(text.split())


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text without any whitespace (lines are justified, so spacing varies)."""
    return [squash(page.extract_text()) for page in reader(pdf).pages]


def body_text(pdf: bytes) -> str:
    """All pages' text in order without whitespace, page footers and copy labels: text that flows across a page
    break reads as one string again."""
    return "".join(_CORNER.sub("", _PAGE_MARKS.sub("", text)) for text in page_texts(pdf))


@dataclass(frozen=True)
class Placed:
    page: int
    x: float
    y: float
    text: str


def placed_text(pdf: bytes) -> list[Placed]:
    """Where each text run starts (reportlab draws with an identity CTM, so the text matrix gives the position)."""
    out: list[Placed] = []
    for number, page in enumerate(reader(pdf).pages):

        def visit(text: str, cm: Any, tm: Any, font: Any, size: Any, number: int = number) -> None:
            if text.strip():
                out.append(Placed(number, float(tm[4]) + float(cm[4]), float(tm[5]) + float(cm[5]), text))

        page.extract_text(visitor_text=visit)
    return out


def fonts(pdf: bytes) -> list[dict[str, Any]]:
    """Every font dictionary referenced by any page."""
    out = []
    for page in reader(pdf).pages:
        for ref in page["/Resources"]["/Font"].values():
            out.append(ref.get_object())
    return out
