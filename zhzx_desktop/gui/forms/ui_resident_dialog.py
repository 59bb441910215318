# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'resident_dialog.ui'
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
    QDialogButtonBox, QGridLayout, QHBoxLayout, QLabel,
    QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit,
    QSizePolicy, QVBoxLayout, QWidget)

class Ui_ResidentDialog(object):
    def setupUi(self, ResidentDialog):
        if not ResidentDialog.objectName():
            ResidentDialog.setObjectName(u"ResidentDialog")
        ResidentDialog.resize(860, 620)
        self.dialog_layout = QVBoxLayout(ResidentDialog)
        self.dialog_layout.setObjectName(u"dialog_layout")
        self.fields_layout = QGridLayout()
        self.fields_layout.setObjectName(u"fields_layout")
        self.fields_layout.setHorizontalSpacing(12)
        self.fields_layout.setVerticalSpacing(2)
        self.name_label = QLabel(ResidentDialog)
        self.name_label.setObjectName(u"name_label")

        self.fields_layout.addWidget(self.name_label, 0, 0, 1, 1)

        self.name_edit = QLineEdit(ResidentDialog)
        self.name_edit.setObjectName(u"name_edit")

        self.fields_layout.addWidget(self.name_edit, 0, 1, 1, 1)

        self.name_error = QLabel(ResidentDialog)
        self.name_error.setObjectName(u"name_error")

        self.fields_layout.addWidget(self.name_error, 1, 1, 1, 1)

        self.id_type_label = QLabel(ResidentDialog)
        self.id_type_label.setObjectName(u"id_type_label")

        self.fields_layout.addWidget(self.id_type_label, 2, 0, 1, 1)

        self.id_type_combo = QComboBox(ResidentDialog)
        self.id_type_combo.setObjectName(u"id_type_combo")

        self.fields_layout.addWidget(self.id_type_combo, 2, 1, 1, 1)

        self.id_type_error = QLabel(ResidentDialog)
        self.id_type_error.setObjectName(u"id_type_error")

        self.fields_layout.addWidget(self.id_type_error, 3, 1, 1, 1)

        self.id_number_label = QLabel(ResidentDialog)
        self.id_number_label.setObjectName(u"id_number_label")

        self.fields_layout.addWidget(self.id_number_label, 4, 0, 1, 1)

        self.id_number_edit = QLineEdit(ResidentDialog)
        self.id_number_edit.setObjectName(u"id_number_edit")

        self.fields_layout.addWidget(self.id_number_edit, 4, 1, 1, 1)

        self.id_number_error = QLabel(ResidentDialog)
        self.id_number_error.setObjectName(u"id_number_error")

        self.fields_layout.addWidget(self.id_number_error, 5, 1, 1, 1)

        self.id_info_label = QLabel(ResidentDialog)
        self.id_info_label.setObjectName(u"id_info_label")

        self.fields_layout.addWidget(self.id_info_label, 6, 1, 1, 1)

        self.sex_label = QLabel(ResidentDialog)
        self.sex_label.setObjectName(u"sex_label")

        self.fields_layout.addWidget(self.sex_label, 7, 0, 1, 1)

        self.sex_combo = QComboBox(ResidentDialog)
        self.sex_combo.setObjectName(u"sex_combo")

        self.fields_layout.addWidget(self.sex_combo, 7, 1, 1, 1)

        self.sex_error = QLabel(ResidentDialog)
        self.sex_error.setObjectName(u"sex_error")

        self.fields_layout.addWidget(self.sex_error, 8, 1, 1, 1)

        self.birth_date_label = QLabel(ResidentDialog)
        self.birth_date_label.setObjectName(u"birth_date_label")

        self.fields_layout.addWidget(self.birth_date_label, 9, 0, 1, 1)

        self.birth_date_edit = QLineEdit(ResidentDialog)
        self.birth_date_edit.setObjectName(u"birth_date_edit")

        self.fields_layout.addWidget(self.birth_date_edit, 9, 1, 1, 1)

        self.birth_date_error = QLabel(ResidentDialog)
        self.birth_date_error.setObjectName(u"birth_date_error")

        self.fields_layout.addWidget(self.birth_date_error, 10, 1, 1, 1)

        self.ethnicity_label = QLabel(ResidentDialog)
        self.ethnicity_label.setObjectName(u"ethnicity_label")

        self.fields_layout.addWidget(self.ethnicity_label, 11, 0, 1, 1)

        self.ethnicity_combo = QComboBox(ResidentDialog)
        self.ethnicity_combo.setObjectName(u"ethnicity_combo")

        self.fields_layout.addWidget(self.ethnicity_combo, 11, 1, 1, 1)

        self.ethnicity_error = QLabel(ResidentDialog)
        self.ethnicity_error.setObjectName(u"ethnicity_error")

        self.fields_layout.addWidget(self.ethnicity_error, 12, 1, 1, 1)

        self.phone_label = QLabel(ResidentDialog)
        self.phone_label.setObjectName(u"phone_label")

        self.fields_layout.addWidget(self.phone_label, 13, 0, 1, 1)

        self.phone_edit = QLineEdit(ResidentDialog)
        self.phone_edit.setObjectName(u"phone_edit")

        self.fields_layout.addWidget(self.phone_edit, 13, 1, 1, 1)

        self.phone_error = QLabel(ResidentDialog)
        self.phone_error.setObjectName(u"phone_error")

        self.fields_layout.addWidget(self.phone_error, 14, 1, 1, 1)

        self.grid_id_label = QLabel(ResidentDialog)
        self.grid_id_label.setObjectName(u"grid_id_label")

        self.fields_layout.addWidget(self.grid_id_label, 0, 2, 1, 1)

        self.grid_combo = QComboBox(ResidentDialog)
        self.grid_combo.setObjectName(u"grid_combo")

        self.fields_layout.addWidget(self.grid_combo, 0, 3, 1, 1)

        self.grid_id_error = QLabel(ResidentDialog)
        self.grid_id_error.setObjectName(u"grid_id_error")

        self.fields_layout.addWidget(self.grid_id_error, 1, 3, 1, 1)

        self.household_id_label = QLabel(ResidentDialog)
        self.household_id_label.setObjectName(u"household_id_label")

        self.fields_layout.addWidget(self.household_id_label, 2, 2, 1, 1)

        self.household_edit = QLineEdit(ResidentDialog)
        self.household_edit.setObjectName(u"household_edit")

        self.fields_layout.addWidget(self.household_edit, 2, 3, 1, 1)

        self.household_id_error = QLabel(ResidentDialog)
        self.household_id_error.setObjectName(u"household_id_error")

        self.fields_layout.addWidget(self.household_id_error, 3, 3, 1, 1)

        self.relation_label = QLabel(ResidentDialog)
        self.relation_label.setObjectName(u"relation_label")

        self.fields_layout.addWidget(self.relation_label, 4, 2, 1, 1)

        self.relation_combo = QComboBox(ResidentDialog)
        self.relation_combo.setObjectName(u"relation_combo")

        self.fields_layout.addWidget(self.relation_combo, 4, 3, 1, 1)

        self.relation_error = QLabel(ResidentDialog)
        self.relation_error.setObjectName(u"relation_error")

        self.fields_layout.addWidget(self.relation_error, 5, 3, 1, 1)

        self.residence_type_label = QLabel(ResidentDialog)
        self.residence_type_label.setObjectName(u"residence_type_label")

        self.fields_layout.addWidget(self.residence_type_label, 7, 2, 1, 1)

        self.residence_type_combo = QComboBox(ResidentDialog)
        self.residence_type_combo.setObjectName(u"residence_type_combo")

        self.fields_layout.addWidget(self.residence_type_combo, 7, 3, 1, 1)

        self.residence_type_error = QLabel(ResidentDialog)
        self.residence_type_error.setObjectName(u"residence_type_error")

        self.fields_layout.addWidget(self.residence_type_error, 8, 3, 1, 1)

        self.address_label = QLabel(ResidentDialog)
        self.address_label.setObjectName(u"address_label")

        self.fields_layout.addWidget(self.address_label, 9, 2, 1, 1)

        self.address_edit = QLineEdit(ResidentDialog)
        self.address_edit.setObjectName(u"address_edit")

        self.fields_layout.addWidget(self.address_edit, 9, 3, 1, 1)

        self.address_error = QLabel(ResidentDialog)
        self.address_error.setObjectName(u"address_error")

        self.fields_layout.addWidget(self.address_error, 10, 3, 1, 1)

        self.occupation_label = QLabel(ResidentDialog)
        self.occupation_label.setObjectName(u"occupation_label")

        self.fields_layout.addWidget(self.occupation_label, 11, 2, 1, 1)

        self.occupation_edit = QLineEdit(ResidentDialog)
        self.occupation_edit.setObjectName(u"occupation_edit")

        self.fields_layout.addWidget(self.occupation_edit, 11, 3, 1, 1)

        self.occupation_error = QLabel(ResidentDialog)
        self.occupation_error.setObjectName(u"occupation_error")

        self.fields_layout.addWidget(self.occupation_error, 12, 3, 1, 1)

        self.fields_layout.setColumnStretch(1, 1)
        self.fields_layout.setColumnStretch(3, 1)

        self.dialog_layout.addLayout(self.fields_layout)

        self.bottom_layout = QHBoxLayout()
        self.bottom_layout.setObjectName(u"bottom_layout")
        self.category_layout = QVBoxLayout()
        self.category_layout.setObjectName(u"category_layout")
        self.category_label = QLabel(ResidentDialog)
        self.category_label.setObjectName(u"category_label")

        self.category_layout.addWidget(self.category_label)

        self.category_list = QListWidget(ResidentDialog)
        self.category_list.setObjectName(u"category_list")

        self.category_layout.addWidget(self.category_list)

        self.category_error = QLabel(ResidentDialog)
        self.category_error.setObjectName(u"category_error")

        self.category_layout.addWidget(self.category_error)


        self.bottom_layout.addLayout(self.category_layout)

        self.notes_layout = QVBoxLayout()
        self.notes_layout.setObjectName(u"notes_layout")
        self.notes_label = QLabel(ResidentDialog)
        self.notes_label.setObjectName(u"notes_label")

        self.notes_layout.addWidget(self.notes_label)

        self.notes_edit = QPlainTextEdit(ResidentDialog)
        self.notes_edit.setObjectName(u"notes_edit")

        self.notes_layout.addWidget(self.notes_edit)

        self.notes_error = QLabel(ResidentDialog)
        self.notes_error.setObjectName(u"notes_error")

        self.notes_layout.addWidget(self.notes_error)


        self.bottom_layout.addLayout(self.notes_layout)


        self.dialog_layout.addLayout(self.bottom_layout)

        self.form_error = QLabel(ResidentDialog)
        self.form_error.setObjectName(u"form_error")

        self.dialog_layout.addWidget(self.form_error)

        self.button_box = QDialogButtonBox(ResidentDialog)
        self.button_box.setObjectName(u"button_box")
        self.button_box.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Save)

        self.dialog_layout.addWidget(self.button_box)

        self.dialog_layout.setStretch(1, 1)
