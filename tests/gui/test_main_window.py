from PySide6.QtGui import QKeySequence

from tests.helpers import make_id
from zhzx_desktop.gui.main_window import MainWindow
from zhzx_desktop.gui.models.resident_search_model import ResidentSearchModel
from zhzx_desktop.services import residents
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.services.residents import ResidentInput


def _fill(ledger: Ledger) -> None:
    residents.register_many(ledger, [
        ResidentInput(name="张三", id_number=make_id(seq=101), phone="13812345678"),
        ResidentInput(name="李四", id_number=make_id(seq=102)),
        ResidentInput(name="单雄信", id_number=make_id(seq=103)),
    ])


def test_window_shows_count_pending_changes_and_masked_rows(qtbot, ledger: Ledger) -> None:
    _fill(ledger)
    window = MainWindow(ledger)
    qtbot.addWidget(window)
    assert "3" in window.count_label.text()
    assert "未上报变更" in window.sync_label.text() and "0" not in window.sync_label.text().split()[-2][:1]
    assert window.model.rowCount() == 3
    ids = {window.model.index(r, 3).data() for r in range(3)}
    assert all("********" in i for i in ids)
    phones = {window.model.index(r, 4).data() for r in range(3)}
    assert "138****5678" in phones


def test_typing_searches_after_a_pause(qtbot, ledger: Ledger) -> None:
    _fill(ledger)
    window = MainWindow(ledger)
    qtbot.addWidget(window)
    qtbot.keyClicks(window.search_edit, "sxx")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=2000)
    assert window.model.index(0, 0).data() == "单雄信"
    assert "1" in window.result_label.text()
    window.search_edit.setText("wangwu")
    qtbot.waitUntil(lambda: window.model.rowCount() == 0, timeout=2000)
    assert window.result_label.text() == "没有找到匹配的居民"


def test_ctrl_f_focuses_the_search_box(qtbot, ledger: Ledger) -> None:
    window = MainWindow(ledger)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.search_edit.setText("zs")
    window.table.setFocus()
    assert window.find_shortcut.key() == QKeySequence(QKeySequence.StandardKey.Find)  # Ctrl+F
    window.find_shortcut.activated.emit()  # offscreen windows never become active, so key presses don't reach it
    assert window.focusWidget() is window.search_edit and window.search_edit.selectedText() == "zs"


def test_model_passes_qt_model_tester(qtmodeltester, ledger: Ledger) -> None:
    _fill(ledger)
    model = ResidentSearchModel()
    model.set_rows(residents.listing(ledger))
    qtmodeltester.check(model)
    assert model.rowCount() == 3
