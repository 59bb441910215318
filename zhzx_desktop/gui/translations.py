"""Qt's own words in Chinese: the standard buttons (确定/取消/是/否), the file dialog, the context menus of line
edits. Loads ``qtbase_zh_CN.qm`` from Qt's translations folder (QLibraryInfo: the venv's PySide6, or the bundle's
copy via its qt.conf), falling back to the bundle's ``PySide6/Qt/translations`` and ``resources/translations``.

The app's own text is written in Chinese already (``self.tr`` keeps the door open for other languages), so Qt's
catalogues are the only ones to load."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from zhzx_desktop import paths

log = logging.getLogger(__name__)

LOCALE = "zh_CN"
CATALOGUES = ("qtbase",)  # QtWidgets' strings live in qtbase since Qt 6


def search_dirs() -> list[Path]:
    """Where ``qtbase_zh_CN.qm`` may be, in order."""
    dirs = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root is not None:
        dirs.append(Path(frozen_root) / "PySide6" / "Qt" / "translations")
    dirs.append(paths.resource_dir() / "translations")
    return dirs


def install(app: QCoreApplication) -> list[str]:
    """Install Qt's Simplified Chinese catalogues on ``app``; returns the files loaded (empty when none was found,
    e.g. a broken bundle: Qt then shows its English words, nothing else breaks). Sets the default locale to zh_CN
    so number and date widgets follow it too."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    loaded: list[str] = []
    for catalogue in CATALOGUES:
        name = f"{catalogue}_{LOCALE}"
        for folder in search_dirs():
            translator = QTranslator(app)  # parented: lives as long as the application
            if translator.load(name, str(folder)) and app.installTranslator(translator):
                loaded.append(str(folder / f"{name}.qm"))
                break
            translator.deleteLater()
        else:
            log.warning("Qt translation %s not found in %s", name, ", ".join(map(str, search_dirs())))
    return loaded
