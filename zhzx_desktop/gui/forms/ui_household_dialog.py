# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'household_dialog.ui'
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
    QPlainTextEdit, QSizePolicy, QWidget)

class Ui_HouseholdDialog(object):
    def setupUi(self, HouseholdDialog):
        if not HouseholdDialog.objectName():
            HouseholdDialog.setObjectName(u"HouseholdDialog")
        HouseholdDialog.resize(460, 300)
        HouseholdDialog.setModal(True)
        self.form_layout = QGridLayout(HouseholdDialog)
        self.form_layout.setObjectName(u"form_layout")
        self.form_layout.setHorizontalSpacing(10)
        self.form_layout.setVerticalSpacing(6)
        self.household_no_caption = QLabel(HouseholdDialog)
        self.household_no_caption.setObjectName(u"household_no_caption")
        self.household_no_caption.setAlignment(Qt.AlignmentFlag.AlignRight|Qt.AlignmentFlag.AlignVCenter)

        self.form_layout.addWidget(self.household_no_caption, 0, 0, 1, 1)

        self.household_no_edit = QLineEdit(HouseholdDialog)
        self.household_no_edit.setObjectName(u"household_no_edit")
        self.household_no_edit.setMaxLength(30)

        self.form_layout.addWidget(self.household_no_edit, 0, 1, 1, 1)

        self.household_no_error = QLabel(HouseholdDialog)
        self.household_no_error.setObjectName(u"household_no_error")
        self.household_no_error.setText(u"")

        self.form_layout.addWidget(self.household_no_error, 1, 1, 1, 1)

        self.grid_caption = QLabel(HouseholdDialog)
        self.grid_caption.setObjectName(u"grid_caption")
        self.grid_caption.setAlignment(Qt.AlignmentFlag.AlignRight|Qt.AlignmentFlag.AlignVCenter)

        self.form_layout.addWidget(self.grid_caption, 2, 0, 1, 1)

        self.grid_combo = QComboBox(HouseholdDialog)
        self.grid_combo.setObjectName(u"grid_combo")

        self.form_layout.addWidget(self.grid_combo, 2, 1, 1, 1)

        self.grid_id_error = QLabel(HouseholdDialog)
        self.grid_id_error.setObjectName(u"grid_id_error")
        self.grid_id_error.setText(u"")

        self.form_layout.addWidget(self.grid_id_error, 3, 1, 1, 1)

        self.address_caption = QLabel(HouseholdDialog)
        self.address_caption.setObjectName(u"address_caption")
        self.address_caption.setAlignment(Qt.AlignmentFlag.AlignRight|Qt.AlignmentFlag.AlignVCenter)

        self.form_layout.addWidget(self.address_caption, 4, 0, 1, 1)

        self.address_edit = QLineEdit(HouseholdDialog)
        self.address_edit.setObjectName(u"address_edit")
        self.address_edit.setMaxLength(200)

        self.form_layout.addWidget(self.address_edit, 4, 1, 1, 1)

        self.address_error = QLabel(HouseholdDialog)
        self.address_error.setObjectName(u"address_error")
        self.address_error.setText(u"")

        self.form_layout.addWidget(self.address_error, 5, 1, 1, 1)

        self.notes_caption = QLabel(HouseholdDialog)
        self.notes_caption.setObjectName(u"notes_caption")
        self.notes_caption.setAlignment(Qt.AlignmentFlag.AlignRight|Qt.AlignmentFlag.AlignTop)

        self.form_layout.addWidget(self.notes_caption, 6, 0, 1, 1)

        self.notes_edit = QPlainTextEdit(HouseholdDialog)
        self.notes_edit.setObjectName(u"notes_edit")
        self.notes_edit.setMaximumSize(QSize(16777215, 90))
        self.notes_edit.setTabChangesFocus(True)

        self.form_layout.addWidget(self.notes_edit, 6, 1, 1, 1)

        self.notes_error = QLabel(HouseholdDialog)
        self.notes_error.setObjectName(u"notes_error")
        self.notes_error.setText(u"")

        self.form_layout.addWidget(self.notes_error, 7, 1, 1, 1)

        self.form_error = QLabel(HouseholdDialog)
        self.form_error.setObjectName(u"form_error")
        self.form_error.setText(u"")

        self.form_layout.addWidget(self.form_error, 8, 0, 1, 2)

        self.button_box = QDialogButtonBox(HouseholdDialog)
        self.button_box.setObjectName(u"button_box")
        self.button_box.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Ok)

        self.form_layout.addWidget(self.button_box, 9, 0, 1, 2)

        self.form_layout.setColumnStretch(1, 1)
#if QT_CONFIG(shortcut)
        self.household_no_caption.setBuddy(self.household_no_edit)
        self.grid_caption.setBuddy(self.grid_combo)
        self.address_caption.setBuddy(self.address_edit)
        self.notes_caption.setBuddy(self.notes_edit)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(HouseholdDialog)

        QMetaObject.connectSlotsByName(HouseholdDialog)
    # setupUi

    def retranslateUi(self, HouseholdDialog):
        HouseholdDialog.setWindowTitle(QCoreApplication.translate("HouseholdDialog", u"\u6237", None))
        self.household_no_caption.setText(QCoreApplication.translate("HouseholdDialog", u"\u6237\u53f7", None))
        self.household_no_edit.setPlaceholderText(QCoreApplication.translate("HouseholdDialog", u"\u5982 000100023\uff08\u53ef\u4e0d\u586b\uff09", None))
        self.grid_caption.setText(QCoreApplication.translate("HouseholdDialog", u"\u6240\u5c5e\u7f51\u683c", None))
        self.address_caption.setText(QCoreApplication.translate("HouseholdDialog", u"\u4f4f\u5740", None))
        self.address_edit.setPlaceholderText(QCoreApplication.translate("HouseholdDialog", u"\u5982 \u67d0\u67d0\u67513\u7ec418\u53f7", None))
        self.notes_caption.setText(QCoreApplication.translate("HouseholdDialog", u"\u5907\u6ce8", None))
    # retranslateUi

