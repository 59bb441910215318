"""The USB path (no network): the village exports its pending changes as a sealed bundle, the county imports it
and hands back a sealed receipt with the acks and the rows the village should pull.

File format (both directions): ``MAGIC`` + 4-byte big-endian header length + the clear header (compact JSON
``{format, device_id, bundle_id}``) + 12-byte nonce + AES-GCM ciphertext of the gzip JSON payload, under the
device's bundle key (given at enrollment, kept in the keyring), with the clear header as associated data: a
changed header or payload fails to open.
"""

from __future__ import annotations

import os
import struct
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from sync import client, credentials, outbox, protocol
from zhzx_desktop.domain.roles import Permission
from zhzx_desktop.errors import KnownError
from zhzx_desktop.services.ledger import Ledger

MAGIC: Final = b"ZHZXSYNC1\n"
BUNDLE_FORMAT: Final = "zhzx-bundle-1"
RECEIPT_FORMAT: Final = "zhzx-receipt-1"


@dataclass(frozen=True)
class BundleInfo:
    bundle_id: str
    changes: int
    path: Path


@dataclass(frozen=True)
class ReceiptInfo:
    bundle_id: str
    acked: int
    rejected: int
    pulled: int
    already: bool


def seal(key: bytes, header: dict[str, Any], payload: Any) -> bytes:
    head = protocol.dumps(header)
    nonce = os.urandom(12)
    return MAGIC + struct.pack(">I", len(head)) + head + nonce + AESGCM(key).encrypt(nonce, protocol.encode(payload),
                                                                                    head)


def read_header(data: bytes) -> tuple[dict[str, Any], bytes, bytes]:
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 4:
        raise KnownError("这不是本系统的同步数据包或回执文件。")
    (size,) = struct.unpack(">I", data[len(MAGIC):len(MAGIC) + 4])
    head = data[len(MAGIC) + 4:len(MAGIC) + 4 + size]
    rest = data[len(MAGIC) + 4 + size:]
    try:
        header = protocol.decode(head, None)
    except ValueError as exc:
        raise KnownError("同步文件已损坏（文件头无法读取）。") from exc
    return dict(header), head, rest


def unseal(data: bytes, key_for_device: Callable[[str], bytes], expected_format: str) -> tuple[dict[str, Any], Any]:
    header, head, rest = read_header(data)
    if header.get("format") != expected_format:
        raise KnownError("同步文件的类型不对（数据包与回执不要弄混）。")
    key = key_for_device(str(header.get("device_id")))
    try:
        plain = AESGCM(key).decrypt(rest[:12], rest[12:], head)
    except (InvalidTag, ValueError) as exc:
        raise KnownError("同步文件已损坏或被改动过，无法打开。") from exc
    return header, protocol.decode(plain, "gzip")


# -- county side (called by the server's import-bundle) ---------------------------------------------------------

def open_bundle(data: bytes, key_for_device: Callable[[str], bytes]) -> dict[str, Any]:
    """``{format, device_id, bundle_id, batch (a push batch or None), pull_cursor, created_at}``."""
    header, payload = unseal(data, key_for_device, BUNDLE_FORMAT)
    if payload.get("device_id") != header.get("device_id") or payload.get("bundle_id") != header.get("bundle_id"):
        raise KnownError("数据包的内容与文件头不一致。")
    return dict(payload)


def seal_receipt(key: bytes, *, device_id: str, bundle_id: str, ack: dict[str, Any] | None,
                 changes: list[dict[str, Any]], next_cursor: int, server_epoch: str, server_time: str) -> bytes:
    """The county's answer: ``ack`` as a push would return it (None when the bundle had no batch), ``changes`` as a
    pull page (``{server_seq, table, row_id, version, deleted, row}``) from the bundle's cursor."""
    header = {"format": RECEIPT_FORMAT, "device_id": device_id, "bundle_id": bundle_id}
    return seal(key, header, {**header, "ack": ack, "changes": changes, "next_cursor": next_cursor,
                              "server_epoch": server_epoch, "server_time": server_time})


