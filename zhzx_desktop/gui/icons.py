"""The application icon (resources/icons, drawn by make_icons.py): every window's and the taskbar's."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from zhzx_desktop.paths import resource_dir

SIZES = (16, 24, 32, 48, 64, 128, 256)


def app_icon() -> QIcon:
    icon = QIcon()
    for size in SIZES:
        icon.addFile(str(resource_dir() / "icons" / f"app_{size}.png"))
    return icon
