"""The resident search index: one ``search_keys(key, rid)`` B-tree, searched by exact key or key prefix.

Each key is ``<kind letter><text>``:

====  =========================================  ============================
kind  text                                       a query that finds it
====  =========================================  ============================
n     the whole name                             张三 (exact, then prefix 张)
m     each later suffix of the name              三, 三丰 (a given name)
p     full pinyin of each reading; and full      zhangsan, zhangs; zhangsf
      syllables then initials (preferred reading)
q     pinyin from each later syllable            san, sanfeng
i     initials of each reading                   zs, zsf
j     initials from each later syllable (≥ 2)    sf
d     the ID number's last 4 characters,         1234 → ``d4321``: "ends with"
      reversed (from the masked form)
t     phone digits                               138…, 13812345678
r     phone digits reversed                      5678 → ``r8765``: "ends with"
s     the name's pinyin, syllables spaced, then  (not a query: the resident list's name order, so
      ``\x01`` and the name                      丁 ding … 张 zhang sorts as a clerk expects)
====  =========================================  ============================

Triggers on ``residents`` (schema) queue every inserted, changed or deleted resident in ``search_pending`` with
the values its current keys were computed from; ``refresh()`` recomputes exactly those keys. ``Store.write()``
calls it before every COMMIT, and ``Store`` calls it on open for writes made outside the app.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from zhzx_desktop.domain.pinyin import initials, name_readings

# Bump when the key recipe changes: the index is rebuilt on open.
KEY_VERSION = "4"
INDEXED_STATUSES = frozenset({"active", "moved_out", "deceased"})
_CHUNK = 5000  # residents refreshed per round
SORT_KIND = "s"  # keys ``s…`` give the listed residents in pinyin order: one range of the index
_TOP = "\U0010ffff"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f〇]")
_DIGITS = re.compile(r"^[0-9]+$")


def resident_keys(name: str | None, phone: str | None, id_masked: str | None, status: str | None) -> set[str]:
    """All search keys of one resident (empty for merged or deleted residents)."""
    if not name or status not in INDEXED_STATUSES:
        return set()
    plain = name.replace("·", "").replace(" ", "")  # queries are folded the same way (normalize_query)
    keys = {"n" + plain}
    keys.update("m" + plain[i:] for i in range(1, len(plain)))
    readings = name_readings(name)
    keys.add(SORT_KIND + " ".join(readings[0] if readings else ()) + "\x01" + plain)
    for n, reading in enumerate(readings):
        keys.add("p" + "".join(reading))
        keys.add("i" + initials(reading))
        if n == 0:
            keys.update("q" + "".join(reading[i:]) for i in range(1, len(reading)))
            inits = initials(reading)
            keys.update("p" + "".join(reading[:i]) + inits[i:] for i in range(1, len(reading) - 1 or 1))
            keys.update("j" + inits[i:] for i in range(1, len(inits) - 1))
    if id_masked and len(id_masked) >= 4 and "*" not in id_masked[-4:]:
        keys.add("d" + id_masked[-4:][::-1])
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if digits:
        keys.add("t" + digits)
        keys.add("r" + digits[::-1])
    return keys


def refresh(conn: sqlite3.Connection) -> int:
    """Recompute the keys of every queued resident; returns how many were refreshed. Needs a write transaction.

    Works through the queue a chunk at a time, so a whole-index rebuild of a million residents holds one chunk's
    keys in memory, not all of them."""
    done = 0
    while True:
        rows = conn.execute(
            """SELECT p.rid, p.indexed, p.old_name, p.old_phone, p.old_id_masked, p.old_status,
                      r.name, r.phone, r.id_masked, r.status
               FROM search_pending p LEFT JOIN residents r ON r.rid = p.rid ORDER BY p.rid LIMIT ?""",
            (_CHUNK,)).fetchall()
        if not rows:
            return done
        stale: list[tuple[str, int]] = []
        fresh: list[tuple[str, int]] = []
        for rid, indexed, o_name, o_phone, o_masked, o_status, name, phone, masked, status in rows:
            old = resident_keys(o_name, o_phone, o_masked, o_status) if indexed else set()
            new = resident_keys(name, phone, masked, status)
            stale.extend((k, rid) for k in old - new)
            fresh.extend((k, rid) for k in new - old)
        conn.executemany("DELETE FROM search_keys WHERE key = ? AND rid = ?", stale)
        conn.executemany("INSERT OR IGNORE INTO search_keys(key, rid) VALUES (?, ?)", fresh)
        conn.execute("DELETE FROM search_pending WHERE rid <= ?", (rows[-1][0],))
        done += len(rows)


def rebuild(conn: sqlite3.Connection) -> None:
    """Drop and recompute the whole index (after a change of ``KEY_VERSION``). Needs a write transaction."""
    conn.execute("DELETE FROM search_keys")
    conn.execute("DELETE FROM search_pending")
    conn.execute("INSERT INTO search_pending(rid, indexed) SELECT rid, 0 FROM residents")
    refresh(conn)
    conn.execute("INSERT INTO app_meta(k, v) VALUES ('search_key_version', ?) "
                 "ON CONFLICT(k) DO UPDATE SET v = excluded.v", (KEY_VERSION,))


def needs_rebuild(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT v FROM app_meta WHERE k = 'search_key_version'").fetchone()
    return row is None or row[0] != KEY_VERSION


def has_pending(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM search_pending LIMIT 1").fetchone() is not None


@dataclass(frozen=True)
class Probe:
    """One ranked lookup: an exact key, or every key starting with ``key``."""

    key: str
    prefix: bool


def normalize_query(query: str) -> str:
    """Fold what people type: spaces, full-width forms, case, ü/v."""
    out = []
    for ch in query.strip():
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            ch = chr(code - 0xFEE0)
        if ch.isspace() or ch in "-·•・()（）":
            continue
        out.append(ch)
    text = "".join(out)
    return text.upper() if re.fullmatch(r"[0-9]+[xX]?", text) else text.lower().replace("ü", "v")


def plan(query: str) -> list[Probe]:
    """The probes for a query, best-ranked first. An empty list means "nothing to look up"."""
    q = normalize_query(query)
    if not q:
        return []
    if _CJK.search(q):
        return [Probe("n" + q, False), Probe("n" + q, True), Probe("m" + q, False), Probe("m" + q, True)]
    if re.fullmatch(r"[a-zv]+", q):
        return [Probe("p" + q, False), Probe("i" + q, False), Probe("p" + q, True), Probe("i" + q, True),
                Probe("q" + q, True), Probe("j" + q, True)]
    if re.fullmatch(r"[0-9]*X?", q):
        probes: list[Probe] = []
        if len(q) <= 4:
            probes.append(Probe("d" + q[::-1], True))
        if _DIGITS.fullmatch(q):
            if len(q) == 11:
                probes.append(Probe("t" + q, False))
            probes.append(Probe("r" + q[::-1], True))
            if len(q) >= 3:
                probes.append(Probe("t" + q, True))
        return probes
    return []


def lookup(conn: sqlite3.Connection, probes: Iterable[Probe], limit: int) -> list[int]:
    """Residents' rids matching the probes, in probe order (rank), then key order; at most ``limit``."""
    found: dict[int, None] = {}
    for probe in probes:
        remaining = limit - len(found)
        if remaining <= 0:
            break
        for rid in _probe(conn, probe, remaining + len(found)):
            found.setdefault(rid, None)
            if len(found) >= limit:
                break
    return list(found)


def _probe(conn: sqlite3.Connection, probe: Probe, limit: int) -> Iterator[int]:
    if probe.prefix:
        cur = conn.execute("SELECT rid FROM search_keys WHERE key >= ? AND key < ? ORDER BY key, rid LIMIT ?",
                           (probe.key, probe.key + _TOP, limit))
    else:
        cur = conn.execute("SELECT rid FROM search_keys WHERE key = ? ORDER BY rid LIMIT ?", (probe.key, limit))
    for (rid,) in cur:
        yield int(rid)
