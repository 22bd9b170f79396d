"""SQL for `subscription_filters`: the words a subscription mutes or requires."""

from __future__ import annotations

from sqlite_utils import Database

from storage.db import reads
from storage.rows import WordFilter

KINDS = ("only", "mute")


@reads
def of(db: Database, chat_id: int, thread_id: int = 0) -> list[WordFilter]:
    """One subscription's filters, in the order they were added."""
    return [WordFilter(r["kind"], r["phrase"]) for r in db.query(
        "select kind, phrase from subscription_filters where chat_id = ? and thread_id = ? order by created_at, rowid",
        [chat_id, thread_id])]


def add(db: Database, chat_id: int, thread_id: int, kind: str, phrase: str, now: str, *, limit: int) -> str:
    """"added", "exists" or "full" (a subscription keeps at most `limit` filters)."""
    rows = of(db, chat_id, thread_id)
    if WordFilter(kind, phrase) in rows:
        return "exists"
    if len(rows) >= limit:
        return "full"
    # A word moves between lists instead of being required and muted at once.
    db.execute("delete from subscription_filters where chat_id = ? and thread_id = ? and phrase = ?",
               [chat_id, thread_id, phrase])
    db["subscription_filters"].insert({"chat_id": chat_id, "thread_id": thread_id, "kind": kind,
                                       "phrase": phrase, "created_at": now})
    return "added"


def remove(db: Database, chat_id: int, thread_id: int, kind: str, phrase: str) -> bool:
    cur = db.execute("delete from subscription_filters where chat_id = ? and thread_id = ? and kind = ? and phrase = ?",
                     [chat_id, thread_id, kind, phrase])
    return cur.rowcount > 0


@reads
def all_filters(db: Database) -> dict[tuple[int, int], list[WordFilter]]:
    """Every subscription's filters at once (a digest run needs them for all due subscribers)."""
    out: dict[tuple[int, int], list[WordFilter]] = {}
    for row in db.query("select chat_id, thread_id, kind, phrase from subscription_filters order by created_at, rowid"):
        out.setdefault((row["chat_id"], row["thread_id"]), []).append(WordFilter(row["kind"], row["phrase"]))
    return out
