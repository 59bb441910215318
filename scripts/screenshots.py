"""Screenshots for the README, taken from the real app.

Builds a demo database in a temporary folder (``services.demo``, fixed seed, fixed "today", a fixed clock for the
audit log), logs in as the demo account ``zhuren`` (主任: the register, the cases and the audit log), opens the real
main window and dialogs offscreen at a fixed size and saves one PNG per screen::

    .venv/bin/python scripts/screenshots.py                 # → docs/screenshots/*.png
    .venv/bin/python scripts/screenshots.py --out /tmp/shots --residents 300 --cases 20

Nothing touches the user's profile: the database, the settings, the per-database state and the keyring (in memory)
all live in the temporary folder. A screen whose demo data is missing is skipped with a note. Prints one line per
PNG written.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.memory_keyring import MemoryKeyring

TODAY = date(2026, 11, 23)
CLOCK_START = datetime(2026, 11, 23, 8, 30, tzinfo=timezone(timedelta(hours=8)))
WINDOW_SIZE = (1280, 800)
DIALOG_WAIT_MS = 150
FONT_FAMILIES = ("WenQuanYi Micro Hei", "Microsoft YaHei", "AR PL UMing CN")
SEARCHES = ("wang", "zhang", "li", "liu", "chen")
USERNAME = "zhuren"  # 主任: sees the register, the cases, 同步 and 审计

# (file stem, what it shows): the README embeds these names
SCREENS = (
    ("login", "登录"),
    ("today", "今天要办"),
    ("residents", "居民台账（输入拼音查找）"),
    ("resident_dialog", "居民登记表"),
    ("teams", "队伍"),
    ("case", "调解案件详情"),
    ("agreement_preview", "人民调解协议书打印预览"),
    ("sync", "同步"),
    ("audit", "审计"),
    ("dashboard", "统计"),
    ("monthly_report", "月报"),
    ("setup_wizard", "首次使用向导"),
    ("training", "训练模式"),
)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="README screenshots from the real app (offscreen)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="folder for the PNGs")
    parser.add_argument("--residents", type=int, default=800, help="demo residents (default 800)")
    parser.add_argument("--cases", type=int, default=40, help="demo mediation cases (default 40)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", nargs="*", default=None, metavar="NAME",
                        help="take only these screens: " + " ".join(name for name, _ in SCREENS))
    return parser.parse_args(argv)


def _fixed_clock() -> None:
    """The audit log's timestamps (shown on 审计) from a fixed start, one minute apart: same run, same picture."""
    from zhzx_desktop.security import audit

    ticks = itertools.count()
    audit._now = lambda: (CLOCK_START + timedelta(minutes=next(ticks))).isoformat(timespec="seconds")


class Shooter:
    def __init__(self, out: Path, only: list[str] | None) -> None:
        self.out = out
        self.only = set(only) if only else None
        self.taken: list[Path] = []
        self.skipped: list[tuple[str, str]] = []

    def wanted(self, name: str) -> bool:
        return self.only is None or name in self.only

    def save(self, name: str, widget: Any) -> None:
        from PySide6.QtWidgets import QApplication

        settle()
        widget.repaint()
        QApplication.processEvents()
        pixmap = widget.grab()
        path = self.out / f"{name}.png"
        if not pixmap.save(str(path), "PNG"):
            raise RuntimeError(f"could not write {path}")
        self.taken.append(path)
        print(f"{path}  {pixmap.width()}×{pixmap.height()}", flush=True)

    def skip(self, name: str, why: str) -> None:
        self.skipped.append((name, why))
        print(f"skipped {name}: {why}", flush=True)


def settle(ms: int = DIALOG_WAIT_MS) -> None:
    """Let timers (search debounce, lazy loads, the PDF view's rendering) fire and the widgets paint."""
    from PySide6.QtTest import QTest

    QTest.qWait(ms)


@contextmanager
def _dialog(dialog: Any, size: tuple[int, int] | None = None) -> Iterator[Any]:
    if size is not None:
        dialog.resize(*size)
    dialog.show()
    settle()
    try:
        yield dialog
    finally:
        dialog.reject() if hasattr(dialog, "reject") else dialog.close()
        settle(10)


def _qt_message(_kind: Any, _context: Any, message: str) -> None:
    if "propagateSizeHints" not in message:  # the offscreen platform's note on every dialog: noise here
        print(message, file=sys.stderr)


