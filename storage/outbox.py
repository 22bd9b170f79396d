"""SQL for durable delivery: `jobs` (a broadcast, a digest run) and their `outbox` rows.

A row is `pending` until a worker claims it, `sending` from just before the API call, then `sent`
(with Telegram's message ids) or `failed` (with the error). Claiming happens in one transaction,
so a row is sent by one worker only; after a crash only rows left in `sending` are requeued — the
sends that were in flight, the only ones that can arrive twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError

from storage.db import reads
from storage.rows import Job, OutboxRow

Row = dict[str, Any]
OPEN_STATES = ("pending", "sending")


@reads
def recipients(db: Database) -> list[int]:
    """Chats a broadcast goes to — the one place to adjust who counts as a subscriber.

    With the `subscriptions` table (chat_id, active): chats with an active subscription whose chat
    is still active. Before it exists: every active private chat the bot knows.
    """
    if db["subscriptions"].exists():
        sql = (
            "select distinct s.chat_id as id from subscriptions s join chats c on c.id = s.chat_id"
            " where s.active = 1 and c.active = 1 order by s.chat_id"
        )
    else:
        sql = "select id from chats where active = 1 and type = 'private' order by id"
    return [row["id"] for row in db.query(sql)]


def create_job(
    db: Database, *, kind: str, state: str, now: str, created_by: int | None = None,
    payload: dict[str, Any] | None = None,
) -> int:
    row = {"kind": kind, "state": state, "created_by": created_by, "total": 0, "created_at": now,
           "payload": json.dumps(payload or {}, ensure_ascii=False)}
    return int(db["jobs"].insert(row).last_pk)


@reads
def get_job(db: Database, job_id: int) -> Job | None:
    try:
        return Job.from_row(db["jobs"].get(job_id))
    except NotFoundError:
        return None


def transition_job(db: Database, job_id: int, old: str, new: str, now: str | None = None) -> bool:
    """Atomically move a job between states; False when something else got there first."""
    cur = db.execute(
        "update jobs set state = ?, finished_at = coalesce(?, finished_at) where id = ? and state = ?",
        [new, now, job_id, old],
    )
    return cur.rowcount == 1


def enqueue(
    db: Database, *, kind: str, items: Iterable[Row], now: str, created_by: int | None = None,
    payload: dict[str, Any] | None = None, job_id: int | None = None, priority: int = 10,
) -> tuple[int, int, int] | None:
    """Fan a job out to outbox rows; (job_id, added, skipped), or None if the draft was taken.

    Items are dicts with chat_id, html and optionally markup (JSON text) and key; the default key
    "<job>:<chat>" makes the job itself idempotent, caller keys ("digest:<chat>:<window>") make a
    re-run of the same window add nothing. With `job_id`, a `draft` job is started exactly once.
    """
    if job_id is None:
        job_id = create_job(db, kind=kind, state="running", now=now, created_by=created_by, payload=payload)
    elif not transition_job(db, job_id, "draft", "running"):
        return None
    rows = [
        {"job_id": job_id, "key": item.get("key") or f"{job_id}:{item['chat_id']}", "chat_id": item["chat_id"],
         "priority": priority, "state": "pending", "html": item["html"], "markup": item.get("markup"),
         "payload": item.get("payload"), "not_before": item.get("not_before"), "thread_id": item.get("thread_id"),
         "attempts": 0, "created_at": now, "updated_at": now}
        for item in items
    ]
    if rows:
        db["outbox"].insert_all(rows, ignore=True, batch_size=500)
    added = db.execute("select count(*) from outbox where job_id = ?", [job_id]).fetchone()[0]
    db.execute("update jobs set total = ? where id = ?", [added, job_id])
    if added == 0:
        transition_job(db, job_id, "running", "done", now)
    return job_id, added, len(rows) - added


def claim(db: Database, limit: int, now: str) -> list[OutboxRow]:
    """Up to `limit` pending rows in (priority, id) order, marked `sending` before any API call.

    Rows for chats known to be inactive (blocked the bot since the job was queued) fail here
    instead of costing a request.
    """
    rows = list(db.query(
        "select o.id, o.job_id, o.key, o.chat_id, o.thread_id, o.html, o.markup, o.message_ids, o.attempts, o.payload,"
        " coalesce(c.active, 1) as chat_active from outbox o left join chats c on c.id = o.chat_id"
        " where o.state = 'pending' and (o.not_before is null or o.not_before <= ?)"
        " order by o.priority, o.id limit ?", [now, limit],
    ))
    live = [r for r in rows if r["chat_active"]]
    dead = [r for r in rows if not r["chat_active"]]
    _set_state(db, [r["id"] for r in dead], "failed", now, error="chat inactive")
    _set_state(db, [r["id"] for r in live], "sending", now, attempts=True)
    return [OutboxRow.from_row(r) for r in live]


def _set_state(db: Database, ids: list[int], state: str, now: str, *, error: str | None = None,
               attempts: bool = False) -> None:
    if not ids:
        return
    marks = ",".join("?" for _ in ids)
    bump = ", attempts = attempts + 1" if attempts else ""
    db.execute(
        f"update outbox set state = ?, error = coalesce(?, error), updated_at = ?{bump} where id in ({marks})",
        [state, error, now, *ids],
    )


def record_parts(db: Database, row_id: int, message_ids: list[int], chat_id: int, now: str) -> None:
    """Parts of a long message already delivered: a resumed row continues after them."""
    db.execute("update outbox set message_ids = ?, chat_id = ?, updated_at = ? where id = ?",
               [json.dumps(message_ids), chat_id, now, row_id])


def finish(db: Database, row_id: int, *, state: str, now: str, message_ids: list[int] | None = None,
           chat_id: int | None = None, error: str | None = None) -> None:
    """`sent` with the message ids, `failed` with the error, or back to `pending` for a retry.

    A retried row drops behind the rest of its job (priority + 1) so one flaky chat does not
    hold the queue.
    """
    bump = ", priority = priority + 1" if state == "pending" else ""
    db.execute(
        f"update outbox set state = ?, message_ids = coalesce(?, message_ids), chat_id = coalesce(?, chat_id),"
        f" error = ?, updated_at = ?{bump} where id = ?",
        [state, json.dumps(message_ids) if message_ids is not None else None, chat_id, error, now, row_id],
    )


def cancel_pending(db: Database, key: str, now: str) -> bool:
    """Withdraw a row nobody has claimed yet (a scheduled post cancelled before its time);
    False once it is being sent or settled."""
    row = db.execute("select job_id from outbox where key = ? and state = 'pending'", [key]).fetchone()
    if row is None:
        return False
    db.execute("update outbox set state = 'cancelled', updated_at = ? where key = ?", [now, key])
    finish_job_if_done(db, row[0], now)
    return True


def release(db: Database, row_id: int, now: str) -> None:
    """A claimed row given back unsent (graceful stop): `pending` again, the claim not counted
    as an attempt. Parts already delivered stay recorded (record_parts), so they are skipped."""
    db.execute("update outbox set state = 'pending', attempts = max(attempts - 1, 0), updated_at = ?"
               " where id = ? and state = 'sending'", [now, row_id])


def requeue_in_flight(db: Database, now: str) -> int:
    """After a crash: rows left `sending` go back to `pending` (they may have been delivered)."""
    return db.execute(
        "update outbox set state = 'pending', updated_at = ? where state = 'sending'", [now]
    ).rowcount


def finish_job_if_done(db: Database, job_id: int, now: str) -> bool:
    """Mark a running job done once no row is open; True only for the call that did it."""
    marks = ",".join("?" for _ in OPEN_STATES)
    open_rows = db.execute(
        f"select count(*) from outbox where job_id = ? and state in ({marks})", [job_id, *OPEN_STATES]
    ).fetchone()[0]
    return open_rows == 0 and transition_job(db, job_id, "running", "done", now)


@reads
def counts(db: Database, job_id: int) -> dict[str, int]:
    return {row["state"]: row["n"] for row in db.query(
        "select state, count(*) as n from outbox where job_id = ? group by state", [job_id])}


@reads
def top_errors(db: Database, job_id: int, limit: int = 5) -> list[tuple[str, int]]:
    rows = db.query(
        "select error, count(*) as n from outbox where job_id = ? and state = 'failed'"
        " group by error order by n desc, error limit ?", [job_id, limit])
    return [(row["error"] or "?", row["n"]) for row in rows]


@reads
def jobs_with_state(db: Database, state: str) -> list[Job]:
    return [Job.from_row(r) for r in db["jobs"].rows_where("state = ?", [state], order_by="id")]


def set_progress_message(db: Database, job_id: int, chat_id: int, message_id: int) -> None:
    db.execute("update jobs set progress_chat_id = ?, progress_message_id = ? where id = ?",
               [chat_id, message_id, job_id])


@reads
def open_rows(db: Database, now: str | None = None) -> int:
    """Rows pending or in flight; with `now`, only those due by then (a post scheduled for next
    week is not work the outbox has to finish before it is idle)."""
    marks = ",".join("?" for _ in OPEN_STATES)
    due = " and (not_before is null or not_before <= ?)" if now else ""
    params = [*OPEN_STATES, now] if now else list(OPEN_STATES)
    return db.execute(f"select count(*) from outbox where state in ({marks}){due}", params).fetchone()[0]


@reads
def rows_of(db: Database, job_id: int) -> list[OutboxRow]:
    return [OutboxRow.from_row(r) for r in db["outbox"].rows_where("job_id = ?", [job_id], order_by="id")]


@reads
def counts_since(db: Database, since: str) -> dict[str, int]:
    """Outbox rows settled since a time, by state (for /stats: sent and failed in the last 24 h)."""
    rows = db.query("select state, count(*) as n from outbox where updated_at >= ? group by state", [since])
    return {r["state"]: r["n"] for r in rows}
