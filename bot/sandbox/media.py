"""Media of messages: file ids per kind, the Message fields Telegram returns, album rules.

A posting bot reuses the ``file_id`` of what an admin sent, so the sandbox gives each kind a
recognisable id prefix (as Telegram's ids have) and refuses a file of one kind sent as another —
the mistake a bot makes when it loses track of what a draft holds.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from .errors import bad_request

KINDS = ("photo", "video", "animation", "document", "audio", "voice")
_PREFIX = {
    "photo": "AgAC", "video": "BAAC", "animation": "CgAC", "document": "BQAC", "audio": "CQAC",
    "voice": "AwAC",
}
_NAMES = {
    "photo": "Photo", "video": "Video", "animation": "Animation", "document": "Document",
    "audio": "Audio", "voice": "Voice",
}
# sendMediaGroup: photos and videos mix; documents and audio only with their own kind.
ALBUM_KINDS = ("photo", "video", "document", "audio")
ALBUM_MIN, ALBUM_MAX = 2, 10


@dataclass(frozen=True)
class MediaRef:
    """What a message carries besides text: its kind and the file as the bot sent it."""

    kind: str
    file: str  # file_id, URL or "uploaded:<name>"

    @property
    def file_id(self) -> str:
        """The id Telegram reports back: kept when the bot sent an id, minted otherwise."""
        if self.file.startswith(_PREFIX[self.kind]):
            return self.file
        digest = hashlib.sha1(self.file.encode("utf-8")).hexdigest()[:16]  # noqa: S324 - not security
        return f"{_PREFIX[self.kind]}sandbox{digest}"


def kind_of_file_id(value: str) -> str | None:
    """The kind a sandbox/Telegram-looking file id belongs to (None for URLs and uploads)."""
    return next((kind for kind, prefix in _PREFIX.items() if value.startswith(prefix)), None)


def media_ref(kind: str, value: str | None) -> MediaRef:
    """Validate the file of a send call: present, and not a file id of another kind."""
    if not value:
        raise bad_request(f"there is no {kind} in the request")
    actual = kind_of_file_id(value)
    if actual is not None and actual != kind:
        raise bad_request(f"can't use file of type {_NAMES[actual]} as {_NAMES[kind]}")
    return MediaRef(kind, value)


def fake_file_id(kind: str, seed: str) -> str:
    """A file id a user's client would have produced (for injected admin messages)."""
    return MediaRef(kind, f"user:{seed}").file_id


def message_fields(media: MediaRef) -> dict[str, Any]:
    """The Message fields of one medium, with what aiogram's models require."""
    file_id = media.file_id
    unique = hashlib.sha1(file_id.encode("utf-8")).hexdigest()[:12]  # noqa: S324 - not security
    if media.kind == "photo":
        return {"photo": [
            {"file_id": f"{file_id}-s" if size == 90 else file_id, "file_unique_id": f"{unique}{size}",
             "width": size, "height": size * 2 // 3, "file_size": size * 40}
            for size in (90, 1280)
        ]}
    base: dict[str, Any] = {"file_id": file_id, "file_unique_id": unique}
    if media.kind == "document" and getattr(media.file, "filename", None):  # an upload (api_files.Upload)
        base["file_name"] = media.file.filename
    if media.kind in ("video", "animation"):
        base.update(width=1280, height=720, duration=12)
    elif media.kind in ("audio", "voice"):
        base["duration"] = 30
    fields = {media.kind: base}
    if media.kind == "animation":  # Telegram also reports an animation as a document
        fields["document"] = {"file_id": file_id, "file_unique_id": unique}
    return fields


def media_of_message(message: dict[str, Any]) -> MediaRef | None:
    """The medium of an existing Message dict (for copyMessage and forwardMessage)."""
    if message.get("animation"):
        return MediaRef("animation", message["animation"]["file_id"])
    for kind in KINDS:
        value = message.get(kind)
        if value:
            file_id = value[-1]["file_id"] if kind == "photo" else value["file_id"]
            return MediaRef(kind, file_id)
    return None


def check_album(kinds: list[str]) -> None:
    """sendMediaGroup's rules: 2–10 items, photos/videos together, documents or audio alone."""
    if not ALBUM_MIN <= len(kinds) <= ALBUM_MAX:
        raise bad_request("media must contain from 2 to 10 items")
    for kind in kinds:
        if kind not in ALBUM_KINDS:
            raise bad_request(f"{kind} can't be sent in a media group")
    for alone in ("document", "audio"):
        if alone in kinds and any(k != alone for k in kinds):
            raise bad_request(f"{alone} can't be mixed with other media types")
