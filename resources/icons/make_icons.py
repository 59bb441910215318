"""Draw the application icon: a blue shield (盾) with 综治 in white → ``app.png`` (256 px), ``app_<n>.png`` and a
multi-size ``app.ico`` for the Windows executable.

Run from the repository root after changing the drawing (the PNG/ICO files are committed; the build does not run this):

    QT_QPA_PLATFORM=offscreen .venv/bin/python resources/icons/make_icons.py

Needs the WenQuanYi Micro Hei font (``fonts-wqy-microhei``) for the two characters, and Pillow (a dev dependency of
PyInstaller) to write the ICO. The frozen app never imports this script.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
)

HERE = Path(__file__).resolve().parent
SIZES = (16, 24, 32, 48, 64, 128, 256)
FONT_FILES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",)
BLUE_TOP, BLUE_BOTTOM, GOLD = QColor("#2b63c6"), QColor("#123a82"), QColor("#f2c14e")


def _shield(size: float) -> QPainterPath:
    """A heater shield filling a ``size`` square: flat top with rounded corners, sides curving to a point."""
    m = size * 0.06
    left, right, top, bottom = m, size - m, m, size - m
    mid = size / 2
    path = QPainterPath()
    path.moveTo(left, top + size * 0.08)
    path.quadTo(mid, top - size * 0.02, right, top + size * 0.08)
    path.lineTo(right, top + size * 0.46)
    path.cubicTo(QPointF(right, top + size * 0.70), QPointF(mid + size * 0.22, bottom - size * 0.08),
                 QPointF(mid, bottom))
    path.cubicTo(QPointF(mid - size * 0.22, bottom - size * 0.08), QPointF(left, top + size * 0.70),
                 QPointF(left, top + size * 0.46))
    path.closeSubpath()
    return path


def draw(size: int, family: str) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    shield = _shield(size)
    gradient = QLinearGradient(0, 0, 0, size)
    gradient.setColorAt(0, BLUE_TOP)
    gradient.setColorAt(1, BLUE_BOTTOM)
    painter.fillPath(shield, gradient)
    if size >= 32:  # a gold rim; at 16/24 px it would only blur the edge
        painter.setPen(QPen(GOLD, max(1.0, size * 0.035)))
        painter.drawPath(shield)
    painter.setPen(QColor("white"))
    font = QFont(family)
    font.setBold(True)
    if size >= 48:  # 综 over 治
        font.setPixelSize(round(size * 0.30))
        painter.setFont(font)
        painter.drawText(QRectF(0, size * 0.14, size, size * 0.36), Qt.AlignmentFlag.AlignCenter, "综")
        painter.drawText(QRectF(0, size * 0.45, size, size * 0.36), Qt.AlignmentFlag.AlignCenter, "治")
    else:  # one character stays legible in the task bar and title bar
        font.setPixelSize(round(size * 0.58))
        painter.setFont(font)
        painter.drawText(QRectF(0, size * 0.02, size, size * 0.86), Qt.AlignmentFlag.AlignCenter, "综")
    painter.end()
    return image


def _png_bytes(image: QImage) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data().data())


def main() -> int:
    from PIL import Image

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    family = ""
    for font_file in FONT_FILES:
        font_id = QFontDatabase.addApplicationFont(font_file)
        if font_id >= 0:
            family = QFontDatabase.applicationFontFamilies(font_id)[0]
            break
    if not family:
        print(f"none of {FONT_FILES} found: install fonts-wqy-microhei", file=sys.stderr)
        return 1
    images = {size: draw(size, family) for size in SIZES}
    for size, image in images.items():
        image.save(str(HERE / f"app_{size}.png"), "PNG")
    images[256].save(str(HERE / "app.png"), "PNG")
    pil = [Image.open(io.BytesIO(_png_bytes(images[size]))) for size in SIZES]
    pil[-1].save(HERE / "app.ico", format="ICO", sizes=[(s, s) for s in SIZES], append_images=pil[:-1])
    print(f"wrote app.png, app.ico and app_<n>.png for {', '.join(map(str, SIZES))} px into {HERE}")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
