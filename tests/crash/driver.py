"""The child process of the kill tests: loops doing real work through the services and prints ``committed <key>``
(flushed) right after each commit, until it is killed.

    python tests/crash/driver.py saves --db PATH --run N --parties A,B --mediator M
    python tests/crash/driver.py draft --db PATH --name NAME --id-number ID

``saves``: resident register → update → (every tenth resident) case intake with its parties → a session record.
Keys: ``resident:<id>``, ``update:<id>:<address>``, ``case:<id>``, ``session:<case id>:<count>``.

``draft``: the resident dialog under offscreen Qt with drafts attached; types a name and an ID number, waits until
the draft is saved (prints ``committed draft:<key>``) and then idles until it is killed.

Run with the venv's python, ``PYTHONPATH`` = the repository, and the environment of ``tests/crash/kill.child_env``
(the data key in the owner-only key file, so it survives the kill).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from tests.casework import session as session_input
from tests.helpers import make_id
from zhzx_desktop import paths
from zhzx_desktop.services import cases, residents
from zhzx_desktop.services.ledger import Ledger, open_ledger

TODAY = date(2026, 11, 23)
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰"


def committed(key: str) -> None:
    sys.stdout.write(f"committed {key}\n")
    sys.stdout.flush()


def _open(db: Path) -> Ledger:
    return open_ledger(db, key_fallback_dir=paths.config_dir(), today=lambda: TODAY)


def person(run: int, i: int) -> residents.ResidentInput:
    """The i-th made-up person of run ``run``: a distinct valid ID number for every (run < 40, i < 5000)."""
    born = date(1950, 1, 1) + timedelta(days=run * 500 + i % 500)
    name = _SURNAMES[(run + i) % 20] + _GIVEN[i % 20] + _GIVEN[(i // 20 + run) % 20]
    return residents.ResidentInput(name=name, id_number=make_id(born=born.strftime("%Y%m%d"), seq=211 + 2 * (i // 500)),
                                   phone=f"137{run:03d}{i:05d}", address=f"青石村{i % 9 + 1}组")


def saves(args: argparse.Namespace) -> int:
    parties = args.parties.split(",")
    with _open(args.db) as ledger:
        sys.stderr.write("saving\n")  # the test counts its kill moment from here (start-up time varies with load)
        sys.stderr.flush()
        for i in range(args.count):
            data = person(args.run, i)
            rid = residents.register(ledger, data).row_id or ""
            committed(f"resident:{rid}")
            address = f"青石村{i % 9 + 1}组{args.run}-{i}号"
            data.address = address
            residents.update(ledger, rid, data)
            committed(f"update:{rid}:{address}")
            if i % 10:  # the committee's number block holds 999 cases a year: every 10th resident opens one
                continue
            intake = cases.IntakeInput(
                accepted_on="2026-11-02", source="01", dispute_type="02",
                summary=f"第{args.run}-{i}起：两家因院墙排水沟堵塞引起积水，损坏邻居菜地。",
                parties=[cases.PartyInput(role="applicant", resident_id=rid),
                         cases.PartyInput(role="respondent", resident_id=parties[i // 10 % len(parties)])],
                mediators=[cases.MediatorInput(resident_id=args.mediator, role="lead")],
                amount="3000", place="青石村二组")
            case_id = cases.open_case(ledger, intake).row_id or ""
            committed(f"case:{case_id}")
            cases.add_session(ledger, case_id, session_input(held_on="2026-11-05"))
            committed(f"session:{case_id}:1")
    return 0


def draft(args: argparse.Namespace) -> int:
    from PySide6.QtWidgets import QApplication

    from zhzx_desktop.gui.context import GuiContext
    from zhzx_desktop.gui.dialogs.resident_dialog import ResidentDialog
    from zhzx_desktop.gui.drafts import Drafts
    from zhzx_desktop.gui.operations import InlineRunner
    from zhzx_desktop.gui.settings import Settings

    qapp = QApplication(sys.argv[:1])
    ledger = _open(args.db)
    ctx = GuiContext(ledger, InlineRunner(ledger), Settings(args.db.parent / "settings.ini"))
    dialog = ResidentDialog(ctx)
    dialog.open()
    drafts = Drafts.of(dialog)
    assert drafts is not None, "the resident dialog has no drafts attached"
    dialog.ui.name_edit.setText(args.name)
    dialog.ui.id_number_edit.setText(args.id_number)
    deadline = time.monotonic() + 20
    while drafts.saves == 0 and time.monotonic() < deadline:
        qapp.processEvents()
        time.sleep(0.02)
    committed(f"draft:{drafts.key}")
    while True:  # a clerk still typing… until the power goes
        qapp.processEvents()
        time.sleep(0.05)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    verbs = parser.add_subparsers(dest="verb", required=True)
    s = verbs.add_parser("saves")
    s.add_argument("--db", type=Path, required=True)
    s.add_argument("--run", type=int, required=True)
    s.add_argument("--count", type=int, default=400)
    s.add_argument("--parties", required=True)
    s.add_argument("--mediator", required=True)
    d = verbs.add_parser("draft")
    d.add_argument("--db", type=Path, required=True)
    d.add_argument("--name", required=True)
    d.add_argument("--id-number", required=True)
    args = parser.parse_args(argv)
    return saves(args) if args.verb == "saves" else draft(args)


if __name__ == "__main__":
    sys.exit(main())
