"""Case numbers under concurrency: several processes on one database file never share a number, and two PCs of the
same committee working offline (two database files) never do either, as long as each has its own number block."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import keyring
import pytest

from tests import casework
from zhzx_desktop.domain import case_rules
from zhzx_desktop.errors import UserError
from zhzx_desktop.security.keys import OwnerOnlyFileKeyring
from zhzx_desktop.services import cases, committee
from zhzx_desktop.services.ledger import Ledger, open_ledger

ROOT = Path(__file__).resolve().parents[3]
TODAY = date(2026, 11, 23)
WORKERS = 4
PER_WORKER = 8


def _writer(db: str, keys: str, village_json: str, start: str, count: int) -> None:
    """Run in a child process: wait for the start signal, then open ``count`` cases as fast as possible."""
    v = casework.Village(**{k: tuple(x) if isinstance(x, list) else x for k, x in json.loads(village_json).items()})
    with open_ledger(db, key_fallback_dir=Path(keys), today=lambda: TODAY) as ledger:
        while not Path(start).exists():
            time.sleep(0.005)
        for _ in range(count):
            cases.open_case(ledger, casework.intake(v))


def _open_village(db: Path, keys: Path) -> casework.Village:
    keyring.set_keyring(OwnerOnlyFileKeyring(keys / "keyring.json"))
    with open_ledger(db, key_fallback_dir=keys, today=lambda: TODAY) as ledger:
        return casework.village(ledger)


def test_processes_on_one_file_never_share_a_number(tmp_path: Path) -> None:
    db, keys, start = tmp_path / "village.db", tmp_path / "keys", tmp_path / "go"
    v = _open_village(db, keys)
    payload = json.dumps({"parties": v.parties, "mediators": v.mediators, "team_id": v.team_id})
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring", PYTHONPATH=str(ROOT))
    code = ("import sys; from tests.unit.services.test_case_numbers import _writer; "
            "_writer(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))")
    children = [subprocess.Popen([sys.executable, "-c", code, str(db), str(keys), payload, str(start),
                                  str(PER_WORKER)], env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True)
                for _ in range(WORKERS)]
    time.sleep(1.0)  # let every child open the database before the start signal
    start.touch()
    for child in children:
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
    with open_ledger(db, key_fallback_dir=keys, today=lambda: TODAY) as ledger:
        found = ledger.store.conn.execute("SELECT case_seq, case_no FROM cases ORDER BY case_seq").fetchall()
    assert [seq for seq, _ in found] == list(range(1, WORKERS * PER_WORKER + 1))
    assert len({number for _, number in found}) == WORKERS * PER_WORKER


def test_two_pcs_offline_with_their_own_blocks(tmp_path: Path) -> None:
    numbers = []
    for block, name in ((0, "pc1.db"), (1, "pc2.db")):
        db, keys = tmp_path / name, tmp_path / f"keys-{block}"
        v = _open_village(db, keys)
        with open_ledger(db, key_fallback_dir=keys, today=lambda: TODAY) as ledger:
            committee.save(ledger, replace(casework.COMMITTEE, block=block))
            for _ in range(3):
                case_id = casework.open_case(ledger, v)
                numbers.append(cases.get_case(ledger, case_id).case_no)
    assert numbers[:3] == [f"（2026）青石村人调字第00{i}号" for i in (1, 2, 3)]
    assert numbers[3:] == [f"（2026）青石村人调字第100{i}号" for i in (1, 2, 3)]
    assert len(set(numbers)) == 6


def test_block_ranges() -> None:
    assert case_rules.block_range(0) == (1, 999)
    assert case_rules.block_range(1) == (1001, 1999)
    assert case_rules.block_range(9) == (9001, 9999)
    with pytest.raises(UserError, match="0 到 9"):
        case_rules.block_range(10)


def test_a_full_block_is_refused_clearly(ledger: Ledger) -> None:
    v = casework.village(ledger)
    with ledger.store.write() as conn:  # as if 999 cases had been opened this year
        conn.execute("INSERT INTO cases(id, case_no, case_year, case_seq, status, created_at) "
                     "VALUES ('filler', 'x', 2026, 999, 'closed', '2026-01-01T00:00:00Z')")
    with pytest.raises(UserError, match="本机号段（1–999号）今年已用完"):
        cases.open_case(ledger, casework.intake(v))
    assert ledger.store.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 1
