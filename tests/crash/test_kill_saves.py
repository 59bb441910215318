"""Kill the app in the middle of saves (resident register/update, case intake, session records), many times:
nothing printed as committed is lost, nothing is half-written, the database passes the checks."""

from __future__ import annotations

import time
from pathlib import Path

from tests import casework
from tests.conftest import TODAY
from tests.crash.kill import check_database, child_env, driver, key_dir, oracle, repeat, rng, run_killed
from zhzx_desktop.services.ledger import open_ledger


def _verify(db: Path, committed: list[str], where: str) -> None:
    problems = check_database(db)
    assert not problems, f"{where}: " + "; ".join(problems)
    with open_ledger(db, key_fallback_dir=key_dir(db.parent), today=lambda: TODAY) as ledger:
        conn = ledger.store.conn
        for key in committed:
            kind, _, rest = key.partition(":")
            if kind == "resident":
                found = conn.execute("SELECT status FROM residents WHERE id = ?", (rest,)).fetchone()
                assert found == ("active",), f"{where}: committed resident {rest} is {found}"
            elif kind == "update":
                rid, _, address = rest.partition(":")
                found = conn.execute("SELECT address FROM residents WHERE id = ?", (rid,)).fetchone()
                assert found == (address,), f"{where}: committed update of {rid} lost: {found}"
            elif kind == "case":
                parties = conn.execute("SELECT count(*) FROM case_parties WHERE case_id = ?", (rest,)).fetchone()[0]
                mediators = conn.execute("SELECT count(*) FROM case_mediators WHERE case_id = ?", (rest,)).fetchone()[0]
                assert (parties, mediators) == (2, 1), f"{where}: case {rest} has {parties} parties, {mediators} mediators"
            elif kind == "session":
                case_id = rest.partition(":")[0]
                found = conn.execute("SELECT count(*) FROM case_sessions WHERE case_id = ?", (case_id,)).fetchone()
                assert found == (1,), f"{where}: case {case_id} has {found[0]} sessions, committed 1"
                status = conn.execute("SELECT status FROM cases WHERE id = ?", (case_id,)).fetchone()
                assert status == ("mediating",), f"{where}: case {case_id} with a session is {status}"
        # every case the children opened has both parties and its mediator: no intake half-written
        half = conn.execute("""SELECT c.id FROM cases c WHERE (SELECT count(*) FROM case_parties p
            WHERE p.case_id = c.id) != 2 OR (SELECT count(*) FROM case_mediators m WHERE m.case_id = c.id) != 1
            """).fetchall()
        assert not half, f"{where}: half-written cases {half[:3]}"
        problems = oracle(ledger)
        assert not problems, f"{where}: backups.check: {problems}"


def test_killed_saves_lose_nothing_committed(home: Path) -> None:
    db = home / "zhzx.db"
    with open_ledger(db, key_fallback_dir=key_dir(home), today=lambda: TODAY) as ledger:
        village = casework.village(ledger, people=3)
    env = child_env(home)
    moments = rng("saves")
    committed: list[str] = []
    started = time.monotonic()
    killed = 0
    for run in range(repeat()):
        delay = 0.0 if run == 0 else moments.uniform(0.0, 1.2)  # the first: as soon as it starts saving
        result = run_killed(driver("saves", "--db", str(db), "--run", str(run), "--parties",
                                   ",".join(village.parties[1:]), "--mediator", village.mediators[0]), env, delay,
                            after="saving")
        assert result.killed, f"run {run} ended before the kill: {result.describe()}"
        killed += 1
        committed.extend(result.committed)
        _verify(db, committed, f"after kill {run} ({result.describe()})")
    assert killed >= repeat()
    assert any(k.startswith("case:") for k in committed), "no kill came after a case was opened: raise the delays"
    assert time.monotonic() - started < 120
