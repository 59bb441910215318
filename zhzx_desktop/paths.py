"""Where things live: the per-user data, config and log dirs, and the bundled resources (frozen-aware)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Final

import platformdirs

from zhzx_desktop import APP_NAME

_APP_AUTHOR: Final = False  # no vendor folder level on Windows: %LOCALAPPDATA%\zhzx-desktop


def resource_dir() -> Path:
    """The ``resources/`` folder: beside the package in a source checkout, inside the bundle when frozen."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root is not None:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, _APP_AUTHOR))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, _APP_AUTHOR))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, _APP_AUTHOR))


def default_db_path(base: Path | None = None) -> Path:
    """The app's database file inside ``base`` (the user data dir by default)."""
    return (base if base is not None else data_dir()) / "zhzx.db"


def state_dir() -> Path:
    """Per-database state kept outside the database, so a restored or copied file is noticed: the sync epoch, the
    audit log's head. ``ZHZX_STATE_DIR`` overrides it (tests, a second profile)."""
    override = os.environ.get("ZHZX_STATE_DIR")
    return Path(override) if override else data_dir() / "state"


def backup_dir(db_path: Path | None = None) -> Path:
    """The main folder of a database's encrypted backups: ``backups/`` beside the database file (the user data
    dir's for the app's own database). ``ZHZX_BACKUP_DIR`` overrides it."""
    override = os.environ.get("ZHZX_BACKUP_DIR")
    if override:
        return Path(override)
    return (db_path.resolve().parent if db_path is not None else data_dir()) / "backups"
