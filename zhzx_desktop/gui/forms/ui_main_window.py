# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'main_window.ui'
##
## Created by: Qt User Interface Compiler version 6.12.0
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
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QHeaderView, QLabel,
    QLineEdit, QMainWindow, QSizePolicy, QStatusBar,
    QTableView, QVBoxLayout, QWidget)

class Ui_MainWindow(object):
    def setupUi(self, MainWindow):
        if not MainWindow.objectName():
            MainWindow.setObjectName(u"MainWindow")
        MainWindow.resize(1100, 700)
        self.central_widget = QWidget(MainWindow)
        self.central_widget.setObjectName(u"central_widget")
        self.page_layout = QVBoxLayout(self.central_widget)
        self.page_layout.setObjectName(u"page_layout")
        self.count_label = QLabel(self.central_widget)
        self.count_label.setObjectName(u"count_label")
        self.count_label.setStyleSheet(u"font-size: 16pt;")

        self.page_layout.addWidget(self.count_label)

        self.search_edit = QLineEdit(self.central_widget)
        self.search_edit.setObjectName(u"search_edit")
        self.search_edit.setClearButtonEnabled(True)

        self.page_layout.addWidget(self.search_edit)

        self.result_label = QLabel(self.central_widget)
        self.result_label.setObjectName(u"result_label")

        self.page_layout.addWidget(self.result_label)

        self.resident_table = QTableView(self.central_widget)
        self.resident_table.setObjectName(u"resident_table")
        self.resident_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.resident_table.setAlternatingRowColors(True)
        self.resident_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.resident_table.horizontalHeader().setStretchLastSection(True)
        self.resident_table.verticalHeader().setVisible(False)

        self.page_layout.addWidget(self.resident_table)

        MainWindow.setCentralWidget(self.central_widget)
        self.status_bar = QStatusBar(MainWindow)
        self.status_bar.setObjectName(u"status_bar")
        MainWindow.setStatusBar(self.status_bar)

        self.retranslateUi(MainWindow)

        QMetaObject.connectSlotsByName(MainWindow)
    # setupUi

    def retranslateUi(self, MainWindow):
        MainWindow.setWindowTitle(QCoreApplication.translate("MainWindow", u"\u6751\u7ea7\u7efc\u6cbb\u4e2d\u5fc3\u5de5\u4f5c\u53f0", None))
        self.count_label.setText(QCoreApplication.translate("MainWindow", u"\u5728\u518c\u5c45\u6c11", None))
        self.search_edit.setPlaceholderText(QCoreApplication.translate("MainWindow", u"\u641c\u7d22\u5c45\u6c11\uff1a\u59d3\u540d\u3001\u62fc\u97f3\u3001\u9996\u5b57\u6bcd\uff08\u5982 zs\uff09\u3001\u8eab\u4efd\u8bc1\u53f7\u540e4\u4f4d\u3001\u7535\u8bdd", None))
    # retranslateUi

