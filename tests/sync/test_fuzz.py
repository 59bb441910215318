"""Fuzz the county server from its own OpenAPI document (schemathesis), with a valid token of a 东华村 device.

Every operation of ``/openapi.json`` gets generated requests (valid and invalid data) against the real ASGI app
on a real server database that already holds rows of two villages: no 5xx, every response conforms to the
document (status, content type, body schema, headers), invalid data gets a 4xx. A fuzzer cannot guess the other
village's row ids, so the same device then pushes hand-made hostile changes that name 西山村's real rows. Then the
scope check (I5): the device pulls everything and reads every verification bucket — none of 西山村's rows reaches
it — and 西山村's rows at the county are byte-for-byte what they were before.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.config._checks import NegativeDataRejectionConfig
from schemathesis.core.parameters import ParameterLocation
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import positive_data_acceptance

from sync import protocol
from tests.sync.harness import OTHER_CODE, VILLAGE_CODE, ServerThread, VillageClient, new_enrollment_code

pytestmark = pytest.mark.timeout(120)

EXAMPLES = 25  # per operation and mode: the whole file stays well under a minute

# Checks: every default one (no 5xx; status code, content type, body and headers as documented; invalid data
# rejected with a 4xx) except ``positive_data_acceptance``: a schema-valid request is legitimately refused when its
# values are wrong for this county (a random enrollment code → 400 bad_code, an unknown schema_version → 426, a
# random refresh token → 401), which the document cannot express.
EXCLUDED = [positive_data_acceptance]
# Invalid data may also be refused as too large (413) or with upgrade_required (426, a schema_version out of range):
# both are documented rejections of this API.
REJECTIONS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "426", "428", "429"]


def _village_rows(county: ServerThread, code: str) -> dict[tuple[str, str], tuple[int, int, str]]:
    return {(str(t), str(r)): (int(v), int(d), str(data)) for t, r, v, d, data in county.sql(
        "SELECT table_name, row_id, version, deleted, data FROM rows WHERE village_code = ?", (code,))}


def _seed(village: Callable[..., VillageClient]) -> tuple[VillageClient, VillageClient]:
    """Both villages with residents, a team and a member at the county."""
    ours, theirs = village("东华一号机", VILLAGE_CODE, direct=True), village("西山一号机", OTHER_CODE, direct=True)
    for pc in (ours, theirs):
        ids = [pc.add_resident() for _ in range(4)]
        team = pc.add_team()
        pc.add_member(team, ids[0])
        result = pc.sync()
        assert result.error is None and result.confirmed_all, result
    return ours, theirs


def _device_token(county: ServerThread) -> tuple[str, str]:
    """A freshly enrolled 东华村 device (not a PC: the fuzzer is the device) → (device_id, access token)."""
    enrolled = county.store.enroll(new_enrollment_code(county.store, VILLAGE_CODE), "fuzzer", protocol.SCHEMA_VERSION)
    token = county.store.issue_token(enrolled["device_id"], enrolled["refresh_token"])
    return str(enrolled["device_id"]), str(token["access_token"])


def _fuzzer(operation: Any, mode: GenerationMode, auth: dict[str, str], seen: dict[str, set[int]]
            ) -> Callable[[], None]:
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def fuzz(case: Any) -> None:
        if mode is GenerationMode.POSITIVE and case.headers:
            # the fuzzer sends its bodies as plain JSON (documented as accepted); a generated
            # "Content-Encoding: gzip" would only make every one of them a 400 "压缩内容无法解开"
            case.headers.pop("Content-Encoding", None)
        # the bearer token of the 东华村 device, unless this case tests invalid headers (a missing or bad token)
        headers = dict(case.headers or {})
        header_mode = case.meta.components.get(ParameterLocation.HEADER) if case.meta is not None else None
        if header_mode is None or header_mode.mode is GenerationMode.POSITIVE:
            headers.update(auth)
        case.headers = headers
        response = case.call()
        seen.setdefault(operation.label, set()).add(response.status_code)
        assert response.status_code < 500, f"{operation.label} → {response.status_code}: {response.text[:300]}"
        case.validate_response(response, excluded_checks=EXCLUDED)

    return fuzz


def _change(table: str, row_id: str, op: str, data: dict[str, Any], seq: int,
            base_version: int | None = None) -> dict[str, Any]:
    return {"change_id": uuid.uuid4().hex, "seq": seq, "tx_id": None, "table": table, "row_id": row_id, "op": op,
            "base_version": base_version, "data": data, "client_time": "2026-11-23T08:00:00.000Z",
            "hlc": f"{1795000000000 + seq:016d}-000000"}


def _hostile_push(http: Any, auth: dict[str, str], device_id: str, county: ServerThread,
                  before_b: dict[tuple[str, str], tuple[int, int, str]]) -> list[dict[str, Any]]:
    """Changes of a 东华村 device that name 西山村's real rows → every one rejected (scope / reference)."""
    b_resident = next(r for (t, r) in before_b if t == "residents")
    b_member = next(r for (t, r) in before_b if t == "team_members")
    b_team = next(r for (t, r) in before_b if t == "teams")
    version = before_b[("residents", b_resident)][0]
    row = json.loads(before_b[("residents", b_resident)][2])
    new_member = str(uuid.uuid4())
    changes = [
        _change("residents", b_resident, "update", {"phone": [row.get("phone"), "13000000000"]}, 1, version),
        _change("team_members", b_member, "delete", {}, 2, before_b[("team_members", b_member)][0]),
        _change("residents", b_resident, "insert", {**row, "name": "冒名顶替"}, 3),
        _change("team_members", new_member, "insert", {"id": new_member, "team_id": b_team, "resident_id": b_resident,
                                                       "role": "队员", "joined_on": "2026-01-01", "left_on": None,
                                                       "notes": ""}, 4),
    ]
    batch = {"protocol": protocol.PROTOCOL, "schema_version": protocol.SCHEMA_VERSION, "device_id": device_id,
             "device_epoch": uuid.uuid4().hex, "batch_id": uuid.uuid4().hex, "first_seq": 1, "last_seq": 4,
             "payload_sha256": protocol.payload_sha256(changes), "changes": changes}
    resp = http.post(protocol.PATH_PUSH, data=protocol.encode(batch),
                     headers={**auth, "Content-Type": protocol.MEDIA_TYPE, "Content-Encoding": "gzip",
                              "Idempotency-Key": batch["batch_id"]})
    assert resp.status_code == 200, resp.text
    results: list[dict[str, Any]] = resp.json()["results"]
    return results


