"""The main window: navigation (统计、今天要办、居民、户、网格、队伍、调解、同步), one page per entry, opening on 今天要办; a
设置 menu (调委会设置); a status bar with the register size, the duties due and the sync state with the county;
remembered geometry; Ctrl+F / Ctrl+N for the current page. It owns the background ``SyncWorker`` (its own thread):
a finished sync refreshes every page, and closing the window first reports what is pending (at most
``EXIT_SYNC_SECONDS``; the rest waits for next time, nothing is lost)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QCloseEvent, QColor, QKeySequence, QMouseEvent, QShortcut
from PySide6.QtWidgets import QDialog, QLabel, QMainWindow, QProgressDialog, QWidget

from sync import status as sync_status
from zhzx_desktop import APP_DISPLAY_NAME
from zhzx_desktop.domain.roles import Permission
from zhzx_desktop.gui import gating
from zhzx_desktop.gui import settings as keys
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.errors import show_message
from zhzx_desktop.gui.forms.ui_main_window import Ui_MainWindow
from zhzx_desktop.gui.pages.page import Page
from zhzx_desktop.gui.pages.today_page import TodayPage
from zhzx_desktop.gui.sync_worker import SyncWorker
from zhzx_desktop.services import residents
from zhzx_desktop.services.changes import Changes

if TYPE_CHECKING:
    from zhzx_desktop.gui.dialogs.committee_dialog import CommitteeDialog
    from zhzx_desktop.gui.pages.cases_page import CasesPage
    from zhzx_desktop.gui.pages.residents_page import ResidentsPage
    from zhzx_desktop.gui.pages.sync_page import SyncPage


def _dashboard(ctx: GuiContext) -> Page:
    from zhzx_desktop.gui.pages.dashboard_page import DashboardPage
    return DashboardPage(ctx)


def _residents(ctx: GuiContext) -> Page:
    from zhzx_desktop.gui.pages.residents_page import ResidentsPage
    return ResidentsPage(ctx)


def _households(ctx: GuiContext) -> Page:
    from zhzx_desktop.gui.pages.households_page import HouseholdsPage
    return HouseholdsPage(ctx)


def _grids(ctx: GuiContext) -> Page:
    from zhzx_desktop.gui.pages.grids_page import GridsPage
    return GridsPage(ctx)


def _teams(ctx: GuiContext) -> Page:
    from zhzx_desktop.gui.pages.teams_page import TeamsPage
    return TeamsPage(ctx)


def _cases(ctx: GuiContext) -> Page:
    from zhzx_desktop.gui.pages.cases_page import CasesPage
    return CasesPage(ctx)


def _accounts(ctx: GuiContext) -> Page:
    from zhzx_desktop.gui.pages.accounts_page import AccountsPage
    return AccountsPage(ctx)


def _audit(ctx: GuiContext) -> Page:
    from zhzx_desktop.gui.pages.audit_page import AuditPage
    return AuditPage(ctx)


def _backup(ctx: GuiContext) -> Page:
    from zhzx_desktop.gui.pages.backup_page import BackupPage
    return BackupPage(ctx)


def _sync(ctx: GuiContext) -> Page:
    from zhzx_desktop.gui import training
    if training.is_training(ctx.ledger):  # 训练模式: never synced; the page says so and refuses
        from zhzx_desktop.gui.pages.training_sync_page import TrainingSyncPage
        return TrainingSyncPage(ctx)
    from zhzx_desktop.gui.pages.sync_page import SyncPage
    return SyncPage(ctx)  # the window attaches its sync worker (MainWindow.page)


# The navigation, in order, with the permission an entry needs (None: every logged-in role). The window opens on
# 今天要办; the other pages are built (and their modules imported) when first opened, so start-up pays only for the
# page the clerk sees first. Entries the role lacks are hidden.
PAGES: tuple[tuple[str, Callable[[GuiContext], Page], Permission | None], ...] = (
    ("统计", _dashboard, Permission.CASES_VIEW), ("今天要办", TodayPage, Permission.CASES_VIEW), ("居民", _residents, Permission.REGISTER_VIEW),
    ("户", _households, Permission.REGISTER_VIEW), ("网格", _grids, Permission.REGISTER_VIEW),
    ("队伍", _teams, Permission.REGISTER_VIEW), ("调解", _cases, Permission.CASES_VIEW),
    ("同步", _sync, None), ("账户", _accounts, Permission.ACCOUNTS_MANAGE), ("审计", _audit, Permission.AUDIT_VIEW),
    ("备份", _backup, Permission.BACKUP_MANAGE))
DASHBOARD, TODAY, RESIDENTS, CASES, SYNC, ACCOUNTS, AUDIT, BACKUP = 0, 1, 2, 6, 7, 8, 9, 10
OVERDUE_COLOR = QColor("#c0392b")
EXIT_SYNC_SECONDS = 10  # closing waits at most this long for the last sync


class _ClickableLabel(QLabel):
    def __init__(self, on_click: Callable[[], object]) -> None:
        super().__init__()
        self._on_click = on_click

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._on_click()
        super().mousePressEvent(event)


class MainWindow(QMainWindow):
    def __init__(self, ctx: GuiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.ui = Ui_MainWindow()
        self.ui.setupUi(self)
        self.setWindowTitle(APP_DISPLAY_NAME)
        self._pages: list[Page | None] = [None] * len(PAGES)
        for title, _factory, _permission in PAGES:
            self.ui.nav_list.addItem(self.tr(title))
            self.ui.page_stack.addWidget(QWidget())  # a placeholder until the page is first opened
        self.ui.nav_list.currentRowChanged.connect(self._on_nav_list_current_row_changed)
        self.dialog: CommitteeDialog | None = None
        self.due_label = QLabel()
        self.due_label.setObjectName("due_label")
        self.count_label = QLabel()
        self.count_label.setObjectName("count_label")
        self.sync_worker = SyncWorker(ctx.ledger.store.path, interval_minutes=ctx.settings.get(keys.SYNC_INTERVAL_MINUTES),
                                      actor=lambda: ctx.ledger.actor, parent=self)
        self.sync_worker.synced.connect(self.apply)
        self.sync_worker.finished.connect(self._on_sync_worker_finished)
        self.exit_dialog: QProgressDialog | None = None
        self._exit_sync = ""  # '' | 'waiting' (the last sync before closing) | 'done'
        self._exit_timer = QTimer(self)
        self._exit_timer.setSingleShot(True)
        self._exit_timer.timeout.connect(self._finish_exit_sync)
        self.sync_label = _ClickableLabel(lambda: self.show_page(SYNC))
        self.sync_label.setObjectName("sync_label")
        self.sync_label.setToolTip(self.tr("点击查看与县平台的同步情况"))
        self.ui.status_bar.addPermanentWidget(self.due_label)
        self.ui.status_bar.addPermanentWidget(self.count_label)
        self.ui.status_bar.addPermanentWidget(self.sync_label)
        settings_menu = self.menuBar().addMenu(self.tr("设置(&S)"))
        settings_menu.setObjectName("settings_menu")
        self.committee_action = settings_menu.addAction(self.tr("调委会设置…"))
        self.committee_action.setObjectName("committee_action")
        self.committee_action.setToolTip(self.tr("调委会名称、案号前缀、本机号段、协议书选项、打印字体"))
        self.committee_action.triggered.connect(self.open_committee_dialog)
        self.village_action = settings_menu.addAction(self.tr("本村名称和区划代码…"))
        self.village_action.setObjectName("village_action")
        self.village_action.triggered.connect(self.open_village_dialog)
        self._build_account_menu()  # 账户: 修改密码, 锁定屏幕, 切换用户, 退出登录; the idle lock; 当前用户 in the status bar
        self.today_page.due_counted.connect(self._on_today_page_due_counted)
        self.today_page.case_requested.connect(self.show_case)
        self._on_today_page_due_counted(*self.today_page.counts())
        self.ui.status_bar.showMessage(self.tr("数据库：%1").replace("%1", str(ctx.ledger.store.path)))
        for warning in ctx.ledger.warnings:
            self.ui.status_bar.showMessage(warning)
        self.find_shortcut = QShortcut(QKeySequence.StandardKey.Find, self)
        self.find_shortcut.activated.connect(lambda: self.current_page().focus_search())
        self.new_shortcut = QShortcut(QKeySequence.StandardKey.New, self)
        self.new_shortcut.activated.connect(self._on_new_shortcut_activated)
        self.restoreGeometry(ctx.settings.get(keys.WINDOW_GEOMETRY))
        self.ui.nav_list.setCurrentRow(TODAY)  # always the start page: what is due today
        self._gate()  # … unless the role may not see it: then the first page it may see
        self.update_status()
        from zhzx_desktop.gui.pages.backup_page import schedule_daily_backup
        self.backup_timer = schedule_daily_backup(ctx, self)  # a minute after start, if the newest is a day old

    def page(self, index: int) -> Page:
        """The page at ``index`` of the navigation, built on first use."""
        page = self._pages[index]
        if page is None:
            page = PAGES[index][1](self.ctx)
            gating.apply(page, self.ctx.ledger.actor)  # hide the buttons of actions the role may not take
            page.changed.connect(self.apply)
            if index == SYNC:
                self._attach_sync_worker(page)
            if index == DASHBOARD:  # a case among the records behind a figure (or an early warning)
                page.case_requested.connect(self.show_case)  # type: ignore[attr-defined]
            placeholder = self.ui.page_stack.widget(index)
            self.ui.page_stack.insertWidget(index, page)
            self.ui.page_stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self._pages[index] = page
        return page

    @property
    def today_page(self) -> TodayPage:
        page = self.page(TODAY)
        assert isinstance(page, TodayPage)
        return page

    @property
    def residents_page(self) -> ResidentsPage:
        from zhzx_desktop.gui.pages.residents_page import ResidentsPage
        page = self.page(RESIDENTS)
        assert isinstance(page, ResidentsPage)
        return page

    @property
    def cases_page(self) -> CasesPage:
        from zhzx_desktop.gui.pages.cases_page import CasesPage
        page = self.page(CASES)
        assert isinstance(page, CasesPage)
        return page

    @property
    def sync_page(self) -> SyncPage:
        from zhzx_desktop.gui.pages.sync_page import SyncPage
        page = self.page(SYNC)
        assert isinstance(page, SyncPage)
        return page

    def _attach_sync_worker(self, page: Page) -> None:
        from zhzx_desktop.gui.pages.sync_page import SyncPage
        assert isinstance(page, SyncPage)
        page.attach(self.sync_worker)

    def show_page(self, index: int) -> Page:
        """Switch the navigation to the page at ``index`` (as a click would) and return it."""
        self.ui.nav_list.setCurrentRow(index)
        return self.page(index)

    def show_case(self, case_id: str) -> None:
        """Open the 调解 page on one case (from 今天要办)."""
        self.show_page(CASES)
        self.cases_page.show_case(case_id)

    def current_page(self) -> Page:
        return self.page(self.ui.page_stack.currentIndex())

    def _on_new_shortcut_activated(self) -> None:
        page = self.current_page()
        if not gating.read_only(page, self.ctx.ledger.actor):
            page.new_item()

    # ---- the role: which entries, pages and menu items the logged-in account sees

    def apply_actor(self) -> None:
        """Re-gate after a login or a switch of user (``ledger.session.actor`` changed): the pages built for the
        previous account are dropped (they are built again, for the new role, when opened), the navigation shows
        the entries the new role may use, and the start page and the status bar are read again."""
        for index, page in enumerate(self._pages):
            if page is None or index == TODAY:  # 今天要办 stays (the status bar counts from it); it reads again below
                continue
            placeholder = QWidget()
            self.ui.page_stack.insertWidget(index, placeholder)
            self.ui.page_stack.removeWidget(page)
            page.deleteLater()
            self._pages[index] = None
        self.today_page.reload()
        self._gate()
        current = self.ui.nav_list.currentRow()
        if current >= 0:
            self.page(current)
            self.ui.page_stack.setCurrentIndex(current)
        self.update_status()

    def _gate(self) -> None:
        actor = self.ctx.ledger.actor
        nav = self.ui.nav_list
        for row, (_title, _factory, permission) in enumerate(PAGES):
            nav.setRowHidden(row, not gating.allowed(actor, permission))
        if nav.currentRow() < 0 or nav.isRowHidden(nav.currentRow()):
            visible = [row for row in range(nav.count()) if not nav.isRowHidden(row)]
            if visible:
                nav.setCurrentRow(visible[0])
        self.committee_action.setVisible(gating.allowed(actor, Permission.CASES_EDIT))
        self.village_action.setVisible(gating.allowed(actor, Permission.CASES_EDIT)
                                       or gating.allowed(actor, Permission.ACCOUNTS_MANAGE))
        self.due_label.setVisible(gating.allowed(actor, Permission.CASES_VIEW))
        if hasattr(self, "current_user_label"):  # the 账户 part: 当前用户 in the status bar, the account actions
            self.show_current_user()

    def visible_titles(self) -> list[str]:
        """The navigation entries the current role sees, in order."""
        nav = self.ui.nav_list
        return [nav.item(row).text() for row in range(nav.count()) if not nav.isRowHidden(row)]

    def _on_nav_list_current_row_changed(self, row: int) -> None:
        if row >= 0:
            self.page(row)
            self.ui.page_stack.setCurrentIndex(row)

    def apply(self, changes: Changes) -> None:
        """A page saved something: every built page redraws what the change record says changed (a page built
        later reads everything fresh)."""
        for page in self._pages:
            if page is not None:
                page.apply(changes)
        self.update_status()

    def _on_today_page_due_counted(self, overdue: int, soon: int) -> None:
        if overdue or soon:
            text = self.tr("今天要办：已逾期 %1 项，7天内到期 %2 项").replace("%1", str(overdue)).replace("%2", str(soon))
        else:
            text = self.tr("今天要办：无")
        self.due_label.setText(text)
        self.due_label.setStyleSheet("color: #c0392b; font-weight: bold;" if overdue else "")
        item = self.ui.nav_list.item(TODAY)
        item.setToolTip(text)
        item.setForeground(QBrush(OVERDUE_COLOR) if overdue else QBrush())

    # ---- 账户: who is logged in, the idle lock, logging out

    def _build_account_menu(self) -> None:
        from zhzx_desktop.gui.idle_lock import IdleLock, idle_interval_ms
        self.logging_out = False  # 退出登录 closes the window and the app shows the login again (app.py)
        self.password_dialog: QDialog | None = None
        self.idle_lock = IdleLock(self, self.ctx.ledger, idle_interval_ms(self.ctx.settings))
        self.idle_lock.unlocked.connect(self._on_idle_lock_unlocked)
        self.current_user_label = QLabel()
        self.current_user_label.setObjectName("current_user_label")
        self.ui.status_bar.addPermanentWidget(self.current_user_label)
        menu = self.menuBar().addMenu(self.tr("账户(&A)"))
        menu.setObjectName("account_menu")
        self.change_password_action = menu.addAction(self.tr("修改密码…"))
        self.change_password_action.setObjectName("change_password_action")
        self.change_password_action.triggered.connect(self.open_change_password_dialog)
        self.lock_action = menu.addAction(self.tr("锁定屏幕"))
        self.lock_action.setObjectName("lock_action")
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(lambda: self.idle_lock.lock())
        self.switch_user_action = menu.addAction(self.tr("切换用户…"))
        self.switch_user_action.setObjectName("switch_user_action")
        self.switch_user_action.triggered.connect(self.switch_user)
        menu.addSeparator()
        self.logout_action = menu.addAction(self.tr("退出登录"))
        self.logout_action.setObjectName("logout_action")
        self.logout_action.triggered.connect(self.logout)
        self.show_current_user()

    def _on_idle_lock_unlocked(self, switched: bool) -> None:
        if switched:
            self.apply_actor()

    def show_current_user(self) -> None:
        """当前用户：王芳（调解员） in the status bar; the account actions only for a logged-in account."""
        actor = self.ctx.ledger.actor
        self.current_user_label.setText(self.tr("当前用户：%1").replace("%1", actor.label if actor else self.tr("未登录")))
        is_account = actor is not None and actor.account_id is not None
        for action in (self.change_password_action, self.lock_action, self.switch_user_action, self.logout_action):
            action.setEnabled(is_account)

    def open_change_password_dialog(self) -> QDialog | None:
        from zhzx_desktop.gui.dialogs.change_password_dialog import ChangePasswordDialog
        actor = self.ctx.ledger.actor
        if actor is None or actor.account_id is None:
            return None
        dialog = ChangePasswordDialog(self.ctx.ledger, actor.account_id, self)
        dialog.accepted.connect(lambda: show_message(self, self.tr("密码已修改。下次登录请用新密码。")))
        self.password_dialog = dialog
        dialog.open()
        return dialog

    def switch_user(self) -> QDialog | None:
        """切换用户: lock the screen and ask the next person to log in."""
        lock = self.idle_lock.lock(self.tr("切换用户"))
        return lock.open_switch_dialog() if lock is not None else None

    def logout(self) -> None:
        """退出登录: close the window (with its last sync); app.py records the logout and shows the login again."""
        self.logging_out = True
        if not self.close() and self._exit_sync != "waiting":
            self.logging_out = False  # closing was refused (an operation is running): still logged in

    def open_committee_dialog(self) -> CommitteeDialog:
        from zhzx_desktop.gui.dialogs.committee_dialog import CommitteeDialog
        dialog = CommitteeDialog(self.ctx, self)
        dialog.committee_saved.connect(self.apply)
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_village_dialog(self) -> QDialog:
        """设置 → 本村名称和区划代码… (set in the first-run wizard; printed on the 月报)."""
        from zhzx_desktop.gui.dialogs.setup_wizard import VillageDialog
        dialog = VillageDialog(self.ctx.ledger, self)
        self.village_dialog = dialog
        dialog.open()
        return dialog

    def update_status(self) -> None:
        total = residents.count(self.ctx.ledger, active_only=True)  # as the 统计 page counts them
        self.count_label.setText(self.tr("在册居民 %1 人").replace("%1", f"{total:,}"))
        self.sync_label.setText(self.sync_text())

    def sync_text(self) -> str:
        """同步：N条待上报 / 有N处需要确认 / 已同步 HH:MM / 未连接县平台 (the status bar's sync part)."""
        from zhzx_desktop.gui.models.sync_record_model import parse_time
        overview = sync_status.overview(self.ctx.ledger.store.conn)
        if overview.open_conflicts:
            return self.tr("有%1处需要确认").replace("%1", f"{overview.open_conflicts:,}")
        if overview.pending:
            return self.tr("同步：%1条待上报").replace("%1", f"{overview.pending:,}")
        last = parse_time(overview.last_success_at)
        if last is not None:
            return self.tr("已同步 %1").replace("%1", last.astimezone().strftime("%H:%M"))
        if not overview.enrolled:
            return self.tr("同步：未连接县平台")
        return self.tr("同步：无待上报")

    def _on_sync_worker_finished(self, _result: object, _error: object) -> None:
        self.update_status()
        if self._exit_sync == "waiting":
            self._finish_exit_sync()

    # ---- closing: the last sync, bounded

    def _wants_exit_sync(self) -> bool:
        if self.sync_worker.running:
            return True
        overview = sync_status.overview(self.ctx.ledger.store.conn)
        return bool(overview.enrolled and overview.pending)

    def _begin_exit_sync(self) -> QProgressDialog:
        self._exit_sync = "waiting"
        pending = sync_status.overview(self.ctx.ledger.store.conn).pending
        text = (self.tr("正在把 %1 条修改上报县平台，最多等 %2 秒…").replace("%1", f"{pending:,}")
                .replace("%2", str(EXIT_SYNC_SECONDS))
                + "\n" + self.tr("没报完的修改保存在本机，下次打开时继续上报，不会丢失。"))
        dialog = QProgressDialog(text, self.tr("不等了，直接退出"), 0, 0, self)
        dialog.setObjectName("exit_sync_progress")
        dialog.setWindowTitle(self.tr("退出前同步"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self._finish_exit_sync)
        self.exit_dialog = dialog
        if not self.sync_worker.running:
            self.sync_worker.start("exit")
        self._exit_timer.start(EXIT_SYNC_SECONDS * 1000)
        dialog.show()
        return dialog

    def _finish_exit_sync(self) -> None:
        """The last sync finished, or the time is up, or the clerk would not wait: stop it and close."""
        if self._exit_sync != "waiting":
            return
        self._exit_sync = "done"
        self._exit_timer.stop()
        self.sync_worker.cancel()
        self.sync_worker.wait(2.0)
        if self.exit_dialog is not None:
            self.exit_dialog.canceled.disconnect(self._finish_exit_sync)
            self.exit_dialog.close()
            self.exit_dialog.deleteLater()
            self.exit_dialog = None
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.ctx.runner.busy:  # closing would wait for it with a frozen window: say so instead
            event.ignore()
            show_message(self, self.tr("还有操作正在进行（如导入、导出）。请等它完成，或在进度窗口中点“取消”后再关闭。"))
            return
        if self._exit_sync == "waiting":  # already reporting the last changes: the dialog says how long
            event.ignore()
            return
        if self._exit_sync == "" and self._wants_exit_sync():
            event.ignore()
            self._begin_exit_sync()
            return
        from zhzx_desktop.gui.pages.backup_page import backup_on_exit
        backup_on_exit(self.ctx, self)  # after the last sync; skipped when the newest backup is minutes old
        self.ctx.settings.set(keys.WINDOW_GEOMETRY, self.saveGeometry())
        self.ctx.settings.sync()
        super().closeEvent(event)
        if event.isAccepted():
            self.backup_timer.stop()  # the window outlives its ledger (退出登录, 训练模式): nothing may fire on it
            self.idle_lock.timer.stop()
            self.sync_worker.shutdown(timeout=2.0)
            self.ctx.runner.shutdown()
