"""Entry points: a document's data (``model``) in, the bytes of its PDF out.

    pdf = render(doc)                      # any document type
    pdf = render_agreement(doc, font_path=Path(r"C:\\Windows\\Fonts\\simfang.ttf"))
    errors = check_glyphs(doc)             # [] when the font can print every field

The output is deterministic (the same data and font give the same bytes), so what is archived can be hashed.
Before drawing, every text field is checked against the font: a character it lacks raises
``UserError(field, "missing_glyph", …)`` naming the field — never a silent empty box.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeAlias

from zhzx_desktop.documents.agreement import agreement_title, write_agreement
from zhzx_desktop.documents.cover import write_cover
from zhzx_desktop.documents.fonts import CjkFont, find_cjk_font
from zhzx_desktop.documents.forms import write_followups, write_intake, write_oral
from zhzx_desktop.documents.glyphs import glyph_errors
from zhzx_desktop.documents.layout import FORM_MARGINS, GB9704, Writer
from zhzx_desktop.documents.model import (
    AgreementDoc,
    CoverDoc,
    FollowUpsDoc,
    IntakeDoc,
    OralAgreementDoc,
    RecordDoc,
)
from zhzx_desktop.documents.record import write_record
from zhzx_desktop.errors import KnownError, UserError

Document: TypeAlias = AgreementDoc | IntakeDoc | RecordDoc | OralAgreementDoc | FollowUpsDoc | CoverDoc


def document_title(doc: Document) -> str:
    """The document's name as printed in its title (also a sensible file name stem)."""
    if isinstance(doc, AgreementDoc):
        return agreement_title(doc)
    titles: dict[type, str] = {
        IntakeDoc: "人民调解受理登记表",
        RecordDoc: "人民调解记录",
        OralAgreementDoc: "人民调解口头协议登记表",
        FollowUpsDoc: "人民调解回访记录",
        CoverDoc: "人民调解卷宗",
    }
    return titles[type(doc)]


def check_glyphs(doc: Document, font_path: Path | None = None) -> list[UserError]:
    """One ``UserError(field, "missing_glyph", …)`` per field with characters the font cannot print."""
    return glyph_errors(doc, find_cjk_font(font_path))


# Each document type and the function that lays it out.
_WRITERS: dict[type, Callable[[Writer, Any], None]] = {
    AgreementDoc: write_agreement,  # every copy (parties + 1) one after the other, each labelled in its corner
    IntakeDoc: write_intake,
    RecordDoc: write_record,  # each session from a new page
    OralAgreementDoc: write_oral,
    FollowUpsDoc: write_followups,  # one per page
    CoverDoc: write_cover,  # 卷宗封面 followed by the 卷内目录
}


def render(doc: Document, font_path: Path | None = None) -> bytes:
    """The PDF of any document, deterministic (the same data gives the same bytes). A character the font cannot
    draw raises ``UserError(field, "missing_glyph", …)`` before anything is drawn."""
    font: CjkFont = find_cjk_font(font_path)
    errors = glyph_errors(doc, font)
    if errors:
        raise errors[0]
    margins = GB9704 if isinstance(doc, AgreementDoc | RecordDoc) else FORM_MARGINS
    writer = Writer(font, margins, pdf_title=f"{document_title(doc)} {doc.case_no}", pdf_author=doc.committee.name)
    _WRITERS[type(doc)](writer, doc)
    if writer.missing:  # template text (the fields were checked above): the font itself is unsuitable
        chars = "".join(sorted(writer.missing))
        raise KnownError(f"字体 {font.family} 缺少文书模板中的文字“{chars}”，请在设置中换用其他中文字体（如宋体、仿宋）")
    return writer.to_pdf()
