"""/broadcast: an admin's message to every active subscriber, through the durable outbox.

The draft is a `jobs` row in state `draft`, so confirmation is an atomic draft → running
transition: a double tap or a stale button cannot start the broadcast twice. Progress is shown by
editing one message at most every few seconds, and only when the admin's chat has a rate slot
free at that moment (Telegram limits edits per chat and may count them globally): a skipped
update costs nothing, a 429 would stall the chat. The final numbers are always shown; a final
report is sent as a new message so the admin is notified when delivery ends — also when it ends
after a restart, because everything the report needs lives in the job row.
"""

from __future__ import annotations

import asyncio
import contextlib
import html as html_lib
import re
import time
from dataclasses import dataclass

from aiogram.types import Message

from bot.delivery.outbox import JobProgress, Outbox, OutboxItem
from bot.delivery.sender import Sender
from bot.i18n import Translator
from bot.refusal import Refusal
from bot.services.audit import Audit
from storage import outbox as outbox_sql
from storage.db import Store

KIND = "broadcast"
_COMMAND = re.compile(r"^\s*/broadcast(?:@\w+)?(?:\s+|$)", re.IGNORECASE)


class BroadcastError(Refusal):
    """Why a broadcast cannot be drafted, confirmed or cancelled."""


@dataclass(frozen=True)
class BroadcastDraft:
    job_id: int
    html: str
    recipients: int


def command_html(message: Message) -> str:
    """The text after "/broadcast" as Telegram-HTML: the admin's formatting kept, the rest escaped."""
    return _COMMAND.sub("", message.html_text or "", count=1).strip()


