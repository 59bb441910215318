"""Encrypted backups of one database, their rotation, restore, and the health check (issue 6 point 4).

A backup is a consistent snapshot taken with SQLite's online backup API (the app may keep working), written to a
temporary plain file beside the database (same protection as the database; always removed), then encrypted into
``zhzx-<db_id[:8]>-YYYYMMDD-HHMMSS.zbk``::

    ZHZX-BACKUP 1\\n
    {"db_id": …, "key_check": …, "created_at": …, "schema_version": …, "app_version": …, "escrow": …,
     "size": …, "sha256": …, "chunk_size": …}\\n
    (4-byte big-endian length, FieldCipher.seal_bytes(chunk))*

Chunks are zlib-compressed before they are sealed (``compression`` in the header). The header is readable without the key (list, pick, recover the key through escrow). Each 1 MiB chunk is sealed
with AES-GCM bound to the database id, a digest of the header line, the chunk's index and whether it is the last
one — so a changed header, a flipped byte, reordered or missing chunks and a truncated file are all refused, and
the plaintext's SHA-256 is checked at the end. The newest ``KEEP`` backups of a database stay in the main folder;
an optional second folder (a USB stick) gets a copy, and trouble there is a warning, not a failure.

A restore decrypts and verifies everything (hash, ``PRAGMA integrity_check``, database id and key) into a temp file
beside the database before anything is touched; then the current database (with its -wal/-shm) is moved aside to
``<name>.before-restore-<time>`` and the restored file renamed into place. Nothing is overwritten without a copy.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import struct
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from zhzx_desktop import __version__, paths
from zhzx_desktop.errors import KnownError
from zhzx_desktop.security import audit, keys
from zhzx_desktop.security.field_crypto import FieldCipher
from zhzx_desktop.security.session import Actor, Session, system_actor
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.services.progress import Progress, report
from zhzx_desktop.storage import capture, migrations
from zhzx_desktop.storage.db import Store

log = logging.getLogger(__name__)

MAGIC = b"ZHZX-BACKUP 1\n"
SUFFIX = ".zbk"
CHUNK_BYTES = 1 << 20
COMPRESS_LEVEL = 1  # fast; a database file still shrinks to a fraction
KEEP = 14  # backups of one database kept in each folder
PAGES_PER_STEP = 1024  # SQLite backup API step (pages); progress is reported between steps
_MAX_HEADER = 64 * 1024
_LEN = struct.Struct(">I")
_SEAL_OVERHEAD = 12 + 16  # nonce + GCM tag
_SCALE = 1000  # progress: 0–500 the snapshot, 500–1000 the encryption (or the decryption and checks)


@dataclass(frozen=True)
class BackupHeader:
    """What a backup file says about itself, readable without the key."""

    db_id: str
    key_check: str
    created_at: str  # local time with offset, ISO 8601, seconds
    schema_version: int
    app_version: str
    escrow: str | None  # app_meta 'escrow' when the backup was made: the data key wrapped for the county
    size: int  # bytes of the plain database file
    sha256: str  # of the plain database file
    chunk_size: int = CHUNK_BYTES
    compression: str = "zlib"  # each chunk is compressed before it is sealed ('' = not)

    def line(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"

    @property
    def created(self) -> datetime:
        return datetime.fromisoformat(self.created_at)


@dataclass(frozen=True)
class BackupFile:
    path: Path
    header: BackupHeader
    size: int  # bytes on disk


@dataclass
class BackupResult:
    path: Path
    size: int
    copy: Path | None = None  # in the second folder
    warnings: list[str] = field(default_factory=list)  # Chinese; the second folder could not be written, …
    removed: list[Path] = field(default_factory=list)  # old backups rotated out


@dataclass(frozen=True)
class RestoreResult:
    db_path: Path
    header: BackupHeader
    aside: Path | None  # where the replaced database was moved (None: there was none)
    previous_entries: int | None  # audit entries the replaced database had (None: unreadable or none)


# ---- the file format


def _context(header_line: bytes, db_id: str, index: int, final: bool) -> str:
    digest = hashlib.sha256(header_line).hexdigest()[:32]
    return f"zhzx-backup/{db_id}/{digest}/{index}/{int(final)}"


def _chunks(size: int, chunk_size: int) -> int:
    return max(1, -(-size // chunk_size))


def _parse_header(line: bytes, path: Path) -> BackupHeader:
    try:
        raw = json.loads(line.decode("utf-8"))
        header = BackupHeader(
            db_id=str(raw["db_id"]), key_check=str(raw["key_check"]), created_at=str(raw["created_at"]),
            schema_version=int(raw["schema_version"]), app_version=str(raw["app_version"]),
            escrow=None if raw.get("escrow") is None else str(raw["escrow"]), size=int(raw["size"]),
            sha256=str(raw["sha256"]), chunk_size=int(raw.get("chunk_size", CHUNK_BYTES)),
            compression=str(raw.get("compression", "")))
        header.created  # noqa: B018 - a valid time
    except (ValueError, KeyError, TypeError) as exc:
        raise KnownError(f"备份文件 {path.name} 的文件头已损坏，无法使用。") from exc
    if header.size < 0 or not 1024 <= header.chunk_size <= 64 * CHUNK_BYTES or header.compression not in ("", "zlib"):
        raise KnownError(f"备份文件 {path.name} 的文件头已损坏，无法使用。")
    return header


def _read_head(stream: BinaryIO, path: Path) -> tuple[BackupHeader, bytes]:
    if stream.read(len(MAGIC)) != MAGIC:
        raise KnownError(f"{path.name} 不是本程序的备份文件（或已损坏）。")
    line = stream.readline(_MAX_HEADER)
    if not line.endswith(b"\n"):
        raise KnownError(f"备份文件 {path.name} 的文件头已损坏，无法使用。")
    return _parse_header(line, path), line


def read_header(path: Path | str) -> BackupHeader:
    """The header of a backup file (no key needed); ``KnownError`` in Chinese when it is not a readable backup."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            return _read_head(handle, path)[0]
    except OSError as exc:
        raise KnownError(f"无法读取备份文件 {path}：{exc.strerror or exc}") from exc


