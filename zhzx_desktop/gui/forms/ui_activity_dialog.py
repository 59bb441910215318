# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'activity_dialog.ui'
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
    QDialog, QDialogButtonBox, QFormLayout, QGroupBox,
    QHBoxLayout, QLabel, QLineEdit, QListWidget,
    QListWidgetItem, QPlainTextEdit, QPushButton, QSizePolicy,
    QSpacerItem, QSpinBox, QVBoxLayout, QWidget)

class Ui_ActivityDialog(object):
    def setupUi(self, ActivityDialog):
        if not ActivityDialog.objectName():
            ActivityDialog.setObjectName(u"ActivityDialog")
        ActivityDialog.resize(960, 600)
        self.dialog_layout = QVBoxLayout(ActivityDialog)
        self.dialog_layout.setObjectName(u"dialog_layout")
        self.columns = QHBoxLayout()
        self.columns.setObjectName(u"columns")
        self.activity_form = QFormLayout()
        self.activity_form.setObjectName(u"activity_form")
        self.activity_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight|Qt.AlignmentFlag.AlignVCenter)
        self.activity_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.date_edit_caption = QLabel(ActivityDialog)
        self.date_edit_caption.setObjectName(u"date_edit_caption")

        self.activity_form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.date_edit_caption)

        self.date_edit = QDateEdit(ActivityDialog)
        self.date_edit.setObjectName(u"date_edit")
        self.date_edit.setDisplayFormat(u"yyyy-MM-dd")
        self.date_edit.setCalendarPopup(True)

        self.activity_form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.date_edit)

        self.activity_date_error = QLabel(ActivityDialog)
        self.activity_date_error.setObjectName(u"activity_date_error")
        self.activity_date_error.setText(u"")
        self.activity_date_error.setWordWrap(True)

        self.activity_form.setWidget(1, QFormLayout.ItemRole.FieldRole, self.activity_date_error)

        self.kind_combo_caption = QLabel(ActivityDialog)
        self.kind_combo_caption.setObjectName(u"kind_combo_caption")

        self.activity_form.setWidget(2, QFormLayout.ItemRole.LabelRole, self.kind_combo_caption)

        self.kind_combo = QComboBox(ActivityDialog)
        self.kind_combo.setObjectName(u"kind_combo")

        self.activity_form.setWidget(2, QFormLayout.ItemRole.FieldRole, self.kind_combo)

        self.kind_error = QLabel(ActivityDialog)
        self.kind_error.setObjectName(u"kind_error")
        self.kind_error.setText(u"")
        self.kind_error.setWordWrap(True)

        self.activity_form.setWidget(3, QFormLayout.ItemRole.FieldRole, self.kind_error)

        self.place_edit_caption = QLabel(ActivityDialog)
        self.place_edit_caption.setObjectName(u"place_edit_caption")

        self.activity_form.setWidget(4, QFormLayout.ItemRole.LabelRole, self.place_edit_caption)

        self.place_edit = QLineEdit(ActivityDialog)
        self.place_edit.setObjectName(u"place_edit")

        self.activity_form.setWidget(4, QFormLayout.ItemRole.FieldRole, self.place_edit)

        self.place_error = QLabel(ActivityDialog)
        self.place_error.setObjectName(u"place_error")
        self.place_error.setText(u"")
        self.place_error.setWordWrap(True)

        self.activity_form.setWidget(5, QFormLayout.ItemRole.FieldRole, self.place_error)

        self.summary_edit_caption = QLabel(ActivityDialog)
        self.summary_edit_caption.setObjectName(u"summary_edit_caption")

        self.activity_form.setWidget(6, QFormLayout.ItemRole.LabelRole, self.summary_edit_caption)

        self.summary_edit = QPlainTextEdit(ActivityDialog)
        self.summary_edit.setObjectName(u"summary_edit")
        self.summary_edit.setTabChangesFocus(True)

        self.activity_form.setWidget(6, QFormLayout.ItemRole.FieldRole, self.summary_edit)

        self.summary_error = QLabel(ActivityDialog)
        self.summary_error.setObjectName(u"summary_error")
        self.summary_error.setText(u"")
        self.summary_error.setWordWrap(True)

        self.activity_form.setWidget(7, QFormLayout.ItemRole.FieldRole, self.summary_error)

        self.findings_edit_caption = QLabel(ActivityDialog)
        self.findings_edit_caption.setObjectName(u"findings_edit_caption")

        self.activity_form.setWidget(8, QFormLayout.ItemRole.LabelRole, self.findings_edit_caption)

        self.findings_edit = QPlainTextEdit(ActivityDialog)
        self.findings_edit.setObjectName(u"findings_edit")
        self.findings_edit.setTabChangesFocus(True)

        self.activity_form.setWidget(8, QFormLayout.ItemRole.FieldRole, self.findings_edit)

        self.findings_error = QLabel(ActivityDialog)
        self.findings_error.setObjectName(u"findings_error")
        self.findings_error.setText(u"")
        self.findings_error.setWordWrap(True)

        self.activity_form.setWidget(9, QFormLayout.ItemRole.FieldRole, self.findings_error)

        self.disputes_found_spin_caption = QLabel(ActivityDialog)
        self.disputes_found_spin_caption.setObjectName(u"disputes_found_spin_caption")

        self.activity_form.setWidget(10, QFormLayout.ItemRole.LabelRole, self.disputes_found_spin_caption)

        self.disputes_found_spin = QSpinBox(ActivityDialog)
        self.disputes_found_spin.setObjectName(u"disputes_found_spin")
        self.disputes_found_spin.setMaximum(10000)

        self.activity_form.setWidget(10, QFormLayout.ItemRole.FieldRole, self.disputes_found_spin)

        self.disputes_found_error = QLabel(ActivityDialog)
        self.disputes_found_error.setObjectName(u"disputes_found_error")
        self.disputes_found_error.setText(u"")
        self.disputes_found_error.setWordWrap(True)

        self.activity_form.setWidget(11, QFormLayout.ItemRole.FieldRole, self.disputes_found_error)

        self.disputes_prevented_spin_caption = QLabel(ActivityDialog)
        self.disputes_prevented_spin_caption.setObjectName(u"disputes_prevented_spin_caption")

        self.activity_form.setWidget(12, QFormLayout.ItemRole.LabelRole, self.disputes_prevented_spin_caption)

        self.disputes_prevented_spin = QSpinBox(ActivityDialog)
        self.disputes_prevented_spin.setObjectName(u"disputes_prevented_spin")
        self.disputes_prevented_spin.setMaximum(10000)

        self.activity_form.setWidget(12, QFormLayout.ItemRole.FieldRole, self.disputes_prevented_spin)

        self.disputes_prevented_error = QLabel(ActivityDialog)
        self.disputes_prevented_error.setObjectName(u"disputes_prevented_error")
        self.disputes_prevented_error.setText(u"")
        self.disputes_prevented_error.setWordWrap(True)

        self.activity_form.setWidget(13, QFormLayout.ItemRole.FieldRole, self.disputes_prevented_error)


        self.columns.addLayout(self.activity_form)

        self.participants_group = QGroupBox(ActivityDialog)
        self.participants_group.setObjectName(u"participants_group")
        self.participants_layout = QVBoxLayout(self.participants_group)
        self.participants_layout.setObjectName(u"participants_layout")
        self.members_hint = QLabel(self.participants_group)
        self.members_hint.setObjectName(u"members_hint")

        self.participants_layout.addWidget(self.members_hint)

        self.participants_list = QListWidget(self.participants_group)
        self.participants_list.setObjectName(u"participants_list")

        self.participants_layout.addWidget(self.participants_list)

        self.check_row = QHBoxLayout()
        self.check_row.setObjectName(u"check_row")
        self.check_all_button = QPushButton(self.participants_group)
        self.check_all_button.setObjectName(u"check_all_button")

        self.check_row.addWidget(self.check_all_button)

        self.check_none_button = QPushButton(self.participants_group)
        self.check_none_button.setObjectName(u"check_none_button")

        self.check_row.addWidget(self.check_none_button)

        self.check_spacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.check_row.addItem(self.check_spacer)

        self.participants_count_label = QLabel(self.participants_group)
        self.participants_count_label.setObjectName(u"participants_count_label")

        self.check_row.addWidget(self.participants_count_label)


        self.participants_layout.addLayout(self.check_row)

        self.others_hint = QLabel(self.participants_group)
        self.others_hint.setObjectName(u"others_hint")

        self.participants_layout.addWidget(self.others_hint)

        self.picker_holder = QWidget(self.participants_group)
        self.picker_holder.setObjectName(u"picker_holder")
        sizePolicy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        sizePolicy.setHorizontalStretch(0)
        sizePolicy.setVerticalStretch(0)
        sizePolicy.setHeightForWidth(self.picker_holder.sizePolicy().hasHeightForWidth())
        self.picker_holder.setSizePolicy(sizePolicy)
        self.picker_holder_layout = QVBoxLayout(self.picker_holder)
        self.picker_holder_layout.setObjectName(u"picker_holder_layout")
        self.picker_holder_layout.setContentsMargins(0, 0, 0, 0)

        self.participants_layout.addWidget(self.picker_holder)

        self.participant_ids_error = QLabel(self.participants_group)
        self.participant_ids_error.setObjectName(u"participant_ids_error")
        self.participant_ids_error.setText(u"")
        self.participant_ids_error.setWordWrap(True)

        self.participants_layout.addWidget(self.participant_ids_error)


        self.columns.addWidget(self.participants_group)


        self.dialog_layout.addLayout(self.columns)

        self.form_error = QLabel(ActivityDialog)
        self.form_error.setObjectName(u"form_error")
        self.form_error.setText(u"")
        self.form_error.setWordWrap(True)

        self.dialog_layout.addWidget(self.form_error)

        self.button_box = QDialogButtonBox(ActivityDialog)
        self.button_box.setObjectName(u"button_box")
        self.button_box.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Save)

        self.dialog_layout.addWidget(self.button_box)


        self.retranslateUi(ActivityDialog)

        QMetaObject.connectSlotsByName(ActivityDialog)
    # setupUi

    def retranslateUi(self, ActivityDialog):
        ActivityDialog.setWindowTitle(QCoreApplication.translate("ActivityDialog", u"\u6d3b\u52a8\u8bb0\u5f55", None))
        self.date_edit_caption.setText(QCoreApplication.translate("ActivityDialog", u"\u6d3b\u52a8\u65e5\u671f\uff1a", None))
        self.kind_combo_caption.setText(QCoreApplication.translate("ActivityDialog", u"\u6d3b\u52a8\u7c7b\u578b\uff1a", None))
        self.place_edit_caption.setText(QCoreApplication.translate("ActivityDialog", u"\u5730\u70b9\uff1a", None))
        self.place_edit.setPlaceholderText(QCoreApplication.translate("ActivityDialog", u"\u4f8b\uff1a3\u7ec4\u81f35\u7ec4\u6cbf\u7ebf", None))
        self.summary_edit_caption.setText(QCoreApplication.translate("ActivityDialog", u"\u60c5\u51b5\u6458\u8981\uff1a", None))
        self.summary_edit.setPlaceholderText(QCoreApplication.translate("ActivityDialog", u"\u6d3b\u52a8\u7ecf\u8fc7\u3001\u53c2\u52a0\u60c5\u51b5", None))
        self.findings_edit_caption.setText(QCoreApplication.translate("ActivityDialog", u"\u53d1\u73b0\u7684\u95ee\u9898\uff1a", None))
        self.findings_edit.setPlaceholderText(QCoreApplication.translate("ActivityDialog", u"\u53d1\u73b0\u7684\u9690\u60a3\u3001\u77db\u76fe\u53ca\u5904\u7406\u60c5\u51b5\uff1b\u6ca1\u6709\u53ef\u4e0d\u586b", None))
        self.disputes_found_spin_caption.setText(QCoreApplication.translate("ActivityDialog", u"\u6392\u67e5\u53d1\u73b0\u7ea0\u7eb7\uff1a", None))
