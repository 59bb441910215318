"""连接县平台: enroll this computer with the county server once — the server address, the enrollment code the
county printed, and (for https) the county's CA certificate file. The engine (``sync.client.enroll``) checks the
address (https is required except on this computer itself) and the code, and stores the token in the keyring.

The dialog saves itself in ``accept()``; the request runs on a short-lived thread of its own (a network call never
freezes the window), its answer comes back queued, and errors are shown inline in the engine's Chinese words."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from zhzx_desktop.errors import UserError, ZhzxError
from zhzx_desktop.gui.widgets import enter_navigation
from zhzx_desktop.gui.widgets.buttons import push_button
from zhzx_desktop.gui.widgets.form_errors import FormErrors
from zhzx_desktop.services.fields import InvalidInput

log = logging.getLogger(__name__)

THREAD_NAME = "zhzx-enroll"
EnrollFunction = Callable[..., Any]  # enroll(db_path, server_url, code, *, ca_file, device_name) -> Enrollment


def _default_enroll(db_path: Path, server_url: str, code: str, **kwargs: Any) -> Any:
    from sync import client
    return client.enroll(db_path, server_url, code, **kwargs)


class EnrollDialog(QDialog):
    enrolled = Signal(object)  # the Enrollment
    _answered = Signal(object, object)  # (Enrollment | None, BaseException | None), queued from the thread

    def __init__(self, db_path: Path, parent: QWidget | None = None, *, server_url: str = "",
                 enroll: EnrollFunction | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("enroll_dialog")
        self.setWindowTitle(self.tr("连接县平台"))
        self.db_path = Path(db_path)
        self._enroll = enroll or _default_enroll
        self._thread: threading.Thread | None = None
        self.enrollment: Any = None

        intro = QLabel(self.tr("只需设置一次。请填写县里提供的平台地址和注册码（注册码只能用一次，7天内有效）。"))
        intro.setWordWrap(True)
        intro.setObjectName("intro_label")
        self.server_url_edit = QLineEdit(server_url)
        self.server_url_edit.setObjectName("server_url_edit")
        self.server_url_edit.setPlaceholderText("https://zhzx.xx县.gov.cn")
        self.server_url_error = QLabel()
        self.server_url_error.setObjectName("server_url_error")
        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("code_edit")
        self.code_edit.setPlaceholderText(self.tr("8位，如 K7MQ2XPA"))
        self.code_edit.setMaxLength(32)
        self.code_error = QLabel()
        self.code_error.setObjectName("code_error")
        self.ca_file_edit = QLineEdit()
        self.ca_file_edit.setObjectName("ca_file_edit")
        self.ca_file_edit.setPlaceholderText(self.tr("可不填；县里给了证书文件（.pem/.crt）时选择它"))
        self.ca_browse_button = push_button("ca_browse_button", self.tr("浏览…"), self.tr("选择县里提供的证书文件"))
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file_edit, 1)
        ca_row.addWidget(self.ca_browse_button)
        self.ca_file_error = QLabel()
        self.ca_file_error.setObjectName("ca_file_error")
        self.device_name_edit = QLineEdit()
        self.device_name_edit.setObjectName("device_name_edit")
        self.device_name_edit.setPlaceholderText(self.tr("可不填，如“村委会办公室电脑”"))
        self.device_name_error = QLabel()
        self.device_name_error.setObjectName("device_name_error")

        form = QFormLayout()
        form.addRow(self.tr("县平台地址"), self.server_url_edit)
        form.addRow("", self.server_url_error)
        form.addRow(self.tr("注册码"), self.code_edit)
        form.addRow("", self.code_error)
        form.addRow(self.tr("证书文件"), ca_row)
        form.addRow("", self.ca_file_error)
        form.addRow(self.tr("本机名称"), self.device_name_edit)
        form.addRow("", self.device_name_error)
        self.busy_label = QLabel(self.tr("正在连接县平台，请稍候…"))
        self.busy_label.setObjectName("busy_label")
        self.busy_label.hide()
        self.form_error = QLabel()
        self.form_error.setObjectName("form_error")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("buttons")
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("连接"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.busy_label)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.errors = FormErrors(self)
        enter_navigation.install(self)

        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.ca_browse_button.clicked.connect(self._on_ca_browse_button_clicked)
        self._answered.connect(self._on_answered, Qt.ConnectionType.QueuedConnection)

    # ---- input

    def fill(self, server_url: str, code: str, ca_file: str = "", device_name: str = "") -> None:
        self.server_url_edit.setText(server_url)
        self.code_edit.setText(code)
        self.ca_file_edit.setText(ca_file)
        self.device_name_edit.setText(device_name)

    def _on_ca_browse_button_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择县里提供的证书文件"), "",
                                              self.tr("证书文件 (*.pem *.crt *.cer);;所有文件 (*)"))
        if path:
            self.ca_file_edit.setText(path)

    def _check(self) -> tuple[str, str, str | None]:
        url = self.server_url_edit.text().strip()
        code = self.code_edit.text().strip().upper().replace(" ", "").replace("-", "")
        ca = self.ca_file_edit.text().strip() or None
        errors = []
        if not url:
            errors.append(UserError("server_url", "required", self.tr("请填写县平台地址")))
        if not code:
            errors.append(UserError("code", "required", self.tr("请填写注册码")))
        if ca is not None and not Path(ca).is_file():
            errors.append(UserError("ca_file", "missing", self.tr("找不到这个证书文件")))
        if errors:
            raise InvalidInput(errors)
        return url, code, ca

    # ---- saving

    @property
    def busy(self) -> bool:
        return self._thread is not None

    def accept(self) -> None:
        if self.busy:
            return
        try:
            url, code, ca = self._check()
        except InvalidInput as exc:
            self.errors.show(exc)
            return
        self.errors.clear()
        self._set_busy(True)
        kwargs: dict[str, Any] = {"ca_file": ca}
        name = self.device_name_edit.text().strip()
        if name:
            kwargs["device_name"] = name

        def work() -> None:  # on the enrollment thread
            try:
                result = self._enroll(self.db_path, url, code, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - shown in the dialog
                self._answered.emit(None, exc)
            else:
                self._answered.emit(result, None)
        self._thread = threading.Thread(target=work, name=THREAD_NAME, daemon=True)
        self._thread.start()

    def _set_busy(self, busy: bool) -> None:
        self.busy_label.setVisible(busy)
        self.ok_button.setEnabled(not busy)
        for edit in (self.server_url_edit, self.code_edit, self.ca_file_edit, self.device_name_edit):
            edit.setReadOnly(busy)

    def _on_answered(self, result: Any, error: BaseException | None) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(1.0)
        self._set_busy(False)
        if error is None:
            self.enrollment = result
            self.enrolled.emit(result)
            super().accept()
            return
        if isinstance(error, UserError):
            self.errors.show(error)
        elif isinstance(error, ZhzxError):
            self.errors.show(UserError("form", "failed", error.message))
        else:
            log.error("enrollment failed", exc_info=error)
            self.errors.show(UserError("form", "failed", self.tr("连接县平台时出现意外错误，没有完成注册。请把情况告诉技术支持人员。")))

    def reject(self) -> None:
        if self.busy:  # the request is on its way; its answer is dropped with the dialog
            return
        super().reject()

    def wait(self, timeout: float = 20.0) -> None:
        """Tests and closing: wait for the request thread to end."""
        if self._thread is not None:
            self._thread.join(timeout)
