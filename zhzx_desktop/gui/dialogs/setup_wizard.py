"""首次使用设置 (first run): a wizard instead of the bare 「创建管理员账户」 login —

1. 本村 — 村名称 and the 12-digit 统计用区划代码 (``services.village``);
2. 调委会 — 调委会名称 and 案号前缀 (``services.committee``; proposed from the village name);
3. 管理员 — the administrator account (``accounts.create_first_admin``);
4. 县平台 — optional: the county server's address and the 注册码, or 「以后再说」 (enrol later from 同步).

**Nothing is saved until 完成**: each page is checked when the clerk clicks 下一步 by running the real service calls in
a transaction that is then rolled back (so the messages are the services' own, shown under the fields of that page),
and 完成 saves the three local pages in ONE transaction. A wizard closed half-way leaves the database as it was and
simply starts again next time (there is nothing to resume). The county enrollment is a network call: it runs after
that commit, in the existing ``EnrollDialog`` (its own thread, its own errors, 取消 = 以后再说), so a failed
enrollment never loses the local settings. On success the administrator is logged in (``ledger.session.actor``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from sync import outbox
from zhzx_desktop import APP_DISPLAY_NAME
from zhzx_desktop.errors import UserError
from zhzx_desktop.gui.dialogs.change_password_dialog import (
    add_field,
    confirm_error,
    form_error_label,
    line_edit,
    password_edit,
    rules_label,
)
from zhzx_desktop.gui.dialogs.enroll_dialog import EnrollDialog, EnrollFunction
from zhzx_desktop.gui.widgets import enter_navigation
from zhzx_desktop.gui.widgets.form_errors import FormErrors
from zhzx_desktop.security import accounts
from zhzx_desktop.security.session import Actor
from zhzx_desktop.services import committee, fields, village
from zhzx_desktop.services.fields import InvalidInput
from zhzx_desktop.services.ledger import Ledger

VILLAGE_PAGE, COMMITTEE_PAGE, ADMIN_PAGE, SERVER_PAGE = 0, 1, 2, 3
STEPS = 4


class _RollbackError(Exception):
    """Raised inside a trial transaction so it is rolled back (before any commit hook runs)."""


def _trial(ledger: Ledger, save: Callable[[], object]) -> None:
    """Run ``save`` (service calls) in a transaction that is always rolled back: its checks, none of its writes."""
    try:
        with ledger.store.write():
            save()
            raise _RollbackError
    except _RollbackError:
        pass


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #555;")
    return label


class _Page(QWizardPage):
    def __init__(self, title: str, subtitle: str) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(self.form)

    def finish_layout(self, step: int) -> None:
        self.setTitle(self.tr("第%1步（共%2步）：%3").replace("%1", str(step)).replace("%2", str(STEPS))
                      .replace("%3", self.title()))
        self.layout_.addWidget(form_error_label())
        self.layout_.addStretch(1)
        self.errors = FormErrors(self)
        for label in self.findChildren(QLabel):  # wrapped error lines use the field's whole width
            if label.objectName().endswith("_error"):
                label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def check(self) -> None:
        """Raise ``UserError``/``InvalidInput`` when the page's input would be refused."""

    def validatePage(self) -> bool:
        self.errors.clear()
        try:
            self.check()
        except UserError as exc:
            self.errors.show(exc)
            return False
        return True


class VillagePage(_Page):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(self.tr("本村"), self.tr("本机的数据属于哪个村。区划代码印在月报上，也用于与县平台同步。"))
        self.setObjectName("village_page")
        self.wizard_ = wizard
        current = village.load(wizard.ledger)
        self.village_name_edit = line_edit("village_name_edit", fields.SHORT_TEXT, self.tr("例：东华村"))
        self.village_name_edit.setText(current.name)
        self.village_code_edit = line_edit("village_code_edit", 12, self.tr("12位数字，例：330781103201"))
        self.village_code_edit.setText(current.code)
        add_field(self.form, self.tr("村名称"), self.village_name_edit, "village_name")
        add_field(self.form, self.tr("统计用区划代码"), self.village_code_edit, "village_code")
        self.layout_.addWidget(_hint(self.tr("统计用区划代码共12位：县（6位）＋乡镇（3位）＋村（3位），可向乡镇或县里询问，"
                                             "或在国家统计局公布的《统计用区划代码》中查到。")))
        self.finish_layout(1)

    def check(self) -> None:
        name, code = self.values()
        _trial(self.wizard_.ledger, lambda: village.save(self.wizard_.ledger, name, code))

    def values(self) -> tuple[str, str]:
        return self.village_name_edit.text().strip(), self.village_code_edit.text().strip()


