"""The admins hear once that the database refuses writes (read-only, full, replaced under us).

Every reader who hits a failed write is told "not saved" by the error path; the admins are told
the cause once per trouble — not once per update, which on a busy bot would be a flood — and
again only after the database had recovered and failed anew.
"""

from __future__ import annotations

import logging

from bot.services.ingestion import Notify
from storage.db import Store, StorageUnwritable

log = logging.getLogger(__name__)


async def _log_only(key: str, params: dict[str, object]) -> None:
    log.error("admin notice (no bot attached)", extra={"notice": key, **params})


class StorageAlarm:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.notify: Notify = _log_only  # attached at startup: a message to every admin
        self._told: set[tuple[str, int]] = set()  # (reason, recoveries at the time)

    async def report(self, exc: StorageUnwritable) -> None:
        told = (exc.reason, self.store.recoveries)
        if told in self._told:
            return
        self._told.add(told)
        try:
            await self.notify(f"storage_alarm_{exc.reason}", {"path": str(self.store.path)})
        except Exception:  # noqa: BLE001 - the alarm is best effort; the log line below stays
            log.exception("could not tell the admins the database refuses writes")
