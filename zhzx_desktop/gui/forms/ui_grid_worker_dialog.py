# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'grid_worker_dialog.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QAbstractButton, QApplication, QComboBox, QDialog,
    QDialogButtonBox, QGridLayout, QLabel, QLineEdit,
    QSizePolicy, QWidget)

class Ui_GridWorkerDialog(object):
    def setupUi(self, GridWorkerDialog):
        if not GridWorkerDialog.objectName():
            GridWorkerDialog.setObjectName(u"GridWorkerDialog")
        GridWorkerDialog.resize(520, 470)
        GridWorkerDialog.setModal(True)
        self.form_layout = QGridLayout(GridWorkerDialog)
        self.form_layout.setObjectName(u"form_layout")
        self.form_layout.setHorizontalSpacing(10)
        self.form_layout.setVerticalSpacing(6)
        self.grid_name_caption = QLabel(GridWorkerDialog)
        self.grid_name_caption.setObjectName(u"grid_name_caption")
        self.grid_name_caption.setAlignment(Qt.AlignmentFlag.AlignRight|Qt.AlignmentFlag.AlignVCenter)

        self.form_layout.addWidget(self.grid_name_caption, 0, 0, 1, 1)

        self.grid_name_label = QLabel(GridWorkerDialog)
        self.grid_name_label.setObjectName(u"grid_name_label")
        self.grid_name_label.setText(u"")

        self.form_layout.addWidget(self.grid_name_label, 0, 1, 1, 1)

        self.resident_name_caption = QLabel(GridWorkerDialog)
        self.resident_name_caption.setObjectName(u"resident_name_caption")
        self.resident_name_caption.setAlignment(Qt.AlignmentFlag.AlignRight|Qt.AlignmentFlag.AlignVCenter)

        self.form_layout.addWidget(self.resident_name_caption, 1, 0, 1, 1)

        self.resident_name_label = QLabel(GridWorkerDialog)
        self.resident_name_label.setObjectName(u"resident_name_label")
        self.resident_name_label.setText(u"")
        self.resident_name_label.setWordWrap(True)

        self.form_layout.addWidget(self.resident_name_label, 1, 1, 1, 1)

        self.picker_host = QWidget(GridWorkerDialog)
        self.picker_host.setObjectName(u"picker_host")
        self.picker_host.setMinimumSize(QSize(0, 150))

        self.form_layout.addWidget(self.picker_host, 2, 1, 1, 1)

        self.resident_id_error = QLabel(GridWorkerDialog)
        self.resident_id_error.setObjectName(u"resident_id_error")
        self.resident_id_error.setText(u"")

        self.form_layout.addWidget(self.resident_id_error, 3, 1, 1, 1)

        self.name_caption = QLabel(GridWorkerDialog)
        self.name_caption.setObjectName(u"name_caption")
        self.name_caption.setAlignment(Qt.AlignmentFlag.AlignRight|Qt.AlignmentFlag.AlignVCenter)

        self.form_layout.addWidget(self.name_caption, 4, 0, 1, 1)

        self.name_edit = QLineEdit(GridWorkerDialog)
        self.name_edit.setObjectName(u"name_edit")
        self.name_edit.setMaxLength(30)

        self.form_layout.addWidget(self.name_edit, 4, 1, 1, 1)

        self.name_error = QLabel(GridWorkerDialog)
        self.name_error.setObjectName(u"name_error")
        self.name_error.setText(u"")

        self.form_layout.addWidget(self.name_error, 5, 1, 1, 1)

        self.role_caption = QLabel(GridWorkerDialog)
        self.role_caption.setObjectName(u"role_caption")
        self.role_caption.setAlignment(Qt.AlignmentFlag.AlignRight|Qt.AlignmentFlag.AlignVCenter)

        self.form_layout.addWidget(self.role_caption, 6, 0, 1, 1)

        self.role_combo = QComboBox(GridWorkerDialog)
        self.role_combo.setObjectName(u"role_combo")

        self.form_layout.addWidget(self.role_combo, 6, 1, 1, 1)

        self.grid_worker_role_error = QLabel(GridWorkerDialog)
        self.grid_worker_role_error.setObjectName(u"grid_worker_role_error")
        self.grid_worker_role_error.setText(u"")

        self.form_layout.addWidget(self.grid_worker_role_error, 7, 1, 1, 1)

        self.phone_caption = QLabel(GridWorkerDialog)
        self.phone_caption.setObjectName(u"phone_caption")
        self.phone_caption.setAlignment(Qt.AlignmentFlag.AlignRight|Qt.AlignmentFlag.AlignVCenter)

        self.form_layout.addWidget(self.phone_caption, 8, 0, 1, 1)

        self.phone_edit = QLineEdit(GridWorkerDialog)
        self.phone_edit.setObjectName(u"phone_edit")

        self.form_layout.addWidget(self.phone_edit, 8, 1, 1, 1)

        self.phone_error = QLabel(GridWorkerDialog)
        self.phone_error.setObjectName(u"phone_error")
        self.phone_error.setText(u"")

        self.form_layout.addWidget(self.phone_error, 9, 1, 1, 1)

        self.since_caption = QLabel(GridWorkerDialog)
        self.since_caption.setObjectName(u"since_caption")
        self.since_caption.setAlignment(Qt.AlignmentFlag.AlignRight|Qt.AlignmentFlag.AlignVCenter)

        self.form_layout.addWidget(self.since_caption, 10, 0, 1, 1)

        self.since_edit = QLineEdit(GridWorkerDialog)
        self.since_edit.setObjectName(u"since_edit")

        self.form_layout.addWidget(self.since_edit, 10, 1, 1, 1)

        self.since_error = QLabel(GridWorkerDialog)
        self.since_error.setObjectName(u"since_error")
        self.since_error.setText(u"")

        self.form_layout.addWidget(self.since_error, 11, 1, 1, 1)

        self.until_caption = QLabel(GridWorkerDialog)
        self.until_caption.setObjectName(u"until_caption")
        self.until_caption.setAlignment(Qt.AlignmentFlag.AlignRight|Qt.AlignmentFlag.AlignVCenter)

        self.form_layout.addWidget(self.until_caption, 12, 0, 1, 1)

        self.until_edit = QLineEdit(GridWorkerDialog)
        self.until_edit.setObjectName(u"until_edit")

        self.form_layout.addWidget(self.until_edit, 12, 1, 1, 1)

        self.until_error = QLabel(GridWorkerDialog)
        self.until_error.setObjectName(u"until_error")
        self.until_error.setText(u"")

        self.form_layout.addWidget(self.until_error, 13, 1, 1, 1)

        self.form_error = QLabel(GridWorkerDialog)
        self.form_error.setObjectName(u"form_error")
        self.form_error.setText(u"")

        self.form_layout.addWidget(self.form_error, 14, 0, 1, 2)

        self.button_box = QDialogButtonBox(GridWorkerDialog)
        self.button_box.setObjectName(u"button_box")
        self.button_box.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Ok)

        self.form_layout.addWidget(self.button_box, 15, 0, 1, 2)

        self.form_layout.setColumnStretch(1, 1)