class CommitteePage(_Page):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(self.tr("调委会"), self.tr("人民调解委员会的名称和案号前缀，印在协议书和案号上。以后可在“设置 → 调委会设置”中修改。"))
        self.setObjectName("committee_page")
        self.wizard_ = wizard
        self.current = committee.load(wizard.ledger)
        self.committee_name_edit = line_edit("committee_name_edit", fields.SHORT_TEXT, self.tr("例：东华村人民调解委员会"))
        self.committee_name_edit.setText(self.current.name)
        self.case_prefix_edit = line_edit("case_prefix_edit", 20, self.tr("例：东华村"))
        self.case_prefix_edit.setText(self.current.prefix)
        add_field(self.form, self.tr("调委会名称"), self.committee_name_edit, "committee_name")
        add_field(self.form, self.tr("案号前缀"), self.case_prefix_edit, "case_prefix")
        self.example_label = _hint("")
        self.example_label.setObjectName("example_label")
        self.layout_.addWidget(self.example_label)
        self.case_prefix_edit.textChanged.connect(self._on_case_prefix_edit_text_changed)
        self.finish_layout(2)

    def initializePage(self) -> None:
        """Propose 「<村>人民调解委员会」 and 「<村>」 from the village page when still empty."""
        name = self.wizard_.village_page.values()[0]
        if name and not self.committee_name_edit.text().strip():
            self.committee_name_edit.setText(self.tr("%1人民调解委员会").replace("%1", name))
        if name and not self.case_prefix_edit.text().strip():
            self.case_prefix_edit.setText(name)
        self._on_case_prefix_edit_text_changed(self.case_prefix_edit.text())

    def _on_case_prefix_edit_text_changed(self, text: str) -> None:
        year = self.wizard_.ledger.today().year
        self.example_label.setText(self.tr("案号将是这样：（%1）%2人调字第001号")
                                   .replace("%1", str(year)).replace("%2", text.strip() or "…"))

    def settings(self) -> committee.CommitteeSettings:
        return committee.CommitteeSettings(
            name=self.committee_name_edit.text().strip(), prefix=self.case_prefix_edit.text().strip(),
            block=self.current.block, show_id_numbers=self.current.show_id_numbers, retention=self.current.retention)

    def check(self) -> None:
        settings = self.settings()
        _trial(self.wizard_.ledger, lambda: committee.save(self.wizard_.ledger, settings))


class AdminPage(_Page):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(self.tr("管理员账户"), self.tr("管理员用这个账户为录入员、调解员、主任等新建账户。请牢记密码。"))
        self.setObjectName("admin_page")
        self.wizard_ = wizard
        self.username_edit = line_edit("username_edit", accounts.USERNAME_MAX, self.tr("例：admin"))
        self.display_name_edit = line_edit("display_name_edit", accounts.DISPLAY_NAME_MAX, self.tr("例：王芳"))
        self.password_edit = password_edit("password_edit")
        self.confirm_edit = password_edit("password_confirm_edit")
        add_field(self.form, self.tr("用户名"), self.username_edit, "username")
        add_field(self.form, self.tr("姓名"), self.display_name_edit, "display_name")
        add_field(self.form, self.tr("密码"), self.password_edit, "password")
        add_field(self.form, self.tr("再次输入密码"), self.confirm_edit, "password_confirm")
        self.layout_.addWidget(rules_label())
        self.finish_layout(3)

    def values(self) -> tuple[str, str, str]:
        return self.username_edit.text().strip(), self.display_name_edit.text(), self.password_edit.text()

    def check(self) -> None:
        username, display_name, password = self.values()
        mismatch = confirm_error(password, self.confirm_edit.text())
        try:
            _trial(self.wizard_.ledger,
                   lambda: accounts.create_first_admin(self.wizard_.ledger, username, display_name, password))
        except UserError as exc:
            errors = list(exc.errors) if isinstance(exc, InvalidInput) else [exc]
            raise InvalidInput(errors + ([mismatch] if mismatch else [])) from exc
        if mismatch is not None:
            raise mismatch


