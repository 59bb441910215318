"""The ``sync`` verbs and ``demo --village`` of the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zhzx_desktop import cli
from zhzx_desktop.storage.db import Store


def test_demo_village_code_is_stored(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    assert cli.main(["demo", "--db", str(db), "--residents", "5", "--cases", "0", "--village", "110101001001"]) == 0
    with Store(db) as store:
        assert store.meta("village_code") == "110101001001"
    assert cli.main(["demo", "--db", str(tmp_path / "x.db"), "--residents", "5", "--village", "12"]) == 2


def test_sync_status_json_and_run_without_enrollment(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "z.db"
    Store(db).close()
    assert cli.main(["sync", "status", "--db", str(db), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["overview"]["enrolled"] is False and shown["conflicts"] == []
    assert cli.main(["sync", "run", "--db", str(db), "--json"]) == 2
    assert "注册" in capsys.readouterr().err
    assert cli.main(["sync", "export-bundle", "--db", str(db), "--out", str(tmp_path / "b")]) == 2
    assert not (tmp_path / "b").exists()


def test_enroll_against_a_dead_server_fails_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "z.db"
    assert cli.main(["sync", "enroll", "--db", str(db), "--server", "http://127.0.0.1:1", "--code", "ABCD2345"]) == 2
    assert "注册失败" in capsys.readouterr().err
