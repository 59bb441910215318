"""The roster import wizard (导入花名册): choose the file → map its columns → check every row → import → undo.

The pages are dynamic views built in code. Reading, checking, importing and undoing run through ``ctx.runner``
(off the GUI thread, with progress and 取消); the wizard only shows results. ``changed`` carries the ``Changes``
of the import and of its undo, so the main window refreshes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from zhzx_desktop.errors import Cancelled, ZhzxError
from zhzx_desktop.gui import settings as app_settings
from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.errors import show_error
from zhzx_desktop.gui.widgets.form_errors import STYLE as ERROR_STYLE
from zhzx_desktop.services import journal, roster_import
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.services.progress import Progress

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
FileChooser = Callable[[QWidget, str], str]  # (parent, start dir) → the chosen path or ""


class MappingStore(Protocol):
    """Where the wizard remembers column choices ({header text: field}) between imports."""

    def load(self) -> dict[str, str]: ...

    def save(self, mapping: dict[str, str]) -> None: ...


class SettingsMappingStore:
    """The app's store: the ``IMPORT_MAPPING`` setting (JSON); new choices are merged into the old ones."""

    def __init__(self, settings: app_settings.Settings) -> None:
        self._settings = settings

    def load(self) -> dict[str, str]:
        try:
            data = json.loads(self._settings.get(app_settings.IMPORT_MAPPING) or "{}")
        except ValueError:
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def save(self, mapping: dict[str, str]) -> None:
        merged = self.load()
        merged.update(mapping)
        self._settings.set(app_settings.IMPORT_MAPPING, json.dumps(merged, ensure_ascii=False))


def _choose_file(parent: QWidget, start: str) -> str:
    path, _ = QFileDialog.getOpenFileName(parent, parent.tr("选择花名册文件"), start,
                                          parent.tr("Excel 文件 (*.xlsx);;所有文件 (*)"))
    return path


def _error_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


class IssueTableModel(QAbstractTableModel):
    """The check page's list: problems (rows that cannot be imported), possible duplicates and warnings, by row."""

    HEADERS = ("行号", "类型", "栏目", "说明")
    KIND_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[tuple[int, str, str, str]] = []

    def set_preview(self, preview: roster_import.Preview | None) -> None:
        self.beginResetModel()
        self._items = []
        if preview is not None:
            for row in preview.rows:
                for problem in row.problems:
                    self._items.append((problem.row, self.tr("错误"),
                                        roster_import.FIELDS.get(problem.field, ""), problem.message))
            for dup in preview.duplicates:
                self._items.append((dup.row, self.tr("疑似重复"), roster_import.FIELDS["name"],
                                    f"{dup.name}：{dup.reason}（{'；'.join(dup.matches)}）"))
            for row in preview.valid_rows:
                for warning in row.warnings:
                    self._items.append((row.row, self.tr("提示"), roster_import.FIELDS["id_number"], warning))
            self._items.sort(key=lambda item: item[0])
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"第{item[0]}行" if index.column() == 0 else str(item[index.column()])
        if role == Qt.ItemDataRole.UserRole:
            return item[0]  # the Excel row number
        if role == self.KIND_ROLE:
            return item[1]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.HEADERS):
            return self.tr(self.HEADERS[section])
        return None

    def texts(self) -> list[str]:
        """Each line as the clerk reads it (for tests and copying)."""
        return [f"第{row}行 {kind} {column}：{message}" for row, kind, column, message in self._items]


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(self.tr("第一步：选择花名册文件"))
        self.setSubTitle(self.tr("选择要导入的 Excel 花名册（.xlsx）。表格上方可以有标题行，程序会自动找到列名所在的行。"))
        self.file_edit = QLineEdit()
        self.file_edit.setObjectName("file_edit")
        self.file_edit.setPlaceholderText(self.tr("花名册文件路径"))
        self.browse_button = QPushButton(self.tr("浏览…"))
        self.browse_button.setObjectName("browse_button")
        row = QHBoxLayout()
        row.addWidget(self.file_edit, 1)
        row.addWidget(self.browse_button)
        hint = QLabel(self.tr("能识别的列名：姓名、身份证号（公民身份号码）、性别、出生日期、民族、联系电话、户号、"
                              "与户主关系、网格、现住址、职业、人员类别、人口类型、备注。同一户的人填写相同的户号；"
                              "身份证号一列请设为“文本”格式。"))
        hint.setWordWrap(True)
        self.file_error = _error_label("file_error")
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.file_error)
        layout.addWidget(hint)
        layout.addStretch(1)
        self.file_edit.textChanged.connect(self._on_file_edit_text_changed)
        self.browse_button.clicked.connect(self._on_browse_button_clicked)

    def _on_file_edit_text_changed(self, _text: str) -> None:
        self.file_error.hide()
        self.completeChanged.emit()

    def _on_browse_button_clicked(self) -> None:
        start = self._wizard.ctx.settings.get(app_settings.LAST_DIR) or str(Path.home())
        path = self._wizard.choose_file(self, start)
        if path:
            self.file_edit.setText(path)

    def isComplete(self) -> bool:
        return bool(self.file_edit.text().strip())

    def validatePage(self) -> bool:
        path = Path(self.file_edit.text().strip())
        try:
            self._wizard.head = roster_import.read_head(path, self._wizard.mapping_store.load())
        except ZhzxError as exc:
            self.file_error.setText(exc.message)
            self.file_error.show()
            return False
        self._wizard.ctx.settings.set(app_settings.LAST_DIR, str(path.parent))
        return True


class MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(self.tr("第二步：核对列的对应"))
        self.setSubTitle(self.tr("每一列要导入为哪一项；不需要的列选“（不导入）”。下次导入相同列名时会记住这里的选择。"))
        self.header_label = QLabel()
        self.header_label.setObjectName("header_label")
        self.mapping_table = QTableWidget(0, 3)
        self.mapping_table.setObjectName("mapping_table")
        self.mapping_table.setHorizontalHeaderLabels([self.tr("表中的列"), self.tr("导入为"), self.tr("前几行的内容")])
        self.mapping_table.verticalHeader().hide()
        self.mapping_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mapping_error = _error_label("mapping_error")
        self.preview_table = QTableWidget()
        self.preview_table.setObjectName("preview_table")
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_table.setMaximumHeight(170)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header_label)
        layout.addWidget(self.mapping_table, 3)
        layout.addWidget(self.mapping_error)
        layout.addWidget(QLabel(self.tr("文件的前几行（身份证号已遮挡）：")))
        layout.addWidget(self.preview_table, 1)
        self._combos: list[QComboBox] = []

    def initializePage(self) -> None:
        head = self._wizard.head
        assert head is not None
        self.mapping_error.hide()
        self.header_label.setText(self.tr("工作表“%1”，第%2行是列名；下面是每一列的对应：")
                                  .replace("%1", head.sheet).replace("%2", str(head.header_row)))
        self.mapping_table.setRowCount(len(head.headers))
        self._combos = []
        for index, header in enumerate(head.headers):
            item = QTableWidgetItem(header)
            self.mapping_table.setItem(index, 0, item)
            combo = QComboBox()
            combo.setObjectName(f"mapping_combo_{index}")
            combo.addItem(self.tr("（不导入）"), roster_import.IGNORE)
            for field, label in roster_import.FIELDS.items():
                combo.addItem(label, field)
            combo.setCurrentIndex(max(0, combo.findData(head.mapping.get(header, roster_import.IGNORE))))
            combo.currentIndexChanged.connect(self._on_combo_current_index_changed)
            self.mapping_table.setCellWidget(index, 1, combo)
            self._combos.append(combo)
            examples = "，".join(v for v in (row[index] if index < len(row) else "" for row in head.sample[:3]) if v)
            self.mapping_table.setItem(index, 2, QTableWidgetItem(examples))
        self.mapping_table.resizeColumnToContents(0)
        self.mapping_table.setColumnWidth(1, 140)
        self.preview_table.clear()
        self.preview_table.setColumnCount(len(head.headers))
        self.preview_table.setRowCount(len(head.sample))
        self.preview_table.setHorizontalHeaderLabels(list(head.headers))
        self.preview_table.setVerticalHeaderLabels([str(head.header_row + 1 + i) for i in range(len(head.sample))])
        for r, values in enumerate(head.sample):
            for c, value in enumerate(values[:len(head.headers)]):
                self.preview_table.setItem(r, c, QTableWidgetItem(value))
        self.preview_table.resizeColumnsToContents()

    def _on_combo_current_index_changed(self, _index: int) -> None:
        self.mapping_error.hide()

    def mapping(self) -> dict[str, str]:
        head = self._wizard.head
        assert head is not None
        return {header: str(combo.currentData()) for header, combo in zip(head.headers, self._combos)}

    def set_field(self, header: str, field: str) -> None:
        """Choose ``field`` (or IGNORE) for the column ``header`` (what the clerk does with the combo box)."""
        head = self._wizard.head
        assert head is not None
        combo = self._combos[head.headers.index(header)]
        combo.setCurrentIndex(combo.findData(field))

    def validatePage(self) -> bool:
        mapping = self.mapping()
        try:
            roster_import.check_mapping(mapping)
        except ZhzxError as exc:
            self.mapping_error.setText(exc.message)
            self.mapping_error.show()
            return False
        self._wizard.mapping = mapping
        self._wizard.mapping_store.save(mapping)
        return True


class CheckPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(self.tr("第三步：检查"))
        self.setSubTitle(self.tr("已逐行检查花名册。有问题的行按 Excel 行号列在下面；“疑似重复”的行仍会导入，请事后核对。"))
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("导入"))
        self.summary_label = QLabel()
        self.summary_label.setObjectName("summary_label")
        self.summary_label.setWordWrap(True)
        self.issue_model = IssueTableModel(self)
        self.issue_view = QTableView()
        self.issue_view.setObjectName("issue_view")
        self.issue_view.setModel(self.issue_model)
        self.issue_view.verticalHeader().hide()
        self.issue_view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.issue_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.issue_view.setWordWrap(True)
        self.valid_only_radio = QRadioButton(self.tr("只导入无误的行（有问题的行不导入，可改正后再导入）"))
        self.valid_only_radio.setObjectName("valid_only_radio")
        self.all_or_nothing_radio = QRadioButton(self.tr("全部无误才导入（有任何一行有问题就一行也不导入）"))
        self.all_or_nothing_radio.setObjectName("all_or_nothing_radio")
        self.valid_only_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.valid_only_radio)
        group.addButton(self.all_or_nothing_radio)
        self.check_error = _error_label("check_error")
        self.recheck_button = QPushButton(self.tr("重新检查"))
        self.recheck_button.setObjectName("recheck_button")
        self.recheck_button.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.issue_view, 1)
        layout.addWidget(self.valid_only_radio)
        layout.addWidget(self.all_or_nothing_radio)
        layout.addWidget(self.check_error)
        layout.addWidget(self.recheck_button)
        self.recheck_button.clicked.connect(self._on_recheck_button_clicked)
        self._busy = False
        self._imported = False

    def initializePage(self) -> None:
        self._imported = False
        self.run_check()

    def cleanupPage(self) -> None:
        self._wizard.preview = None
        self.issue_model.set_preview(None)

    def run_check(self) -> None:
        wizard = self._wizard
        head, mapping = wizard.head, dict(wizard.mapping)
        assert head is not None
        path = head.path
        wizard.preview = None
        self.issue_model.set_preview(None)
        self.check_error.hide()
        self.recheck_button.hide()
        self.summary_label.setText(self.tr("正在检查……"))
        self._busy = True
        self.completeChanged.emit()

        def job(ledger: Ledger, progress: Progress) -> roster_import.Preview:
            return roster_import.parse(ledger, path, mapping, progress)

        wizard.ctx.runner.run(job, on_success=self._on_checked, on_failure=self._on_check_failed,
                              label=self.tr("正在检查花名册"), parent=self)

    def _on_checked(self, preview: roster_import.Preview) -> None:
        self._busy = False
        self._wizard.preview = preview
        self.issue_model.set_preview(preview)
        self.issue_view.resizeColumnsToContents()
        self.issue_view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        valid, invalid = len(preview.valid_rows), len(preview.invalid_rows)
        text = (self.tr("共%1行：%2行无误可以导入，%3行有问题。").replace("%1", str(len(preview.rows)))
                .replace("%2", str(valid)).replace("%3", str(invalid)))
        if preview.duplicates:
            text += self.tr("另有%1行疑似与已登记的人或文件中的其他行重复（仍会导入，请事后核对）。") \
                .replace("%1", str(len(preview.duplicates)))
        if preview.new_households:
            text += self.tr("将新建%1户").replace("%1", str(len(preview.new_households)))
            text += (self.tr("，并有%1户已存在（按户号加入）。").replace("%1", str(preview.joined_households))
                     if preview.joined_households else "。")
        if not valid:
            text += self.tr("没有可以导入的行，请按下面的提示改正花名册后重新导入。")
        self.summary_label.setText(text)
        self.completeChanged.emit()

    def _on_check_failed(self, exc: BaseException) -> None:
        self._busy = False
        if isinstance(exc, Cancelled):
            self.summary_label.setText(self.tr("检查已取消。"))
        elif isinstance(exc, ZhzxError):
            self.summary_label.setText(self.tr("无法检查这个文件。"))
            self.check_error.setText(exc.message)
            self.check_error.show()
        else:
            self.summary_label.setText(self.tr("检查时出错。"))
            show_error(self, exc)
        self.recheck_button.show()
        self.completeChanged.emit()

    def _on_recheck_button_clicked(self) -> None:
        self.run_check()

    def isComplete(self) -> bool:
        preview = self._wizard.preview
        return not self._busy and preview is not None and bool(preview.valid_rows)

    @property
    def all_or_nothing(self) -> bool:
        return self.all_or_nothing_radio.isChecked()

    def validatePage(self) -> bool:
        if self._imported:
            return True
        if self._busy:
            return False
        preview = self._wizard.preview
        assert preview is not None
        all_or_nothing = self.all_or_nothing
        self.check_error.hide()
        self._busy = True
        self.completeChanged.emit()

        def job(ledger: Ledger, progress: Progress) -> roster_import.ImportResult:
            return roster_import.commit(ledger, preview, all_or_nothing=all_or_nothing, progress=progress)

        self._wizard.ctx.runner.run(job, on_success=self._on_imported, on_failure=self._on_import_failed,
                                    label=self.tr("正在导入"), parent=self)
        return False

    def _on_imported(self, result: roster_import.ImportResult) -> None:
        self._busy = False
        self._imported = True
        self._wizard.result = result
        log.info("roster imported: %d residents, journal %s", result.imported, result.journal_id)
        self._wizard.changed.emit(result.changes)
        QTimer.singleShot(0, self._wizard.next)

    def _on_import_failed(self, exc: BaseException) -> None:
        self._busy = False
        if isinstance(exc, ZhzxError):
            self.check_error.setText(exc.message)
            self.check_error.show()
        else:
            show_error(self, exc)
        self.completeChanged.emit()


class ResultPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(self.tr("完成"))
        self.result_label = QLabel()
        self.result_label.setObjectName("result_label")
        self.result_label.setWordWrap(True)
        self.undo_button = QPushButton(self.tr("撤销本次导入"))
        self.undo_button.setObjectName("undo_button")
        self.undo_label = QLabel()
        self.undo_label.setObjectName("undo_label")
        self.undo_label.setWordWrap(True)
        self.issue_view = QTableView()  # the check page's list, for the rows that were not imported
        self.issue_view.setObjectName("result_issue_view")
        self.issue_view.setModel(wizard.check_page.issue_model)
        self.issue_view.verticalHeader().hide()
        self.issue_view.horizontalHeader().setStretchLastSection(True)
        row = QHBoxLayout()
        row.addWidget(self.undo_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.result_label)
        layout.addWidget(self.issue_view, 1)
        layout.addLayout(row)
        layout.addWidget(self.undo_label)
        self.undo_button.clicked.connect(self._on_undo_button_clicked)

    def initializePage(self) -> None:
        result = self._wizard.result
        assert result is not None
        rejected_rows = len({p.row for p in result.rejected})
        text = (self.tr("已导入%1人，新建%2户。").replace("%1", str(result.imported))
                .replace("%2", str(result.households_created)))
        if rejected_rows:
            text += self.tr("有%1行有问题，没有导入（改正后可只导入这些行）。").replace("%1", str(rejected_rows))
        if result.duplicates:
            text += self.tr("%1人疑似重复登记，请在“居民”中核对，确为同一人的可以合并。") \
                .replace("%1", str(len(result.duplicates)))
        text += self.tr("\n\n如果导入有误，可以撤销本次导入：导入的人会被删除，新建的户会被注销。"
                        "以后也可以在“居民”页的操作记录中撤销。")
        self.result_label.setText(text)
        self.undo_button.setEnabled(result.journal_id is not None)
        self.undo_label.clear()
        self.issue_view.setVisible(self._wizard.check_page.issue_model.rowCount() > 0)
        self.issue_view.resizeColumnsToContents()

    def _on_undo_button_clicked(self) -> None:
        result = self._wizard.result
        if result is None or result.journal_id is None:
            return
        journal_id = result.journal_id
        self.undo_button.setEnabled(False)

        def job(ledger: Ledger, progress: Progress) -> Changes:
            return journal.undo(ledger, journal_id, progress)

        self._wizard.ctx.runner.run(job, on_success=self._on_undone, on_failure=self._on_undo_failed,
                                    label=self.tr("正在撤销导入"), parent=self)

    def _on_undone(self, changes: Changes) -> None:
        self._wizard.undone = True
        self.undo_label.setText(self.tr("已撤销本次导入。"))
        self._wizard.changed.emit(changes)

    def _on_undo_failed(self, exc: BaseException) -> None:
        self.undo_button.setEnabled(True)
        if isinstance(exc, ZhzxError):
            self.undo_label.setText(exc.message)
        else:
            show_error(self, exc)


