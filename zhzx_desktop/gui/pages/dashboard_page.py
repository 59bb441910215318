"""统计 (the first page of the navigation): the village at a glance — number tiles for the register and the
mediation cases of this month and this year, bar charts of this year's cases by dispute type and by source and of
the teams' activities of the last 12 months, the 研判 early warnings beside them, and the 月报 dialog.

Every tile and every bar opens the records behind it (``DrillDialog``); a case there opens on the 调解 page
(``case_requested``, wired by the main window)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from zhzx_desktop.gui.context import GuiContext
from zhzx_desktop.gui.dialogs.monthly_report_dialog import MonthlyReportDialog
from zhzx_desktop.gui.pages.page import Page
from zhzx_desktop.gui.widgets.bar_chart import BarChart, ChartBar
from zhzx_desktop.gui.widgets.buttons import push_button
from zhzx_desktop.gui.widgets.warning_list import WarningList
from zhzx_desktop.services import dashboard
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.dashboard import Bar, Dashboard, Drill, Figure

if TYPE_CHECKING:
    from zhzx_desktop.gui.dialogs.drill_dialog import DrillDialog

log = logging.getLogger(__name__)

_WEEKDAYS = "一二三四五六日"
_TILE_STYLE = """
QFrame#%1 { background: #f7f9fc; border: 1px solid #d5dde8; border-radius: 6px; }
QFrame#%1:hover { background: #eaf2fd; border-color: #3b7dd8; }
QFrame#%1:focus { border: 2px solid #3b7dd8; }
"""
_GROUP_STYLE = "QGroupBox { font-weight: bold; }"


class _Tile(QFrame):
    """A number with a caption under it; clicked (or Enter/Space when focused) opens what it counts."""

    clicked = Signal()

    def __init__(self, name: str, caption: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setStyleSheet(_TILE_STYLE.replace("%1", name))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.value_label = QLabel("–")
        self.value_label.setObjectName(name + "_value")
        self.value_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.value_label.setStyleSheet("font-size: 18pt; font-weight: bold; color: #1f4f8f; border: none;"
                                       " background: transparent;")
        self.caption_label = QLabel(caption)
        self.caption_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption_label.setStyleSheet("font-size: 10.5pt; color: #444; border: none; background: transparent;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(0)
        layout.addWidget(self.value_label)
        layout.addWidget(self.caption_label)
        self.setMinimumWidth(max(84, self.caption_label.sizeHint().width() + 16))

    def set_value(self, text: str, tooltip: str) -> None:
        self.value_label.setText(text)
        self.setToolTip(tooltip)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
            event.accept()
            return
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)


class DashboardPage(Page):
    title = "统计"
    case_requested = Signal(str)  # a case id, to show on the 调解 page

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__(ctx)
        self.board: Dashboard | None = None
        self.drills: dict[str, Drill] = {}
        self.dialog: QDialog | None = None  # the drill or 月报 dialog last opened
        self._stale = False  # a change arrived while the page was hidden

        heading = QLabel(self.tr("统计"))
        heading.setObjectName("dashboard_heading")
        heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.date_label = QLabel()
        self.date_label.setObjectName("date_label")
        self.date_label.setStyleSheet("font-size: 12pt; color: #555;")
        self.refresh_button = push_button("refresh_button", self.tr("刷新"), self.tr("重新统计"))
        self.report_button = push_button("report_button", self.tr("月报…"),
                                         self.tr("人民调解工作统计月报：导出PDF或Excel，上报县里"))
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addSpacing(16)
        top.addWidget(self.date_label)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.report_button)

        self.tiles: dict[str, _Tile] = {}
        register = self._tile_group(self.tr("台账"), (
            ("residents", self.tr("在册居民")), ("households", self.tr("户")), ("teams", self.tr("队伍")),
            ("members", self.tr("队员人次"))))
        self.month_group = self._tile_group(self.tr("本月调解"), (
            ("month_opened", self.tr("受理")), ("month_closed", self.tr("结案")),
            ("month_succeeded", self.tr("调解成功")), ("month_rate", self.tr("成功率"))))
        self.year_group = self._tile_group(self.tr("本年调解"), (
            ("year_opened", self.tr("受理")), ("year_closed", self.tr("结案")),
            ("year_succeeded", self.tr("调解成功")), ("year_rate", self.tr("成功率"))))

        self.type_chart = BarChart("type_chart", horizontal=True)
        self.type_chart.set_empty_text(self.tr("本年还没有受理案件"))
        self.source_chart = BarChart("source_chart", horizontal=True)
        self.source_chart.set_empty_text(self.tr("本年还没有受理案件"))
        self.activity_chart = BarChart("activity_chart", horizontal=False)
        self.activity_chart.set_empty_text(self.tr("近12个月没有记录队伍活动"))
        self.activity_chart.setMinimumHeight(190)
        self.type_box = self._chart_box(self.tr("纠纷类型（本年受理）"), self.type_chart)
        self.source_box = self._chart_box(self.tr("案件来源（本年受理）"), self.source_chart)
        self.activity_box = self._chart_box(self.tr("队伍活动（近12个月，次）"), self.activity_chart)
        self.hint_label = QLabel(self.tr("点击任一数字或柱条，即可查看其背后的记录。"))
        self.hint_label.setObjectName("hint_label")
        self.hint_label.setStyleSheet("color: #666;")

        content = QWidget()
        content.setObjectName("dashboard_content")
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 4, 0)
        column.addWidget(register)
        cases_row = QHBoxLayout()
        cases_row.addWidget(self.month_group)
        cases_row.addWidget(self.year_group)
        column.addLayout(cases_row)
        charts = QHBoxLayout()
        charts.addWidget(self.type_box, 3)
        charts.addWidget(self.source_box, 2)
        column.addLayout(charts)
        column.addWidget(self.activity_box)
        column.addWidget(self.hint_label)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("dashboard_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)

        self.warning_box = QGroupBox(self.tr("研判预警"))
        self.warning_box.setObjectName("warning_box")
        self.warning_box.setStyleSheet(_GROUP_STYLE)
        self.warning_box.setMinimumWidth(280)
        self.warning_box.setMaximumWidth(420)
        warning_layout = QVBoxLayout(self.warning_box)
        self.warning_list = self._warning_list()
        warning_layout.addWidget(self.warning_list)

        body = QHBoxLayout()
        body.addWidget(scroll, 1)
        body.addWidget(self.warning_box)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body, 1)

        for name, tile in self.tiles.items():
            tile.clicked.connect(lambda name=name: self.open_tile(name))
        self.type_chart.bar_clicked.connect(self._on_type_chart_bar_clicked)
        self.source_chart.bar_clicked.connect(self._on_source_chart_bar_clicked)
        self.activity_chart.bar_clicked.connect(self._on_activity_chart_bar_clicked)
        self.refresh_button.clicked.connect(self.reload)
        self.report_button.clicked.connect(self._on_report_button_clicked)
        self.reload()

    # ---- building

    def _tile_group(self, title: str, tiles: tuple[tuple[str, str], ...]) -> QGroupBox:
        box = QGroupBox(title)
        box.setStyleSheet(_GROUP_STYLE)
        grid = QGridLayout(box)
        grid.setSpacing(6)
        grid.setContentsMargins(6, 6, 6, 6)
        for index, (name, caption) in enumerate(tiles):
            tile = _Tile(name + "_tile", caption)
            self.tiles[name] = tile
            grid.addWidget(tile, 0, index)
        return box

    def _chart_box(self, title: str, chart: BarChart) -> QGroupBox:
        box = QGroupBox(title)
        box.setStyleSheet(_GROUP_STYLE)
        QVBoxLayout(box).addWidget(chart)
        return box

    def _warning_list(self) -> WarningList:
        """The 研判 early-warning list; its 打开案件 and 上报 reach the window through this page."""
        widget = WarningList(self.ctx)
        widget.case_requested.connect(self.case_requested)
        widget.changed.connect(self.changed)
        return widget

    # ---- loading

    def reload(self) -> None:
        self._stale = False
        board = dashboard.figures(self.ctx.ledger)
        self.board = board
        today = board.today
        self.date_label.setText(self.tr("%1年%2月%3日 星期%4")
                                .replace("%1", str(today.year)).replace("%2", str(today.month))
                                .replace("%3", str(today.day)).replace("%4", _WEEKDAYS[today.weekday()]))
        self.month_group.setTitle(self.tr("本月调解（%1）").replace("%1", board.month.period))
        self.year_group.setTitle(self.tr("本年调解（%1）").replace("%1", board.year.period))
        self.drills.clear()
        self._set_figure("residents", board.residents, self.tr("人"))
        self._set_figure("households", board.households, self.tr("户"))
        self._set_figure("teams", board.teams, self.tr("支"))
        self._set_figure("members", board.members, self.tr("人"))
        for prefix, period in (("month", board.month), ("year", board.year)):
            self._set_figure(prefix + "_opened", period.opened, self.tr("件"))
            self._set_figure(prefix + "_closed", period.closed, self.tr("件"))
            self._set_figure(prefix + "_succeeded", period.succeeded, self.tr("件"))
            rate = period.success_rate
            self.drills[prefix + "_rate"] = period.opened.drill
            self.tiles[prefix + "_rate"].set_value(
                "–" if rate is None else f"{rate:.1f}%",
                self.tr("成功率 = 调解成功 %1 件 ÷ 受理 %2 件\n点击查看%3")
                .replace("%1", str(period.succeeded.value)).replace("%2", str(period.opened.value))
                .replace("%3", period.opened.drill.title))
        self.type_chart.set_bars(self._chart_bars(board.by_dispute_type, self.tr("件")))
        self.source_chart.set_bars(self._chart_bars(board.by_source, self.tr("件")))
        self.activity_chart.set_bars(self._chart_bars(board.activities, self.tr("次")))
        self.warning_list.reload()

    def _set_figure(self, name: str, figure: Figure, unit: str) -> None:
        self.drills[name] = figure.drill
        self.tiles[name].set_value(f"{figure.value:,}", self.tr("%1：%2 %3\n点击查看明细")
                                   .replace("%1", figure.drill.title).replace("%2", f"{figure.value:,}")
                                   .replace("%3", unit))

    def _chart_bars(self, bars: tuple[Bar, ...], unit: str) -> list[ChartBar]:
        return [ChartBar(bar.label, bar.value, self.tr("%1：%2 %3\n点击查看明细").replace("%1", bar.drill.title)
                         .replace("%2", str(bar.value)).replace("%3", unit)) for bar in bars]

    # ---- drilling down

    def open_drill(self, drill: Drill) -> DrillDialog:
        """Open the records behind ``drill`` and return the dialog."""
        from zhzx_desktop.gui.dialogs.drill_dialog import DrillDialog
        dialog = DrillDialog(self.ctx, drill, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.case_requested.connect(self._on_dialog_case_requested)
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_tile(self, name: str) -> DrillDialog:
        return self.open_drill(self.drills[name])

    def open_bar(self, chart: str, index: int) -> DrillDialog:
        """Open the records behind bar ``index`` of 'types', 'sources' or 'activities'."""
        assert self.board is not None
        bars = {"types": self.board.by_dispute_type, "sources": self.board.by_source,
                "activities": self.board.activities}[chart]
        return self.open_drill(bars[index].drill)

    def _on_type_chart_bar_clicked(self, index: int) -> None:
        self.open_bar("types", index)

    def _on_source_chart_bar_clicked(self, index: int) -> None:
        self.open_bar("sources", index)

    def _on_activity_chart_bar_clicked(self, index: int) -> None:
        self.open_bar("activities", index)

    def _on_dialog_case_requested(self, case_id: str) -> None:
        dialog = self.dialog
        if dialog is not None:
            dialog.close()
        self.case_requested.emit(case_id)

    # ---- 月报

    def open_report_dialog(self) -> MonthlyReportDialog:
        """The 月报 dialog (its 上报 tells the window through ``changed``)."""
        dialog = MonthlyReportDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(self.changed)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _on_report_button_clicked(self) -> None:
        self.open_report_dialog()

    # ---- the page contract

    def apply(self, changes: Changes) -> None:
        if not (changes.cases or changes.residents or changes.households or changes.teams or changes.members
                or changes.activities):
            return
        if self.isVisible():
            self.reload()
        else:  # counted again when the clerk comes back, not after every save on the other pages
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not event.spontaneous() and self._stale:
            self.reload()

    def focus_search(self) -> None:
        self.tiles["month_opened"].setFocus()