# -- village side -----------------------------------------------------------------------------------------------

def export_bundle(db_path: Path | str, out_path: Path | str) -> BundleInfo:
    """Freeze every pending change into one batch (or take the in-flight one again), seal it with the pull cursor."""
    store = client.open_sync_store(db_path)
    try:
        device_id = outbox.get_state(store.conn, "device_id")
        if not device_id:
            raise KnownError("本电脑还没有注册到县里服务器，不能导出数据包。")
        db_id = client._db_id(store)
        key = credentials.bundle_key(db_id)
        batch = outbox.freeze(store, max_changes=1_000_000_000, max_bytes=1 << 40)
        bundle_id = uuid.uuid4().hex
        epoch = outbox.get_state(store.conn, "device_epoch")
        header = {"format": BUNDLE_FORMAT, "device_id": device_id, "bundle_id": bundle_id}
        payload = {**header, "batch": batch.body(device_id=device_id, device_epoch=epoch) if batch else None,
                   "pull_cursor": int(outbox.get_state(store.conn, "pull_cursor", "0") or 0),
                   "created_at": outbox.now_iso()}
        data = seal(key, header, payload)
        out = Path(out_path)
        tmp = out.with_name(f".{out.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, out)
        client.write_state_file(db_id, epoch, outbox.max_seq(store.conn))
        return BundleInfo(bundle_id, len(batch.changes) if batch else 0, out)
    finally:
        store.close()


def export_bundle_for(ledger: Ledger, out_path: Path | str) -> BundleInfo:
    """``export_bundle`` for the logged-in actor (the GUI): carrying data out on a USB stick needs ``EXPORT``, and
    the audit log records how many changes went to which file."""
    ledger.require(Permission.EXPORT, "导出同步数据包到U盘")
    info = export_bundle(ledger.store.path, out_path)
    ledger.audit("export", object_type="sync", object_label="同步数据包",
                 detail=f"{info.changes} 条修改，导出到 {Path(out_path).name}")
    return info


def import_receipt(db_path: Path | str, receipt_path: Path | str) -> ReceiptInfo:
    """Record the acks and apply the pulled rows; importing the same receipt twice changes nothing."""
    store = client.open_sync_store(db_path)
    try:
        db_id = client._db_id(store)
        own = outbox.get_state(store.conn, "device_id")
        header, payload = unseal(Path(receipt_path).read_bytes(), lambda _d: credentials.bundle_key(db_id),
                                 RECEIPT_FORMAT)
        if header.get("device_id") != own:
            raise KnownError("这个回执是给另一台电脑的。")
        bundle_id = str(header["bundle_id"])
        done = outbox.get_state(store.conn, "receipts_imported").split()
        if bundle_id in done:
            return ReceiptInfo(bundle_id, 0, 0, 0, True)
        ack = payload.get("ack")
        acked = rejected = 0
        if ack:
            summary = outbox.record_ack(store, str(ack.get("batch_id")), ack)
            acked = summary.applied + summary.duplicates + summary.merged + summary.conflicts
            rejected = summary.rejected
        items = [outbox.ServerRow(str(c["table"]), str(c["row_id"]), int(c["version"]), bool(c.get("deleted")),
                                  c.get("row")) for c in payload.get("changes") or []]
        with store.write() as conn:
            counted = outbox.apply_server_rows(conn, items)
            cursor = int(outbox.get_state(conn, "pull_cursor", "0") or 0)
            outbox.set_state(conn, "pull_cursor", str(max(cursor, int(payload.get("next_cursor") or 0))))
            outbox.set_state(conn, "receipts_imported", " ".join([*done[-49:], bundle_id]))
            if payload.get("server_epoch") and not outbox.get_state(conn, "server_epoch"):
                outbox.set_state(conn, "server_epoch", str(payload["server_epoch"]))
        return ReceiptInfo(bundle_id, acked, rejected, counted.applied, False)
    finally:
        store.close()
