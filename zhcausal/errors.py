"""Errors shown to the user as one line (no traceback)."""


class UserError(Exception):
    """An error caused by the user's input or set-up; the CLI prints it and exits with status 2."""
