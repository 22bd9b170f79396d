"""Request parameters, accepted in every encoding the Bot API accepts.

aiogram sends multipart/form-data where every value is a string and complex values are JSON
strings; other clients use urlencoded forms, JSON bodies or the query string. Methods read
parameters through :class:`Params`, which coerces types the way Telegram does, so method code
never cares about the transport.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from .errors import bad_request

_TRUE = {"true", "1", "yes", "on"}


async def read_params(request: web.Request) -> dict[str, Any]:
    """Merge query string and body (body wins), decoding by Content-Type."""
    params: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.can_read_body:
        return params
    ctype = request.content_type
    if ctype == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON encoded request") from None
        if not isinstance(body, dict):
            raise bad_request("can't parse JSON encoded request")
        params.update(body)
    elif ctype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        form = await request.post()
        for key, value in form.items():
            params[key] = value if isinstance(value, str) else _file_marker(value)
    # Uploads referenced as "attach://<field>" (aiogram's way) resolve to that file part.
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            params[key] = params.get(value[len("attach://") :], value)
    return params


def _file_marker(value: Any) -> str:
    """A synthetic file id stands in for an upload; it carries the bytes (see api_files)."""
    from .api_files import Upload

    name = getattr(value, "filename", None) or "upload"
    file = getattr(value, "file", None)
    return Upload(name, file.read() if file is not None else b"")


class Params:
    """Typed access to one call's parameters with Telegram-like 400s for bad values."""

    def __init__(self, raw: dict[str, Any], token: str = "") -> None:
        self.raw = raw
        self.token = token  # the token the call used (getMe derives the bot id from it)

    def has(self, name: str) -> bool:
        return self.raw.get(name) not in (None, "")

    def get_str(self, name: str, default: str | None = None) -> str | None:
        value = self.raw.get(name)
        if value is None:
            return default
        return value if isinstance(value, str) else json.dumps(value)

    def _number(self, name: str, kind: type[Any], default: Any) -> Any:
        value = self.raw.get(name)
        if value in (None, ""):
            return default
        try:
            return kind(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def get_int(self, name: str, default: int | None = None) -> int | None:
        return self._number(name, int, default)

    def get_float(self, name: str, default: float = 0.0) -> float:
        return self._number(name, float, default)

    def get_bool(self, name: str) -> bool:
        value = self.raw.get(name)
        if isinstance(value, bool):
            return value
        return isinstance(value, str) and value.strip().lower() in _TRUE

    def get_json(self, name: str) -> Any:
        """A JSON-typed field: a JSON string in forms, a native value in JSON bodies."""
        value = self.raw.get(name)
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None

    def required_int(self, name: str, missing: str) -> int:
        """An integer parameter that must be present; ``missing`` is Telegram's error text."""
        value = self.get_int(name)
        if value is None:
            raise bad_request(missing)
        return value

    def reply_to(self) -> tuple[int | None, bool]:
        """(message id replied to, allow_sending_without_reply) from either API generation."""
        reply = self.get_json("reply_parameters")
        if isinstance(reply, dict) and reply.get("message_id"):
            return int(reply["message_id"]), bool(reply.get("allow_sending_without_reply"))
        return self.get_int("reply_to_message_id"), self.get_bool("allow_sending_without_reply")
