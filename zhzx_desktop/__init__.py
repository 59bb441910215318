"""村级综治中心离线工作台 — the offline workstation of a village 综治中心."""

APP_NAME = "zhzx-desktop"
APP_DISPLAY_NAME = "村级综治中心工作台"
__version__ = "0.1.0"
