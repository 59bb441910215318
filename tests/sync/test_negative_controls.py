"""SYNC.md §8 #32: negative controls — the invariant checker must catch the two classic sync bugs.

Each mutant is applied in-process with ``monkeypatch`` on the real functions, then the very fault scenario the suite
uses runs, and ``check_invariants`` must REPORT the violation. The same scenario without the mutant must come out
clean, so the checker discriminates (it is not just failing everything). If a mutant stops being detected, these
tests fail.

* **M1** — the client re-forms its batch with a new batch_id on every attempt (no batch freeze) AND the county
  dedupes on batch_id only (its change_id dedupe is disabled). Scenario: the county commits, the response is lost
  (SYNC.md §8 #5). Expected: a change_id with two changelog rows at the county (double apply, I1). Each half alone
  is harmless — the change_id dedupe is the guarantee, the batch freeze the optimisation.
* **M2** — the client marks its changes acked before the county commits (PouchDB #1240). Scenario: the push
  request is dropped. Expected: an acked change_id the county never applied (lost change, I1), even though the
  verification step later repairs the row's content with a new change.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.sync.harness import Report, ServerThread, VillageClient, check_invariants
from tests.sync.proxy import FaultProxy

pytestmark = pytest.mark.timeout(60)

PUSH = "/v1/sync/push"
LOST_TIMES = 2  # the attempt and the transport's immediate resend on a fresh connection


# ---- the mutants (monkeypatching the real client and server functions) -----------------------------------------

def _client_reforms_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """M1, client half: every attempt gives the in-flight changes back and freezes a NEW batch (new batch_id)."""
    from sync import outbox

    real_freeze = outbox.freeze

    def freeze(store: Any, **kwargs: Any) -> Any:
        with store.write() as conn:
            conn.execute("UPDATE sync_outbox SET state = 'pending', batch_id = NULL WHERE state = 'inflight'")
        return real_freeze(store, **kwargs)

    monkeypatch.setattr(outbox, "freeze", freeze)


def _server_dedupes_batch_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """M1, county half: ``received_batches`` still replays a known batch_id, but ``applied_changes`` is never
    consulted — the change_ids of the batch are hidden from the apply inside its own transaction."""
    from sync.server.storage import ServerStore

    real_apply = ServerStore._apply

    def _apply(self: ServerStore, device: Any, b: Any) -> bytes:
        self.conn.executemany("DELETE FROM applied_changes WHERE change_id = ?",
                              [(c["change_id"],) for c in b.changes])
        return real_apply(self, device, b)

    monkeypatch.setattr(ServerStore, "_apply", _apply)


def _client_acks_before_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    """M2: the frozen batch is marked acked at once, before it is even sent."""
    from sync import outbox

    real_freeze = outbox.freeze

    def freeze(store: Any, **kwargs: Any) -> Any:
        batch = real_freeze(store, **kwargs)
        if batch is not None:
            with store.write() as conn:
                conn.execute("UPDATE sync_outbox SET state = 'acked', result = 'applied', acked_at = ? "
                             "WHERE batch_id = ?", (outbox.now_iso(), batch.batch_id))
        return batch

    monkeypatch.setattr(outbox, "freeze", freeze)


MUTANTS: dict[str, Callable[[pytest.MonkeyPatch], None]] = {
    "client_reforms_batches": _client_reforms_batches,
    "server_dedupes_batch_only": _server_dedupes_batch_only,
    "client_acks_before_commit": _client_acks_before_commit,
}


# ---- the scenarios (as in test_faults: s05 response lost after commit, request dropped) -------------------------

def _edits(pc: VillageClient) -> list[str]:
    """A few edits of several kinds: inserts, an update, a team with a member (one transaction each)."""
    ids = [pc.add_resident() for _ in range(3)]
    pc.edit_resident(ids[0], phone="13712345678")
    pc.set_status(ids[1], "moved_out")
    team = pc.add_team()
    pc.add_member(team, ids[2])
    return ids


def _response_lost_after_commit(county: ServerThread, proxy: FaultProxy, pc: VillageClient) -> Report:
    _edits(pc)
    # twice: the transport re-sends at once when a reused keep-alive connection closes, and that one is lost too
    proxy.drop_response(LOST_TIMES, path=PUSH)
    first = pc.sync(max_attempts=1)  # the county committed; the PC heard nothing and gives up for now
    assert first.error is not None, "the fault must have hit the push"
    assert county.sql("SELECT count(*) FROM applied_changes")[0][0] > 0, "the county committed the batch"
    proxy.clear()
    return check_invariants(county, [pc])  # heal → drain → I1–I6


def _request_dropped(county: ServerThread, proxy: FaultProxy, pc: VillageClient) -> Report:
    _edits(pc)
    proxy.drop_request(LOST_TIMES, path=PUSH)
    first = pc.sync(max_attempts=1)
    assert first.error is not None, "the fault must have hit the push"
    assert county.sql("SELECT count(*) FROM applied_changes")[0][0] == 0, "nothing reached the county"
    proxy.clear()
    return check_invariants(county, [pc])


def _problems(report: Report, prefix: str) -> list[str]:
    return [p for p in report.problems if p.startswith(prefix)]


@pytest.fixture
def pc(village: Callable[..., VillageClient]) -> Iterator[VillageClient]:
    yield village("东华一号机")


# ---- M1 ---------------------------------------------------------------------------------------------------------

def test_m1_double_apply_is_reported(county: ServerThread, proxy: FaultProxy, pc: VillageClient,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    MUTANTS["client_reforms_batches"](monkeypatch)
    MUTANTS["server_dedupes_batch_only"](monkeypatch)
    report = _response_lost_after_commit(county, proxy, pc)
    twice = county.sql("SELECT change_id, count(*) FROM changelog WHERE change_id IS NOT NULL "
                       "GROUP BY change_id HAVING count(*) > 1")
    assert twice, "the mutant really applied a change twice (otherwise this control tests nothing)"
    assert _problems(report, "I1"), f"the checker missed the double apply: {report.problems}"
    assert any("twice" in p for p in _problems(report, "I1")), report.problems


@pytest.mark.parametrize("half", ["client_reforms_batches", "server_dedupes_batch_only", None])
def test_m1_scenario_passes_without_the_whole_mutant(county: ServerThread, proxy: FaultProxy, pc: VillageClient,
                                                     monkeypatch: pytest.MonkeyPatch, half: str | None) -> None:
    """The same scenario is clean with the real code, and with either half of M1 alone: re-formed batches are
    caught by the change_id dedupe, a batch-only county is saved by the client's frozen batch."""
    if half is not None:
        MUTANTS[half](monkeypatch)
    report = _response_lost_after_commit(county, proxy, pc)
    assert not report.problems, "\n".join(report.problems)
    assert pc.outbox_counts() == {"acked": len(pc.outbox())}
    assert county.sql("SELECT count(*) FROM changelog WHERE change_id IS NOT NULL")[0][0] == len(pc.outbox())