#if QT_CONFIG(tooltip)
        self.disputes_found_spin.setToolTip(QCoreApplication.translate("ActivityDialog", u"\u8fd9\u6b21\u6d3b\u52a8\u6392\u67e5\u53d1\u73b0\u7684\u77db\u76fe\u7ea0\u7eb7\u4ef6\u6570\uff08\u8ba1\u5165\u6708\u62a5\u7684\u6392\u67e5\u6570\uff09", None))
#endif // QT_CONFIG(tooltip)
        self.disputes_found_spin.setSuffix(QCoreApplication.translate("ActivityDialog", u" \u4ef6", None))
        self.disputes_prevented_spin_caption.setText(QCoreApplication.translate("ActivityDialog", u"\u9884\u9632\u7ea0\u7eb7\uff1a", None))
#if QT_CONFIG(tooltip)
        self.disputes_prevented_spin.setToolTip(QCoreApplication.translate("ActivityDialog", u"\u8fd9\u6b21\u6d3b\u52a8\u5316\u89e3\u5728\u840c\u82bd\u3001\u9884\u9632\u4f4f\u7684\u7ea0\u7eb7\u4ef6\u6570\uff08\u8ba1\u5165\u6708\u62a5\uff09", None))
#endif // QT_CONFIG(tooltip)
        self.disputes_prevented_spin.setSuffix(QCoreApplication.translate("ActivityDialog", u" \u4ef6", None))
        self.participants_group.setTitle(QCoreApplication.translate("ActivityDialog", u"\u53c2\u52a0\u4eba\u5458", None))
        self.members_hint.setText(QCoreApplication.translate("ActivityDialog", u"\u52fe\u9009\u53c2\u52a0\u7684\u961f\u5458\uff1a", None))
        self.check_all_button.setText(QCoreApplication.translate("ActivityDialog", u"\u5168\u9009", None))
        self.check_none_button.setText(QCoreApplication.translate("ActivityDialog", u"\u5168\u4e0d\u9009", None))
        self.participants_count_label.setText(QCoreApplication.translate("ActivityDialog", u"\u5df2\u9009 0 \u4eba", None))
        self.others_hint.setText(QCoreApplication.translate("ActivityDialog", u"\u5176\u4ed6\u5c45\u6c11\uff08\u975e\u961f\u5458\uff09\u53c2\u52a0\u7684\uff0c\u67e5\u627e\u540e\u6309\u56de\u8f66\u6216\u53cc\u51fb\u52a0\u5165\uff1a", None))
    # retranslateUi

