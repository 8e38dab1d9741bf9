"""Typed errors raised by the library; only the CLI turns them into messages and exit codes."""

from __future__ import annotations


class RaceError(Exception):
    """Base of every error a user can cause. ``str(err)`` is a complete one-line message."""


class SceneError(RaceError):
    """A scene file (or an override) holds something we cannot use.

    The message reads ``FILE:LINE: KEY.PATH: what was expected`` with the parts that are known.
    """

    def __init__(self, message: str, *, file: str | None = None, key: str | None = None,
                 line: int | None = None) -> None:
        self.file, self.key, self.line, self.reason = file, key, line, message
        where = ""
        if file:
            where = f"{file}:{line}: " if line else f"{file}: "
        elif line:
            where = f"line {line}: "
        super().__init__(f"{where}{key}: {message}" if key else f"{where}{message}")


class HyperparameterError(RaceError, ValueError):
    """An optimizer hyperparameter is out of range, worded as torch.optim words it."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        super().__init__(message)


class ExpressionError(RaceError, ValueError):
    """A surface expression is not one we accept; the message quotes the offending piece."""


class LimitError(SceneError):
    """A request exceeds one of the documented size limits (see race.limits)."""


class LimitSettingError(RaceError):
    """A ``RACE_MAX_*`` environment variable holds something that is not a usable limit."""


class RenderError(RaceError):
    """Drawing or encoding failed in a way the user can act on (bad output path, encoder crash)."""