def list_backups(folder: Path | str, db_id: str | None = None) -> list[BackupFile]:
    """The readable backups in ``folder`` (of database ``db_id`` when given), newest first."""
    found: list[BackupFile] = []
    try:
        candidates = sorted(Path(folder).glob(f"*{SUFFIX}"))
    except OSError:
        return []
    for path in candidates:
        try:
            header = read_header(path)
            size = path.stat().st_size
        except (KnownError, OSError):
            continue
        if db_id is None or header.db_id == db_id:
            found.append(BackupFile(path, header, size))
    found.sort(key=lambda b: (b.header.created.timestamp(), b.path.name), reverse=True)
    return found


# ---- making a backup


def backup(ledger: Ledger, dest_dir: Path | str | None = None, progress: Progress | None = None) -> Path:
    """Back up the ledger's database into ``dest_dir`` (the main backup folder by default); returns the file."""
    return run_backup(ledger, dest_dir=dest_dir, progress=progress).path


def run_backup(ledger: Ledger, *, dest_dir: Path | str | None = None, extra_dir: Path | str | None = None,
               progress: Progress | None = None, now: datetime | None = None, keep: int = KEEP) -> BackupResult:
    """``backup`` with everything around it: a copy in ``extra_dir`` (warnings instead of failures there),
    rotation (the newest ``keep`` of this database in each folder) and the audit entry."""
    store = ledger.store
    db_id, key_check = store.meta("db_id"), store.meta("key_check")
    if db_id is None or key_check is None:
        raise KnownError("数据库缺少编号或密钥校验值，无法备份。")
    dest = Path(dest_dir) if dest_dir is not None else paths.backup_dir(store.path)
    when = (now or datetime.now()).astimezone()
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KnownError(f"无法创建备份文件夹 {dest}：{exc.strerror or exc}") from exc
    plain = _temp_beside(store.path, "backup")
    try:
        _snapshot(store.conn, plain, progress)
        size, digest = _digest(plain)
        header = BackupHeader(db_id=db_id, key_check=key_check, created_at=when.isoformat(timespec="seconds"),
                              schema_version=migrations.schema_version(store.conn), app_version=__version__,
                              escrow=store.meta("escrow"), size=size, sha256=digest)
        target = _free_name(dest, f"zhzx-{db_id[:8]}-{when:%Y%m%d-%H%M%S}")
        _seal_file(plain, target, header, ledger.cipher, progress)
    finally:
        _unlink_quietly(plain)
    result = BackupResult(target, target.stat().st_size)
    result.removed = rotate(dest, db_id, keep)
    if extra_dir:
        _copy_to_extra(result, Path(extra_dir), db_id, keep)
    detail = f"{result.size} 字节"
    if result.copy is not None:
        detail += "；另存一份到第二备份位置"
    ledger.audit("backup", object_type="backup", object_label=target.name, detail=detail)
    log.info("backup written: %s (%d bytes)", target, result.size)
    return result


