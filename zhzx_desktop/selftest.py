"""``zhzx-desktop --self-test``: prove an installed (frozen) app works end to end, then exit 0.

Opens a temporary database, registers a synthetic resident and finds it by pinyin, checks that no ID number is
stored in clear, round-trips a secret through keyring, renders a 人民调解协议书 (generated data) through the document
builders with an embedded Chinese font, opens the main window offscreen, opens that agreement in QtPdf (the
preview and print path), checks the sync's TLS, gzip and sealed USB bundle, loads Qt's Chinese translations and
the application icons, and sorts Chinese names by pinyin (ICU collation).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import keyring

from zhzx_desktop import APP_NAME, __version__

SAMPLE_ID_BODY = "43022319900101123"  # synthetic: 攸县, 1990-01-01


def _check_store(work: Path) -> None:
    from zhzx_desktop.domain.citizen_id import check_digit
    from zhzx_desktop.services import residents
    from zhzx_desktop.services.ledger import open_ledger

    number = SAMPLE_ID_BODY + check_digit(SAMPLE_ID_BODY)
    with open_ledger(work / "selftest.db", key_fallback_dir=work) as ledger:
        residents.register(ledger, residents.ResidentInput(name="单自检", id_number=number))
        found = residents.search(ledger, "shanzj")
        assert [r.name for r in found] == ["单自检"], f"pinyin search found {found}"
    raw = b"".join(p.read_bytes() for p in work.glob("selftest.db*"))
    assert number.encode() not in raw, "ID number stored in clear"


def _check_keyring(work: Path) -> None:
    from zhzx_desktop.security.keys import ensure_backend

    ensure_backend(work)
    secret = os.urandom(8).hex()
    keyring.set_password(f"{APP_NAME}-selftest", "probe", secret)
    try:
        assert keyring.get_password(f"{APP_NAME}-selftest", "probe") == secret, "keyring round trip failed"
    finally:
        keyring.delete_password(f"{APP_NAME}-selftest", "probe")


def _check_pdf(work: Path) -> None:
    """A real 人民调解协议书 (generated parties) through the document builders: CJK font found and embedded."""
    from zhzx_desktop.documents import model
    from zhzx_desktop.documents.render import check_glyphs, render
    from zhzx_desktop.services.case_documents import page_count

    parties = tuple(model.PartyDoc(role=role, kind="person", name=name, sex=sex, ethnicity="汉族", age=age,
                                   occupation="务农", phone="13800001234", address=f"自检村{i + 1}组",
                                   copy_label=f"{label}方执")
                    for i, (role, name, sex, age, label) in enumerate((("申请人", "单自检", "男", 46, "甲"),
                                                                        ("被申请人", "欧阳测试", "女", 52, "乙"))))
    doc = model.AgreementDoc(
        model.Committee("自检村人民调解委员会"), "（2026）自检村人调字第001号", parties,
        facts="双方因排水沟堵塞发生纠纷（自检数据）。", terms=("被申请人疏通排水沟", "被申请人赔偿损失"),
        performance_method="分两期以现金支付", performance_deadline="2026-12-31", amount_fen=1200050,
        installments=(model.InstallmentDoc("2026-11-30", 600000, "欧阳测试", "单自检"),
                      model.InstallmentDoc("2026-12-31", 600050, "欧阳测试", "单自检")),
        mediators=("蒋自检",), recorder="沈自检", effective_on="2026-11-10")
    errors = check_glyphs(doc)
    assert not errors, f"font lacks glyphs: {errors[0].message}"
    data = render(doc)
    (work / "selftest.pdf").write_bytes(data)
    assert data.startswith(b"%PDF") and b"FontFile2" in data, "PDF without an embedded TrueType font"
    pages = page_count(data)
    assert pages >= doc.copies, f"agreement of {doc.copies} copies has {pages} pages"


def _check_window(work: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from zhzx_desktop.gui.context import GuiContext
    from zhzx_desktop.gui.main_window import MainWindow
    from zhzx_desktop.gui.operations import ThreadRunner
    from zhzx_desktop.gui.settings import Settings
    from zhzx_desktop.services.ledger import open_ledger

    app = QApplication.instance() or QApplication([APP_NAME])
    with open_ledger(work / "selftest.db", key_fallback_dir=work) as ledger:
        window = MainWindow(GuiContext(ledger, ThreadRunner(ledger), Settings(work / "settings.ini")))
        window.show()
        app.processEvents()
        assert "1" in window.count_label.text(), window.count_label.text()
        window.close()


def _check_preview(work: Path) -> None:
    """The agreement of ``_check_pdf`` opens in QtPdf (the preview and print path) and its first page has ink."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtWidgets import QApplication

    from zhzx_desktop.services.case_documents import page_count

    app = QApplication.instance() or QApplication([APP_NAME])
    data = (work / "selftest.pdf").read_bytes()
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument(app)
    document.load(buffer)
    assert document.status() == QPdfDocument.Status.Ready, f"QtPdf could not open the PDF: {document.error()}"
    assert document.pageCount() == page_count(data), f"QtPdf sees {document.pageCount()} pages"
    image = document.render(0, QSize(300, 424))
    inked = sum(1 for x in range(0, 300, 3) for y in range(0, 424, 3) if image.pixelColor(x, y).lightness() < 128)
    assert inked > 20, "the first page rendered blank"


