"""What the bot did: admin actions (audit), posts, delivery jobs and their outbox rows, digest windows sent."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.timeutil import from_db

Row = dict[str, Any]


@dataclass(frozen=True)
class AuditEntry:
    """One admin action, allowed or refused (`audit`); `detail` decoded (a value that is not a
    JSON object, from an older row, comes back as {"detail": value}), its `at` — the time the
    action was about, such as a scheduled post's — a datetime like the entry's own."""

    id: int
    at: datetime
    user_id: int | None
    action: str
    detail: dict[str, Any]
    ok: bool

    @classmethod
    def from_row(cls, row: Row) -> AuditEntry:
        at = from_db(row["at"])
        assert at is not None  # NOT NULL
        return cls(id=row["id"], at=at, user_id=row.get("user_id"), action=row["action"],
                   detail=_object(row.get("detail")), ok=bool(row["ok"]))


def _object(raw: str | None) -> dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {"detail": raw}
    if not isinstance(value, dict):
        return {"detail": value}
    if isinstance(value.get("at"), str):
        try:
            value["at"] = from_db(value["at"])
        except ValueError:
            pass  # not a stored timestamp: shown as written
    return value


@dataclass(frozen=True)
class DigestWindow:
    """A digest window sent (`digest_windows`): whose, which kind, up to when, how many articles."""

    kind: str  # personal | followup
    recipient: str
    start: datetime | None
    end: datetime | None
    articles: int

    @classmethod
    def from_row(cls, row: Row) -> DigestWindow:
        return cls(kind=row["kind"], recipient=row["recipient"], start=from_db(row.get("window_start")),
                   end=from_db(row.get("window_end")), articles=row.get("articles") or 0)


@dataclass(frozen=True)
class PostRow:
    """An admin's post as stored (`posts`). `content` and `options` stay the posting package's
    JSON (its `PostContent` / `PostOptions` decode them: storage does not know their shape)."""

    id: int
    admin_id: int
    chat_id: int
    target: str
    state: str  # draft | queued | sent | failed | cancelled | deleted
    text: str  # the plain text or caption, for lists (/queue) and the sqlite shell
    content: str | None
    options: str | None
    job_id: int | None
    scheduled_at: datetime | None
    message_ids: tuple[int, ...]
    published_at: datetime | None
    preview_message_id: int | None
    send_attempts: int
    notified: bool
    created_at: datetime | None

    @classmethod
    def from_row(cls, row: Row) -> PostRow:
        return cls(id=row["id"], admin_id=row["admin_id"], chat_id=row["chat_id"], target=row["target"],
                   state=row["state"], text=row.get("text") or "", content=row.get("content"),
                   options=row.get("options"), job_id=row.get("job_id"), scheduled_at=from_db(row.get("scheduled_at")),
                   message_ids=tuple(json.loads(row.get("message_ids") or "[]")),
                   published_at=from_db(row.get("published_at")), preview_message_id=row.get("preview_message_id"),
                   send_attempts=row.get("send_attempts") or 0, notified=bool(row.get("notified")),
                   created_at=from_db(row.get("created_at")))


@dataclass(frozen=True)
class Job:
    """A delivery job (`jobs`): a broadcast, a digest run, a channel post; `payload` decoded
    (what its kind needs later, such as a broadcast's text and its admin's language)."""

    id: int
    kind: str
    state: str  # draft | running | done | cancelled
    payload: dict[str, Any]
    created_by: int | None = None
    total: int = 0
    progress_chat_id: int | None = None  # the message that shows a broadcast's progress
    progress_message_id: int | None = None
    created_at: datetime | None = None
    finished_at: datetime | None = None

    @classmethod
    def from_row(cls, row: Row) -> Job:
        return cls(id=row["id"], kind=row["kind"], state=row["state"], payload=json.loads(row.get("payload") or "{}"),
                   created_by=row.get("created_by"), total=row.get("total") or 0,
                   progress_chat_id=row.get("progress_chat_id"), progress_message_id=row.get("progress_message_id"),
                   created_at=from_db(row.get("created_at")), finished_at=from_db(row.get("finished_at")))


@dataclass(frozen=True)
class OutboxRow:
    """One message of a job to one chat (`outbox`). `message_ids`: the parts already delivered
    (a resumed row continues after them); `payload`: a typed delivery (a channel post) instead
    of `html`; `markup` stays the keyboard's JSON (aiogram's model reads it)."""

    id: int
    job_id: int
    key: str
    chat_id: int
    html: str
    thread_id: int | None = None
    markup: str | None = None
    message_ids: tuple[int, ...] = ()
    attempts: int = 0
    payload: dict[str, Any] | None = None
    state: str = "pending"  # pending | sending | sent | failed | cancelled
    error: str | None = None

    @classmethod
    def from_row(cls, row: Row) -> OutboxRow:
        return cls(id=row["id"], job_id=row["job_id"], key=row["key"], chat_id=row["chat_id"], html=row["html"] or "",
                   thread_id=row.get("thread_id"), markup=row.get("markup"),
                   message_ids=tuple(json.loads(row.get("message_ids") or "[]")), attempts=row.get("attempts") or 0,
                   payload=json.loads(row["payload"]) if row.get("payload") else None,
                   state=row.get("state") or "pending", error=row.get("error"))
