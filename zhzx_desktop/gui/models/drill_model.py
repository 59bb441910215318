"""The records behind a dashboard figure (``services.dashboard.records``): one row per record, the columns of its
kind (``dashboard.COLUMNS``) under Chinese headers; the record's id under ``UserRole``."""

from __future__ import annotations

from zhzx_desktop.gui.models.row_list_model import RowListModel
from zhzx_desktop.services import dashboard
from zhzx_desktop.services.dashboard import DrillRow

_NUMBERS = frozenset({"members", "participants"})


class DrillModel(RowListModel[DrillRow]):
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.COLUMNS = dashboard.COLUMNS[kind]
        self.RIGHT_ALIGNED = _NUMBERS & frozenset(self.COLUMNS)
        super().__init__()

    def headers(self) -> tuple[str, ...]:
        names = {
            "name": self.tr("姓名") if self.kind in ("residents", "members") else self.tr("队伍名称"),
            "sex": self.tr("性别"), "birth_date": self.tr("出生日期"), "id_masked": self.tr("证件号码"),
            "household_no": self.tr("户号"), "grid": self.tr("网格"), "status": self.tr("状态"),
            "head": self.tr("户主"), "members": self.tr("人数"), "address": self.tr("住址"),
            "team_type": self.tr("类型"), "leader": self.tr("负责人"), "founded_on": self.tr("成立日期"),
            "team": self.tr("队伍"), "role": self.tr("职务"), "joined_on": self.tr("加入日期"),
            "case_no": self.tr("案号"), "accepted_on": self.tr("受理日期"), "parties": self.tr("当事人"),
            "dispute_type": self.tr("纠纷类型"), "source": self.tr("案件来源"), "closed_on": self.tr("结案日期"),
            "activity_date": self.tr("日期"), "kind": self.tr("活动类型"), "place": self.tr("地点"),
            "participants": self.tr("参加人数"), "summary": self.tr("内容"),
        }
        return tuple(names[column] for column in self.COLUMNS)

    def display(self, row: DrillRow, column: str) -> str:
        value = row.values[self.COLUMNS.index(column)]
        if column == "summary":
            return value.replace("\n", " ")[:60]
        return value
