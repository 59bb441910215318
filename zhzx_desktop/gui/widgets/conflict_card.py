"""One conflict with the county, as a card on the 同步 page: the engine's Chinese sentence (``ConflictCard.text``,
which already names the record) and two buttons. 知道了 accepts what the rule did: the county's value
(``county_wins``, ``delete_wins``) — or, when the rule kept the clerk's value (``clerk_wins``), the clerk's.
The other button undoes the rule: 改回我的 (only when ``can_keep_mine``: the clerk's value is sent again) or, after
``clerk_wins``, 改用县里的. The card only reports the choice (``decided``); the page calls ``sync.status.decide``."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout

from zhzx_desktop.gui.widgets.buttons import push_button


class ConflictCard(QFrame):
    decided = Signal(int, str)  # (conflict id, 'theirs' | 'mine')

    def __init__(self, card: Any) -> None:
        super().__init__()
        self.card = card
        self.conflict_id = int(card.id)
        self.setObjectName(f"conflict_card_{self.conflict_id}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("ConflictCard { background: #fff8e1; border: 1px solid #e0c068; border-radius: 4px; }")
        self.text_label = QLabel(card.text)
        self.text_label.setObjectName("text_label")
        self.text_label.setWordWrap(True)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text_label.setStyleSheet("border: none;")
        self.clerk_won = card.resolution == "clerk_wins"
        self.ok_button = push_button("ok_button", self.tr("知道了"),
                                     self.tr("保留现在的值（您的值）") if self.clerk_won else self.tr("保留县里的值，不再提示"))
        if self.clerk_won:
            self.other_button = push_button("other_button", self.tr("改用县里的"),
                                            self.tr("不用您的值，改用县里原来的值"))
        else:
            self.other_button = push_button("other_button", self.tr("改回我的"),
                                            self.tr("把您的值作为一次新的修改再上报给县里"))
            self.other_button.setVisible(bool(card.can_keep_mine))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.other_button)
        buttons.addWidget(self.ok_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.text_label)
        layout.addLayout(buttons)
        self.ok_button.clicked.connect(self._on_ok_button_clicked)
        self.other_button.clicked.connect(self._on_other_button_clicked)

    def _on_ok_button_clicked(self) -> None:
        self.decided.emit(self.conflict_id, "mine" if self.clerk_won else "theirs")

    def _on_other_button_clicked(self) -> None:
        self.decided.emit(self.conflict_id, "theirs" if self.clerk_won else "mine")
