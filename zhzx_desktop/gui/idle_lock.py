"""The idle lock (等保 2.0: 登录连接超时自动退出): when nobody has typed, clicked or moved the mouse for
``IDLE_LOCK_MINUTES`` (10–30), the main window's content and its open dialogs are hidden behind a modal lock that
asks the current user's password (wrong ones count toward the lockout), or lets someone else log in (切换用户).
锁定屏幕 in the 账户 menu locks at once."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from zhzx_desktop.errors import UserError
from zhzx_desktop.gui import settings as keys
from zhzx_desktop.gui.dialogs.change_password_dialog import add_field, form_error_label, password_edit
from zhzx_desktop.gui.dialogs.login_dialog import LoginDialog
from zhzx_desktop.gui.settings import Settings
from zhzx_desktop.gui.widgets.form_errors import FormErrors
from zhzx_desktop.security import accounts
from zhzx_desktop.services.ledger import Ledger

MIN_MINUTES, MAX_MINUTES = 10, 30
_INPUT = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
                    QEvent.Type.TouchBegin})


def idle_minutes(settings: Settings) -> int:
    return min(max(settings.get(keys.IDLE_LOCK_MINUTES), MIN_MINUTES), MAX_MINUTES)


def idle_interval_ms(settings: Settings) -> int:
    return idle_minutes(settings) * 60_000


class LockDialog(QDialog):
    """屏幕已锁定: the current user's password unlocks; 切换用户 lets another account log in. It cannot be closed."""

    unlocked = Signal(bool)  # True: another account logged in (切换用户)

    def __init__(self, ledger: Ledger, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lock_dialog")
        self.ledger = ledger
        actor = ledger.session.actor
        assert actor is not None
        self.actor = actor
        self.login_dialog: LoginDialog | None = None
        self.setWindowTitle(self.tr("屏幕已锁定"))
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        self.setMinimumWidth(420)
        title = QLabel(self.tr("屏幕已锁定"))
        title.setObjectName("title_label")
        title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.user_label = QLabel(self.tr("当前用户：%1。请输入密码解锁，或切换为其他用户。").replace("%1", actor.label))
        self.user_label.setObjectName("user_label")
        self.user_label.setWordWrap(True)
        self.password_edit = password_edit("password_edit")
        form = QFormLayout()
        add_field(form, self.tr("密码"), self.password_edit, "password")
        self.buttons = QDialogButtonBox()
        self.buttons.setObjectName("buttons")
        self.unlock_button = self.buttons.addButton(self.tr("解锁"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.unlock_button.setObjectName("unlock_button")
        self.unlock_button.setDefault(True)
        self.switch_button = self.buttons.addButton(self.tr("切换用户…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.switch_button.setObjectName("switch_button")
        self.buttons.accepted.connect(self.accept)
        self.switch_button.clicked.connect(self.open_switch_dialog)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.user_label)
        layout.addLayout(form)
        layout.addWidget(form_error_label())
        layout.addWidget(self.buttons)
        self.errors = FormErrors(self)
        self.password_edit.setFocus()

    def accept(self) -> None:
        try:
            accounts.login(self.ledger, self.actor.username, self.password_edit.text())
        except UserError as exc:
            self.errors.show(exc)
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        super().accept()
        self.unlocked.emit(False)

    def reject(self) -> None:
        """Esc does not unlock."""

    def open_switch_dialog(self) -> LoginDialog:
        dialog = LoginDialog(self.ledger, self, mode="switch")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.accepted.connect(self._on_login_dialog_accepted)
        self.login_dialog = dialog
        dialog.open()
        return dialog

    def _on_login_dialog_accepted(self) -> None:
        super().accept()
        self.unlocked.emit(True)


class IdleLock(QObject):
    """Watches the application's keyboard and mouse input; ``interval_ms`` without any locks ``window``."""

    locked = Signal()
    unlocked = Signal(bool)  # True: the user was switched

    def __init__(self, window: QMainWindow, ledger: Ledger, interval_ms: int) -> None:
        super().__init__(window)
        self.window = window
        self.ledger = ledger
        self.dialog: LockDialog | None = None
        self._hidden: list[QWidget] = []
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._on_timer_timeout)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)
        self.timer.start()

    @property
    def is_locked(self) -> bool:
        return self.dialog is not None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.dialog is None and event.type() in _INPUT:
            self.timer.start()  # restart the count
        return False

    def _on_timer_timeout(self) -> None:
        if not self.window.isVisible():  # closed (or being closed): nothing on screen to lock
            return
        self.lock(self.tr("空闲%1分钟，自动锁定").replace("%1", str(round(self.timer.interval() / 60_000))))

    def lock(self, reason: str = "") -> LockDialog | None:
        """Hide the window's content and its dialogs behind the lock (nothing to lock for the command line's actor
        or when nobody is logged in)."""
        actor = self.ledger.session.actor
        if self.dialog is not None:
            return self.dialog
        if actor is None or actor.account_id is None:
            self.timer.start()
            return None
        self.timer.stop()
        accounts.record_screen_locked(self.ledger, reason or self.tr("手动锁定"))
        self._hidden = [w for w in QApplication.topLevelWidgets()
                        if w.isVisible() and w is not self.window and not isinstance(w, QMainWindow)]
        for widget in self._hidden:
            widget.hide()
        central = self.window.centralWidget()
        if central is not None:
            central.hide()
        dialog = LockDialog(self.ledger, self.window)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.unlocked.connect(self._on_dialog_unlocked)
        self.dialog = dialog
        dialog.open()
        self.locked.emit()
        return dialog

    def _on_dialog_unlocked(self, switched: bool) -> None:
        central = self.window.centralWidget()
        if central is not None:
            central.show()
        for widget in self._hidden:
            if switched and isinstance(widget, QDialog):
                widget.reject()  # the previous user's unsaved dialog is not for the next user
            elif not switched:
                widget.show()
        self._hidden = []
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None
        self.timer.start()
        self.unlocked.emit(switched)
