"""Finding a Chinese font reportlab can embed: TrueType outlines only (CFF-based Noto CJK does not work).

Order: a configured path → Windows SimSun / FangSong / SimHei → Linux TrueType CJK fonts (AR PL UMing, WenQuanYi).
Each font file is parsed and registered with reportlab once per process (parsing a 20 MB .ttc costs ~70 ms);
reportlab embeds only the glyphs a document uses (a subset named like ``AAAAAA+UMingCN``).
"""

from __future__ import annotations

import logging
import os
import struct
import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from zhzx_desktop.errors import KnownError

log = logging.getLogger(__name__)

_WINDOWS_FONTS = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
CANDIDATES: tuple[Path, ...] = (
    _WINDOWS_FONTS / "simsun.ttc",
    _WINDOWS_FONTS / "simfang.ttf",
    _WINDOWS_FONTS / "simhei.ttf",
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
    Path("/usr/share/fonts/truetype/arphic/ukai.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
)
FONT_NAME = "ZhzxCJK"


@dataclass(frozen=True)
class CjkFont:
    name: str  # the name registered with reportlab
    path: Path
    family: str = ""  # the font's own family name, e.g. "AR PL UMing CN" (for messages)

    @property
    def face(self) -> TTFont:
        return pdfmetrics.getFont(self.name)

    def has(self, ch: str) -> bool:
        return ord(ch) in self.face.face.charToGlyph


_lock = threading.Lock()
_by_path: dict[Path, CjkFont] = {}
_failed: set[Path] = set()


def _register(path: Path) -> CjkFont | None:
    """The registered font of ``path`` (parsed once per process); None if reportlab cannot embed it."""
    key = path.resolve()
    with _lock:
        if key in _by_path:
            return _by_path[key]
        if key in _failed:
            return None
        name = FONT_NAME if not _by_path else f"{FONT_NAME}{len(_by_path) + 1}"
        try:
            ttf = TTFont(name, str(key), subfontIndex=0)
        except (TTFError, OSError, ValueError, KeyError, struct.error) as exc:  # CFF outlines, damaged file
            log.warning("font %s cannot be embedded: %s", key, exc)
            _failed.add(key)
            return None
        pdfmetrics.registerFont(ttf)
        raw = ttf.face.familyName
        family = raw.decode("latin-1") if isinstance(raw, bytes) else str(raw)
        font = CjkFont(name, key, family or key.stem)
        _by_path[key] = font
        return font


def find_cjk_font(configured: Path | None = None) -> CjkFont:
    """Register and return the first usable CJK TrueType font; a clear error if there is none.

    A configured font that cannot be used is logged and skipped, so printing still works with a system font.
    """
    tried = ([configured] if configured else []) + list(CANDIDATES)
    for path in tried:
        if not path.is_file():
            if path == configured:
                log.warning("configured font %s does not exist", path)
            continue
        font = _register(path)
        if font is not None:
            return font
    raise KnownError("没有找到可嵌入的中文 TrueType 字体（如宋体 simsun.ttc、AR PL UMing）。"
                     "请在设置中指定字体文件，或安装 fonts-arphic-uming。")


def missing_glyphs(font: CjkFont, text: str) -> list[str]:
    """The characters of ``text`` the font cannot draw (reported before printing, never an empty box)."""
    cmap = font.face.face.charToGlyph
    return sorted({ch for ch in text if not ch.isspace() and ord(ch) not in cmap})
