"""Kill ``zhzx-desktop print agreement --archive`` at many moments: the output file is absent or a complete PDF
(never half a file), the case file holds the agreement at most once, and its archived bytes open."""

from __future__ import annotations

import io
import time
from pathlib import Path

from pypdf import PdfReader

from tests import casework
from tests.conftest import TODAY
from tests.crash.kill import app, check_database, child_env, key_dir, oracle, repeat, rng, run_killed, run_to_end
from zhzx_desktop.services import case_documents, cases
from zhzx_desktop.services.ledger import open_ledger


def _pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def _verify(db: Path, case_id: str, out: Path, where: str) -> int:
    problems = check_database(db)
    assert not problems, f"{where}: " + "; ".join(problems)
    if out.exists():
        assert _pages(out.read_bytes()) >= 1, f"{where}: {out.name} is not a complete PDF"
    with open_ledger(db, key_fallback_dir=key_dir(db.parent), today=lambda: TODAY) as ledger:
        rows = ledger.store.conn.execute("SELECT id, sha256 FROM case_documents WHERE case_id = ? AND "
                                         "doc_type = 'agreement'", (case_id,)).fetchall()
        assert len(rows) <= 1, f"{where}: the agreement is in the case file {len(rows)} times"
        for doc_id, _ in rows:
            data, media = case_documents.file_bytes(ledger, doc_id)
            assert media == "application/pdf" and _pages(data) >= 1, f"{where}: the archived agreement does not open"
            if out.exists():
                assert data == out.read_bytes(), f"{where}: the archived bytes differ from the printed file"
        problems = oracle(ledger)
        assert not problems, f"{where}: backups.check: {problems}"
        return len(rows)


def test_killed_print_leaves_a_whole_pdf_or_none_and_files_it_once(home: Path) -> None:
    db = home / "zhzx.db"
    with open_ledger(db, key_fallback_dir=key_dir(home), today=lambda: TODAY) as ledger:
        case_id = casework.agreed_case(ledger, casework.village(ledger))
        case_no = cases.get_case(ledger, case_id).case_no
    env = child_env(home)
    moments = rng("print")
    out = home / "out" / "协议书.pdf"
    out.parent.mkdir()
    # how long a whole print takes on this machine now (without --archive, elsewhere): the kills fall inside it
    started = time.monotonic()
    plain = run_to_end(app("print", "agreement", "--case", case_no, "--db", str(db), "--out", str(home / "x.pdf")), env)
    assert plain.returncode == 0, plain.stderr[-800:]
    whole = time.monotonic() - started
    states: set[tuple[bool, int]] = set()
    for n in range(repeat()):
        out.unlink(missing_ok=True)
        run = run_killed(app("print", "agreement", "--case", case_no, "--db", str(db), "--out", str(out), "--archive"),
                         env, moments.uniform(0.1, whole * 1.1))
        states.add((out.exists(), _verify(db, case_id, out, f"kill {n} ({run.describe()})")))
        # a killed print may leave its hidden temp file (.协议书.pdf.*.tmp), never a half file under the real name
        strays = [p.name for p in out.parent.iterdir()
                  if p != out and not (p.name.startswith(f".{out.name}.") and p.name.endswith(".tmp"))]
        assert not strays, f"kill {n} left {strays}"
    assert (False, 0) in states, "no kill landed before the PDF was written"
    done = run_to_end(app("print", "agreement", "--case", case_no, "--db", str(db), "--out", str(out), "--archive"),
                      env)
    assert done.returncode == 0, done.stderr[-800:]
    assert _verify(db, case_id, out, "after a run to the end") == 1