def _page_index(title: str) -> int | None:
    from zhzx_desktop.gui.main_window import PAGES

    for index, (page_title, _factory, _permission) in enumerate(PAGES):
        if page_title == title:
            return index
    return None


def _first(ledger: Any, sql: str) -> str | None:
    row = ledger.store.conn.execute(sql).fetchone()
    return None if row is None else str(row[0])





def take(args: argparse.Namespace, tmp: Path) -> Shooter:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["ZHZX_STATE_DIR"] = str(tmp / "state")
    os.environ["ZHZX_BACKUP_DIR"] = str(tmp / "backups")
    import keyring

    keyring.set_keyring(MemoryKeyring())  # the real keyring is never touched
    _fixed_clock()

    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtGui import QFont, QFontDatabase
    from PySide6.QtWidgets import QApplication

    from zhzx_desktop import APP_DISPLAY_NAME, APP_NAME
    from zhzx_desktop.gui.context import GuiContext
    from zhzx_desktop.gui.dialogs.login_dialog import LoginDialog
    from zhzx_desktop.gui.garbage import GuiGarbageCollector
    from zhzx_desktop.gui.main_window import MainWindow
    from zhzx_desktop.gui.operations import InlineRunner
    from zhzx_desktop.gui.settings import Settings
    from zhzx_desktop.gui.translations import install as install_translations
    from zhzx_desktop.security import accounts
    from zhzx_desktop.services import demo
    from zhzx_desktop.services.ledger import open_ledger

    qInstallMessageHandler(_qt_message)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_DISPLAY_NAME)
    families = set(QFontDatabase.families())
    family = next((f for f in FONT_FAMILIES if f in families), None)
    if family is not None:
        app.setFont(QFont(family, 10))
    install_translations(app)  # Qt's own buttons in Chinese, as in the app
    collector = GuiGarbageCollector(app)

    shots = Shooter(args.out, args.only)
    args.out.mkdir(parents=True, exist_ok=True)
    ledger = open_ledger(tmp / "zhzx.db", key_fallback_dir=tmp / "keys", today=lambda: TODAY)
    try:
        demo.demo_accounts(ledger)
        ledger.session.actor = accounts.login(ledger, USERNAME, demo.DEMO_PASSWORD).actor  # the demo's records are 主任's
        demo.populate(ledger, residents=args.residents, seed=args.seed, cases=args.cases)
        accounts.logout(ledger)

        if shots.wanted("login"):
            login = LoginDialog(ledger)
            login.username_edit.setText(USERNAME)
            login.password_edit.setText(demo.DEMO_PASSWORD)
            with _dialog(login):
                shots.save("login", login)
            login.deleteLater()
        result = accounts.login(ledger, USERNAME, demo.DEMO_PASSWORD)
        ledger.session.actor = result.actor

        ctx = GuiContext(ledger, InlineRunner(ledger), Settings(tmp / "settings.ini"))
        window = MainWindow(ctx)
        window.resize(*WINDOW_SIZE)
        window.show()
        window.ui.status_bar.clearMessage()  # "数据库：<temp path>": differs from run to run
        settle()
        try:
            _main_screens(shots, window, ctx)
            _reporting_and_first_day_screens(shots, window, ctx, tmp)
        finally:
            window.sync_worker.shutdown(timeout=2.0)
            window.hide()
            window.deleteLater()
            ctx.runner.shutdown()
            settle(10)
    finally:
        ledger.close()
        collector.stop()
    return shots


def _show(window: Any, title: str) -> Any:
    """Open the navigation entry ``title``; None when the window has no such entry."""
    index = _page_index(title)
    if index is None:
        return None
    page = window.show_page(index)
    settle()
    return page


