"""Kill ``zhzx-desktop sync run`` of a village PC at many moments of its cycle (freezing a batch, sending it,
recording the acks, pulling and applying another PC's changes) against the real county server on loopback: after
each kill the database is consistent; a later sync converges with nothing lost and nothing applied twice."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.crash.driver import person
from tests.crash.kill import app, check_database, child_env, count, oracle, repeat, rng, run_killed
from tests.sync.harness import (
    VILLAGE_CODE,
    VILLAGE_NAME,
    ServerThread,
    VillageClient,
    add_village,
    check_invariants,
    new_enrollment_code,
)
from zhzx_desktop.services import residents

BATCH = 400  # residents added before each killed sync: a few push batches (the client starts at 100 a batch)
PULLED = 150  # added by the other PC: the killed sync pulls and applies them


def _add(client: VillageClient, run: int, count: int) -> list[str]:
    return [c.row_id or "" for c in residents.register_many(client.ledger, [person(run, i) for i in range(count)])]


def _when(path: Path, sql: str, target: int) -> Callable[[], bool]:
    return lambda: count(path, sql) >= target


def test_killed_sync_converges_without_loss_or_duplicates(home: Path) -> None:
    server_app = pytest.importorskip("sync.server.app", exc_type=ImportError)
    with ServerThread(home / "county.db", server_app.Faults()) as county:
        add_village(county.store, VILLAGE_CODE, VILLAGE_NAME)
        pc = VillageClient(home, "东华一号机", block=0)  # the one we kill; its key file is the children's
        other = VillageClient(home / "other", "东华二号机", block=1)  # another PC of the village: gives pc a pull
        try:
            pc.enroll(county.url, new_enrollment_code(county.store, VILLAGE_CODE))
            other.enroll(county.url, new_enrollment_code(county.store, VILLAGE_CODE))
            env = child_env(home)
            moments = rng("sync")
            mine: list[str] = []
            killed = 0
            theirs: list[str] = []
            county.faults.before_commit = lambda: time.sleep(0.01)  # a slower county: wider windows to land in
            for n in range(repeat()):
                mine += _add(pc, n, BATCH)
                theirs += _add(other, 20 + n, PULLED)
                other.sync()
                acked = count(pc.path, "SELECT count(*) FROM sync_outbox WHERE state = 'acked'")
                held = count(pc.path, "SELECT count(*) FROM residents")
                phase = n % 3
                if phase == 0:  # a batch frozen (inflight), being sent
                    when = _when(pc.path, "SELECT count(*) FROM sync_outbox WHERE state = 'inflight'", 1)
                elif phase == 1:  # some acks recorded, more to come
                    when = _when(pc.path, "SELECT count(*) FROM sync_outbox WHERE state = 'acked'",
                                 acked + moments.randrange(1, BATCH))
                else:  # pulling the other PC's residents
                    when = _when(pc.path, "SELECT count(*) FROM residents", held + moments.randrange(1, PULLED))
                cmd = app("sync", "run", "--db", str(pc.path), "--json")
                run = run_killed(cmd, env, moments.uniform(0.0, 0.03), when=when)
                killed += run.killed
                print(f"kill {n}: {run.describe()[:60]} outbox {pc.outbox_counts()}")
                problems = check_database(pc.path)
                assert not problems, f"kill {n} ({run.describe()}): " + "; ".join(problems)
                counts = pc.outbox_counts()
                assert set(counts) <= {"pending", "inflight", "acked"}, f"kill {n}: outbox {counts}"
            assert killed >= repeat() // 2, f"only {killed} of {repeat()} syncs were still running at the kill"
            # the next sync (the app's own, on the next start) finishes the job
            report = check_invariants(county, [pc, other], drain_within=60)
            assert not report.problems, "\n".join(report.problems)
            for client, ids in ((pc, mine + theirs), (other, mine + theirs)):
                held = {r[0] for r in client.sql("SELECT id FROM residents")}
                assert not set(ids) - held, f"{client.name} lost {len(set(ids) - held)} residents"
            at_county = county.sql("SELECT row_id, count(*) FROM rows WHERE table_name = 'residents' GROUP BY row_id")
            assert {r for r, _ in at_county} >= set(mine + theirs)
            assert all(c == 1 for _, c in at_county)
            assert not check_database(pc.path)
            assert not oracle(pc.ledger), oracle(pc.ledger)
        finally:
            pc.close()
            other.close()