#if QT_CONFIG(shortcut)
        self.grid_name_caption.setBuddy(self.grid_name_label)
        self.resident_name_caption.setBuddy(self.resident_name_label)
        self.name_caption.setBuddy(self.name_edit)
        self.role_caption.setBuddy(self.role_combo)
        self.phone_caption.setBuddy(self.phone_edit)
        self.since_caption.setBuddy(self.since_edit)
        self.until_caption.setBuddy(self.until_edit)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(GridWorkerDialog)

        QMetaObject.connectSlotsByName(GridWorkerDialog)
    # setupUi

    def retranslateUi(self, GridWorkerDialog):
        GridWorkerDialog.setWindowTitle(QCoreApplication.translate("GridWorkerDialog", u"\u7f51\u683c\u5458", None))
        self.grid_name_caption.setText(QCoreApplication.translate("GridWorkerDialog", u"\u7f51\u683c", None))
        self.resident_name_caption.setText(QCoreApplication.translate("GridWorkerDialog", u"\u5173\u8054\u5c45\u6c11", None))
        self.name_caption.setText(QCoreApplication.translate("GridWorkerDialog", u"\u59d3\u540d", None))
        self.role_caption.setText(QCoreApplication.translate("GridWorkerDialog", u"\u89d2\u8272", None))
        self.phone_caption.setText(QCoreApplication.translate("GridWorkerDialog", u"\u8054\u7cfb\u7535\u8bdd", None))
        self.phone_edit.setPlaceholderText(QCoreApplication.translate("GridWorkerDialog", u"\u624b\u673a\u6216\u56fa\u5b9a\u7535\u8bdd", None))
        self.since_caption.setText(QCoreApplication.translate("GridWorkerDialog", u"\u4efb\u804c\u65e5\u671f", None))
        self.since_edit.setPlaceholderText(QCoreApplication.translate("GridWorkerDialog", u"\u5982 2024-03-05\uff08\u53ef\u4e0d\u586b\uff09", None))
        self.until_caption.setText(QCoreApplication.translate("GridWorkerDialog", u"\u79bb\u4efb\u65e5\u671f", None))
        self.until_edit.setPlaceholderText(QCoreApplication.translate("GridWorkerDialog", u"\u5982 2026-03-05", None))
    # retranslateUi