class ImportWizard(QWizard):
    """Open with ``open()``; ``changed`` is emitted after the import and after an undo."""

    changed = Signal(object)  # Changes

    FILE_PAGE, MAPPING_PAGE, CHECK_PAGE, RESULT_PAGE = range(4)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None, *, mapping_store: MappingStore | None = None,
                 choose_file: FileChooser | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("import_wizard")
        self.ctx = ctx
        self.mapping_store: MappingStore = mapping_store or SettingsMappingStore(ctx.settings)
        self.choose_file: FileChooser = choose_file or _choose_file
        self.head: roster_import.SheetHead | None = None
        self.mapping: dict[str, str] = {}
        self.preview: roster_import.Preview | None = None
        self.result: roster_import.ImportResult | None = None
        self.undone = False
        self.setWindowTitle(self.tr("导入花名册"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        for button, text in ((QWizard.WizardButton.BackButton, self.tr("上一步")),
                             (QWizard.WizardButton.NextButton, self.tr("下一步")),
                             (QWizard.WizardButton.CommitButton, self.tr("导入")),
                             (QWizard.WizardButton.FinishButton, self.tr("完成")),
                             (QWizard.WizardButton.CancelButton, self.tr("取消"))):
            self.setButtonText(button, text)
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.check_page = CheckPage(self)
        self.result_page = ResultPage(self)
        for page_id, page in ((self.FILE_PAGE, self.file_page), (self.MAPPING_PAGE, self.mapping_page),
                              (self.CHECK_PAGE, self.check_page), (self.RESULT_PAGE, self.result_page)):
            self.setPage(page_id, page)
        self.resize(820, 600)

    def set_file(self, path: Path | str) -> None:
        """Fill in the file (what 浏览… does after the clerk picks one)."""
        self.file_page.file_edit.setText(str(path))
