"""The sync test harness (SYNC.md §8): the real county server on loopback, real village clients, invariants.

* ``ServerThread(db_path, faults)``: ``sync.server.app.create_app`` under uvicorn on 127.0.0.1:<free port> in a
  thread; ``.url``, ``.port``, ``.store`` (a ``ServerStore`` on the same file, for assertions and county edits),
  ``.stop()``.
* ``add_village`` / ``new_enrollment_code``: county-side setup through the ServerStore.
* ``VillageClient``: a migrated client database edited through the real services (residents, teams, cases),
  enrolled through a URL (normally the fault proxy's), synced in-process by ``sync.client.run_sync`` with an
  injected sleep, or in a subprocess (``python -m zhzx_desktop sync run``) with a crash point.
* ``check_invariants(server, clients)``: I1–I6 at quiescence (SYNC.md §8).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Self

from sync import protocol
from tests.helpers import make_id
from zhzx_desktop.services import committee, residents, teams
from zhzx_desktop.services.ledger import Ledger, open_ledger

VILLAGE_CODE = "110101001001"
VILLAGE_NAME = "东华村"
OTHER_CODE = "110101001002"
OTHER_NAME = "西山村"
TODAY = date(2026, 11, 23)
REPO = Path(__file__).resolve().parents[2]

CRASH_POINTS = ("after_freeze", "after_send", "before_ack_commit", "mid_pull_apply")


# ---- the county server ----------------------------------------------------------------------------------------

class ServerThread:
    """The real county server app under uvicorn on loopback, in a daemon thread."""

    def __init__(self, db_path: Path | str, faults: Any = None) -> None:
        import uvicorn

        from sync.server.app import create_app
        from sync.server.storage import ServerStore

        self.db_path = Path(db_path)
        self.faults = faults
        self.app = create_app(self.db_path, faults)
        config = uvicorn.Config(self.app, host="127.0.0.1", port=0, lifespan="off", log_level="warning",
                                timeout_graceful_shutdown=1, timeout_keep_alive=5)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="county-server", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the county server did not start")
            time.sleep(0.01)
        self.port: int = self.server.servers[0].sockets[0].getsockname()[1]
        self.host = "127.0.0.1"
        self.store = ServerStore(self.db_path)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        if self.thread.is_alive():  # a stalled connection: force it
            self.server.force_exit = True
            self.thread.join(5)
        with contextlib.suppress(Exception):
            self.store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def sql(self, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Read the server database directly (a fresh read-only connection: sees every commit)."""
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=10)
        try:
            return list(conn.execute(query, params))
        finally:
            conn.close()

    def columns(self, table: str) -> list[str]:
        return [r[1] for r in self.sql(f"PRAGMA table_info({table})")]

    def request_log(self) -> list[tuple[float, str, str, int]]:
        return list(getattr(self.faults, "requests", []) or [])


def _call_first(obj: Any, names: Sequence[str], *args: Any, **kwargs: Any) -> Any:
    for name in names:
        fn = getattr(obj, name, None)
        if callable(fn):
            return fn(*args, **kwargs)
    raise AttributeError(f"{type(obj).__name__} has none of {names}")


def add_village(store: Any, code: str = VILLAGE_CODE, name: str = VILLAGE_NAME) -> None:
    _call_first(store, ("add_village", "create_village", "village_add"), code, name)


def new_enrollment_code(store: Any, village_code: str = VILLAGE_CODE) -> str:
    made = _call_first(store, ("new_enrollment_code", "create_enrollment_code", "issue_enrollment_code",
                               "enrollment_code", "enroll"), village_code)
    if isinstance(made, str):
        return made
    if isinstance(made, tuple):
        return str(made[0])
    return str(made.code)


def county_edit(server: ServerThread, table: str, row_id: str, fields: dict[str, Any]) -> int:
    return int(server.store.county_edit(table, row_id, fields))


def server_row(server: ServerThread, table: str, row_id: str) -> dict[str, Any] | None:
    """The server's row: its data plus ``_version`` and ``_deleted``."""
    cols = server.columns("rows")
    tcol = "table_name" if "table_name" in cols else "tbl"
    found = server.sql(f"SELECT data, version, deleted FROM rows WHERE {tcol}=? AND row_id=?", (table, row_id))
    if not found:
        return None
    data, version, deleted = found[0]
    out = dict(json.loads(data)) if data else {}
    out["_version"] = int(version)
    out["_deleted"] = bool(deleted)
    return out


# ---- a village PC ---------------------------------------------------------------------------------------------

