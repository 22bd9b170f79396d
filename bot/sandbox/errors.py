"""Telegram-style API errors raised inside the sandbox.

Every failure path in the sandbox raises :class:`ApiError`; the HTTP layer turns it into
Telegram's real error envelope so that aiogram maps it to the same exception classes
(TelegramBadRequest, TelegramRetryAfter, TelegramMigrateToChat, ...) it would raise in production.
"""

from __future__ import annotations

from typing import Any

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same"
    " as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active;"
    " use deleteWebhook to delete the webhook first"
)
POLL_TERMINATED = (
    "Conflict: terminated by other getUpdates request;"
    " make sure that only one bot instance is running"
)


class ApiError(Exception):
    """An error answer of the Bot API: HTTP status == error_code, plus optional parameters."""

    def __init__(
        self, error_code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{error_code}: {description}")
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def envelope(self) -> dict[str, Any]:
        """Telegram's JSON body for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(description: str, parameters: dict[str, Any] | None = None) -> ApiError:
    """400 with Telegram's "Bad Request: " prefix, which bots often match on."""
    return ApiError(400, f"Bad Request: {description}", parameters)


def forbidden(description: str) -> ApiError:
    """403; ``description`` already carries the "Forbidden: " prefix like Telegram's texts."""
    return ApiError(403, description)


def cant_parse(reason: str) -> ApiError:
    """Entity-parsing failure, worded as Telegram does for malformed HTML."""
    return bad_request(f"can't parse entities: {reason}")


def not_found() -> ApiError:
    """Unknown method: Telegram answers a bare 404 "Not Found"."""
    return ApiError(404, "Not Found")


def unauthorized() -> ApiError:
    """Malformed or revoked token."""
    return ApiError(401, "Unauthorized")
