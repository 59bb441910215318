"""Generated from ../../../ui/*.ui by resources/build_qt.py."""