def rotate(folder: Path, db_id: str, keep: int = KEEP) -> list[Path]:
    """Delete all but the newest ``keep`` backups of ``db_id`` in ``folder``; returns what was deleted."""
    removed = []
    for old in list_backups(folder, db_id)[keep:]:
        try:
            old.path.unlink()
            removed.append(old.path)
        except OSError as exc:
            log.warning("could not remove the old backup %s: %s", old.path.name, exc)
    return removed


def _temp_beside(db_path: Path, what: str) -> Path:
    folder = db_path.resolve().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=folder, prefix=f".{db_path.name}.{what}-", suffix=".tmp")
    except OSError as exc:
        raise KnownError(f"无法在 {folder} 中写入临时文件：{exc.strerror or exc}") from exc
    os.close(fd)
    return Path(name)


def _unlink_quietly(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        try:
            Path(str(path) + suffix).unlink(missing_ok=True)
        except OSError as exc:  # pragma: no cover - e.g. a virus scanner holding it on Windows
            log.warning("could not remove the temporary file %s: %s", path.name, exc)


def _snapshot(conn: sqlite3.Connection, plain: Path, progress: Progress | None) -> None:
    """A consistent copy of the live database (SQLite's online backup API, in steps)."""
    def step(_status: int, remaining: int, total: int) -> None:
        report(progress, (total - remaining) * (_SCALE // 2) // max(total, 1), _SCALE)

    target = sqlite3.connect(str(plain))
    try:
        conn.backup(target, pages=PAGES_PER_STEP, progress=step)
    except sqlite3.OperationalError as exc:
        raise KnownError(f"备份时无法读取数据库或写入临时文件：{exc}（磁盘可能已满）。") from exc
    finally:
        target.close()


def _digest(path: Path) -> tuple[int, str]:
    sha = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(CHUNK_BYTES):
            sha.update(block)
            size += len(block)
    return size, sha.hexdigest()


def _free_name(folder: Path, stem: str) -> Path:
    target = folder / f"{stem}{SUFFIX}"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{stem}-{n}{SUFFIX}"
    return target


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows: directories cannot be opened; its rename is durable enough
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _seal_file(plain: Path, target: Path, header: BackupHeader, cipher: FieldCipher,
               progress: Progress | None) -> None:
    tmp = target.with_name(f".{target.name}.tmp")
    line = header.line()
    total = _chunks(header.size, header.chunk_size)
    try:
        with plain.open("rb") as source, tmp.open("wb") as out:
            out.write(MAGIC + line)
            for index in range(total):
                chunk = source.read(header.chunk_size)
                if header.compression:
                    chunk = zlib.compress(chunk, COMPRESS_LEVEL)
                sealed = cipher.seal_bytes(chunk, context=_context(line, header.db_id, index, index == total - 1))
                out.write(_LEN.pack(len(sealed)) + sealed)
                report(progress, _SCALE // 2 + (index + 1) * (_SCALE // 2) // total, _SCALE)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise KnownError(f"无法写入备份文件 {target}：{exc.strerror or exc}（磁盘可能已满）。") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _copy_to_extra(result: BackupResult, extra: Path, db_id: str, keep: int) -> None:
    if not extra.is_dir():
        result.warnings.append(f"找不到第二备份位置 {extra}（U盘没有插好？），这次只备份到了 {result.path.parent}。")
        return
    target = extra / result.path.name
    tmp = extra / f".{result.path.name}.tmp"
    try:
        with result.path.open("rb") as source, tmp.open("wb") as out:
            shutil.copyfileobj(source, out, CHUNK_BYTES)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
        _fsync_dir(extra)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        result.warnings.append(f"第二备份位置 {extra} 无法写入（{exc.strerror or exc}），"
                               f"这次只备份到了 {result.path.parent}。")
        return
    result.copy = target
    rotate(extra, db_id, keep)


# ---- reading a backup back


def _open_chunks(path: Path, cipher: FieldCipher) -> tuple[BackupHeader, Iterator[bytes]]:
    """The header and the decrypted chunks, each checked (``KnownError`` on any damage)."""
    handle = path.open("rb")
    try:
        header, line = _read_head(handle, path)
    except BaseException:
        handle.close()
        raise
    if cipher.key_check() != header.key_check:
        handle.close()
        raise KnownError(f"备份文件 {path.name} 不是用本机这个数据密钥加密的（属于另一个数据库或另一把密钥），"
                         "无法恢复。如果是从别的电脑拿来的备份，请先通过县综治中心恢复它的密钥。")
    damaged = f"备份文件 {path.name} 已损坏或被改动（%s），不能用来恢复。请换一个备份。"

    def chunks() -> Iterator[bytes]:
        with handle:
            total = _chunks(header.size, header.chunk_size)
            for index in range(total):
                prefix = handle.read(_LEN.size)
                if len(prefix) < _LEN.size:
                    raise KnownError(damaged % "文件不完整")
                (length,) = _LEN.unpack(prefix)
                if length > header.chunk_size + header.chunk_size // 100 + 1024 + _SEAL_OVERHEAD:
                    raise KnownError(damaged % f"第{index + 1}块长度不对")
                sealed = handle.read(length)
                if len(sealed) < length:
                    raise KnownError(damaged % "文件不完整")
                context = _context(line, header.db_id, index, index == total - 1)
                try:
                    chunk = cipher.open_bytes(sealed, context=context)
                except KnownError as exc:
                    raise KnownError(damaged % f"第{index + 1}块校验失败") from exc
                if header.compression:
                    inflate = zlib.decompressobj()
                    try:
                        chunk = inflate.decompress(chunk, header.chunk_size)
                    except zlib.error as exc:
                        raise KnownError(damaged % f"第{index + 1}块无法解压") from exc
                    if inflate.unconsumed_tail or not inflate.eof:
                        raise KnownError(damaged % f"第{index + 1}块无法解压")
                yield chunk
            if handle.read(1):
                raise KnownError(damaged % "末尾有多余的数据")
    return header, chunks()


def decrypt_to(path: Path, cipher: FieldCipher, target: Path, progress: Progress | None = None) -> BackupHeader:
    """Decrypt backup ``path`` into ``target`` and check its size and SHA-256."""
    header, chunks = _open_chunks(path, cipher)
    sha = hashlib.sha256()
    size = 0
    total = _chunks(header.size, header.chunk_size)
    with target.open("wb") as out:
        for index, chunk in enumerate(chunks):
            sha.update(chunk)
            size += len(chunk)
            out.write(chunk)
            report(progress, (index + 1) * (_SCALE // 2) // total, _SCALE)
        out.flush()
        os.fsync(out.fileno())
    if size != header.size or sha.hexdigest() != header.sha256:
        raise KnownError(f"备份文件 {path.name} 解密后的内容与记录的校验值不符，不能用来恢复。")
    return header


def verify(path: Path | str, cipher: FieldCipher) -> BackupHeader:
    """Read the whole backup and check every chunk and the hash, without writing anything."""
    path = Path(path)
    header, chunks = _open_chunks(path, cipher)
    sha = hashlib.sha256()
    size = 0
    for chunk in chunks:
        sha.update(chunk)
        size += len(chunk)
    if size != header.size or sha.hexdigest() != header.sha256:
        raise KnownError(f"备份文件 {path.name} 解密后的内容与记录的校验值不符，不能用来恢复。")
    return header


def _immutable(path: Path) -> sqlite3.Connection:
    """A read-only connection to a file nobody else has open (no -wal/-shm created beside it)."""
    return sqlite3.connect(path.resolve().as_uri() + "?immutable=1", uri=True)


def _check_restored(plain: Path, header: BackupHeader, name: str) -> None:
    try:
        conn = _immutable(plain)
        try:
            result = [str(r[0]) for r in conn.execute("PRAGMA integrity_check(20)")]
            meta = dict(conn.execute("SELECT k, v FROM app_meta WHERE k IN ('db_id', 'key_check')").fetchall())
            version = migrations.schema_version(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise KnownError(f"备份文件 {name} 中的数据库无法读取（{exc}），不能用来恢复。") from exc
    if result != ["ok"]:
        raise KnownError(f"备份文件 {name} 中的数据库未通过完整性检查，不能用来恢复。")
    if meta.get("db_id") != header.db_id or meta.get("key_check") != header.key_check:
        raise KnownError(f"备份文件 {name} 的内容与文件头记录的数据库不一致，不能用来恢复。")
    if version > migrations.LATEST:
        raise KnownError(f"备份文件 {name} 来自更新版本的程序（结构版本 {version}），请先升级本程序。")


def _audit_entries(db_path: Path) -> int | None:
    if not db_path.exists():
        return None
    try:
        conn = sqlite3.connect(str(db_path))
        try:
            row = conn.execute("SELECT max(seq) FROM audit_log").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return None if row is None or row[0] is None else int(row[0])


def _move_aside(db_path: Path, stamp: str) -> Path | None:
    """Move the current database and its -wal/-shm to ``<name>.before-restore-<stamp>`` (nothing is deleted)."""
    present = [s for s in ("", "-wal", "-shm") if Path(str(db_path) + s).exists()]
    if not present:
        return None
    aside = db_path.with_name(f"{db_path.name}.before-restore-{stamp}")
    n = 1
    while any(Path(str(aside) + s).exists() for s in ("", "-wal", "-shm")):
        n += 1
        aside = db_path.with_name(f"{db_path.name}.before-restore-{stamp}-{n}")
    moved: list[tuple[Path, Path]] = []
    try:
        for suffix in present:
            source, target = Path(str(db_path) + suffix), Path(str(aside) + suffix)
            os.replace(source, target)
            moved.append((source, target))
    except OSError as exc:
        for source, target in reversed(moved):  # put back what was moved: the database stays as it was
            os.replace(target, source)
        raise KnownError(f"无法把当前数据库另存为 {aside.name}（{exc.strerror or exc}）；请先关闭本程序的所有窗口再恢复。"
                         ) from exc
    return aside


def restore(backup_file: Path | str, db_path: Path | str, cipher: FieldCipher, progress: Progress | None = None,
            *, actor: Actor | None = None) -> RestoreResult:
    """Put the database in ``backup_file`` at ``db_path``; the database there is moved aside first. The app must not
    have ``db_path`` open (the GUI asks the clerk to restart)."""
    source, target = Path(backup_file), Path(db_path)
    header = read_header(source)
    plain = _temp_beside(target, "restore")
    try:
        decrypt_to(source, cipher, plain, progress)
        _check_restored(plain, header, source.name)
        report(progress, _SCALE * 9 // 10, _SCALE)
        previous = _audit_entries(target)
        aside = _move_aside(target, datetime.now().strftime("%Y%m%d-%H%M%S"))
        try:
            os.replace(plain, target)
        except OSError as exc:
            raise KnownError(f"无法把恢复的数据库放到 {target}：{exc.strerror or exc}。原数据库在 {aside}。") from exc
        _fsync_dir(target.resolve().parent)
    finally:
        _unlink_quietly(plain)
    ledger = Ledger(Store(target), cipher, session=Session(actor or system_actor()))
    try:
        detail = f"备份时间 {header.created_at}"
        detail += f"；恢复前的数据库有审计记录 {previous} 条" if previous is not None else "；恢复前的数据库无法读取"
        if aside is not None:
            detail += f"，已另存为 {aside.name}"
        ledger.audit("restore", object_type="backup", object_label=source.name, detail=detail)
        audit.reanchor(ledger.store)
    finally:
        ledger.close()
    report(progress, _SCALE, _SCALE)
    log.info("restored %s from %s (previous database moved to %s)", target, source.name, aside)
    return RestoreResult(target, header, aside, previous)


def cipher_for(header: BackupHeader) -> FieldCipher:
    """The data key of the backup's database from this PC's keyring (``KnownError`` when it is not there)."""
    return keys.open_cipher(header.db_id, header.key_check)[0]


def restore_latest(folder: Path, db_path: Path, db_id: str | None = None, progress: Progress | None = None,
                   *, actor: Actor | None = None) -> RestoreResult:
    """Restore the newest backup in ``folder`` (of ``db_id`` when given) that reads back whole."""
    candidates = list_backups(folder, db_id)
    if not candidates:
        raise KnownError(f"在 {folder} 中没有找到{'这个数据库的' if db_id else ''}备份文件。")
    problems = []
    for candidate in candidates:
        try:
            cipher = cipher_for(candidate.header)
            verify(candidate.path, cipher)
        except KnownError as exc:
            problems.append(exc.message)
            continue
        return restore(candidate.path, db_path, cipher, progress, actor=actor)
    raise KnownError("没有可以恢复的备份：" + "；".join(problems[:3]))


def database_id(db_path: Path) -> str | None:
    """The db_id of a database file, read without opening it for the app (None when unreadable)."""
    try:
        conn = sqlite3.connect(db_path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT v FROM app_meta WHERE k = 'db_id'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return None if row is None else str(row[0])


# ---- the health check


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """``PRAGMA integrity_check`` as Chinese problems (empty: the file is sound)."""
    try:
        rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check(20)")]
    except sqlite3.DatabaseError as exc:
        return [f"数据库文件已损坏，无法读取（{exc}）。请从备份恢复。"]
    if rows == ["ok"]:
        return []
    return [f"数据库文件已损坏（完整性检查发现问题：{'；'.join(rows[:3])}）。请从备份恢复。"]


def check(target: Ledger | Path | str) -> list[str]:
    """Everything that should hold of a database, as Chinese problems; empty means healthy."""
    if isinstance(target, Ledger):
        problems = _check(target.store.conn, target.cipher)
        try:
            target.audit("check", object_type="database", object_label=target.store.path.name,
                         success=not problems, detail=f"发现 {len(problems)} 个问题" if problems else "未发现问题")
        except (sqlite3.Error, KnownError) as exc:
            log.warning("could not record the check: %s", exc)
        return problems
    path = Path(target)
    if not path.is_file():
        return [f"找不到数据库文件 {path}。"]
    try:
        conn = sqlite3.connect(str(path), isolation_level=None)
    except sqlite3.Error as exc:
        return [f"无法打开数据库文件 {path}：{exc}"]
    try:
        return _check(conn, None)
    finally:
        conn.close()


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _check(conn: sqlite3.Connection, cipher: FieldCipher | None) -> list[str]:
    problems = integrity_problems(conn)
    try:
        tables = _tables(conn)
        version = migrations.schema_version(conn)
    except sqlite3.DatabaseError as exc:
        return problems or [f"数据库文件已损坏，无法读取（{exc}）。请从备份恢复。"]
    if version == 0 or "app_meta" not in tables:
        return [*problems, "这不是本程序的数据库（没有找到本程序的表）。"]
    if version > migrations.LATEST:
        problems.append(f"数据库的结构版本（{version}）比本程序支持的（{migrations.LATEST}）更新，请升级本程序。")
    for part in (_foreign_keys, _key, _audit_chain, _capture, _outbox):
        try:
            problems.extend(part(conn, cipher, tables))
        except sqlite3.DatabaseError as exc:
            problems.append(f"检查时无法读取数据库（{exc}）。")
    return problems


def _foreign_keys(conn: sqlite3.Connection, _cipher: FieldCipher | None, _tables: set[str]) -> list[str]:
    counts: dict[tuple[str, str], int] = {}
    for table, _rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check"):
        counts[(str(table), str(parent))] = counts.get((str(table), str(parent)), 0) + 1
    return [f"表 {table} 有 {n} 行引用了表 {parent} 中不存在的记录。" for (table, parent), n in sorted(counts.items())]


def _key(conn: sqlite3.Connection, cipher: FieldCipher | None, _tables: set[str]) -> list[str]:
    meta = dict(conn.execute("SELECT k, v FROM app_meta WHERE k IN ('db_id', 'key_check')").fetchall())
    db_id, key_check = meta.get("db_id"), meta.get("key_check")
    if not db_id:
        return ["数据库缺少编号（app_meta.db_id）。"]
    if not key_check:
        return ["数据库没有记录密钥校验值（app_meta.key_check），无法确认数据密钥。"]
    if cipher is None:
        try:
            cipher = keys.open_cipher(str(db_id), str(key_check))[0]
        except KnownError as exc:
            return [exc.message]
    if cipher.key_check() != key_check:
        return ["数据密钥与本数据库不匹配。"]
    return []


def _audit_chain(conn: sqlite3.Connection, _cipher: FieldCipher | None, tables: set[str]) -> list[str]:
    if "audit_log" not in tables:
        return []
    result = audit.verify(conn)
    if result.ok:
        return []
    return [f"审计日志校验失败：{result.problem or '原因不明'}。"]


def _capture(conn: sqlite3.Connection, _cipher: FieldCipher | None, tables: set[str]) -> list[str]:
    problems = []
    triggers = {str(name): str(sql) for name, sql in
                conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")}
    for table in migrations.CAPTURED_TABLES:
        if table not in tables:
            problems.append(f"缺少表 {table}。")
            continue
        missing = [s for s in ("insert", "update", "delete", "immutable_id") if f"{table}_capture_{s}" not in triggers]
        if missing:
            problems.append(f"表 {table} 缺少同步触发器（{'、'.join(missing)}），它的修改不会上报县平台。")
            continue
        insert_sql = triggers[f"{table}_capture_insert"]
        stale = [c for c in capture.captured_columns(conn, table) if f"'{c}', NEW." not in insert_sql]
        if stale:
            problems.append(f"表 {table} 的同步触发器没有包括字段 {'、'.join(stale)}。")
    return problems


def _outbox(conn: sqlite3.Connection, _cipher: FieldCipher | None, tables: set[str]) -> list[str]:
    if "sync_outbox" not in tables:
        return ["缺少同步待上报表（sync_outbox）。"]
    problems = []
    captured = ", ".join(f"'{t}'" for t in migrations.CAPTURED_TABLES)
    bad_state = conn.execute("SELECT count(*) FROM sync_outbox WHERE state NOT IN "
                             "('pending', 'inflight', 'acked', 'quarantined')").fetchone()[0]
    if bad_state:
        problems.append(f"同步待上报表中有 {bad_state} 条记录的状态无效。")
    orphan = conn.execute("SELECT count(*) FROM sync_outbox WHERE state = 'inflight' AND batch_id IS NULL"
                          ).fetchone()[0]
    if orphan:
        problems.append(f"同步待上报表中有 {orphan} 条“正在上报”的记录不属于任何批次。")
    foreign = conn.execute(f"SELECT count(*) FROM sync_outbox WHERE table_name NOT IN ({captured})").fetchone()[0]
    if foreign:
        problems.append(f"同步待上报表中有 {foreign} 条记录属于不上报的表。")
    if "sync_state" in tables:
        row = conn.execute("SELECT v FROM sync_state WHERE k = 'current_tx'").fetchone()
        if row is not None and row[0]:
            problems.append("数据库记录着一个未完成的写入（sync_state.current_tx 不为空）。")
    return problems


# ---- damage noticed at start (the GUI's restore guidance)


def damage_marker(db_id: str) -> Path:
    """Left by a failed background integrity check, so the next start checks thoroughly and offers a restore."""
    return paths.state_dir() / f"{db_id}.damaged"


def mark_damaged(db_path: Path, problem: str) -> None:
    db_id = database_id(db_path)
    if db_id is None:
        return
    try:
        marker = damage_marker(db_id)
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(problem, encoding="utf-8")
    except OSError as exc:
        log.warning("could not leave the damage marker: %s", exc)


def startup_damage(db_path: Path, *, thorough: bool = False) -> str | None:
    """Why the database at ``db_path`` should not be opened (Chinese), or None. Cheap unless ``thorough`` or a
    background check marked the database damaged last time: then ``PRAGMA integrity_check`` decides."""
    if not db_path.is_file() or db_path.stat().st_size == 0:  # none yet: the app creates it
        return None
    db_id = database_id(db_path)
    marker = damage_marker(db_id) if db_id else None
    if db_id is not None and not thorough and not (marker is not None and marker.exists()):
        return None
    try:
        conn = sqlite3.connect(db_path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            problems = integrity_problems(conn)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        problems = [f"数据库文件已损坏，无法读取（{exc}）。"]
    if not problems and db_id is None:
        problems = ["数据库文件无法读取（没有找到本程序的数据）。"]
    if not problems and marker is not None:
        marker.unlink(missing_ok=True)
    return problems[0] if problems else None


# ---- a restore chosen while the app has the database open: done at the next start, before it opens


def _pending_file(db_path: Path) -> Path:
    return db_path.with_name(f"{db_path.name}.restore-pending.json")


def request_restore(db_path: Path, backup_file: Path, actor: Actor | None) -> Path:
    """Remember that ``backup_file`` is to be restored onto ``db_path`` when the app next starts (the database
    cannot be replaced while it is open). The backup is checked first (``verify`` needs the key)."""
    pending = _pending_file(db_path)
    data = {"backup": str(Path(backup_file).resolve()), "requested_at": datetime.now().astimezone().isoformat(
        timespec="seconds"), "actor": None if actor is None else {
            "account_id": actor.account_id, "username": actor.username, "display_name": actor.display_name,
            "role": str(actor.role)}}
    try:
        pending.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    except OSError as exc:
        raise KnownError(f"无法记下要恢复的备份：{exc.strerror or exc}") from exc
    return pending


def cancel_restore(db_path: Path) -> None:
    _pending_file(db_path).unlink(missing_ok=True)


def pending_restore(db_path: Path) -> Path | None:
    """The backup file waiting to be restored onto ``db_path`` at start, if any."""
    try:
        data = json.loads(_pending_file(db_path).read_text(encoding="utf-8"))
        return Path(str(data["backup"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        cancel_restore(db_path)
        return None


def run_pending_restore(db_path: Path, progress: Progress | None = None) -> RestoreResult | None:
    """Do the restore ``request_restore`` asked for (the pending note is removed whatever happens: a failure is
    reported once, never retried at every start)."""
    from zhzx_desktop.domain.roles import Role

    source = pending_restore(db_path)
    if source is None:
        return None
    try:
        data = json.loads(_pending_file(db_path).read_text(encoding="utf-8"))
        who = data.get("actor")
        actor = None if not who else Actor(None if who["account_id"] is None else str(who["account_id"]), str(who["username"]), str(who["display_name"]),
                                           Role(str(who["role"])))
    except (OSError, ValueError, KeyError, TypeError):
        actor = None
    finally:
        cancel_restore(db_path)
    return restore(source, db_path, cipher_for(read_header(source)), progress, actor=actor)
