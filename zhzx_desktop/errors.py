"""Qt-free error hierarchy (ARCHITECTURE.md idiom 6).

``UserError``  bad input: a clear Chinese message naming the field; the clerk can fix it.
``KnownError`` an expected failure of the environment (missing key, disk full, locked database).
Anything else is a bug.
"""

from __future__ import annotations


class ZhzxError(Exception):
    """Base class of the errors the app expects and explains."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UserError(ZhzxError):
    """Invalid input. ``field`` names the input (a column name), ``code`` is stable for tests and callers,
    ``message`` is the Chinese sentence shown next to the field."""

    def __init__(self, field: str, code: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.code = code

    def __repr__(self) -> str:
        return f"UserError(field={self.field!r}, code={self.code!r}, message={self.message!r})"


class InvalidInput(UserError):
    """Several fields are wrong at once; ``errors`` holds one ``UserError`` per field, in form order."""

    def __init__(self, errors: list[UserError]) -> None:
        super().__init__(errors[0].field, errors[0].code, "；".join(e.message for e in errors))
        self.errors = tuple(errors)


class KnownError(ZhzxError):
    """An expected failure that is not the clerk's input: a missing data key, a locked or damaged database."""


class Forbidden(KnownError):
    """The logged-in account's role does not allow this (domain/roles.py); the refusal is in the audit log."""


class Cancelled(ZhzxError):
    """The clerk cancelled a long operation; whatever it was writing has been rolled back."""

    def __init__(self) -> None:
        super().__init__("操作已取消，没有保存任何更改")
