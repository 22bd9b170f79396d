"""SQL for the `audit` table: every admin action, allowed or refused."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from storage.db import reads
from storage.rows import AuditEntry


def record(db: Database, *, at: str, user_id: int | None, action: str, detail: dict[str, Any] | None, ok: bool) -> int:
    row = {"at": at, "user_id": user_id, "action": action, "ok": int(ok),
           "detail": json.dumps(detail or {}, ensure_ascii=False)}
    return int(db["audit"].insert(row).last_pk)


@reads
def recent(db: Database, limit: int = 20) -> list[AuditEntry]:
    return [AuditEntry.from_row(r) for r in db["audit"].rows_where(order_by="id desc", limit=limit)]
