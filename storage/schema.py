"""Versioned schema. Append new migrations at the end; never edit an applied one."""

from __future__ import annotations

import html
import json
import re
from datetime import datetime, timezone

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("zendigest")


@migrations()
def m0001_core(db: Database) -> None:
    """Articles with their analysis, the anchor/theme catalog, chats, admin drafts and the audit log."""
    db["articles"].create(
        {
            "id": int,
            "url": str,  # canonical public URL; NULL for pasted text
            "title": str,
            "text": str,
            "author": str,
            "channel": str,
            "published": str,
            "source_id": int,
            "kind": str,  # anchor | dzen | telegram | feed | page | file | pasted
            "external_id": str,
            "content_hash": str,
            "tldr": str,
            "analysis": str,  # JSON: the text engine's Analysis.to_dict()
            "search_lemmas": str,  # lemmatised title+text, indexed by FTS5 for word-form search
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"title", "text", "kind", "content_hash", "created_at", "updated_at"},
    )
    db["articles"].create_index(["url"], unique=True)
    db["articles"].create_index(["external_id"], unique=True)
    db["articles"].create_index(["content_hash"])
    db["articles"].create_index(["published"])
    db["articles"].enable_fts(["title", "search_lemmas"], create_triggers=True, tokenize="unicode61 remove_diacritics 2")

    db["anchors"].create(
        {"id": int, "slug": str, "article_id": int, "title": str, "position": int},
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"slug", "article_id"},
    )
    db["anchors"].create_index(["slug"], unique=True)
    db["themes"].create(
        {"slug": str, "anchor_id": int, "position": int, "data": str},
        pk="slug",
        foreign_keys=[("anchor_id", "anchors", "id")],
    )
    db["article_themes"].create(
        {"article_id": int, "slug": str, "score": float},
        pk=("article_id", "slug"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["article_themes"].create_index(["slug", "article_id"])

    db["chats"].create(
        {
            "id": int,
            "type": str,
            "title": str,
            "username": str,
            "language": str,
            "active": int,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        defaults={"active": 1},
    )
    db["posts"].create(
        {
            "id": int,
            "admin_id": int,
            "chat_id": int,  # where the preview was shown
            "target": str,  # CHANNEL_ID at the time of the draft
            "text": str,  # the HTML to send (typed text is stored escaped)
            "state": str,  # draft | scheduled | sent | cancelled | failed
            "scheduled_at": str,
            "preview_message_id": int,
            "sent_message_id": int,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"admin_id", "text", "state", "created_at", "updated_at"},
    )
    db["posts"].create_index(["state", "scheduled_at"])
    db["audit"].create(
        {"id": int, "at": str, "user_id": int, "action": str, "detail": str, "ok": int},
        pk="id",
        not_null={"at", "action"},
    )
    db["audit"].create_index(["at"])


@migrations()
def m0002_delivery(db: Database) -> None:
    """Durable delivery: a job (broadcast, digest run, ...) fans out to one outbox row per chat.

    `outbox.key` is unique, so enqueueing the same (job, chat) or the same digest window twice is
    a no-op; states pending → sending → sent | failed survive crashes and are resumed on start.
    """
    db["jobs"].create(
        {
            "id": int,
            "kind": str,
            "state": str,  # running | done | cancelled
            "created_by": int,
            "payload": str,  # JSON
            "total": int,
            "progress_chat_id": int,
            "progress_message_id": int,
            "created_at": str,
            "finished_at": str,
        },
        pk="id",
        not_null={"kind", "state", "created_at"},
    )
    db["outbox"].create(
        {
            "id": int,
            "job_id": int,
            "key": str,
            "chat_id": int,
            "priority": int,  # lower is sooner
            "state": str,  # pending | sending | sent | failed
            "html": str,
            "markup": str,  # JSON reply_markup or NULL
            "message_ids": str,  # JSON list of Telegram message ids once sent
            "error": str,
            "attempts": int,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("job_id", "jobs", "id")],
        not_null={"key", "chat_id", "state", "html", "created_at", "updated_at"},
        defaults={"priority": 10, "attempts": 0},
    )
    db["outbox"].create_index(["key"], unique=True)
    db["outbox"].create_index(["state", "priority", "id"])
    db["outbox"].create_index(["job_id", "state"])


@migrations()
def m0003_subscriptions(db: Database) -> None:
    """Digest subscriptions and the durable record of every digest window sent.

    Unsubscribing only clears `active`, so subscribing again restores the previous settings.
    `digest_windows` has one row per (kind, recipient, window end): a window is composed and
    enqueued at most once per recipient, across restarts.
    """
    db["subscriptions"].create(
        {
            "chat_id": int,
            "active": int,
            "frequency": str,  # daily | weekly | off
            "weekday": int,  # 0 = Monday (weekly)
            "hour": int,
            "timezone": str,
            "themes": str,  # JSON list of slugs; NULL = all themes
            "followups": int,
            "last_slot": str,  # newest schedule slot already handled (sent or empty)
            "last_sent_end": str,  # end of the newest window actually delivered
            "created_at": str,
            "updated_at": str,
        },
        pk="chat_id",
        not_null={"frequency", "hour", "timezone", "created_at", "updated_at"},
        defaults={"active": 1, "weekday": 0, "followups": 1},
    )
    db["subscriptions"].create_index(["active", "frequency"])
    db["digest_windows"].create(
        {
            "key": str,  # kind:recipient:window_end
            "kind": str,  # personal | followup
            "recipient": str,
            "window_start": str,
            "window_end": str,
            "articles": int,
            "created_at": str,
        },
        pk="key",
        not_null={"kind", "recipient", "window_end", "created_at"},
    )
    db["digest_windows"].create_index(["kind", "recipient", "window_end"])


@migrations()
def m0004_sources(db: Database) -> None:
    """Polled sources, and a `backfill` mark for articles that came with a source's back catalogue
    (stored and searchable, but never announced as new in digests)."""
    db["sources"].create(
        {
            "id": int,
            "kind": str,  # dzen_channel | telegram_channel | feed | page
            "url": str,
            "name": str,
            "state": str,  # JSON: collector state (etag, last ids, ...)
            "interval_s": int,
            "enabled": int,
            "next_poll_at": str,
            "failures": int,
            "last_success_at": str,
            "last_error": str,
            "last_error_at": str,
            "items": int,
            "added_by": int,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"kind", "url", "created_at", "updated_at"},
        defaults={"enabled": 1, "failures": 0, "items": 0, "interval_s": 900},
    )
    db["sources"].create_index(["url"], unique=True)
    db["sources"].create_index(["enabled", "next_poll_at"])
    db["articles"].add_column("backfill", int, not_null_default=0)


@migrations()
def m0005_source_page_errors(db: Database) -> None:
    """How many pages of otherwise successful polls failed (an older t.me page, an article page):
    such a poll keeps what it got and is not a failure, but the admin should see the count."""
    db["sources"].add_column("page_errors", int, not_null_default=0)


@migrations()
def m0006_posting(db: Database) -> None:
    """Channel posts ride the outbox: an outbox row may carry a JSON `payload` (a post's id)
    instead of HTML, and a `not_before` time (scheduled posts). A post row keeps its content
    (text or media with entities), options and, once published, the channel's message ids."""
    db["outbox"].add_column("payload", str)
    db["outbox"].add_column("not_before", str)
    db["posts"].add_column("content", str)  # JSON: text, entities, media [{kind, file_id, caption, entities}]
    db["posts"].add_column("options", str)  # JSON: buttons, silent, pin, link_preview, protect, split_caption
    db["posts"].add_column("job_id", int)
    db["posts"].add_column("message_ids", str)  # JSON list of the channel's message ids
    db["posts"].add_column("published_at", str)
    db["posts"].add_column("notified", int, not_null_default=0)
    db["posts"].add_column("media_group_id", str)  # an album being gathered into this draft
    db["posts"].add_column("edit_requested_by", int)  # "Изменить" pressed: this admin's next text replaces it
    db["posts"].add_column("edit_requested_at", str)
    db["posts"].add_column("send_attempts", int, not_null_default=0)  # >1: a send may have reached Telegram before
    db["posts"].create_index(["admin_id", "media_group_id"])
    db["posts"].create_index(["job_id"])
    _posts_onto_the_outbox(db)


def _posts_onto_the_outbox(db: Database) -> None:
    """Posts an older version left scheduled (or cut off mid-send) become outbox rows with their
    HTML and time, so an upgrade publishes them; its unconfirmed drafts are closed (a preview of
    the old kind has no options to show)."""
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    for row in list(db.query("select id, admin_id, target, text, scheduled_at from posts"
                             " where state in ('scheduled', 'sending')")):
        job_id = db["jobs"].insert({"kind": "post", "state": "running", "created_by": row["admin_id"],
                                    "payload": "{}", "total": 1, "created_at": now}).last_pk
        db["outbox"].insert({"job_id": job_id, "key": f"post:{row['id']}", "chat_id": row["target"], "priority": 5,
                             "state": "pending", "html": row["text"], "not_before": row["scheduled_at"],
                             "attempts": 0, "created_at": now, "updated_at": now})
        plain = html.unescape(re.sub(r"<[^>]+>", "", row["text"]))
        db["posts"].update(row["id"], {"state": "queued", "job_id": job_id, "text": plain,
                                       "content": json.dumps({"text": plain}, ensure_ascii=False)})
    db.execute("update posts set state = 'cancelled' where state = 'draft'")


@migrations()
def m0007_schedule_starts(db: Database) -> None:
    """When each scheduled kind of digest was first switched on: a schedule's first run is its
    first slot after that moment, never a slot that passed before the bot was ever started."""
    db["schedule_starts"].create({"kind": str, "started_at": str}, pk="kind", not_null={"started_at"})


@migrations()
def m0008_search_version(db: Database) -> None:
    """Which indexing an article's search terms come from (bot.services.search.INDEX_VERSION): articles
    stored before names were indexed under all their case forms are re-indexed on start."""
    db["articles"].add_column("search_version", int, not_null_default=0)


@migrations()
def m0100_filters_and_topics(db: Database) -> None:
    """Subscriptions of forum topics, and keyword filters per subscription.

    A subscription is now keyed by (chat_id, thread_id): thread 0 is the chat itself (or a forum's
    General topic), any other a forum topic, with its own settings, digests and filters.
    `subscription_filters` holds the words a subscription mutes or requires ("only"), as typed.
    """
    db["subscriptions"].add_column("thread_id", int, not_null_default=0)
    db["subscriptions"].transform(pk=("chat_id", "thread_id"))
    db["outbox"].add_column("thread_id", int)  # the forum topic a row goes to (NULL: the chat)
    db["subscription_filters"].create(
        {"chat_id": int, "thread_id": int, "kind": str, "phrase": str, "created_at": str},
        pk=("chat_id", "thread_id", "kind", "phrase"),
        not_null={"kind", "phrase", "created_at"},
    )


@migrations()
def m0101_anchor_proposals(db: Database) -> None:
    """An admin's /anchor in progress: the analysis stored, its proposed themes as the admin
    edits them, and which theme awaits a new title. A restart loses none of it."""
    db["anchor_proposals"].create(
        {
            "id": int,
            "admin_id": int,
            "chat_id": int,
            "article_id": int,
            "title": str,
            "themes": str,  # JSON list of proposed themes (slug, title, emoji, description, claims, ...)
            "state": str,  # open | confirmed | cancelled
            "awaiting": int,  # index of the theme whose new title the next message of `awaiting_by` is
            "awaiting_by": int,
            "anchor_id": int,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"admin_id", "chat_id", "article_id", "themes", "state", "created_at", "updated_at"},
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["anchor_proposals"].create_index(["admin_id", "state"])


@migrations()
def m0102_anchor_followup_schedule(db: Database) -> None:
    """Each anchor's own follow-up schedule (issue 18).

    `followup_cron` is a FOLLOWUP_CRON-style spec in TIMEZONE; NULL means FOLLOWUP_CRON itself,
    so anchors made before this (the December one above all) keep behaving as they did.
    `followup_since` is when that schedule was set (the anchor confirmed, the schedule changed):
    its first follow-up is the first slot after it, never a slot that passed before; NULL: the
    bot's first start. A proposal carries the schedule the admin chose while editing it."""
    db["anchors"].add_column("followup_cron", str)
    db["anchors"].add_column("followup_since", str)
    db["anchor_proposals"].add_column("followup_cron", str)
