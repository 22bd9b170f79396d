"""/followup's Publish button: an admin sends an anchor's follow-up now (audited here). The
scheduled follow-ups go out from Digests.tick; this is the same run, asked for by hand."""

from __future__ import annotations

from datetime import datetime

from bot.digests.service import Digests, FollowupRun
from bot.services.audit import Audit
from bot.services.themes import Themes


class Followups:
    def __init__(self, digests: Digests, themes: Themes, audit: Audit) -> None:
        self.digests = digests
        self.themes = themes
        self.audit = audit

    async def publish(self, admin_id: int, until: datetime, anchor_id: int | None = None) -> FollowupRun | None:
        """The follow-up previewed up to `until` (`anchor_id`: an admin-made anchor's, None: the
        first anchor's). None for an anchor that is gone; a run without envelopes was already sent."""
        slug = None
        if anchor_id is not None:
            slug = next((a.slug for a in await self.themes.anchors() if a.id == anchor_id), None)
            if slug is None:
                return None
        run = await self.digests.followup(until=until, anchor=slug)
        if run is not None and run.envelopes:
            await self.audit.record(admin_id, "followup", {"articles": run.digest.count, "recipients": len(run.envelopes),
                                                           **({"anchor": slug} if slug else {})})
        return run