class ServerPage(_Page):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(self.tr("连接县平台"), self.tr("可以现在连接，也可以以后在“同步”页面连接。不连接也能正常使用，只是数据不上报。"))
        self.setObjectName("server_page")
        self.later_radio = QRadioButton(self.tr("以后再说"))
        self.later_radio.setObjectName("later_radio")
        self.now_radio = QRadioButton(self.tr("现在连接（需要县里给的平台地址和注册码）"))
        self.now_radio.setObjectName("now_radio")
        self.later_radio.setChecked(True)
        self.server_url_edit = QLineEdit()
        self.server_url_edit.setObjectName("server_url_edit")
        self.server_url_edit.setPlaceholderText("https://zhzx.xx县.gov.cn")
        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("code_edit")
        self.code_edit.setPlaceholderText(self.tr("8位，如 K7MQ2XPA"))
        self.code_edit.setMaxLength(32)
        self.layout_.insertWidget(0, self.later_radio)
        self.layout_.insertWidget(1, self.now_radio)
        add_field(self.form, self.tr("县平台地址"), self.server_url_edit, "server_url")
        add_field(self.form, self.tr("注册码"), self.code_edit, "code")
        self.layout_.addWidget(_hint(self.tr("点“完成”后先保存本机的设置，再连接县平台；连接不成功可以点“取消”，以后再连。")))
        self.now_radio.toggled.connect(self._on_now_radio_toggled)
        self._on_now_radio_toggled(False)
        self.finish_layout(4)

    def _on_now_radio_toggled(self, checked: bool) -> None:
        self.server_url_edit.setEnabled(checked)
        self.code_edit.setEnabled(checked)

    @property
    def wants_enrollment(self) -> bool:
        return self.now_radio.isChecked()

    def check(self) -> None:
        if not self.wants_enrollment:
            return
        errors = []
        if not self.server_url_edit.text().strip():
            errors.append(UserError("server_url", "required", self.tr("请填写县平台地址，或选“以后再说”")))
        if not self.code_edit.text().strip():
            errors.append(UserError("code", "required", self.tr("请填写注册码，或选“以后再说”")))
        if errors:
            raise InvalidInput(errors)


