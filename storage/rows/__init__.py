"""Rows as they leave `storage/`: frozen dataclasses built by `from_row`, in sqlite-utils' style.

Nothing above `storage/` sees a row dict or a timestamp string: dates are parsed here (aware
UTC datetimes, see timeutil), JSON columns are decoded here, flags are bools. A consumer that
wants a field reads an attribute the type checker knows, and a renamed column breaks here, once.

One import place for every row type; defined by domain in `content` (articles, themes, anchors,
sources), `audience` (chats, subscriptions, filters) and `records` (audit, posts, jobs, outbox,
digest windows).
"""

from storage.rows.audience import Chat, SubscriberCounts, Subscription, WordFilter
from storage.rows.content import (DEFAULT_THRESHOLD, Anchor, AnchorProposal, Article, DigestRow, FoundTheme,
                                  NamedEntity, Row, SearchText, Source, Theme)
from storage.rows.records import AuditEntry, DigestWindow, Job, OutboxRow, PostRow

__all__ = [
    "DEFAULT_THRESHOLD", "Anchor", "AnchorProposal", "Article", "AuditEntry", "Chat", "DigestRow", "DigestWindow", "FoundTheme",
    "Job", "NamedEntity", "OutboxRow", "PostRow", "Row", "SearchText", "Source", "SubscriberCounts", "Subscription", "Theme",
    "WordFilter",
]
