"""The command line, run as a real subprocess on real database files (keyring forced to the file fallback)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import keyring
import pytest

from zhzx_desktop.domain.citizen_id import check_digit
from zhzx_desktop.security.keys import OwnerOnlyFileKeyring
from zhzx_desktop.services import residents
from zhzx_desktop.services.ledger import open_ledger


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_STATE_HOME=str(tmp_path / "state"),
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring", QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "zhzx_desktop", *args], capture_output=True, text=True, env=env,
                          timeout=300)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("cli")
    db = tmp / "demo.db"
    done = run_cli(tmp, "demo", "--db", str(db), "--residents", "600", "--seed", "7")
    assert done.returncode == 0, done.stderr
    assert "演示数据已生成" in done.stdout
    return tmp, db


def test_demo_builds_a_plausible_village(demo_db: tuple[Path, Path]) -> None:
    import sqlite3

    _, db = demo_db
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM residents").fetchone()[0] == 600
    sizes = [n for (n,) in conn.execute("SELECT count(*) FROM residents GROUP BY household_id")]
    assert 2.0 <= sum(sizes) / len(sizes) <= 4.5 and max(sizes) <= 7
    heads = conn.execute("SELECT count(*) FROM residents WHERE relation = '02'").fetchone()[0]
    assert heads == len(sizes)  # one head per household
    assert conn.execute("SELECT count(*) FROM grid_workers").fetchone()[0] >= 3
    assert conn.execute("SELECT count(*) FROM teams").fetchone()[0] >= 3
    assert conn.execute("SELECT count(*) FROM team_activities").fetchone()[0] > 20
    assert conn.execute("SELECT count(*) FROM cases").fetchone()[0] >= 2
    outbox_tables = {t for (t,) in conn.execute("SELECT DISTINCT table_name FROM sync_outbox")}
    assert {"residents", "households", "grids", "teams", "team_members", "cases", "case_parties"} <= outbox_tables


def test_demo_file_holds_no_id_number_in_clear(demo_db: tuple[Path, Path]) -> None:
    tmp, db = demo_db
    keyring.set_keyring(OwnerOnlyFileKeyring(tmp / "config" / "zhzx-desktop" / "keyring.json"))
    with open_ledger(db, key_fallback_dir=tmp / "config" / "zhzx-desktop") as ledger:
        ids = [rid for (rid,) in ledger.store.conn.execute("SELECT id FROM residents")]
        numbers = {residents.reveal_id(ledger, rid, "核对测试数据") for rid in ids}
    assert len(numbers) == 600 and all(len(n) == 18 and check_digit(n[:17]) == n[17] for n in numbers)
    raw = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    assert [n for n in numbers if n.encode() in raw] == []


def test_demo_is_reproducible(tmp_path: Path) -> None:
    names = []
    for n in range(2):
        db = tmp_path / f"r{n}.db"
        assert run_cli(tmp_path, "demo", "--db", str(db), "--residents", "50", "--seed", "3").returncode == 0
        listed = run_cli(tmp_path, "list", "residents", "--db", str(db), "--json", "--limit", "50")
        names.append(sorted(r["name"] for r in json.loads(listed.stdout)))
    assert names[0] == names[1] and len(names[0]) == 50


def test_list_residents_json_searches_like_the_app(demo_db: tuple[Path, Path]) -> None:
    tmp, db = demo_db
    everyone = json.loads(run_cli(tmp, "list", "residents", "--db", str(db), "--json", "--limit", "1000").stdout)
    assert len(everyone) == 600
    person = everyone[123]
    for key in ("id", "name", "id_number", "household_id", "grid"):
        assert key in person
    assert re.fullmatch(r"\d{6}\*{8}\d{3}[\dX]", person["id_number"])
    by_name = json.loads(run_cli(tmp, "list", "residents", "--db", str(db), "--query", person["name"], "--json").stdout)
    assert by_name[0]["name"] == person["name"]
    by_tail = json.loads(run_cli(tmp, "list", "residents", "--db", str(db), "--query", person["id_number"][-4:],
                                 "--json").stdout)
    assert person["id"] in [r["id"] for r in by_tail]


def test_list_households_and_teams(demo_db: tuple[Path, Path]) -> None:
    tmp, db = demo_db
    houses = json.loads(run_cli(tmp, "list", "households", "--db", str(db), "--json").stdout)
    assert houses and all(h["head"] and h["members"] >= 1 for h in houses)
    teams = json.loads(run_cli(tmp, "list", "teams", "--db", str(db), "--json").stdout)
    assert any("巡防" in t["name"] for t in teams) and all(t["members"] >= 1 for t in teams)


def test_bad_arguments_give_chinese_errors(tmp_path: Path) -> None:
    done = run_cli(tmp_path, "demo", "--db", str(tmp_path / "x.db"), "--residents", "0")
    assert done.returncode == 2 and "至少为 1" in done.stderr
    missing = run_cli(tmp_path, "list", "residents", "--json")
    assert missing.returncode == 2 and "--db" in missing.stderr


def test_self_test_passes(tmp_path: Path) -> None:
    done = run_cli(tmp_path, "--self-test")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "自检通过" in done.stdout


def test_cli_logs_to_the_log_dir_without_ids(demo_db: tuple[Path, Path]) -> None:
    tmp, _ = demo_db
    log = tmp / "state" / "zhzx-desktop" / "log" / "zhzx-desktop.log"
    text = log.read_text(encoding="utf-8")
    assert "owner-only key file" in text  # the keyring fallback warning went to the log file
    assert not re.search(r"\d{17}[\dX]", text)


def test_gui_verb_opens_the_given_database(tmp_path: Path) -> None:
    from zhzx_desktop import cli

    args = cli.build_parser().parse_args(["gui", "--data-dir", str(tmp_path)])
    assert cli._db_path(args) == tmp_path / "zhzx.db"
    assert cli._db_path(cli.build_parser().parse_args(["gui"])).name == "zhzx.db"


def test_demo_creates_one_account_per_role_that_logs_in(demo_db: tuple[Path, Path]) -> None:
    from zhzx_desktop.domain.roles import ACCOUNT_ROLES
    from zhzx_desktop.security import accounts
    from zhzx_desktop.services import demo

    tmp, db = demo_db
    keyring.set_keyring(OwnerOnlyFileKeyring(tmp / "config" / "zhzx-desktop" / "keyring.json"))
    with open_ledger(db, key_fallback_dir=tmp / "config" / "zhzx-desktop") as ledger:
        roles = {a.role for a in accounts.list_accounts(ledger)}
        result = accounts.login(ledger, "tiaojie", demo.DEMO_PASSWORD)
        assert roles == set(ACCOUNT_ROLES) and not result.must_change_password
        assert demo.demo_accounts(ledger) == []  # a second demo run adds none