def test_openapi_fuzz_no_5xx_conforms_and_keeps_scope(county: ServerThread,
                                                      village: Callable[..., VillageClient]) -> None:
    from sync.server.app import create_app

    ours, theirs = _seed(village)
    before_b = _village_rows(county, OTHER_CODE)
    assert before_b, "西山村 has rows at the county"
    device_id, token = _device_token(county)
    auth = {"Authorization": f"Bearer {token}"}

    app = create_app(county.db_path)  # a second app on the same database: the fuzzer's own, in-process (ASGI)
    schema = schemathesis.openapi.from_asgi(protocol.PATH_OPENAPI, app)
    schema.config.checks.negative_data_rejection = NegativeDataRejectionConfig(expected_statuses=REJECTIONS)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    labels = sorted(op.label for op in operations)
    for path in (protocol.PATH_PUSH, protocol.PATH_PULL, protocol.PATH_VERIFY, protocol.PATH_BUCKET,
                 protocol.PATH_ENROLL, protocol.PATH_TOKEN, protocol.PATH_PING, protocol.PATH_POLICY):
        assert any(path in label for label in labels), f"{path} missing from /openapi.json: {labels}"

    seen: dict[str, set[int]] = {}
    failures: list[str] = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzzer(operation, mode, auth, seen)()
            except Unsatisfiable:  # nothing to make invalid (an operation without parameters or body)
                assert mode is GenerationMode.NEGATIVE, operation.label
            except (AssertionError, BaseExceptionGroup) as exc:  # collect them all, report at the end
                failures.append(f"{operation.label} [{mode.value}]: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)
    print("statuses per operation:", {k: sorted(v) for k, v in sorted(seen.items())})
    assert all(seen.get(label) for label in labels), f"operations never called: {labels} vs {sorted(seen)}"

    b_ids = {row_id for (_, row_id) in before_b}
    got: set[str] = set()
    with asgi.get_client(app) as http:
        results = _hostile_push(http, auth, device_id, county, before_b)
        assert [r["result"] for r in results] == [protocol.REJECTED] * len(results), results
        assert {r["code"] for r in results} <= {"scope", "reference"}, results
        # I5: the 东华村 device sees nothing of 西山村 — the whole pull, and every verification bucket
        cursor = 0
        while True:
            resp = http.get(f"{protocol.PATH_PULL}?cursor={cursor}&limit=2000", headers=auth)
            assert resp.status_code == 200, resp.text
            body = resp.json()
            got |= {str(c["row_id"]) for c in body["changes"]}
            if not body["has_more"]:
                break
            cursor = int(body["next_cursor"])
        for table in protocol.tables():
            for bucket in protocol.BUCKETS:
                resp = http.get(f"{protocol.PATH_BUCKET}?table={table}&bucket={bucket}", headers=auth)
                assert resp.status_code == 200, resp.text
                got |= {str(r["row_id"]) for r in resp.json()["rows"]}
    assert set(ours.rows("residents")) <= got, "the 东华村 device pulled its own village's rows"
    assert not (got & b_ids), f"西山村 rows reached a 东华村 device: {sorted(got & b_ids)[:5]}"

    # 西山村's rows are untouched by anything the fuzzer and the hostile device sent
    after_b = _village_rows(county, OTHER_CODE)
    assert after_b == before_b, json.dumps(
        {f"{k[0]}/{k[1]}": [before_b.get(k), after_b.get(k)] for k in set(before_b) | set(after_b)
         if before_b.get(k) != after_b.get(k)}, ensure_ascii=False)[:2000]
    assert theirs.sync().confirmed_all  # and 西山村's own PC still syncs cleanly


# ---- push batches that pass the envelope checks, with hostile contents ---------------------------------------------

_VALUES = st.one_of(st.none(), st.text(max_size=12), st.integers(-(2**63), 2**63 - 1), st.floats(allow_nan=False),
                    st.sampled_from(["2026-11-20", "2099-01-01", "1900-02-30", "", "0", "active", "deleted"]),
                    st.booleans(), st.lists(st.integers(), max_size=2))


@st.composite
def _changes(draw: st.DrawFn, pools: dict[str, list[str]]) -> list[dict[str, Any]]:
    specs = protocol.tables()
    out = []
    for seq in range(1, draw(st.integers(1, 6)) + 1):
        table = draw(st.sampled_from([*specs, "no_such_table"]))
        columns = sorted(specs[table].columns) if table in specs else ["id", "x"]
        row_id = draw(st.one_of(st.sampled_from(pools["ours"]), st.sampled_from(pools["theirs"]),
                                st.uuids().map(str), st.text(min_size=1, max_size=8)))
        op = draw(st.sampled_from(protocol.OPS))
        if draw(st.integers(0, 3)) == 0:  # now and then a plausible edit of one of our residents
            table, op, row_id = "residents", "update", draw(st.sampled_from(pools["our_residents"]))
            column = draw(st.sampled_from(["phone", "notes", "address", "occupation"]))
            edit = {column: [draw(st.one_of(st.none(), st.text(max_size=5))), draw(st.text(max_size=20))]}
            out.append(_change(table, row_id, op, edit, seq, draw(st.one_of(st.none(), st.integers(0, 5)))))
            continue
        picked = draw(st.lists(st.sampled_from(columns), max_size=4, unique=True))
        refs = st.one_of(st.sampled_from(pools["ours"]), st.sampled_from(pools["theirs"]), _VALUES)
        if op == "insert":
            data: dict[str, Any] = {"id": row_id, **{c: draw(refs) for c in picked if c != "id"}}
        elif op == "update":
            data = {c: [draw(refs), draw(refs)] for c in picked if c != "id"}
        else:
            data = {}
        out.append(_change(table, row_id, op, data, seq, draw(st.one_of(st.none(), st.integers(0, 5)))))
    return out


def test_push_fuzz_hostile_contents(county: ServerThread, village: Callable[..., VillageClient]) -> None:
    """Well-formed batches of random changes naming both villages' real rows: never a 5xx, one result per change,
    every result a known outcome (rejections with a known code and a Chinese reason), 西山村 untouched."""
    from sync.server.app import create_app

    ours, _ = _seed(village)
    before_b = _village_rows(county, OTHER_CODE)
    device_id, token = _device_token(county)
    auth = {"Authorization": f"Bearer {token}", "Content-Type": protocol.MEDIA_TYPE, "Content-Encoding": "gzip"}
    pools = {"ours": sorted(r for _, r in _village_rows(county, VILLAGE_CODE)), "theirs": sorted(r for _, r in before_b),
             "our_residents": sorted(ours.rows("residents"))}
    outcomes: dict[str, int] = {}
    app = create_app(county.db_path)

    with asgi.get_client(app) as http:
        @settings(max_examples=150, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(changes=_changes(pools))
        def push(changes: list[dict[str, Any]]) -> None:
            batch: dict[str, Any] = {"protocol": protocol.PROTOCOL, "schema_version": protocol.SCHEMA_VERSION, "device_id": device_id,
                     "device_epoch": uuid.uuid4().hex, "batch_id": uuid.uuid4().hex, "first_seq": 1,
                     "last_seq": len(changes), "payload_sha256": protocol.payload_sha256(changes), "changes": changes}
            resp = http.post(protocol.PATH_PUSH, data=protocol.encode(batch),
                             headers={**auth, "Idempotency-Key": batch["batch_id"]})
            assert resp.status_code in (200, 400), (resp.status_code, resp.text[:500], changes)
            if resp.status_code == 400:
                assert resp.json()["error"] == "malformed", resp.text
                outcomes["malformed"] = outcomes.get("malformed", 0) + 1
                return
            results = resp.json()["results"]
            assert [r["change_id"] for r in results] == [c["change_id"] for c in changes], results
            for r in results:
                assert r["result"] in protocol.OUTCOMES, r
                outcomes[r["result"]] = outcomes.get(r["result"], 0) + 1
                if r["result"] == protocol.REJECTED:
                    assert r["code"] in protocol.REASONS and r["reason"], r

        push()
    assert outcomes.get(protocol.REJECTED), outcomes
    assert sum(outcomes.get(o, 0) for o in (protocol.APPLIED, protocol.MERGED, protocol.CONFLICT)), outcomes
    print("push fuzz outcomes:", outcomes)
    assert _village_rows(county, OTHER_CODE) == before_b, "a 东华村 device changed 西山村's rows"
    assert ours.sync().error is None  # the real PC of the village still syncs after all that