def _check_translations(work: Path) -> None:
    """Qt's own words in Chinese (qtbase_zh_CN from the bundle): the standard buttons the clerk clicks."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from zhzx_desktop.gui.translations import install

    app = QApplication.instance() or QApplication([APP_NAME])
    loaded = install(app)
    assert loaded, "qtbase_zh_CN.qm not found"
    for context, english, chinese in (("QPlatformTheme", "Cancel", "取消"), ("QPlatformTheme", "OK", "确定"),
                                      ("QFileDialog", "Open", "打开")):
        said = QCoreApplication.translate(context, english)
        assert said == chinese, f"Qt says {said!r} for {english!r} after loading {loaded}"


def _check_icons(work: Path) -> None:
    """The application icon in every size (PNG) and the Windows ICO, read through Qt's image plugins."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    from zhzx_desktop.gui.icons import SIZES, app_icon
    from zhzx_desktop.paths import resource_dir

    QApplication.instance() or QApplication([APP_NAME])
    folder = resource_dir() / "icons"
    for size in SIZES:
        image = QImage(str(folder / f"app_{size}.png"))
        assert image.width() == size, f"app_{size}.png is {image.width()} px wide"
    icon = app_icon()  # what the app shows
    ico = QImage(str(folder / "app.ico"))  # the ico image format plugin
    assert not ico.isNull(), "app.ico unreadable (imageformats/qico missing?)"
    pixmap = icon.pixmap(32, 32)
    inked = sum(1 for x in range(32) for y in range(32) if pixmap.toImage().pixelColor(x, y).alpha() > 0)
    assert inked > 200, f"the 32 px icon is nearly empty ({inked} pixels)"


def _check_collation(work: Path) -> None:
    """Chinese sorting by pinyin through Qt's ICU (the bundle carries only the zh/en locale data)."""
    from PySide6.QtCore import QCollator, QLocale

    collator = QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    names = ["张三", "李四", "王五", "阿强"]
    ordered = sorted(names, key=collator.sortKey)
    assert ordered == ["阿强", "李四", "王五", "张三"], f"Chinese collation gave {ordered}"


def _check_sync(work: Path) -> None:
    """The sync's parts a frozen build could drop: TLS with the system's CA store, gzip JSON, a sealed USB bundle."""
    import ssl

    from sync import bundle, protocol
    from sync.transport import Transport

    ssl.create_default_context()
    Transport("https://county.example:8443")  # https with the default CA store; no connection is made
    assert protocol.decode(protocol.encode({"村": "东华村"}), "gzip") == {"村": "东华村"}
    key = os.urandom(32)
    header = {"format": bundle.BUNDLE_FORMAT, "device_id": "selftest", "bundle_id": "1"}
    opened = bundle.open_bundle(bundle.seal(key, header, {**header, "n": 1}), lambda _device: key)
    assert opened.get("n") == 1, f"bundle round trip gave {opened}"


CHECKS: tuple[tuple[str, Callable[[Path], None]], ...] = (
    ("数据库与加密", _check_store), ("密钥存储 keyring", _check_keyring), ("中文PDF", _check_pdf),
    ("界面", _check_window), ("PDF预览 QtPdf", _check_preview), ("同步 https与U盘数据包", _check_sync),
    ("Qt中文翻译", _check_translations), ("图标", _check_icons), ("中文排序 ICU", _check_collation),
)


def _forget_key(work: Path) -> None:
    """Remove the temporary database's data key from the keyring (the self-test leaves nothing behind)."""
    import sqlite3

    from zhzx_desktop.security.keys import SERVICE

    db = work / "selftest.db"
    if not db.exists():
        return
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT v FROM app_meta WHERE k = 'db_id'").fetchone()
    finally:
        conn.close()
    if row is not None and keyring.get_password(SERVICE, f"data-key/{row[0]}") is not None:
        keyring.delete_password(SERVICE, f"data-key/{row[0]}")


def run_self_test() -> int:
    print(f"{APP_NAME} {__version__} 自检")
    failed = 0
    with tempfile.TemporaryDirectory(prefix="zhzx-selftest-") as tmp:
        for label, check in CHECKS:
            try:
                check(Path(tmp))
            except Exception as exc:  # noqa: BLE001 — report every failing part, then fail
                failed += 1
                print(f"  ✗ {label}：{type(exc).__name__}: {exc}", file=sys.stderr)
            else:
                print(f"  ✓ {label}")
        _forget_key(Path(tmp))
    print("自检通过" if not failed else f"自检失败：{failed} 项")
    return 0 if not failed else 1