class SetupWizard(QWizard):
    """The first-run wizard. ``accept()`` (完成) saves and logs the administrator in; ``enroll`` replaces the
    county enrollment call (tests)."""

    def __init__(self, ledger: Ledger, parent: QWidget | None = None, *, enroll: EnrollFunction | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setup_wizard")
        self.ledger = ledger
        self._enroll = enroll
        self.actor: Actor | None = None
        self.enroll_dialog: EnrollDialog | None = None
        self.setWindowTitle(self.tr("首次使用设置 - %1").replace("%1", APP_DISPLAY_NAME))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< 上一步"))
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("下一步 >"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("完成"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("退出"))
        self.setMinimumSize(640, 480)
        self.village_page = VillagePage(self)
        self.committee_page = CommitteePage(self)
        self.admin_page = AdminPage(self)
        self.server_page = ServerPage(self)
        for index, page in enumerate((self.village_page, self.committee_page, self.admin_page, self.server_page)):
            self.setPage(index, page)

    def save(self) -> Actor:
        """Save the village, the committee and the administrator in one transaction; log the administrator in."""
        name, code = self.village_page.values()
        username, display_name, password = self.admin_page.values()
        with self.ledger.store.write():
            village.save(self.ledger, name, code)
            committee.save(self.ledger, self.committee_page.settings())
            accounts.create_first_admin(self.ledger, username, display_name, password)
        result = accounts.login(self.ledger, username, password)
        self.ledger.session.actor = result.actor
        return result.actor

    def accept(self) -> None:
        if self.actor is not None:  # saved already; waiting for the enrollment dialog
            return
        page = self.currentPage()
        if isinstance(page, _Page) and not page.validatePage():
            return
        try:
            self.actor = self.save()
        except UserError as exc:  # e.g. an account was made meanwhile on this database: say it on the last page
            self.server_page.errors.show(exc)
            return
        if not self.server_page.wants_enrollment:
            super().accept()
            return
        self.open_enroll_dialog()

    def open_enroll_dialog(self) -> EnrollDialog:
        kwargs: dict[str, Any] = {"server_url": self.server_page.server_url_edit.text().strip()}
        if self._enroll is not None:
            kwargs["enroll"] = self._enroll
        dialog = EnrollDialog(Path(self.ledger.store.path), self, **kwargs)
        dialog.code_edit.setText(self.server_page.code_edit.text().strip())
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.finished.connect(self._on_enroll_dialog_finished)
        self.enroll_dialog = dialog
        dialog.open()
        dialog.accept()  # start connecting at once with what the clerk typed; errors stay in that dialog
        return dialog

    def _on_enroll_dialog_finished(self, _result: int) -> None:
        """Enrolled, or 取消 (以后再说): the local settings are saved either way; on to the main window."""
        super().accept()

    def reject(self) -> None:
        if self.actor is not None:  # saved: closing now still goes on (logged in)
            super().accept()
            return
        super().reject()


def run_setup_wizard(ledger: Ledger) -> bool:
    """The first-run step (blocking): True once the settings are saved and the administrator is logged in."""
    wizard = SetupWizard(ledger)
    return wizard.exec() == QDialog.DialogCode.Accepted and ledger.session.actor is not None


def run_setup_or_login(ledger: Ledger) -> bool:
    """The app's first step: the setup wizard on a database without any account (the first run), else the login."""
    if not accounts.accounts_exist(ledger):
        return run_setup_wizard(ledger)
    from zhzx_desktop.gui.dialogs.login_dialog import run_login
    return run_login(ledger)


class VillageDialog(QDialog):
    """设置 → 本村…: the village name and 统计用区划代码 after the first run (a database made before the wizard
    existed has none; the 月报 prints them). Saves itself in ``accept()``."""

    def __init__(self, ledger: Ledger, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("village_dialog")
        self.setWindowTitle(self.tr("本村"))
        self.setMinimumWidth(520)
        self.ledger = ledger
        self.village: village.Village | None = None
        current = village.load(ledger)
        self.village_name_edit = line_edit("village_name_edit", fields.SHORT_TEXT, self.tr("例：东华村"))
        self.village_name_edit.setText(current.name)
        self.village_code_edit = line_edit("village_code_edit", 12, self.tr("12位数字，例：330781103201"))
        self.village_code_edit.setText(current.code)
        if outbox.get_state(ledger.store.conn, "device_id"):  # enrolled: the county's code (set at enrollment) holds
            self.village_code_edit.setReadOnly(True)
            self.village_code_edit.setToolTip(self.tr("本电脑已连接县平台，区划代码以县里登记的为准"))
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        add_field(form, self.tr("村名称"), self.village_name_edit, "village_name")
        add_field(form, self.tr("统计用区划代码"), self.village_code_edit, "village_code")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_hint(self.tr("统计用区划代码共12位：县（6位）＋乡镇（3位）＋村（3位）。连接县平台后以县里登记的为准。")))
        layout.addWidget(form_error_label())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.setObjectName("buttons")
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.errors = FormErrors(self)
        enter_navigation.install(self)

    def accept(self) -> None:
        self.errors.clear()
        try:
            self.village = village.save(self.ledger, self.village_name_edit.text(), self.village_code_edit.text())
        except UserError as exc:
            self.errors.show(exc)
            return
        super().accept()
