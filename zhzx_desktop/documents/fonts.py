"""Finding a Chinese font reportlab can embed: TrueType outlines only (CFF-based Noto CJK does not work).

Order: a configured path → Windows SimSun / FangSong / SimHei → Linux TrueType CJK fonts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from zhzx_desktop.errors import KnownError

_WINDOWS_FONTS = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
CANDIDATES: tuple[Path, ...] = (
    _WINDOWS_FONTS / "simsun.ttc",
    _WINDOWS_FONTS / "simfang.ttf",
    _WINDOWS_FONTS / "simhei.ttf",
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic/ukai.ttc"),
)
FONT_NAME = "ZhzxCJK"


@dataclass(frozen=True)
class CjkFont:
    name: str  # the name registered with reportlab
    path: Path


def find_cjk_font(configured: Path | None = None) -> CjkFont:
    """Register and return the first usable CJK TrueType font; a clear error if there is none."""
    tried = ([configured] if configured else []) + list(CANDIDATES)
    for path in tried:
        if not path.is_file():
            continue
        try:
            font = TTFont(FONT_NAME, str(path), subfontIndex=0)
        except TTFError:
            continue  # e.g. CFF outlines
        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(font)
        return CjkFont(FONT_NAME, path)
    raise KnownError("没有找到可嵌入的中文 TrueType 字体（如宋体 simsun.ttc、AR PL UMing）。"
                     "请在设置中指定字体文件，或安装 fonts-arphic-uming。")


def missing_glyphs(font: CjkFont, text: str) -> list[str]:
    """The characters of ``text`` the font cannot draw (reported before printing, never an empty box)."""
    face = pdfmetrics.getFont(font.name).face
    cmap = face.charToGlyph
    return sorted({ch for ch in text if not ch.isspace() and ord(ch) not in cmap})