def _main_screens(shots: Shooter, window: Any, ctx: Any) -> None:
    ledger = ctx.ledger
    if shots.wanted("today"):
        _show(window, "今天要办")
        window.ui.status_bar.clearMessage()
        shots.save("today", window)

    if shots.wanted("residents") or shots.wanted("resident_dialog"):
        page = _show(window, "居民")
        for query in SEARCHES:  # pinyin as a clerk types it; the first that finds someone in this demo
            page.search_edit.setText(query)
            settle(600)  # the search follows typing after a short pause
            if page.model.rowCount() > 0:
                break
        window.ui.status_bar.clearMessage()
        if shots.wanted("residents"):
            shots.save("residents", window)
        if shots.wanted("resident_dialog"):
            page.table.selectRow(0)
            dialog = page.edit_selected()
            if dialog is None:
                shots.skip("resident_dialog", "no resident selected")
            else:
                with _dialog(dialog):
                    shots.save("resident_dialog", dialog)
        page.search_edit.clear()
        settle(600)

    if shots.wanted("teams"):
        page = _show(window, "队伍")
        team_id = _first(ledger, "SELECT id FROM teams ORDER BY name LIKE '%和事佬%' DESC, name LIMIT 1")
        if team_id is not None:
            page.select_team(team_id)
        settle()
        shots.save("teams", window)

    case_id = _first(ledger, "SELECT c.id FROM cases c JOIN agreements a ON a.case_id = c.id "
                             "WHERE c.status = 'agreed' AND a.form = '01' ORDER BY c.case_no LIMIT 1") \
        or _first(ledger, "SELECT c.case_id FROM agreements c ORDER BY c.case_id LIMIT 1")
    if shots.wanted("case"):
        if case_id is None:
            shots.skip("case", "the demo has no case with an agreement")
        else:
            page = _show(window, "调解")
            page.show_case(case_id)
            settle()
            shots.save("case", window)
    if shots.wanted("agreement_preview"):
        if case_id is None:
            shots.skip("agreement_preview", "the demo has no case with an agreement")
        else:
            from zhzx_desktop.gui.dialogs.pdf_preview_dialog import PdfPreviewDialog

            preview = PdfPreviewDialog(ctx, case_id, "agreement", parent=window)
            with _dialog(preview, (900, 800)):
                settle(500)  # QPdfView renders its pages asynchronously
                shots.save("agreement_preview", preview)
            preview.deleteLater()

    if shots.wanted("sync"):
        _show(window, "同步")
        shots.save("sync", window)
    if shots.wanted("audit"):
        _show(window, "审计")
        settle(300)
        shots.save("audit", window)


def _reporting_and_first_day_screens(shots: Shooter, window: Any, ctx: Any, tmp: Path) -> None:
    """统计, 月报 (issue 7), the first-run wizard and 训练模式 (issue 8)."""
    from zhzx_desktop.gui.dialogs.monthly_report_dialog import MonthlyReportDialog

    if shots.wanted("dashboard"):
        _show(window, "统计")
        shots.save("dashboard", window)
    if shots.wanted("monthly_report"):
        dialog = MonthlyReportDialog(ctx, parent=window)
        with _dialog(dialog):
            settle(300)
            shots.save("monthly_report", dialog)
        dialog.deleteLater()
    if shots.wanted("setup_wizard"):
        _setup_wizard(shots, tmp)
    if shots.wanted("training"):
        _training(shots, window)


def _setup_wizard(shots: Shooter, tmp: Path) -> None:
    """The first-run wizard on a fresh, empty database (its first page, filled in as the clerk types)."""
    from PySide6.QtWidgets import QLineEdit

    from zhzx_desktop.gui.dialogs.setup_wizard import SetupWizard
    from zhzx_desktop.services.ledger import open_ledger

    fresh = open_ledger(tmp / "fresh.db", key_fallback_dir=tmp / "keys", today=lambda: TODAY)
    try:
        wizard = SetupWizard(fresh)
        for name, text in (("village_name_edit", "东华村"), ("village_code_edit", "330781103201")):
            edit = wizard.findChild(QLineEdit, name)
            assert edit is not None, name
            edit.setText(text)
        with _dialog(wizard, (720, 420)):
            shots.save("setup_wizard", wizard)
        wizard.deleteLater()
        settle(10)
    finally:
        fresh.close()


def _training(shots: Shooter, window: Any) -> None:
    """The 训练模式 marking, as the app applies it to the main window."""
    from zhzx_desktop.gui import training

    training.mark_window(window)
    _show(window, "今天要办")
    window.ui.status_bar.clearMessage()
    shots.save("training", window)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    with tempfile.TemporaryDirectory(prefix="zhzx-shots-") as folder:
        shots = take(args, Path(folder))
    print(f"{len(shots.taken)} screenshots in {args.out}" +
          (f"; skipped: {', '.join(name for name, _ in shots.skipped)}" if shots.skipped else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