# ---- M2 ---------------------------------------------------------------------------------------------------------

def test_m2_lost_change_is_reported(county: ServerThread, proxy: FaultProxy, pc: VillageClient,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    MUTANTS["client_acks_before_commit"](monkeypatch)
    report = _request_dropped(county, proxy, pc)
    applied = {r[0] for r in county.sql("SELECT change_id FROM applied_changes")}
    lost = [o["change_id"] for o in pc.outbox("acked") if o["change_id"] not in applied]
    assert lost, "the mutant really lost changes (otherwise this control tests nothing)"
    i1 = _problems(report, "I1")
    assert i1, f"the checker missed the lost changes: {report.problems}"
    assert all(any(cid in p for p in i1) for cid in lost), (lost, i1)


def test_m2_scenario_passes_without_the_mutant(county: ServerThread, proxy: FaultProxy, pc: VillageClient) -> None:
    report = _request_dropped(county, proxy, pc)
    assert not report.problems, "\n".join(report.problems)
    applied = {r[0] for r in county.sql("SELECT change_id FROM applied_changes")}
    assert {o["change_id"] for o in pc.outbox()} <= applied


# ---- the model-based test (SYNC.md §8 #31) catches both mutants too ----------------------------------------------

@pytest.mark.parametrize("mutant", [("client_reforms_batches", "server_dedupes_batch_only"),
                                    ("client_acks_before_commit",)], ids=["M1", "M2"])
def test_model_catches_mutant(mutant: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    """The hypothesis state machine of test_model, same fixed seed, finds each mutant (no shrinking: it only has to
    fail, and its failure must be an invariant the checker reported — for M2 that may be the lost change (I1) or the
    lost ack's conflict rows (I4), whichever the run meets first)."""
    from hypothesis import Phase, settings
    from hypothesis.stateful import run_state_machine_as_test

    from tests.sync import test_model

    for name in mutant:
        MUTANTS[name](monkeypatch)
    with pytest.raises(AssertionError) as caught:
        run_state_machine_as_test(test_model.SyncModel, settings=settings(
            test_model._settings(), max_examples=10, phases=[Phase.generate]))
    assert re.search(r"\bI[1-6]: ", str(caught.value)), str(caught.value)[:2000]