@dataclass
class Sleeps:
    """An injected ``sleep``: records what the client asked for and returns at once (or after ``cap`` seconds)."""

    calls: list[tuple[float, float]] = field(default_factory=list)  # (monotonic time, seconds asked)
    cap: float = 0.0
    on_sleep: Callable[[float], None] | None = None

    def __call__(self, seconds: float) -> None:
        self.calls.append((time.monotonic(), float(seconds)))
        if self.on_sleep is not None:
            self.on_sleep(seconds)
        if self.cap:
            time.sleep(min(self.cap, max(0.0, seconds)))

    @property
    def asked(self) -> list[float]:
        return [s for _, s in self.calls]


class VillageClient:
    """One village PC: a migrated database edited through the real services and synced by ``sync.client``."""

    _seq = 0

    def __init__(self, home: Path, name: str, *, today: date = TODAY, block: int = 0) -> None:
        self.home = home
        self.name = name
        self.path = home / f"{name}.db"
        self.key_dir = home / "config" / "zhzx-desktop"
        self.state_dir = home / "sync-state"
        self.today = today
        self.ledger: Ledger = open_ledger(self.path, key_fallback_dir=self.key_dir, today=lambda: self.today)
        self.village_code: str | None = None
        self.enrollment: Any = None
        self.server_url: str | None = None
        self.sleeps = Sleeps()
        self.results: list[Any] = []
        self.block = block
        self._n = 0
        committee.save(self.ledger, committee.CommitteeSettings(name=f"{name}人民调解委员会", prefix=name[:2],
                                                                block=block))

    # -- setup --
    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.ledger.close()

    def reopen(self) -> None:
        self.close()
        self.ledger = open_ledger(self.path, key_fallback_dir=self.key_dir, today=lambda: self.today)

    def enroll(self, url: str, code: str, **kwargs: Any) -> Any:
        from sync import client

        self.enrollment = client.enroll(self.path, url, code, device_name=self.name, **kwargs)
        self.server_url = url
        self.village_code = getattr(self.enrollment, "village_code", None)
        return self.enrollment

    # -- edits through the real services --
    def add_resident(self, name: str | None = None, **values: Any) -> str:
        self._n += 1
        VillageClient._seq += 1
        data = residents.ResidentInput(
            name=name or _name(VillageClient._seq),
            id_number=make_id(born="19800101", seq=(VillageClient._seq * 2 + 1) % 1000),
            phone=f"139{self._n:08d}", address=f"{self.name}{self._n}组")
        data = replace(data, **values)
        return residents.register(self.ledger, data).row_id or ""

    def edit_resident(self, resident_id: str, **values: Any) -> None:
        data, _, _ = residents.load(self.ledger, resident_id)
        residents.update(self.ledger, resident_id, replace(data, **values))

    def set_status(self, resident_id: str, status: str) -> None:
        residents.set_status(self.ledger, resident_id, status)

    def add_team(self, name: str = "治安巡逻队", team_type: str = "01") -> str:
        return teams.create(self.ledger, teams.TeamInput(name=name, team_type=team_type)).row_id or ""

    def add_member(self, team_id: str, resident_id: str) -> str:
        return teams.add_member(self.ledger, teams.MemberInput(team_id=team_id, resident_id=resident_id,
                                                                joined_on="2026-01-01")).row_id or ""

    def open_case(self, party_ids: Sequence[str], mediator_id: str) -> str:
        from zhzx_desktop.services import cases

        data = cases.IntakeInput(
            accepted_on="2026-11-02", source="01", dispute_type="02",
            summary="两家因院墙排水沟堵塞引起积水，损坏邻居菜地，双方多次争吵。",
            parties=[cases.PartyInput(role="applicant", resident_id=party_ids[0]),
                     cases.PartyInput(role="respondent", resident_id=party_ids[1])],
            mediators=[cases.MediatorInput(resident_id=mediator_id, role="lead")],
            amount="12000", place=f"{self.name}二组")
        return cases.open_case(self.ledger, data).row_id or ""

    def raw_write(self, sql: str, params: Sequence[Any] = ()) -> None:
        """A write through ``Store.write()`` (captured by the triggers like any service write)."""
        with self.ledger.store.write() as conn:
            conn.execute(sql, params)

    # -- sync --
    def transport(self, **kwargs: Any) -> Any:
        from sync.transport import Transport

        assert self.server_url is not None
        return Transport(self.server_url, **kwargs)

    def sync(self, **kwargs: Any) -> Any:
        from sync import client

        kwargs.setdefault("sleep", self.sleeps)
        result = client.run_sync(self.path, **kwargs)
        self.results.append(result)
        return result

    def sync_subprocess(self, *, crash_at: str | None = None, timeout: float = 60,
                        extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """``python -m zhzx_desktop sync run --db … --json`` in a child process (keyring: the shared key file)."""
        env = dict(os.environ, XDG_CONFIG_HOME=str(self.home / "config"), XDG_DATA_HOME=str(self.home / "data"),
                   XDG_STATE_HOME=str(self.home / "state"), XDG_CACHE_HOME=str(self.home / "cache"),
                   PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring", QT_QPA_PLATFORM="offscreen",
                   ZHZX_STATE_DIR=str(self.state_dir), PYTHONPATH=str(REPO))
        env.pop("ZHZX_SYNC_CRASH_AT", None)
        if crash_at is not None:
            assert crash_at in CRASH_POINTS
            env["ZHZX_SYNC_CRASH_AT"] = crash_at
        env.update(extra_env or {})
        return subprocess.run([sys.executable, "-m", "zhzx_desktop", "sync", "run", "--db", str(self.path), "--json"],
                              capture_output=True, text=True, env=env, timeout=timeout, cwd=str(REPO), check=False)

    # -- looking at the local database (a fresh connection: sees other connections' commits) --
    @contextlib.contextmanager
    def conn(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(str(self.path), timeout=10)
        try:
            yield conn
        finally:
            conn.close()

    def sql(self, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.conn() as conn:
            return list(conn.execute(query, params))

    def state(self, key: str) -> str | None:
        found = self.sql("SELECT v FROM sync_state WHERE k=?", (key,))
        return None if not found else str(found[0][0])

    def outbox(self, state: str | None = None) -> list[dict[str, Any]]:
        with self.conn() as conn:
            conn.row_factory = sqlite3.Row
            where, params = ("WHERE state=?", (state,)) if state else ("", ())
            return [dict(r) for r in conn.execute(f"SELECT * FROM sync_outbox {where} ORDER BY seq", params)]

    def outbox_counts(self) -> dict[str, int]:
        return {str(s): int(n) for s, n in self.sql("SELECT state, count(*) FROM sync_outbox GROUP BY state")}

    def conflicts(self) -> list[dict[str, Any]]:
        with self.conn() as conn:
            conn.row_factory = sqlite3.Row
            return [dict(r) for r in conn.execute("SELECT * FROM sync_conflicts ORDER BY id")]

    def row(self, table: str, row_id: str) -> dict[str, Any] | None:
        spec = protocol.tables()[table]
        cols = ", ".join(f'"{c}"' for c in spec.columns)
        with self.conn() as conn:
            cur = conn.execute(f"SELECT {cols} FROM {table} WHERE id=?", (row_id,))
            found = cur.fetchone()
            return None if found is None else dict(zip(spec.columns, found))

    def rows(self, table: str) -> dict[str, dict[str, Any]]:
        spec = protocol.tables()[table]
        cols = ", ".join(f'"{c}"' for c in spec.columns)
        with self.conn() as conn:
            return {r[0]: dict(zip(spec.columns, r)) for r in conn.execute(f"SELECT {cols} FROM {table}")}

    def versions(self) -> dict[tuple[str, str], int]:
        return {(t, r): int(v) for t, r, v in self.sql("SELECT table_name, row_id, version FROM sync_versions")}


_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"


def _name(n: int) -> str:
    """A plausible made-up Chinese name, distinct for each n (< 8000)."""
    return "张" + _GIVEN[n % 20] + _GIVEN[(n // 20) % 20] + ("" if n < 400 else _GIVEN[(n // 400) % 20])


def make_client(home: Path, name: str, url: str, code: str, **kwargs: Any) -> VillageClient:
    client = VillageClient(home, name, **kwargs)
    client.enroll(url, code)
    return client


# ---- invariants (SYNC.md §8) ----------------------------------------------------------------------------------

@dataclass
class Report:
    drained_in: float = 0.0
    rounds: int = 0
    problems: list[str] = field(default_factory=list)


def _server_rows_by_village(server: ServerThread) -> dict[str, dict[tuple[str, str], dict[str, Any]]]:
    cols = server.columns("rows")
    tcol = "table_name" if "table_name" in cols else "tbl"
    out: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}
    for table, row_id, village, version, deleted, data in server.sql(
            f"SELECT {tcol}, row_id, village_code, version, deleted, data FROM rows"):
        out.setdefault(village, {})[(table, row_id)] = {"version": int(version), "deleted": bool(deleted),
                                                        "data": json.loads(data) if data else {}}
    return out


def drain(clients: Iterable[VillageClient], *, within: float = 30.0, max_rounds: int = 8,
          sync_kwargs: dict[str, Any] | None = None) -> Report:
    """Sync every client until no outbox has pending/inflight changes and a whole round pulls nothing new (I6)."""
    clients = list(clients)
    report = Report()
    start = time.monotonic()
    for report.rounds in range(1, max_rounds + 1):
        quiet = True
        for c in clients:
            result = c.sync(**(sync_kwargs or {}))
            if getattr(result, "pulled", 0) or getattr(result, "pushed", 0):
                quiet = False
        busy = [c.name for c in clients if any(s in c.outbox_counts() for s in ("pending", "inflight"))]
        if quiet and not busy:
            break
        if time.monotonic() - start > within:
            break
    report.drained_in = time.monotonic() - start
    return report


def check_invariants(server: ServerThread, clients: Sequence[VillageClient], *, drain_within: float | None = 30.0,
                     allow_quarantined: bool = False, sync_kwargs: dict[str, Any] | None = None) -> Report:
    """I1–I6 at quiescence. With ``drain_within`` the clients are synced first (I6: drained within that time)."""
    report = drain(clients, within=drain_within, sync_kwargs=sync_kwargs) if drain_within else Report()
    problems = report.problems
    # I6 — liveness
    if drain_within is not None and report.drained_in > drain_within:
        problems.append(f"I6: not drained within {drain_within}s ({report.drained_in:.1f}s)")
    # I3 — nothing stuck
    for c in clients:
        counts = c.outbox_counts()
        stuck = {k: v for k, v in counts.items() if k in ("pending", "inflight")}
        if stuck:
            problems.append(f"I3: {c.name} has {stuck}")
        if not allow_quarantined and counts.get("quarantined"):
            problems.append(f"I3: {c.name} has {counts['quarantined']} quarantined changes")
    # I1 — every acked change applied exactly once
    changelog_cols = server.columns("changelog")
    applied_cols = server.columns("applied_changes")
    multi = server.sql("SELECT change_id, count(*) FROM changelog WHERE change_id IS NOT NULL "
                       "GROUP BY change_id HAVING count(*) > 1") if "change_id" in changelog_cols else []
    if multi:
        problems.append(f"I1: change_ids written twice in the changelog: {multi[:5]}")
    applied = {r[0]: r[1] for r in server.sql("SELECT change_id, count(*) FROM applied_changes GROUP BY change_id")} \
        if "change_id" in applied_cols else {}
    for c in clients:
        for change in c.outbox("acked"):
            if applied.get(change["change_id"], 0) != 1:
                problems.append(f"I1: {c.name} change {change['change_id']} ({change['table_name']} {change['op']}) "
                                f"is in applied_changes {applied.get(change['change_id'], 0)} times")
    # I2 — convergence per village; I5 — nothing of another village reached a client
    by_village = _server_rows_by_village(server)
    for c in clients:
        mine = by_village.get(c.village_code or "", {})
        others = {key for v, rows in by_village.items() if v != c.village_code for key in rows}
        skip = {(o["table_name"], o["row_id"]) for o in c.outbox("quarantined")} if allow_quarantined else set()
        local_versions = c.versions()
        for table, spec in protocol.tables().items():
            local = c.rows(table)
            for row_id, values in local.items():
                key = (table, row_id)
                if key in others:
                    problems.append(f"I5: {c.name} holds {table} {row_id} of another village")
                if key in skip:
                    continue
                srv = mine.get(key)
                if srv is None:
                    problems.append(f"I2: {c.name} has {table} {row_id}, the county does not")
                    continue
                if srv["deleted"]:
                    problems.append(f"I2: {c.name} still has {table} {row_id}, deleted at the county")
                    continue
                diff = {col: (values.get(col), srv["data"].get(col)) for col in spec.columns
                        if col != "id" and col in srv["data"] and values.get(col) != srv["data"].get(col)}
                if diff:
                    problems.append(f"I2: {c.name} {table} {row_id} differs: {diff}")
                if local_versions.get(key) != srv["version"]:
                    problems.append(f"I2: {c.name} {table} {row_id} version {local_versions.get(key)} "
                                    f"!= county {srv['version']}")
            for (t, row_id), srv in mine.items():
                if t == table and not srv["deleted"] and row_id not in local and (t, row_id) not in skip:
                    problems.append(f"I2: the county has {table} {row_id}, {c.name} does not")
    # I4 — every county conflict row mirrored on the client
    conflict_cols = server.columns("conflicts")
    if conflict_cols:
        key_col = "change_id" if "change_id" in conflict_cols else "row_id"
        dev_col = "device_id" if "device_id" in conflict_cols else None
        for c in clients:
            device_id = c.state("device_id")
            if dev_col:
                srv = server.sql(f"SELECT {key_col}, field FROM conflicts WHERE {dev_col}=?", (device_id,))
            else:
                srv = server.sql(f"SELECT {key_col}, field FROM conflicts")
            local = {(r[key_col], r["field"]) for r in c.conflicts()}
            for key in srv:
                if (key[0], key[1]) not in local:
                    problems.append(f"I4: county conflict {key} of {c.name} not mirrored in sync_conflicts")
    return report


def assert_invariants(server: ServerThread, clients: Sequence[VillageClient], **kwargs: Any) -> Report:
    report = check_invariants(server, clients, **kwargs)
    assert not report.problems, "\n".join(report.problems)
    return report