#if QT_CONFIG(shortcut)
        self.name_label.setBuddy(self.name_edit)
        self.id_type_label.setBuddy(self.id_type_combo)
        self.id_number_label.setBuddy(self.id_number_edit)
        self.sex_label.setBuddy(self.sex_combo)
        self.birth_date_label.setBuddy(self.birth_date_edit)
        self.ethnicity_label.setBuddy(self.ethnicity_combo)
        self.phone_label.setBuddy(self.phone_edit)
        self.grid_id_label.setBuddy(self.grid_combo)
        self.household_id_label.setBuddy(self.household_edit)
        self.relation_label.setBuddy(self.relation_combo)
        self.residence_type_label.setBuddy(self.residence_type_combo)
        self.address_label.setBuddy(self.address_edit)
        self.occupation_label.setBuddy(self.occupation_edit)
        self.notes_label.setBuddy(self.notes_edit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.name_edit, self.id_type_combo)
        QWidget.setTabOrder(self.id_type_combo, self.id_number_edit)
        QWidget.setTabOrder(self.id_number_edit, self.sex_combo)
        QWidget.setTabOrder(self.sex_combo, self.birth_date_edit)
        QWidget.setTabOrder(self.birth_date_edit, self.ethnicity_combo)
        QWidget.setTabOrder(self.ethnicity_combo, self.phone_edit)
        QWidget.setTabOrder(self.phone_edit, self.grid_combo)
        QWidget.setTabOrder(self.grid_combo, self.household_edit)
        QWidget.setTabOrder(self.household_edit, self.relation_combo)
        QWidget.setTabOrder(self.relation_combo, self.residence_type_combo)
        QWidget.setTabOrder(self.residence_type_combo, self.address_edit)
        QWidget.setTabOrder(self.address_edit, self.occupation_edit)
        QWidget.setTabOrder(self.occupation_edit, self.category_list)
        QWidget.setTabOrder(self.category_list, self.notes_edit)

        self.retranslateUi(ResidentDialog)

        QMetaObject.connectSlotsByName(ResidentDialog)
    # setupUi

    def retranslateUi(self, ResidentDialog):
        ResidentDialog.setWindowTitle(QCoreApplication.translate("ResidentDialog", u"\u5c45\u6c11\u4fe1\u606f", None))
        self.name_label.setText(QCoreApplication.translate("ResidentDialog", u"\u59d3\u540d", None))
        self.name_edit.setPlaceholderText(QCoreApplication.translate("ResidentDialog", u"\u5982\uff1a\u5f20\u4e09", None))
        self.name_error.setText("")
        self.id_type_label.setText(QCoreApplication.translate("ResidentDialog", u"\u8bc1\u4ef6\u7c7b\u578b", None))
        self.id_type_error.setText("")
        self.id_number_label.setText(QCoreApplication.translate("ResidentDialog", u"\u8bc1\u4ef6\u53f7\u7801", None))
        self.id_number_edit.setPlaceholderText(QCoreApplication.translate("ResidentDialog", u"18\u4f4d\u8eab\u4efd\u8bc1\u53f7\uff0c\u8f93\u5165\u540e\u81ea\u52a8\u586b\u51fa\u751f\u65e5\u671f\u548c\u6027\u522b", None))
        self.id_number_error.setText("")
        self.id_info_label.setText("")
        self.sex_label.setText(QCoreApplication.translate("ResidentDialog", u"\u6027\u522b", None))
        self.sex_error.setText("")
        self.birth_date_label.setText(QCoreApplication.translate("ResidentDialog", u"\u51fa\u751f\u65e5\u671f", None))
        self.birth_date_edit.setPlaceholderText(QCoreApplication.translate("ResidentDialog", u"\u5982\uff1a1990-01-02", None))
        self.birth_date_error.setText("")
        self.ethnicity_label.setText(QCoreApplication.translate("ResidentDialog", u"\u6c11\u65cf", None))
        self.ethnicity_error.setText("")
        self.phone_label.setText(QCoreApplication.translate("ResidentDialog", u"\u8054\u7cfb\u7535\u8bdd", None))
        self.phone_edit.setPlaceholderText(QCoreApplication.translate("ResidentDialog", u"\u624b\u673a\u6216\u5ea7\u673a", None))
        self.phone_error.setText("")
        self.grid_id_label.setText(QCoreApplication.translate("ResidentDialog", u"\u6240\u5c5e\u7f51\u683c", None))
        self.grid_id_error.setText("")
        self.household_id_label.setText(QCoreApplication.translate("ResidentDialog", u"\u6237\u53f7", None))
        self.household_edit.setPlaceholderText(QCoreApplication.translate("ResidentDialog", u"\u8f93\u5165\u6237\u53f7\uff0c\u5982 0012", None))
        self.household_id_error.setText("")
        self.relation_label.setText(QCoreApplication.translate("ResidentDialog", u"\u4e0e\u6237\u4e3b\u5173\u7cfb", None))
        self.relation_error.setText("")
        self.residence_type_label.setText(QCoreApplication.translate("ResidentDialog", u"\u5c45\u4f4f\u7c7b\u578b", None))
        self.residence_type_error.setText("")
        self.address_label.setText(QCoreApplication.translate("ResidentDialog", u"\u73b0\u4f4f\u5740", None))
        self.address_error.setText("")
        self.occupation_label.setText(QCoreApplication.translate("ResidentDialog", u"\u804c\u4e1a", None))
        self.occupation_error.setText("")
        self.category_label.setText(QCoreApplication.translate("ResidentDialog", u"\u4eba\u5458\u7c7b\u522b\uff08\u53ef\u591a\u9009\uff09", None))
        self.category_error.setText("")
        self.notes_label.setText(QCoreApplication.translate("ResidentDialog", u"\u5907\u6ce8", None))
        self.notes_error.setText("")
        self.form_error.setText("")
    # retranslateUi

