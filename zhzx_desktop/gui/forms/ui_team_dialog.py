# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'team_dialog.ui'
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
    QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
    QLineEdit, QPlainTextEdit, QPushButton, QSizePolicy,
    QSpacerItem, QVBoxLayout, QWidget)

class Ui_TeamDialog(object):
    def setupUi(self, TeamDialog):
        if not TeamDialog.objectName():
            TeamDialog.setObjectName(u"TeamDialog")
        TeamDialog.resize(600, 560)
        self.dialog_layout = QVBoxLayout(TeamDialog)
        self.dialog_layout.setObjectName(u"dialog_layout")
        self.team_form = QFormLayout()
        self.team_form.setObjectName(u"team_form")
        self.team_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight|Qt.AlignmentFlag.AlignVCenter)
        self.team_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name_edit_caption = QLabel(TeamDialog)
        self.name_edit_caption.setObjectName(u"name_edit_caption")

        self.team_form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.name_edit_caption)

        self.name_edit = QLineEdit(TeamDialog)
        self.name_edit.setObjectName(u"name_edit")
        self.name_edit.setMaxLength(60)

        self.team_form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.name_edit)

        self.team_name_error = QLabel(TeamDialog)
        self.team_name_error.setObjectName(u"team_name_error")
        self.team_name_error.setText(u"")
        self.team_name_error.setWordWrap(True)

        self.team_form.setWidget(1, QFormLayout.ItemRole.FieldRole, self.team_name_error)

        self.type_combo_caption = QLabel(TeamDialog)
        self.type_combo_caption.setObjectName(u"type_combo_caption")

        self.team_form.setWidget(2, QFormLayout.ItemRole.LabelRole, self.type_combo_caption)

        self.type_combo = QComboBox(TeamDialog)
        self.type_combo.setObjectName(u"type_combo")

        self.team_form.setWidget(2, QFormLayout.ItemRole.FieldRole, self.type_combo)

        self.team_type_error = QLabel(TeamDialog)
        self.team_type_error.setObjectName(u"team_type_error")
        self.team_type_error.setText(u"")
        self.team_type_error.setWordWrap(True)

        self.team_form.setWidget(3, QFormLayout.ItemRole.FieldRole, self.team_type_error)

        self.leader_row_caption = QLabel(TeamDialog)
        self.leader_row_caption.setObjectName(u"leader_row_caption")

        self.team_form.setWidget(4, QFormLayout.ItemRole.LabelRole, self.leader_row_caption)

        self.leader_row = QHBoxLayout()
        self.leader_row.setObjectName(u"leader_row")
        self.leader_label = QLabel(TeamDialog)
        self.leader_label.setObjectName(u"leader_label")

        self.leader_row.addWidget(self.leader_label)

        self.leader_spacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.leader_row.addItem(self.leader_spacer)

        self.leader_clear_button = QPushButton(TeamDialog)
        self.leader_clear_button.setObjectName(u"leader_clear_button")

        self.leader_row.addWidget(self.leader_clear_button)


        self.team_form.setLayout(4, QFormLayout.ItemRole.FieldRole, self.leader_row)

        self.leader_picker_holder_caption = QLabel(TeamDialog)
        self.leader_picker_holder_caption.setObjectName(u"leader_picker_holder_caption")

        self.team_form.setWidget(5, QFormLayout.ItemRole.LabelRole, self.leader_picker_holder_caption)

        self.leader_picker_holder = QWidget(TeamDialog)
        self.leader_picker_holder.setObjectName(u"leader_picker_holder")
        sizePolicy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        sizePolicy.setHorizontalStretch(0)
        sizePolicy.setVerticalStretch(0)
        sizePolicy.setHeightForWidth(self.leader_picker_holder.sizePolicy().hasHeightForWidth())
        self.leader_picker_holder.setSizePolicy(sizePolicy)
        self.leader_picker_holder_layout = QVBoxLayout(self.leader_picker_holder)
        self.leader_picker_holder_layout.setObjectName(u"leader_picker_holder_layout")
        self.leader_picker_holder_layout.setContentsMargins(0, 0, 0, 0)

        self.team_form.setWidget(5, QFormLayout.ItemRole.FieldRole, self.leader_picker_holder)

        self.leader_resident_id_error = QLabel(TeamDialog)
        self.leader_resident_id_error.setObjectName(u"leader_resident_id_error")
        self.leader_resident_id_error.setText(u"")
        self.leader_resident_id_error.setWordWrap(True)

        self.team_form.setWidget(6, QFormLayout.ItemRole.FieldRole, self.leader_resident_id_error)

        self.phone_edit_caption = QLabel(TeamDialog)
        self.phone_edit_caption.setObjectName(u"phone_edit_caption")

        self.team_form.setWidget(7, QFormLayout.ItemRole.LabelRole, self.phone_edit_caption)

        self.phone_edit = QLineEdit(TeamDialog)
        self.phone_edit.setObjectName(u"phone_edit")

        self.team_form.setWidget(7, QFormLayout.ItemRole.FieldRole, self.phone_edit)

        self.contact_phone_error = QLabel(TeamDialog)
        self.contact_phone_error.setObjectName(u"contact_phone_error")
        self.contact_phone_error.setText(u"")
        self.contact_phone_error.setWordWrap(True)

        self.team_form.setWidget(8, QFormLayout.ItemRole.FieldRole, self.contact_phone_error)

        self.grid_combo_caption = QLabel(TeamDialog)
        self.grid_combo_caption.setObjectName(u"grid_combo_caption")

        self.team_form.setWidget(9, QFormLayout.ItemRole.LabelRole, self.grid_combo_caption)

        self.grid_combo = QComboBox(TeamDialog)
        self.grid_combo.setObjectName(u"grid_combo")

        self.team_form.setWidget(9, QFormLayout.ItemRole.FieldRole, self.grid_combo)

        self.grid_id_error = QLabel(TeamDialog)
        self.grid_id_error.setObjectName(u"grid_id_error")
        self.grid_id_error.setText(u"")
        self.grid_id_error.setWordWrap(True)

        self.team_form.setWidget(10, QFormLayout.ItemRole.FieldRole, self.grid_id_error)

        self.founded_edit_caption = QLabel(TeamDialog)
        self.founded_edit_caption.setObjectName(u"founded_edit_caption")

        self.team_form.setWidget(11, QFormLayout.ItemRole.LabelRole, self.founded_edit_caption)

        self.founded_edit = QLineEdit(TeamDialog)
        self.founded_edit.setObjectName(u"founded_edit")

        self.team_form.setWidget(11, QFormLayout.ItemRole.FieldRole, self.founded_edit)

        self.founded_on_error = QLabel(TeamDialog)
        self.founded_on_error.setObjectName(u"founded_on_error")
        self.founded_on_error.setText(u"")
        self.founded_on_error.setWordWrap(True)

        self.team_form.setWidget(12, QFormLayout.ItemRole.FieldRole, self.founded_on_error)

        self.duties_edit_caption = QLabel(TeamDialog)
        self.duties_edit_caption.setObjectName(u"duties_edit_caption")

        self.team_form.setWidget(13, QFormLayout.ItemRole.LabelRole, self.duties_edit_caption)

        self.duties_edit = QPlainTextEdit(TeamDialog)
        self.duties_edit.setObjectName(u"duties_edit")
        self.duties_edit.setTabChangesFocus(True)

        self.team_form.setWidget(13, QFormLayout.ItemRole.FieldRole, self.duties_edit)

        self.duties_error = QLabel(TeamDialog)
        self.duties_error.setObjectName(u"duties_error")
        self.duties_error.setText(u"")
        self.duties_error.setWordWrap(True)

        self.team_form.setWidget(14, QFormLayout.ItemRole.FieldRole, self.duties_error)


        self.dialog_layout.addLayout(self.team_form)

        self.form_error = QLabel(TeamDialog)
        self.form_error.setObjectName(u"form_error")
        self.form_error.setText(u"")
        self.form_error.setWordWrap(True)

        self.dialog_layout.addWidget(self.form_error)

        self.button_box = QDialogButtonBox(TeamDialog)
        self.button_box.setObjectName(u"button_box")
        self.button_box.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Save)

        self.dialog_layout.addWidget(self.button_box)


        self.retranslateUi(TeamDialog)

        QMetaObject.connectSlotsByName(TeamDialog)
    # setupUi

    def retranslateUi(self, TeamDialog):
        TeamDialog.setWindowTitle(QCoreApplication.translate("TeamDialog", u"\u961f\u4f0d", None))
        self.name_edit_caption.setText(QCoreApplication.translate("TeamDialog", u"\u961f\u4f0d\u540d\u79f0\uff1a", None))
        self.name_edit.setPlaceholderText(QCoreApplication.translate("TeamDialog", u"\u4f8b\uff1a\u4e1c\u6751\u6cbb\u5b89\u5de1\u9632\u961f", None))
        self.type_combo_caption.setText(QCoreApplication.translate("TeamDialog", u"\u961f\u4f0d\u7c7b\u578b\uff1a", None))
        self.leader_row_caption.setText(QCoreApplication.translate("TeamDialog", u"\u8d1f\u8d23\u4eba\uff1a", None))
        self.leader_label.setText(QCoreApplication.translate("TeamDialog", u"\uff08\u672a\u6307\u5b9a\uff09", None))
        self.leader_clear_button.setText(QCoreApplication.translate("TeamDialog", u"\u4e0d\u6307\u5b9a\u8d1f\u8d23\u4eba", None))
        self.leader_picker_holder_caption.setText("")
        self.phone_edit_caption.setText(QCoreApplication.translate("TeamDialog", u"\u8054\u7cfb\u7535\u8bdd\uff1a", None))
        self.phone_edit.setPlaceholderText(QCoreApplication.translate("TeamDialog", u"\u624b\u673a\u6216\u56fa\u5b9a\u7535\u8bdd\uff0c\u4f8b\uff1a0731-24411234", None))
        self.grid_combo_caption.setText(QCoreApplication.translate("TeamDialog", u"\u6240\u5c5e\u7f51\u683c\uff1a", None))
        self.founded_edit_caption.setText(QCoreApplication.translate("TeamDialog", u"\u6210\u7acb\u65e5\u671f\uff1a", None))
        self.founded_edit.setPlaceholderText(QCoreApplication.translate("TeamDialog", u"\u53ef\u4e0d\u586b\uff0c\u4f8b\uff1a2021-03-01", None))
        self.duties_edit_caption.setText(QCoreApplication.translate("TeamDialog", u"\u4e3b\u8981\u804c\u8d23\uff1a", None))
        self.duties_edit.setPlaceholderText(QCoreApplication.translate("TeamDialog", u"\u4f8b\uff1a\u591c\u95f4\u5de1\u903b\u3001\u91cd\u70b9\u65f6\u6bb5\u503c\u5b88\u3001\u534f\u52a9\u6392\u67e5\u77db\u76fe\u7ea0\u7eb7", None))
    # retranslateUi

