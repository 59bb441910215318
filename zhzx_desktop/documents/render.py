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
from typing import TypeAlias, TypeVar

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
D = TypeVar("D", AgreementDoc, IntakeDoc, RecordDoc, OralAgreementDoc, FollowUpsDoc, CoverDoc)


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


def _render(doc: D, font_path: Path | None, write: Callable[[Writer, D], None]) -> bytes:
    font: CjkFont = find_cjk_font(font_path)
    errors = glyph_errors(doc, font)
    if errors:
        raise errors[0]
    margins = GB9704 if isinstance(doc, AgreementDoc | RecordDoc) else FORM_MARGINS
    writer = Writer(font, margins, pdf_title=f"{document_title(doc)} {doc.case_no}", pdf_author=doc.committee.name)
    write(writer, doc)
    if writer.missing:  # template text (the fields were checked above): the font itself is unsuitable
        chars = "".join(sorted(writer.missing))
        raise KnownError(f"字体 {font.family} 缺少文书模板中的文字“{chars}”，请在设置中换用其他中文字体（如宋体、仿宋）")
    return writer.to_pdf()


def render_agreement(doc: AgreementDoc, *, font_path: Path | None = None) -> bytes:
    """人民调解协议书 / 补充协议书: every copy (parties + 1) one after the other, each labelled in its corner."""
    return _render(doc, font_path, write_agreement)


def render_intake(doc: IntakeDoc, *, font_path: Path | None = None) -> bytes:
    """人民调解受理登记表."""
    return _render(doc, font_path, write_intake)


def render_record(doc: RecordDoc, *, font_path: Path | None = None) -> bytes:
    """人民调解记录 / 调查记录, each session from a new page."""
    return _render(doc, font_path, write_record)


def render_oral(doc: OralAgreementDoc, *, font_path: Path | None = None) -> bytes:
    """人民调解口头协议登记表."""
    return _render(doc, font_path, write_oral)


def render_followups(doc: FollowUpsDoc, *, font_path: Path | None = None) -> bytes:
    """人民调解回访记录, one per page."""
    return _render(doc, font_path, write_followups)


def render_cover(doc: CoverDoc, *, font_path: Path | None = None) -> bytes:
    """卷宗封面 followed by the 卷内目录."""
    return _render(doc, font_path, write_cover)


def render(doc: Document, font_path: Path | None = None) -> bytes:
    """Any document, chosen by its type."""
    if isinstance(doc, AgreementDoc):
        return render_agreement(doc, font_path=font_path)
    if isinstance(doc, IntakeDoc):
        return render_intake(doc, font_path=font_path)
    if isinstance(doc, RecordDoc):
        return render_record(doc, font_path=font_path)
    if isinstance(doc, OralAgreementDoc):
        return render_oral(doc, font_path=font_path)
    if isinstance(doc, FollowUpsDoc):
        return render_followups(doc, font_path=font_path)
    if isinstance(doc, CoverDoc):
        return render_cover(doc, font_path=font_path)
    raise TypeError(f"not a document: {type(doc).__name__}")
