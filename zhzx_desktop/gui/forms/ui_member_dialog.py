# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'member_dialog.ui'
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
from PySide6.QtWidgets import (QAbstractButton, QApplication, QComboBox, QDateEdit,
    QDialog, QDialogButtonBox, QFormLayout, QLabel,
    QSizePolicy, QVBoxLayout, QWidget)

class Ui_MemberDialog(object):
    def setupUi(self, MemberDialog):
        if not MemberDialog.objectName():
            MemberDialog.setObjectName(u"MemberDialog")
        MemberDialog.resize(640, 480)
        self.dialog_layout = QVBoxLayout(MemberDialog)
        self.dialog_layout.setObjectName(u"dialog_layout")
        self.team_label = QLabel(MemberDialog)
        self.team_label.setObjectName(u"team_label")

        self.dialog_layout.addWidget(self.team_label)

        self.member_form = QFormLayout()
        self.member_form.setObjectName(u"member_form")
        self.member_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight|Qt.AlignmentFlag.AlignVCenter)
        self.member_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.resident_label_caption = QLabel(MemberDialog)
        self.resident_label_caption.setObjectName(u"resident_label_caption")

        self.member_form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.resident_label_caption)

        self.resident_label = QLabel(MemberDialog)
        self.resident_label.setObjectName(u"resident_label")

        self.member_form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.resident_label)

        self.picker_holder_caption = QLabel(MemberDialog)
        self.picker_holder_caption.setObjectName(u"picker_holder_caption")

        self.member_form.setWidget(1, QFormLayout.ItemRole.LabelRole, self.picker_holder_caption)

        self.picker_holder = QWidget(MemberDialog)
        self.picker_holder.setObjectName(u"picker_holder")
        sizePolicy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        sizePolicy.setHorizontalStretch(0)
        sizePolicy.setVerticalStretch(0)
        sizePolicy.setHeightForWidth(self.picker_holder.sizePolicy().hasHeightForWidth())
        self.picker_holder.setSizePolicy(sizePolicy)
        self.picker_holder_layout = QVBoxLayout(self.picker_holder)
        self.picker_holder_layout.setObjectName(u"picker_holder_layout")
        self.picker_holder_layout.setContentsMargins(0, 0, 0, 0)

        self.member_form.setWidget(1, QFormLayout.ItemRole.FieldRole, self.picker_holder)

        self.resident_id_error = QLabel(MemberDialog)
        self.resident_id_error.setObjectName(u"resident_id_error")
        self.resident_id_error.setText(u"")
        self.resident_id_error.setWordWrap(True)

        self.member_form.setWidget(2, QFormLayout.ItemRole.FieldRole, self.resident_id_error)

        self.role_combo_caption = QLabel(MemberDialog)
        self.role_combo_caption.setObjectName(u"role_combo_caption")

        self.member_form.setWidget(3, QFormLayout.ItemRole.LabelRole, self.role_combo_caption)

        self.role_combo = QComboBox(MemberDialog)
        self.role_combo.setObjectName(u"role_combo")
        self.role_combo.setEditable(True)

        self.member_form.setWidget(3, QFormLayout.ItemRole.FieldRole, self.role_combo)

        self.role_error = QLabel(MemberDialog)
        self.role_error.setObjectName(u"role_error")
        self.role_error.setText(u"")
        self.role_error.setWordWrap(True)

        self.member_form.setWidget(4, QFormLayout.ItemRole.FieldRole, self.role_error)

        self.joined_edit_caption = QLabel(MemberDialog)
        self.joined_edit_caption.setObjectName(u"joined_edit_caption")

        self.member_form.setWidget(5, QFormLayout.ItemRole.LabelRole, self.joined_edit_caption)

        self.joined_edit = QDateEdit(MemberDialog)
        self.joined_edit.setObjectName(u"joined_edit")
        self.joined_edit.setDisplayFormat(u"yyyy-MM-dd")
        self.joined_edit.setCalendarPopup(True)

        self.member_form.setWidget(5, QFormLayout.ItemRole.FieldRole, self.joined_edit)

        self.joined_on_error = QLabel(MemberDialog)
        self.joined_on_error.setObjectName(u"joined_on_error")
        self.joined_on_error.setText(u"")
        self.joined_on_error.setWordWrap(True)

        self.member_form.setWidget(6, QFormLayout.ItemRole.FieldRole, self.joined_on_error)

        self.left_edit_caption = QLabel(MemberDialog)
        self.left_edit_caption.setObjectName(u"left_edit_caption")

        self.member_form.setWidget(7, QFormLayout.ItemRole.LabelRole, self.left_edit_caption)

        self.left_edit = QDateEdit(MemberDialog)
        self.left_edit.setObjectName(u"left_edit")
        self.left_edit.setDisplayFormat(u"yyyy-MM-dd")
        self.left_edit.setCalendarPopup(True)

        self.member_form.setWidget(7, QFormLayout.ItemRole.FieldRole, self.left_edit)

        self.left_on_error = QLabel(MemberDialog)
        self.left_on_error.setObjectName(u"left_on_error")
        self.left_on_error.setText(u"")
        self.left_on_error.setWordWrap(True)

        self.member_form.setWidget(8, QFormLayout.ItemRole.FieldRole, self.left_on_error)


        self.dialog_layout.addLayout(self.member_form)

        self.form_error = QLabel(MemberDialog)
        self.form_error.setObjectName(u"form_error")
        self.form_error.setText(u"")
        self.form_error.setWordWrap(True)

        self.dialog_layout.addWidget(self.form_error)

        self.button_box = QDialogButtonBox(MemberDialog)
        self.button_box.setObjectName(u"button_box")
        self.button_box.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Save)

        self.dialog_layout.addWidget(self.button_box)


        self.retranslateUi(MemberDialog)

        QMetaObject.connectSlotsByName(MemberDialog)
    # setupUi

    def retranslateUi(self, MemberDialog):
        MemberDialog.setWindowTitle(QCoreApplication.translate("MemberDialog", u"\u961f\u4f0d\u6210\u5458", None))
        self.team_label.setText(QCoreApplication.translate("MemberDialog", u"\u961f\u4f0d\uff1a", None))
        self.resident_label_caption.setText(QCoreApplication.translate("MemberDialog", u"\u5c45\u6c11\uff1a", None))
        self.resident_label.setText(QCoreApplication.translate("MemberDialog", u"\u8bf7\u5728\u4e0b\u9762\u67e5\u627e\u5e76\u9009\u4e2d\u4e00\u4f4d\u5c45\u6c11", None))
        self.picker_holder_caption.setText("")
        self.role_combo_caption.setText(QCoreApplication.translate("MemberDialog", u"\u804c\u52a1\uff1a", None))
        self.joined_edit_caption.setText(QCoreApplication.translate("MemberDialog", u"\u52a0\u5165\u65e5\u671f\uff1a", None))
        self.left_edit_caption.setText(QCoreApplication.translate("MemberDialog", u"\u79bb\u961f\u65e5\u671f\uff1a", None))
    # retranslateUi

