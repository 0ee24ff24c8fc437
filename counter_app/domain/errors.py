"""Domain errors: a stable code plus parameters; the ui turns them into Vietnamese words."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the domain was broken.

    ``code`` is stable and dotted (``"cccd.length"``); ``params`` fill the message
    template that ``counter_app.services.i18n.describe_error`` looks up.
    """

    def __init__(self, code: str, /, **params: Any) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params

    def __str__(self) -> str:  # for logs; users see describe_error()
        if not self.params:
            return self.code
        details = ", ".join(f"{k}={v!r}" for k, v in sorted(self.params.items()))
        return f"{self.code} ({details})"
