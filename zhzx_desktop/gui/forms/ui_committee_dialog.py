# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'committee_dialog.ui'
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
from PySide6.QtWidgets import (QAbstractButton, QApplication, QCheckBox, QComboBox,
    QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
    QLabel, QLineEdit, QPushButton, QSizePolicy,
    QSpacerItem, QSpinBox, QVBoxLayout, QWidget)

class Ui_CommitteeDialog(object):
    def setupUi(self, CommitteeDialog):
        if not CommitteeDialog.objectName():
            CommitteeDialog.setObjectName(u"CommitteeDialog")
        CommitteeDialog.resize(640, 520)
        self.dialog_layout = QVBoxLayout(CommitteeDialog)
        self.dialog_layout.setObjectName(u"dialog_layout")
        self.intro_label = QLabel(CommitteeDialog)
        self.intro_label.setObjectName(u"intro_label")
        self.intro_label.setWordWrap(True)

        self.dialog_layout.addWidget(self.intro_label)

        self.committee_form = QFormLayout()
        self.committee_form.setObjectName(u"committee_form")
        self.committee_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight|Qt.AlignmentFlag.AlignVCenter)
        self.committee_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name_edit_caption = QLabel(CommitteeDialog)
        self.name_edit_caption.setObjectName(u"name_edit_caption")

        self.committee_form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.name_edit_caption)

        self.name_edit = QLineEdit(CommitteeDialog)
        self.name_edit.setObjectName(u"name_edit")
        self.name_edit.setMaxLength(60)

        self.committee_form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.name_edit)

        self.committee_name_error = QLabel(CommitteeDialog)
        self.committee_name_error.setObjectName(u"committee_name_error")
        self.committee_name_error.setText(u"")
        self.committee_name_error.setWordWrap(True)

        self.committee_form.setWidget(1, QFormLayout.ItemRole.FieldRole, self.committee_name_error)

        self.prefix_edit_caption = QLabel(CommitteeDialog)
        self.prefix_edit_caption.setObjectName(u"prefix_edit_caption")

        self.committee_form.setWidget(2, QFormLayout.ItemRole.LabelRole, self.prefix_edit_caption)

        self.prefix_edit = QLineEdit(CommitteeDialog)
        self.prefix_edit.setObjectName(u"prefix_edit")
        self.prefix_edit.setMaxLength(20)

        self.committee_form.setWidget(2, QFormLayout.ItemRole.FieldRole, self.prefix_edit)

        self.case_prefix_error = QLabel(CommitteeDialog)
        self.case_prefix_error.setObjectName(u"case_prefix_error")
        self.case_prefix_error.setText(u"")
        self.case_prefix_error.setWordWrap(True)

        self.committee_form.setWidget(3, QFormLayout.ItemRole.FieldRole, self.case_prefix_error)

        self.prefix_example = QLabel(CommitteeDialog)
        self.prefix_example.setObjectName(u"prefix_example")
        self.prefix_example.setWordWrap(True)
        self.prefix_example.setStyleSheet(u"color: #555;")

        self.committee_form.setWidget(4, QFormLayout.ItemRole.FieldRole, self.prefix_example)

        self.block_spin_caption = QLabel(CommitteeDialog)
        self.block_spin_caption.setObjectName(u"block_spin_caption")

        self.committee_form.setWidget(5, QFormLayout.ItemRole.LabelRole, self.block_spin_caption)

        self.block_spin = QSpinBox(CommitteeDialog)
        self.block_spin.setObjectName(u"block_spin")
        self.block_spin.setMinimum(0)
        self.block_spin.setMaximum(9)
        self.block_spin.setMaximumSize(QSize(80, 16777215))

        self.committee_form.setWidget(5, QFormLayout.ItemRole.FieldRole, self.block_spin)

        self.case_block_error = QLabel(CommitteeDialog)
        self.case_block_error.setObjectName(u"case_block_error")
        self.case_block_error.setText(u"")
        self.case_block_error.setWordWrap(True)

        self.committee_form.setWidget(6, QFormLayout.ItemRole.FieldRole, self.case_block_error)

        self.block_help = QLabel(CommitteeDialog)
        self.block_help.setObjectName(u"block_help")
        self.block_help.setWordWrap(True)
        self.block_help.setStyleSheet(u"color: #555;")

        self.committee_form.setWidget(7, QFormLayout.ItemRole.FieldRole, self.block_help)

        self.show_id_check_caption = QLabel(CommitteeDialog)
        self.show_id_check_caption.setObjectName(u"show_id_check_caption")

        self.committee_form.setWidget(8, QFormLayout.ItemRole.LabelRole, self.show_id_check_caption)

        self.show_id_check = QCheckBox(CommitteeDialog)
        self.show_id_check.setObjectName(u"show_id_check")

        self.committee_form.setWidget(8, QFormLayout.ItemRole.FieldRole, self.show_id_check)

        self.retention_combo_caption = QLabel(CommitteeDialog)
        self.retention_combo_caption.setObjectName(u"retention_combo_caption")

        self.committee_form.setWidget(9, QFormLayout.ItemRole.LabelRole, self.retention_combo_caption)

        self.retention_combo = QComboBox(CommitteeDialog)
        self.retention_combo.setObjectName(u"retention_combo")
        self.retention_combo.setEditable(True)
        self.retention_combo.setMaximumSize(QSize(160, 16777215))

        self.committee_form.setWidget(9, QFormLayout.ItemRole.FieldRole, self.retention_combo)

        self.retention_error = QLabel(CommitteeDialog)
        self.retention_error.setObjectName(u"retention_error")
        self.retention_error.setText(u"")
        self.retention_error.setWordWrap(True)

        self.committee_form.setWidget(10, QFormLayout.ItemRole.FieldRole, self.retention_error)

        self.retention_help = QLabel(CommitteeDialog)
        self.retention_help.setObjectName(u"retention_help")
        self.retention_help.setWordWrap(True)
        self.retention_help.setStyleSheet(u"color: #555;")

        self.committee_form.setWidget(11, QFormLayout.ItemRole.FieldRole, self.retention_help)

        self.font_edit_caption = QLabel(CommitteeDialog)
        self.font_edit_caption.setObjectName(u"font_edit_caption")

        self.committee_form.setWidget(12, QFormLayout.ItemRole.LabelRole, self.font_edit_caption)

        self.font_row = QHBoxLayout()
        self.font_row.setObjectName(u"font_row")
        self.font_edit = QLineEdit(CommitteeDialog)
        self.font_edit.setObjectName(u"font_edit")
        self.font_edit.setClearButtonEnabled(True)

        self.font_row.addWidget(self.font_edit)

        self.font_browse_button = QPushButton(CommitteeDialog)
        self.font_browse_button.setObjectName(u"font_browse_button")

        self.font_row.addWidget(self.font_browse_button)


        self.committee_form.setLayout(12, QFormLayout.ItemRole.FieldRole, self.font_row)

        self.font_error = QLabel(CommitteeDialog)
        self.font_error.setObjectName(u"font_error")
        self.font_error.setText(u"")
        self.font_error.setWordWrap(True)

        self.committee_form.setWidget(13, QFormLayout.ItemRole.FieldRole, self.font_error)

        self.font_help = QLabel(CommitteeDialog)
        self.font_help.setObjectName(u"font_help")
        self.font_help.setWordWrap(True)
        self.font_help.setStyleSheet(u"color: #555;")

        self.committee_form.setWidget(14, QFormLayout.ItemRole.FieldRole, self.font_help)


        self.dialog_layout.addLayout(self.committee_form)

        self.bottom_spacer = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.dialog_layout.addItem(self.bottom_spacer)

        self.form_error = QLabel(CommitteeDialog)
        self.form_error.setObjectName(u"form_error")
        self.form_error.setText(u"")
        self.form_error.setWordWrap(True)

        self.dialog_layout.addWidget(self.form_error)

        self.button_box = QDialogButtonBox(CommitteeDialog)
        self.button_box.setObjectName(u"button_box")
        self.button_box.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Save)

        self.dialog_layout.addWidget(self.button_box)

        QWidget.setTabOrder(self.name_edit, self.prefix_edit)
        QWidget.setTabOrder(self.prefix_edit, self.block_spin)
        QWidget.setTabOrder(self.block_spin, self.show_id_check)
        QWidget.setTabOrder(self.show_id_check, self.retention_combo)
        QWidget.setTabOrder(self.retention_combo, self.font_edit)
        QWidget.setTabOrder(self.font_edit, self.font_browse_button)

        self.retranslateUi(CommitteeDialog)

        QMetaObject.connectSlotsByName(CommitteeDialog)
    # setupUi

    def retranslateUi(self, CommitteeDialog):
        CommitteeDialog.setWindowTitle(QCoreApplication.translate("CommitteeDialog", u"\u8c03\u59d4\u4f1a\u8bbe\u7f6e", None))
        self.intro_label.setText(QCoreApplication.translate("CommitteeDialog", u"\u8fd9\u4e9b\u8bbe\u7f6e\u5370\u5728\u6587\u4e66\u4e0a\u5e76\u7528\u4e8e\u7f16\u6848\u53f7\u3002\u540d\u79f0\u548c\u6848\u53f7\u524d\u7f00\u586b\u5199\u540e\u624d\u80fd\u53d7\u7406\u6848\u4ef6\u3002", None))
        self.name_edit_caption.setText(QCoreApplication.translate("CommitteeDialog", u"\u8c03\u59d4\u4f1a\u540d\u79f0\uff1a", None))
        self.name_edit.setPlaceholderText(QCoreApplication.translate("CommitteeDialog", u"\u4f8b\uff1a\u9752\u77f3\u6751\u4eba\u6c11\u8c03\u89e3\u59d4\u5458\u4f1a", None))
        self.prefix_edit_caption.setText(QCoreApplication.translate("CommitteeDialog", u"\u6848\u53f7\u524d\u7f00\uff1a", None))
        self.prefix_edit.setPlaceholderText(QCoreApplication.translate("CommitteeDialog", u"\u8c03\u59d4\u4f1a\u7b80\u79f0\uff0c\u4f8b\uff1a\u9752\u77f3\u6751", None))
        self.prefix_example.setText(QCoreApplication.translate("CommitteeDialog", u"\u6848\u53f7\u793a\u4f8b\uff1a", None))
        self.block_spin_caption.setText(QCoreApplication.translate("CommitteeDialog", u"\u672c\u673a\u53f7\u6bb5\uff1a", None))
        self.block_help.setText(QCoreApplication.translate("CommitteeDialog", u"\u540c\u4e00\u4e2a\u8c03\u59d4\u4f1a\u6709\u591a\u53f0\u7535\u8111\u79bb\u7ebf\u53d7\u7406\u6848\u4ef6\u65f6\uff0c\u6bcf\u53f0\u7535\u8111\u9009\u4e0d\u540c\u7684\u53f7\u6bb5\uff1a0 \u53f7\u6bb5\u4e3a 001\u2013999 \u53f7\uff0c1 \u53f7\u6bb5\u4e3a 1001\u20131999 \u53f7\u2026\u2026\u53ea\u6709\u4e00\u53f0\u7535\u8111\u65f6\u7528 0 \u53f7\u6bb5\u3002", None))
        self.show_id_check_caption.setText(QCoreApplication.translate("CommitteeDialog", u"\u534f\u8bae\u4e66\uff1a", None))
        self.show_id_check.setText(QCoreApplication.translate("CommitteeDialog", u"\u5728\u534f\u8bae\u4e66\u4e0a\u6253\u5370\u5f53\u4e8b\u4eba\u8eab\u4efd\u8bc1\u53f7", None))
        self.retention_combo_caption.setText(QCoreApplication.translate("CommitteeDialog", u"\u4fdd\u7ba1\u671f\u9650\uff1a", None))
        self.retention_help.setText(QCoreApplication.translate("CommitteeDialog", u"\u5370\u5728\u65b0\u5efa\u5377\u5b97\u7684\u5c01\u9762\u4e0a\u3002", None))
        self.font_edit_caption.setText(QCoreApplication.translate("CommitteeDialog", u"\u6253\u5370\u5b57\u4f53\uff08\u53ef\u9009\uff09\uff1a", None))
        self.font_edit.setPlaceholderText(QCoreApplication.translate("CommitteeDialog", u"\u81ea\u52a8", None))
        self.font_browse_button.setText(QCoreApplication.translate("CommitteeDialog", u"\u6d4f\u89c8\u2026", None))
        self.font_help.setText("")
    # retranslateUi

