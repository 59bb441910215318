"""``zhzx-desktop backup|restore|check`` as real subprocesses on real files: exit codes, messages, copies kept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_STATE_HOME=str(tmp_path / "state"), ZHZX_STATE_DIR=str(tmp_path / "zstate"),
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring", QT_QPA_PLATFORM="offscreen")
    env.pop("ZHZX_BACKUP_DIR", None)
    return subprocess.run([sys.executable, "-m", "zhzx_desktop", *args], check=False, capture_output=True, text=True,
                          env=env,
                          timeout=300)


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    db = tmp_path / "village.db"
    done = run_cli(tmp_path, "demo", "--db", str(db), "--residents", "80", "--cases", "3")
    assert done.returncode == 0, done.stderr
    return db


def test_backup_check_and_restore_latest(tmp_path: Path, demo_db: Path) -> None:
    done = run_cli(tmp_path, "backup", "--db", str(demo_db))
    assert done.returncode == 0, done.stderr
    made = list((tmp_path / "backups").glob("zhzx-*.zbk"))
    assert len(made) == 1 and str(made[0]) in done.stdout
    checked = run_cli(tmp_path, "check", "--db", str(demo_db))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "检查通过" in checked.stdout
    restored = run_cli(tmp_path, "restore", "--db", str(demo_db), "--from", "latest")
    assert restored.returncode == 0, restored.stderr
    aside = list(tmp_path.glob("village.db.before-restore-*"))
    assert [p.name for p in aside if not p.name.endswith(("-wal", "-shm"))] and "另存为" in restored.stdout
    assert run_cli(tmp_path, "check", "--db", str(demo_db)).returncode == 0


def test_backup_to_another_folder_and_restore_from_a_file(tmp_path: Path, demo_db: Path) -> None:
    usb = tmp_path / "usb"
    done = run_cli(tmp_path, "backup", "--db", str(demo_db), "--to", str(usb))
    assert done.returncode == 0, done.stderr
    (made,) = usb.glob("*.zbk")
    target = tmp_path / "elsewhere.db"
    restored = run_cli(tmp_path, "restore", "--db", str(target), "--from", str(made))
    assert restored.returncode == 0, restored.stderr
    assert run_cli(tmp_path, "check", "--db", str(target)).returncode == 0


def test_a_damaged_backup_is_refused_with_exit_2(tmp_path: Path, demo_db: Path) -> None:
    assert run_cli(tmp_path, "backup", "--db", str(demo_db)).returncode == 0
    (made,) = (tmp_path / "backups").glob("*.zbk")
    data = bytearray(made.read_bytes())
    data[-40] ^= 0xFF
    made.write_bytes(bytes(data))
    before = demo_db.read_bytes()
    restored = run_cli(tmp_path, "restore", "--db", str(demo_db), "--from", str(made))
    assert restored.returncode == 2 and "已损坏或被改动" in restored.stderr
    assert demo_db.read_bytes() == before
    latest = run_cli(tmp_path, "restore", "--db", str(demo_db), "--from", "latest")
    assert latest.returncode == 2 and "没有可以恢复的备份" in latest.stderr


def test_check_exits_1_on_a_corrupted_database(tmp_path: Path, demo_db: Path) -> None:
    size = demo_db.stat().st_size
    with demo_db.open("r+b") as handle:
        handle.seek((size // 4096 // 2) * 4096)
        handle.write(b"\x00garbage" * 512)
    checked = run_cli(tmp_path, "check", "--db", str(demo_db))
    assert checked.returncode == 1
    assert "问题：" in checked.stdout and "损坏" in checked.stdout
