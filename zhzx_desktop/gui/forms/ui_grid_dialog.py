# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'grid_dialog.ui'
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
from PySide6.QtWidgets import (QAbstractButton, QApplication, QDialog, QDialogButtonBox,
    QGridLayout, QLabel, QLineEdit, QPlainTextEdit,
    QSizePolicy, QWidget)

class Ui_GridDialog(object):
    def setupUi(self, GridDialog):
        if not GridDialog.objectName():
            GridDialog.setObjectName(u"GridDialog")
        GridDialog.resize(480, 260)
        GridDialog.setModal(True)
        self.form_layout = QGridLayout(GridDialog)
        self.form_layout.setObjectName(u"form_layout")
        self.form_layout.setHorizontalSpacing(10)
        self.form_layout.setVerticalSpacing(6)
        self.name_caption = QLabel(GridDialog)
        self.name_caption.setObjectName(u"name_caption")
        self.name_caption.setAlignment(Qt.AlignmentFlag.AlignRight|Qt.AlignmentFlag.AlignVCenter)

        self.form_layout.addWidget(self.name_caption, 0, 0, 1, 1)

        self.name_edit = QLineEdit(GridDialog)
        self.name_edit.setObjectName(u"name_edit")
        self.name_edit.setMaxLength(60)

        self.form_layout.addWidget(self.name_edit, 0, 1, 1, 1)

        self.grid_name_error = QLabel(GridDialog)
        self.grid_name_error.setObjectName(u"grid_name_error")
        self.grid_name_error.setText(u"")

        self.form_layout.addWidget(self.grid_name_error, 1, 1, 1, 1)

        self.code_caption = QLabel(GridDialog)
        self.code_caption.setObjectName(u"code_caption")
        self.code_caption.setAlignment(Qt.AlignmentFlag.AlignRight|Qt.AlignmentFlag.AlignVCenter)

        self.form_layout.addWidget(self.code_caption, 2, 0, 1, 1)

        self.code_edit = QLineEdit(GridDialog)
        self.code_edit.setObjectName(u"code_edit")

        self.form_layout.addWidget(self.code_edit, 2, 1, 1, 1)

        self.grid_code_error = QLabel(GridDialog)
        self.grid_code_error.setObjectName(u"grid_code_error")
        self.grid_code_error.setText(u"")

        self.form_layout.addWidget(self.grid_code_error, 3, 1, 1, 1)

        self.notes_caption = QLabel(GridDialog)
        self.notes_caption.setObjectName(u"notes_caption")
        self.notes_caption.setAlignment(Qt.AlignmentFlag.AlignRight|Qt.AlignmentFlag.AlignTop)

        self.form_layout.addWidget(self.notes_caption, 4, 0, 1, 1)

        self.notes_edit = QPlainTextEdit(GridDialog)
        self.notes_edit.setObjectName(u"notes_edit")
        self.notes_edit.setMaximumSize(QSize(16777215, 90))
        self.notes_edit.setTabChangesFocus(True)

        self.form_layout.addWidget(self.notes_edit, 4, 1, 1, 1)

        self.notes_error = QLabel(GridDialog)
        self.notes_error.setObjectName(u"notes_error")
        self.notes_error.setText(u"")

        self.form_layout.addWidget(self.notes_error, 5, 1, 1, 1)

        self.form_error = QLabel(GridDialog)
        self.form_error.setObjectName(u"form_error")
        self.form_error.setText(u"")

        self.form_layout.addWidget(self.form_error, 6, 0, 1, 2)

        self.button_box = QDialogButtonBox(GridDialog)
        self.button_box.setObjectName(u"button_box")
        self.button_box.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Ok)

        self.form_layout.addWidget(self.button_box, 7, 0, 1, 2)

        self.form_layout.setColumnStretch(1, 1)
#if QT_CONFIG(shortcut)
        self.name_caption.setBuddy(self.name_edit)
        self.code_caption.setBuddy(self.code_edit)
        self.notes_caption.setBuddy(self.notes_edit)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(GridDialog)

        QMetaObject.connectSlotsByName(GridDialog)
    # setupUi

    def retranslateUi(self, GridDialog):
        GridDialog.setWindowTitle(QCoreApplication.translate("GridDialog", u"\u7f51\u683c", None))
        self.name_caption.setText(QCoreApplication.translate("GridDialog", u"\u7f51\u683c\u540d\u79f0", None))
        self.name_edit.setPlaceholderText(QCoreApplication.translate("GridDialog", u"\u5982 \u4e1c\u5c71\u6751\u7b2c1\u7f51\u683c", None))
        self.code_caption.setText(QCoreApplication.translate("GridDialog", u"\u7f51\u683c\u7f16\u7801", None))
        self.code_edit.setPlaceholderText(QCoreApplication.translate("GridDialog", u"15\u4f4d\u6570\u5b57\uff1a\u6751\uff08\u793e\u533a\uff09\u4ee3\u780112\u4f4d\uff0b\u7f51\u683c\u5e8f\u53f73\u4f4d", None))
        self.notes_caption.setText(QCoreApplication.translate("GridDialog", u"\u5907\u6ce8", None))
    # retranslateUi

