# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'move_resident_dialog.ui'
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
    QDialogButtonBox, QGridLayout, QLabel, QSizePolicy,
    QWidget)

class Ui_MoveResidentDialog(object):
    def setupUi(self, MoveResidentDialog):
        if not MoveResidentDialog.objectName():
            MoveResidentDialog.setObjectName(u"MoveResidentDialog")
        MoveResidentDialog.resize(560, 420)
        MoveResidentDialog.setModal(True)
        self.form_layout = QGridLayout(MoveResidentDialog)
        self.form_layout.setObjectName(u"form_layout")
        self.form_layout.setHorizontalSpacing(10)
        self.form_layout.setVerticalSpacing(6)
        self.target_label = QLabel(MoveResidentDialog)
        self.target_label.setObjectName(u"target_label")
        self.target_label.setText(u"")
        self.target_label.setWordWrap(True)

        self.form_layout.addWidget(self.target_label, 0, 0, 1, 2)

        self.resident_name_caption = QLabel(MoveResidentDialog)
        self.resident_name_caption.setObjectName(u"resident_name_caption")
        self.resident_name_caption.setAlignment(Qt.AlignmentFlag.AlignRight|Qt.AlignmentFlag.AlignVCenter)

        self.form_layout.addWidget(self.resident_name_caption, 1, 0, 1, 1)

        self.resident_name_label = QLabel(MoveResidentDialog)
        self.resident_name_label.setObjectName(u"resident_name_label")
        self.resident_name_label.setText(u"")
        self.resident_name_label.setWordWrap(True)

        self.form_layout.addWidget(self.resident_name_label, 1, 1, 1, 1)

        self.picker_host = QWidget(MoveResidentDialog)
        self.picker_host.setObjectName(u"picker_host")
        self.picker_host.setMinimumSize(QSize(0, 180))

        self.form_layout.addWidget(self.picker_host, 2, 1, 1, 1)

        self.resident_id_error = QLabel(MoveResidentDialog)
        self.resident_id_error.setObjectName(u"resident_id_error")
        self.resident_id_error.setText(u"")

        self.form_layout.addWidget(self.resident_id_error, 3, 1, 1, 1)

        self.relation_caption = QLabel(MoveResidentDialog)
        self.relation_caption.setObjectName(u"relation_caption")
        self.relation_caption.setAlignment(Qt.AlignmentFlag.AlignRight|Qt.AlignmentFlag.AlignVCenter)

        self.form_layout.addWidget(self.relation_caption, 4, 0, 1, 1)

        self.relation_combo = QComboBox(MoveResidentDialog)
        self.relation_combo.setObjectName(u"relation_combo")
        self.relation_combo.setMaxVisibleItems(20)

        self.form_layout.addWidget(self.relation_combo, 4, 1, 1, 1)

        self.relation_error = QLabel(MoveResidentDialog)
        self.relation_error.setObjectName(u"relation_error")
        self.relation_error.setText(u"")

        self.form_layout.addWidget(self.relation_error, 5, 1, 1, 1)

        self.form_error = QLabel(MoveResidentDialog)
        self.form_error.setObjectName(u"form_error")
        self.form_error.setText(u"")

        self.form_layout.addWidget(self.form_error, 6, 0, 1, 2)

        self.button_box = QDialogButtonBox(MoveResidentDialog)
        self.button_box.setObjectName(u"button_box")
        self.button_box.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Ok)

        self.form_layout.addWidget(self.button_box, 7, 0, 1, 2)

        self.form_layout.setColumnStretch(1, 1)
#if QT_CONFIG(shortcut)
        self.resident_name_caption.setBuddy(self.resident_name_label)
        self.relation_caption.setBuddy(self.relation_combo)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(MoveResidentDialog)

        QMetaObject.connectSlotsByName(MoveResidentDialog)
    # setupUi

    def retranslateUi(self, MoveResidentDialog):
        MoveResidentDialog.setWindowTitle(QCoreApplication.translate("MoveResidentDialog", u"\u8fc1\u5165\u6210\u5458", None))
        self.resident_name_caption.setText(QCoreApplication.translate("MoveResidentDialog", u"\u5c45\u6c11", None))
        self.relation_caption.setText(QCoreApplication.translate("MoveResidentDialog", u"\u4e0e\u6237\u4e3b\u5173\u7cfb", None))
    # retranslateUi

