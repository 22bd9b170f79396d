"""Files: what a user's document holds, getFile, the file download URL, and what the bot uploaded.

A bot that reads a file a user sent calls getFile and downloads ``/file/bot<token>/<path>``; a bot
that sends a file uploads it with multipart. The sandbox keeps the bytes of both by ``file_id``,
so a test can send a document, read back the one the bot sent, and send that one again —
the round trip a real admin makes (export, then import into another bot or reader).
"""

from __future__ import annotations

import hashlib
import itertools
import mimetypes
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .errors import bad_request
from .registry import api_method

if TYPE_CHECKING:
    from .core import Core
    from .params import Params

MAX_DOWNLOAD = 20 * 1024 * 1024  # "files of up to 20 MB in size" for getFile
_PATHS = itertools.count(1)


class Upload(str):
    """A multipart file part: behaves as the ``uploaded:<name>`` marker, carries the bytes."""

    content: bytes
    filename: str

    def __new__(cls, filename: str, content: bytes) -> Upload:
        self = super().__new__(cls, f"uploaded:{filename}")
        self.content = content
        self.filename = filename
        return self


class FileStore:
    """file_id → (name, bytes), and file_path → file_id for downloads."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[str, bytes]] = {}
        self.paths: dict[str, str] = {}

    def put(self, name: str, content: bytes, file_id: str | None = None) -> dict[str, Any]:
        """Keep a file; returns the Document object Telegram would report for it."""
        digest = hashlib.sha1(content).hexdigest()  # noqa: S324 - an id, not security
        file_id = file_id or f"BQACsandbox{digest[:20]}"
        self.files[file_id] = (name, content)
        document = {"file_id": file_id, "file_unique_id": digest[:12], "file_name": name,
                    "file_size": len(content)}
        mime = mimetypes.guess_type(name)[0] or ("text/x-opml" if name.endswith(".opml") else None)
        if mime:
            document["mime_type"] = mime
        return document

    def content(self, file_id: str) -> bytes:
        """The bytes behind a file id (a test reading what the bot sent)."""
        return self.files[file_id][1]

    def capture(self, raw: dict[str, Any], result: Any) -> None:
        """After a send: the uploaded bytes under the file id the answer reports."""
        uploads = [v for v in raw.values() if isinstance(v, Upload)]
        if not uploads or not isinstance(result, dict):
            return
        document = result.get("document")
        if isinstance(document, dict) and document.get("file_id"):
            self.files[document["file_id"]] = (uploads[0].filename, uploads[0].content)

    def path_of(self, file_id: str) -> str:
        name = self.files[file_id][0]
        path = f"documents/file_{next(_PATHS)}{'.' + name.rsplit('.', 1)[1] if '.' in name else ''}"
        self.paths[path] = file_id
        return path


@api_method("getFile")
async def get_file(core: Core, p: Params) -> dict[str, Any]:
    """File info with a file_path valid for download (Telegram: at least an hour)."""
    file_id = p.get_str("file_id") or ""
    if file_id not in core.files.files:
        raise bad_request("invalid file_id")
    name, content = core.files.files[file_id]
    if len(content) > MAX_DOWNLOAD:
        raise bad_request("file is too big")
    return {"file_id": file_id, "file_unique_id": hashlib.sha1(content).hexdigest()[:12],  # noqa: S324
            "file_size": len(content), "file_path": core.files.path_of(file_id)}


async def download(core: Core, request: web.Request) -> web.Response:
    """GET /file/bot<token>/<file_path>: the bytes, or 404 like Telegram's file server."""
    file_id = core.files.paths.get(request.match_info["path"])
    if file_id is None or request.match_info["token"] != core.token:
        return web.Response(status=404, text="Not Found")
    return web.Response(body=core.files.content(file_id), content_type="application/octet-stream")


def user_document(core: Core, *, user_id: int, name: str, content: bytes, chat_id: int | None = None,
                  caption: str = "") -> dict[str, Any]:
    """A user sends a file (an admin's .opml export from another reader); returns the Message."""
    chat_id = user_id if chat_id is None else chat_id
    chat = core.chats.get(chat_id)
    message: dict[str, Any] = {
        "message_id": core.store.next_id(chat_id), "date": core.now(), "chat": chat,
        "from": dict(core.chats.user(user_id)), "document": core.files.put(name, content),
    }
    if caption:
        message["caption"] = caption
    core.store.add_user_message(message)
    core.updates.inject({"message": message})
    return message
