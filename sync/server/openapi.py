"""The OpenAPI 3.1 description of the county server (served at ``/openapi.json``; fuzzed with schemathesis).

It describes what the server really accepts and answers: request bodies may be gzip-compressed
(``Content-Encoding: gzip``) or plain JSON; responses are gzip-compressed when ``Accept-Encoding`` allows it.
Every error is a JSON ``Error`` object with a Chinese ``message``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sync import protocol
from sync.server import policy

_STR = {"type": "string"}
_INT = {"type": "integer"}
_NULL_INT = {"type": ["integer", "null"]}
_ENV = {"server_epoch": _STR, "server_time": {"type": "string", "description": "ISO 8601 UTC, ends with Z"}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(props: dict[str, Any], required: list[str], *, extra: bool = True) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props, "required": required}
    if not extra:
        schema["additionalProperties"] = False
    return schema


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _resp(description: str, schema_name: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"description": description, "content": _json(_ref(schema_name))}
    if headers:
        out["headers"] = headers
    return out


_RETRY = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "string"}}}


def _errors(*statuses: int) -> dict[str, Any]:
    texts = {400: "malformed request (Chinese message); bad_code for enrollment", 401: "token_invalid / token_expired",
             403: "revoked device", 404: "not found", 409: "batch_conflict (same batch_id, different payload)",
             413: "too_large: halve the batch", 426: "upgrade_required: schema_version outside the range",
             500: "internal error", 503: "busy: retry after Retry-After seconds"}
    out: dict[str, Any] = {}
    for status in statuses:
        out[str(status)] = _resp(texts[status], "Error", _RETRY if status == 503 else None)
    return out


_COMMON = (413, 500, 503)


@cache
def document() -> dict[str, Any]:
    tables = list(protocol.tables())
    value_schema: dict[str, Any] = {}  # any JSON value
    schemas: dict[str, Any] = {
        "Error": _obj({"error": _STR, "message": _STR, **_ENV}, ["error", "message", "server_epoch", "server_time"]),
        "Ping": _obj({**_ENV, "protocol": _INT, "schema_min": _INT, "schema_max": _INT},
                     ["server_epoch", "server_time", "protocol", "schema_min", "schema_max"]),
        "EnrollRequest": _obj({"code": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": r"\S"},
                               "device_name": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\S"},
                               "schema_version": _INT,
                               "db_id": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\S",
                                         "description": "the village database's id: its audit log's device"}},
                              ["code", "schema_version"]),
        "TablePolicy": _obj({"county_owned": {"type": "array", "items": _STR},
                             "county_wins": {"type": "array", "items": _STR},
                             "delete": {"type": "string", "enum": [policy.DELETE_WINS, policy.FORBIDDEN_AFTER_REVIEW]}},
                            ["county_owned", "county_wins", "delete"]),
        "Policy": _obj({"version": _INT, "tables": {"type": "object",
                                                    "additionalProperties": _ref("TablePolicy")}, **_ENV},
                       ["version", "tables"]),
        "Enrollment": _obj({"device_id": _STR, "refresh_token": _STR,
                            "bundle_key": {"type": "string", "description": "base64 of 32 random bytes"},
                            "village_code": {"type": "string", "pattern": r"^\d{12}$"}, "village_name": _STR,
                            "number_block": {"type": "integer", "minimum": 0, "maximum": 9},
                            "policy": _ref("Policy"),
                            "escrow_public_key": {"type": "string", "description": "PEM of the county's X25519 "
                                                  "key-escrow public key, when the server is configured with one"},
                            **_ENV},
                           ["device_id", "refresh_token", "bundle_key", "village_code", "village_name",
                            "number_block", "policy", "server_epoch", "server_time"]),
        "TokenRequest": _obj({"device_id": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\S"},
                              "refresh_token": {"type": "string", "minLength": 1, "maxLength": 512,
                                                "pattern": r"\S"}},
                             ["device_id", "refresh_token"]),
        "Token": _obj({"access_token": _STR, "expires_in": _INT, **_ENV},
                      ["access_token", "expires_in", "server_epoch", "server_time"]),
        "Change": _obj({
            "change_id": {"type": "string", "minLength": 1, "maxLength": 200},
            "seq": _INT,
            "tx_id": {"type": ["string", "null"]},
            "table": {"type": "string", "minLength": 1, "maxLength": 200,
                      "description": "one of the synced tables; another name is rejected per change (code table)"},
            "row_id": {"type": "string", "minLength": 1, "maxLength": 200},
            "op": {"type": "string", "enum": list(protocol.OPS)},
            "base_version": _NULL_INT,
            "data": {"type": "object", "description": "insert: the whole row; update: {field: [old, new]}; "
                                                      "delete: {}"},
            "client_time": _STR, "hlc": _STR,
        }, ["change_id", "seq", "table", "row_id", "op", "data"]),
        "Batch": _obj({
            "protocol": {"type": "integer", "const": protocol.PROTOCOL},
            "schema_version": _INT,
            "device_id": {"type": "string", "minLength": 1, "maxLength": 200},
            "device_epoch": {"type": "string", "minLength": 1, "maxLength": 200},
            "batch_id": {"type": "string", "minLength": 1, "maxLength": 200},
            "first_seq": _NULL_INT, "last_seq": _NULL_INT,
            "payload_sha256": {"type": "string", "description": "protocol.payload_sha256(changes)"},
            "changes": {"type": "array", "items": _ref("Change")},
        }, ["protocol", "schema_version", "device_id", "device_epoch", "batch_id", "payload_sha256", "changes"]),
        "Conflict": _obj({"field": _STR, "mine": value_schema, "theirs": value_schema,
                          "resolution": {"type": "string", "enum": [policy.CLERK_WINS, policy.COUNTY_WINS,
                                                                   policy.DELETE_WINS]}},
                         ["field", "mine", "theirs", "resolution"]),
        "Result": _obj({
            "change_id": _STR, "result": {"type": "string", "enum": list(protocol.OUTCOMES)},
            "server_seq": _NULL_INT, "version": _NULL_INT, "row": {"type": ["object", "null"]},
            "deleted": {"type": "boolean"},
            "code": {"type": ["string", "null"], "enum": [*protocol.REASONS, None]},
            "reason": {"type": ["string", "null"]},
            "conflicts": {"type": "array", "items": _ref("Conflict")},
        }, ["change_id", "result", "server_seq", "version", "row", "deleted", "code", "reason", "conflicts"]),
        "Ack": _obj({"batch_id": _STR, "results": {"type": "array", "items": _ref("Result")},
                     "max_server_seq": _INT, "last_seq": _INT, **_ENV},
                    ["batch_id", "results", "max_server_seq", "last_seq", "server_epoch", "server_time"]),
        "PulledRow": _obj({"server_seq": _INT, "table": {"type": "string", "enum": tables}, "row_id": _STR,
                           "version": _INT, "deleted": {"type": "boolean"}, "row": {"type": ["object", "null"]}},
                          ["server_seq", "table", "row_id", "version", "deleted", "row"]),
        "Pull": _obj({"changes": {"type": "array", "items": _ref("PulledRow")}, "next_cursor": _INT,
                      "has_more": {"type": "boolean"}, **_ENV},
                     ["changes", "next_cursor", "has_more", "server_epoch", "server_time"]),
        "TableDigest": _obj({"count": {"type": "integer", "minimum": 0}, "sha256": _STR}, ["count", "sha256"]),
        "VerifyRequest": _obj({"tables": {"type": "object", "propertyNames": {"enum": tables},
                                          "additionalProperties": _ref("TableDigest")}}, ["tables"]),
        "ServerDigest": _obj({"count": _INT, "sha256": _STR,
                              "buckets": {"type": "object", "propertyNames": {"enum": list(protocol.BUCKETS)},
                                          "additionalProperties": _STR}}, ["count", "sha256"]),
        "Verify": _obj({"tables": {"type": "object", "additionalProperties": _ref("ServerDigest")}, **_ENV},
                       ["tables", "server_epoch", "server_time"]),
        "BucketRow": _obj({"row_id": _STR, "version": _INT, "deleted": {"type": "boolean"},
                           "row": {"type": ["object", "null"]}}, ["row_id", "version", "deleted", "row"]),
        "Bucket": _obj({"rows": {"type": "array", "items": _ref("BucketRow")}, **_ENV},
                       ["rows", "server_epoch", "server_time"]),
        "AuditEntry": _obj({
            "id": {"type": "string", "minLength": 1, "maxLength": 4000},
            "seq": {"type": "integer", "minimum": 1, "maximum": 2**62},
            "device": {"type": "string", "minLength": 1, "maxLength": 200},
            **{k: {"type": "string", "maxLength": 4000} for k in (
                "at", "actor", "actor_name", "role", "action", "object_type", "object_id", "object_label", "detail",
                "prev_hash")},
            "success": {"type": "integer", "enum": [0, 1]},
            "hash": {"type": "string", "minLength": 1, "maxLength": 4000}},
            ["id", "seq", "device", "at", "actor", "actor_name", "role", "action", "object_type", "object_id",
             "object_label", "success", "detail", "prev_hash", "hash"]),
        "AuditPush": _obj({"device": {"type": "string", "minLength": 1, "maxLength": 200,
                                      "description": "the db_id this PC's audit log is written under"},
                           "entries": {"type": "array", "maxItems": protocol.AUDIT_BATCH,
                                       "items": _ref("AuditEntry")}}, ["device", "entries"]),
        "AuditAck": _obj({"acked_seq": {"type": "integer", "description": "the county holds every entry up to it"},
                          "stored": _INT, "duplicates": _INT, "flagged": _INT, **_ENV},
                         ["acked_seq", "stored", "duplicates", "flagged", "server_epoch", "server_time"]),
        "EscrowPush": _obj({"escrow": {"type": "string", "minLength": 1, "maxLength": 4000,
                                       "description": "app_meta 'escrow': JSON of the data key wrapped for the "
                                                      "county's escrow key (kid, db_id, key_check, epk, nonce, "
                                                      "ciphertext)"}}, ["escrow"]),
        "EscrowAck": _obj({"stored": {"type": "boolean"}, "kid": _STR, **_ENV},
                          ["stored", "kid", "server_epoch", "server_time"]),
    }
    gzip_header = {"name": "Content-Encoding", "in": "header", "required": False,
                   "schema": {"type": "string", "enum": ["gzip", "identity"]},
                   "description": "gzip when the body is compressed"}
    bearer: list[dict[str, list[str]]] = [{"bearer": []}]
    paths: dict[str, Any] = {
        protocol.PATH_PING: {"get": {
            "operationId": "ping", "summary": "reachability and the server clock",
            "responses": {"200": _resp("the server epoch and time", "Ping"), **_errors(*_COMMON)}}},
        protocol.PATH_ENROLL: {"post": {
            "operationId": "enroll", "summary": "exchange a one-time enrollment code for a device identity",
            "parameters": [gzip_header],
            "requestBody": {"required": True, "content": _json(_ref("EnrollRequest"))},
            "responses": {"200": _resp("the device identity", "Enrollment"), **_errors(400, 409, 426, *_COMMON)}}},
        protocol.PATH_TOKEN: {"post": {
            "operationId": "token", "summary": "a short-lived access token for the refresh token",
            "parameters": [gzip_header],
            "requestBody": {"required": True, "content": _json(_ref("TokenRequest"))},
            "responses": {"200": _resp("an access token", "Token"), **_errors(400, 401, 403, *_COMMON)}}},
        protocol.PATH_PUSH: {"post": {
            "operationId": "push", "summary": "push one batch of changes (applied in one transaction)",
            "security": bearer,
            "parameters": [gzip_header, {"name": "Idempotency-Key", "in": "header", "required": False,
                                         "schema": _STR, "description": "the batch_id"}],
            "requestBody": {"required": True, "content": _json(_ref("Batch"))},
            "responses": {"200": _resp("a result for every change", "Ack"),
                          **_errors(400, 401, 403, 409, 426, *_COMMON)}}},
        protocol.PATH_PULL: {"get": {
            "operationId": "pull", "summary": "rows of the device's village changed after the cursor",
            "security": bearer,
            "parameters": [
                {"name": "cursor", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 0, "maximum": 2**62, "default": 0}},
                {"name": "limit", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 1, "maximum": 2000, "default": 500}}],
            "responses": {"200": _resp("one page", "Pull"), **_errors(400, 401, 403, *_COMMON)}}},
        protocol.PATH_VERIFY: {"post": {
            "operationId": "verify", "summary": "compare per-table digests of live rows",
            "security": bearer, "parameters": [gzip_header],
            "requestBody": {"required": True, "content": _json(_ref("VerifyRequest"))},
            "responses": {"200": _resp("the server's digests (buckets where they differ)", "Verify"),
                          **_errors(400, 401, 403, *_COMMON)}}},
        protocol.PATH_BUCKET: {"get": {
            "operationId": "bucket", "summary": "all rows of the device's village in one verification bucket",
            "security": bearer,
            "parameters": [
                {"name": "table", "in": "query", "required": True, "schema": {"type": "string", "enum": tables}},
                {"name": "bucket", "in": "query", "required": True,
                 "schema": {"type": "string", "enum": list(protocol.BUCKETS)}}],
            "responses": {"200": _resp("the rows", "Bucket"), **_errors(400, 401, 403, *_COMMON)}}},
        protocol.PATH_POLICY: {"get": {
            "operationId": "policy", "summary": "the conflict policy", "security": bearer,
            "responses": {"200": _resp("the policy", "Policy"), **_errors(401, 403, *_COMMON)}}},
        protocol.PATH_AUDIT: {"post": {
            "operationId": "audit", "summary": "push audit-log entries (idempotent by device, seq and hash; a "
                                               "different hash for a held seq is kept and flagged)",
            "security": bearer, "parameters": [gzip_header],
            "requestBody": {"required": True, "content": _json(_ref("AuditPush"))},
            "responses": {"200": _resp("the highest contiguous seq held", "AuditAck"),
                          **_errors(400, 401, 403, *_COMMON)}}},
        protocol.PATH_ESCROW: {"post": {
            "operationId": "escrow", "summary": "hand the county this PC's wrapped data key (idempotent)",
            "security": bearer, "parameters": [gzip_header],
            "requestBody": {"required": True, "content": _json(_ref("EscrowPush"))},
            "responses": {"200": _resp("stored", "EscrowAck"), **_errors(400, 401, 403, *_COMMON)}}},
        protocol.PATH_OPENAPI: {"get": {
            "operationId": "openapi", "summary": "this document",
            "responses": {"200": {"description": "OpenAPI 3.1", "content": _json({"type": "object"})},
                          **_errors(*_COMMON)}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "zhzx county sync server", "version": str(protocol.PROTOCOL),
                 "description": "综治中心 村—县 同步接口（SYNC.md §7）。请求体可 gzip 压缩（Content-Encoding: gzip）。"},
        "paths": paths,
        "components": {"schemas": schemas,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


@cache
def document_bytes() -> bytes:
    return protocol.dumps(document())