def _clock_text(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


class Broadcasts:
    """Drafts, confirmation and the live progress display of broadcasts."""

    def __init__(
        self, store: Store, outbox: Outbox, sender: Sender, audit: Audit, *, progress_every: float = 3.0
    ) -> None:
        self.store = store
        self.outbox = outbox
        self.sender = sender
        self.audit = audit
        self.progress_every = progress_every
        self._last_edit: dict[int, float] = {}
        self._reports: dict[int, asyncio.Task[None]] = {}
        self._kinds: dict[int, str] = {}
        outbox.subscribe(self._on_job_event)

    async def draft(self, admin_id: int, chat_id: int, html: str, language: str) -> BroadcastDraft:
        recipients = await self.store.call(outbox_sql.recipients)
        if not recipients:
            raise BroadcastError("broadcast_no_recipients")
        payload = {"html": html, "chat_id": chat_id, "language": language}
        job_id = await self.outbox.draft(KIND, created_by=admin_id, payload=payload)
        await self.audit.record(admin_id, "broadcast.draft", {"job_id": job_id, "chars": len(html)})
        return BroadcastDraft(job_id, html, len(recipients))

    async def confirm(self, job_id: int, admin_id: int) -> int:
        """Start the drafted broadcast exactly once; returns the number of recipients."""
        job = await self.outbox.job(job_id)
        if job is None or job.kind != KIND:
            raise BroadcastError("broadcast_unknown")
        recipients = await self.store.call(outbox_sql.recipients)
        items = [OutboxItem(chat_id, job.payload["html"]) for chat_id in recipients]
        enqueued = await self.outbox.enqueue(KIND, items, job_id=job_id)
        if enqueued is None:
            raise BroadcastError("broadcast_already_done")
        await self.audit.record(admin_id, "broadcast.confirm", {"job_id": job_id, "recipients": enqueued.added})
        return enqueued.added

    async def cancel(self, job_id: int, admin_id: int) -> None:
        if not await self.outbox.cancel_draft(job_id):
            raise BroadcastError("broadcast_already_done")
        await self.audit.record(admin_id, "broadcast.cancel", {"job_id": job_id})

    async def progress_text(self, job_id: int, tr: Translator) -> str:
        progress = await self.outbox.progress(job_id)
        assert progress is not None
        return await self._text(job_id, progress, tr)

    async def attach_progress(self, job_id: int, chat_id: int, message_id: int) -> None:
        """Remember the message to edit; if the job already ended, show its final numbers now."""
        self._last_edit[job_id] = time.monotonic()
        await self.store.call(outbox_sql.set_progress_message, job_id, chat_id, message_id)
        job = await self.outbox.job(job_id)
        if job is not None and job.state == "done":
            self._spawn(job_id, final=False)

    async def stop(self, timeout: float = 5.0) -> None:
        """Let reports being written finish (shutdown)."""
        tasks = list(self._reports.values())
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=timeout)
            for task in late:
                task.cancel()

    # -- progress display ---------------------------------------------------------------------

    async def _on_job_event(self, job_id: int, finished: bool) -> None:
        kind = self._kinds.get(job_id)
        if kind is None:
            job = await self.outbox.job(job_id)
            kind = self._kinds[job_id] = job.kind if job else ""
        if finished:
            self._kinds.pop(job_id, None)
        if kind != KIND:
            return
        now = time.monotonic()
        if finished:
            self._spawn(job_id, final=True)
        elif job_id not in self._reports and now - self._last_edit.get(job_id, 0.0) >= self.progress_every:
            self._last_edit[job_id] = now
            self._spawn(job_id, final=False, optional=True)

    def _spawn(self, job_id: int, *, final: bool, optional: bool = False) -> None:
        """Show the job's numbers; ``optional`` (a periodic update) only if the chat has budget."""
        previous = self._reports.get(job_id)
        task = asyncio.create_task(self._report(job_id, final, previous, optional), name=f"broadcast-{job_id}")
        self._reports[job_id] = task

        def forget(done: asyncio.Task[None]) -> None:
            if self._reports.get(job_id) is done:
                del self._reports[job_id]

        task.add_done_callback(forget)

    async def _report(self, job_id: int, final: bool, previous: asyncio.Task[None] | None, optional: bool) -> None:
        if previous is not None:  # edits of one message stay in order
            with contextlib.suppress(Exception):
                await asyncio.wait([previous])
        job = await self.outbox.job(job_id)
        progress = await self.outbox.progress(job_id)
        if job is None or progress is None:
            return
        tr = Translator(job.payload.get("language", "ru"))
        # One message per broadcast: the progress message becomes the final report. When the job
        # ends before the handler attached that message, attach_progress shows the report.
        text = await self._text(job_id, progress, tr)
        if final:  # recorded before the admin reads the report, so the audit never lags what was shown
            await self.audit.record(
                job.created_by, "broadcast.done", {"job_id": job_id, "sent": progress.sent, "failed": progress.failed}
            )
            self._last_edit.pop(job_id, None)
        if job.progress_chat_id is not None and job.progress_message_id:
            if optional and not self.outbox.has_budget(job.progress_chat_id):
                return  # skipped: the next update, a few seconds on, tries again
            if not final:
                self._last_edit[job_id] = time.monotonic()
            await self.sender.edit(job.progress_chat_id, job.progress_message_id, text)

    async def _text(self, job_id: int, progress: JobProgress, tr: Translator) -> str:
        if progress.done:
            return self._final(progress, await self.store.call(outbox_sql.top_errors, job_id), tr)
        return self._render(progress, tr)

    @staticmethod
    def _render(progress: JobProgress, tr: Translator) -> str:
        """Live figures; the rate and time left only once they are known (never a "…")."""
        params = dict(job=progress.job_id, sent=progress.sent, failed=progress.failed, left=progress.left,
                      total=progress.total)
        if progress.rate is None or progress.eta is None:
            return tr("broadcast_progress_start", **params)
        return tr("broadcast_progress", rate=f"{progress.rate:.1f}", eta=_clock_text(progress.eta), **params)

    @staticmethod
    def _final(progress: JobProgress, errors: list[tuple[str, int]], tr: Translator) -> str:
        text = tr("broadcast_report", job=progress.job_id, sent=progress.sent, failed=progress.failed,
                  total=progress.total)
        if errors:
            lines = [tr("broadcast_report_errors")]
            lines += [f"• {html_lib.escape(error[:120], quote=False)}: {count}" for error, count in errors]
            text += "\n\n" + "\n".join(lines)
        return text

