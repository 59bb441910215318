"""Every setting declared once (key, default; the default's type is the setting's type) around an INI
``QSettings`` whose path is injected (the config dir in the app, a temp file in tests). No secrets here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

T = TypeVar("T", str, int, bool, QByteArray)


@dataclass(frozen=True)
class Setting(Generic[T]):
    key: str
    default: T


WINDOW_GEOMETRY = Setting("window/geometry", QByteArray())
WINDOW_STATE = Setting("window/state", QByteArray())
IMPORT_MAPPING = Setting("import/mapping", "{}")  # JSON: {column header as in the file: field name}
LAST_DIR = Setting("files/last_dir", "")
FONT_PATH = Setting("documents/font", "")  # this PC's print font file; "" = found automatically (documents.fonts)
SYNC_INTERVAL_MINUTES = Setting("sync/interval_minutes", 5)  # background sync with the county; 0 = only by hand
IDLE_LOCK_MINUTES = Setting("security/idle_lock_minutes", 15)  # lock the screen after this idle time (10–30)
BACKUP_EXTRA_DIR = Setting("backup/extra_dir", "")  # a second folder or USB stick for each backup; "" = none


class Settings:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._q = QSettings(str(path), QSettings.Format.IniFormat)

    def get(self, setting: Setting[T]) -> T:
        value = self._q.value(setting.key, setting.default, type=type(setting.default))
        return value if isinstance(value, type(setting.default)) else setting.default

    def set(self, setting: Setting[T], value: T) -> None:
        self._q.setValue(setting.key, value)

    def sync(self) -> None:
        self._q.sync()
