"""New anchors by the channel's admins: /anchor reads an analysis, proposes its themes, the admin
edits them (rename, drop, merge) and confirms.

Why a stored proposal: the admin edits over several messages and button presses, possibly across
a restart, so each step rewrites one `anchor_proposals` row instead of living in memory. Every
step is audited here, where it happens. On confirm the proposal becomes an anchor with its own
catalog: theme slugs come from the (edited) titles and never take a slug already in use (the
eight shipped ones stay exactly as they are), and the text engine's catalog is reloaded so
themed detection of new articles includes the new themes at once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from bot.clock import Clock
from bot.config import Settings
from bot.net import FetchError
from bot.nlp import TextEngine
from bot.refusal import FetchRefused, Refusal
from bot.schedule import checked_cron, next_cron_slot
from bot.services.anchors import stored_catalog
from bot.services.articles import Article, Articles
from bot.services.audit import Audit
from bot.services.ingestion import SOURCE_KINDS, Ingestion
from bot.sources import SourceError, detect_source
from bot.sources.files import InputError, parse_text
from bot.text import Theme
from bot.text.proposer import ProposedTheme, theme_slug
from storage import themes as themes_sql
from storage.db import Store
from storage.rows import AnchorProposal

MAX_TITLE = 60
MIN_TEXT = 400  # characters: shorter than a few paragraphs is not an analysis to build themes on
SCHEDULE = -1  # `awaiting` when the admin's next message is the follow-up schedule, not a theme title
DEFAULT_WORDS = frozenset({"default", "-", "по умолчанию", "умолчание"})  # back to FOLLOWUP_CRON


@dataclass(frozen=True)
class FollowupSchedule:
    """When an anchor's follow-ups go out: its own spec, or FOLLOWUP_CRON (custom False), in `zone`."""

    spec: str
    custom: bool
    zone: str

    def next_after(self, moment: datetime) -> datetime | None:
        return next_cron_slot(self.spec, self.zone, moment)


@dataclass(frozen=True)
class Rescheduled:
    """An anchor whose follow-up schedule an admin changed, with its next follow-up."""

    title: str
    schedule: FollowupSchedule
    next: datetime | None


@dataclass(frozen=True)
class AnchorDraft:
    """A proposal as the admin edits it."""

    id: int
    admin_id: int
    article_id: int
    title: str
    themes: tuple[ProposedTheme, ...]
    state: str  # open | confirmed | cancelled
    schedule: FollowupSchedule  # the follow-up schedule the anchor will get
    awaiting: int | None = None  # the theme whose new title is awaited (SCHEDULE: the schedule is)

    @classmethod
    def of(cls, proposal: AnchorProposal, schedule: FollowupSchedule) -> "AnchorDraft":
        themes = tuple(ProposedTheme(**{k: tuple(v) if isinstance(v, list) else v for k, v in t.items()})
                       for t in proposal.themes)
        return cls(id=proposal.id, admin_id=proposal.admin_id, article_id=proposal.article_id, title=proposal.title,
                   themes=themes, state=proposal.state, schedule=schedule, awaiting=proposal.awaiting)


@dataclass(frozen=True)
class NewAnchor:
    slug: str
    title: str
    themes: tuple[Theme, ...]  # catalog themes as stored
    schedule: FollowupSchedule


def _dicts(themes: tuple[ProposedTheme, ...] | list[ProposedTheme]) -> list[dict[str, Any]]:
    return [asdict(t) for t in themes]


def _merged(a: ProposedTheme, b: ProposedTheme) -> ProposedTheme:
    """`b` folded into `a`: a's title, emoji and description; both sets of claims (in text order
    is unknown here, so a's first), keywords and entities without repeats."""
    def union(x: tuple[str, ...], y: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(x + y))

    return replace(a, claims=union(a.claims, b.claims), keywords=union(a.keywords, b.keywords),
                   entities=union(a.entities, b.entities))


class AnchorSetup:
    def __init__(self, store: Store, articles: Articles, engine: TextEngine, ingestion: Ingestion, audit: Audit,
                 clock: Clock, settings: Settings) -> None:
        self.store = store
        self.articles = articles
        self.engine = engine
        self.ingestion = ingestion
        self.audit = audit
        self.clock = clock
        self.settings = settings

    def schedule(self, spec: str | None) -> FollowupSchedule:
        """A stored schedule as admins see it (None: FOLLOWUP_CRON)."""
        return FollowupSchedule(spec or self.settings.followup_cron, spec is not None, self.settings.timezone)

    # -- proposing --------------------------------------------------------------------------

    async def propose_url(self, admin_id: int, chat_id: int, url: str) -> AnchorDraft:
        """Fetch the analysis (a URL that cannot be read is a FetchRefused), store it, propose.
        A channel or feed is refused by its URL: its newest item is not necessarily the analysis."""
        if detect_source(url).kind in SOURCE_KINDS:
            await self.audit.record(admin_id, "anchor.propose", {"url": url, "error": "a source, not an article"},
                                    ok=False)
            raise Refusal("anchor_no_text")
        try:
            found = [a for a in await self.ingestion.fetch(url, max_items=1) if a.text.strip()]
        except (SourceError, FetchError) as exc:
            await self.audit.record(admin_id, "anchor.propose", {"url": url, "error": str(exc)[:200]}, ok=False)
            raise FetchRefused(exc) from exc
        if not found:
            await self.audit.record(admin_id, "anchor.propose", {"url": url, "error": "no text"}, ok=False)
            raise Refusal("anchor_no_text")
        [stored] = await self.ingestion.store_articles(found[:1])
        return await self._propose(admin_id, chat_id, stored.article)

    async def propose_text(self, admin_id: int, chat_id: int, raw: str, *, url: str | None = None,
                           kind: str = "pasted") -> AnchorDraft:
        """A replied-to message or a forwarded channel post: its text (title line first, or the
        title taken from the text) is stored as an article, then proposed."""
        try:
            doc = parse_text(raw, "telegram")
        except InputError:
            doc = None
        if doc is None or len(doc.text) < MIN_TEXT:
            await self.audit.record(admin_id, "anchor.propose", {"url": url, "error": "text too short"}, ok=False)
            raise Refusal("anchor_too_short", chars=MIN_TEXT)
        article = await self.articles.by_url(url) if url else None
        if article is None:
            article, _ = await self.articles.add(doc.title, doc.text, kind=kind, url=url, author=doc.author)
        return await self._propose(admin_id, chat_id, article)

    async def _propose(self, admin_id: int, chat_id: int, article: Article) -> AnchorDraft:
        if len(article.text) < MIN_TEXT:
            await self.audit.record(admin_id, "anchor.propose", {"article": article.id, "error": "text too short"},
                                    ok=False)
            raise Refusal("anchor_too_short", chars=MIN_TEXT)
        if await self._anchor_of(article.id):
            await self.audit.record(admin_id, "anchor.propose", {"article": article.id, "error": "already an anchor"},
                                    ok=False)
            raise Refusal("anchor_exists", title=article.title)
        proposal = await self.engine.propose(article.title, article.text)
        if not proposal.themes:
            await self.audit.record(admin_id, "anchor.propose", {"article": article.id, "error": "no themes"}, ok=False)
            raise Refusal("anchor_no_themes")
        proposal_id = await self.store.call(themes_sql.add_proposal, admin_id=admin_id, chat_id=chat_id,
                                            article_id=article.id, title=article.title,
                                            themes=_dicts(proposal.themes), now=self.clock.iso())
        await self.audit.record(admin_id, "anchor.propose", {"proposal": proposal_id, "article": article.id,
                                                             "themes": len(proposal.themes)})
        return await self._get(proposal_id)

    async def _anchor_of(self, article_id: int) -> bool:
        return any(a.article_id == article_id for a in await self.store.call(themes_sql.anchors))

    # -- editing ----------------------------------------------------------------------------

    async def _get(self, proposal_id: int) -> AnchorDraft:
        proposal = await self.store.call(themes_sql.proposal, proposal_id)
        if proposal is None:
            raise Refusal("anchor_gone")
        return AnchorDraft.of(proposal, self.schedule(proposal.followup_cron))

    async def _open(self, proposal_id: int, index: int | None = None) -> AnchorDraft:
        draft = await self._get(proposal_id)
        if draft.state != "open":
            raise Refusal("anchor_closed")
        if index is not None and not 0 <= index < len(draft.themes):
            raise Refusal("anchor_gone")
        return draft

    async def draft(self, proposal_id: int) -> AnchorDraft:
        return await self._get(proposal_id)

    async def _save(self, admin_id: int, draft: AnchorDraft, themes: list[ProposedTheme], action: str,
                    detail: dict[str, Any], *, awaiting: int | None = None,
                    awaiting_by: int | None = None) -> AnchorDraft:
        saved = await self.store.call(themes_sql.update_proposal, draft.id, themes=_dicts(themes),
                                      awaiting=awaiting, awaiting_by=awaiting_by, now=self.clock.iso())
        if not saved:
            raise Refusal("anchor_closed")
        await self.audit.record(admin_id, action, {"proposal": draft.id, **detail})
        return await self._get(draft.id)

    async def ask_title(self, admin_id: int, proposal_id: int, index: int) -> AnchorDraft:
        """"Rename" pressed: the admin's next plain message is the theme's new title."""
        draft = await self._open(proposal_id, index)
        return await self._save(admin_id, draft, list(draft.themes), "anchor.rename_asked", {"theme": index},
                                awaiting=index, awaiting_by=admin_id)

    async def awaiting(self, admin_id: int) -> AnchorDraft | None:
        proposal = await self.store.call(themes_sql.awaiting_title, admin_id)
        return AnchorDraft.of(proposal, self.schedule(proposal.followup_cron)) if proposal else None

    async def rename(self, admin_id: int, proposal_id: int, title: str) -> AnchorDraft:
        draft = await self._open(proposal_id)
        title = " ".join(title.split())
        if draft.awaiting is None or not 0 <= draft.awaiting < len(draft.themes):
            raise Refusal("anchor_closed")
        if not title or len(title) > MAX_TITLE or title.startswith("/"):
            raise Refusal("anchor_bad_title", chars=MAX_TITLE)
        themes = list(draft.themes)
        old = themes[draft.awaiting]
        themes[draft.awaiting] = replace(old, title=title)
        return await self._save(admin_id, draft, themes, "anchor.rename",
                                {"theme": draft.awaiting, "from": old.title, "to": title})

    async def drop(self, admin_id: int, proposal_id: int, index: int) -> AnchorDraft:
        draft = await self._open(proposal_id, index)
        if len(draft.themes) == 1:
            raise Refusal("anchor_last_theme")
        themes = list(draft.themes)
        gone = themes.pop(index)
        return await self._save(admin_id, draft, themes, "anchor.drop", {"theme": index, "title": gone.title})

    async def merge(self, admin_id: int, proposal_id: int, index: int, other: int) -> AnchorDraft:
        """Fold theme `other` into theme `index` (which keeps its title and place)."""
        draft = await self._open(proposal_id, index)
        if not 0 <= other < len(draft.themes) or other == index:
            raise Refusal("anchor_gone")
        themes = list(draft.themes)
        themes[index] = _merged(themes[index], themes[other])
        gone = themes.pop(other)
        return await self._save(admin_id, draft, themes, "anchor.merge",
                                {"into": themes[index - (other < index)].title, "merged": gone.title})

    async def cancel(self, admin_id: int, proposal_id: int) -> bool:
        closed = await self.store.call(themes_sql.close_proposal, proposal_id, self.clock.iso())
        await self.audit.record(admin_id, "anchor.cancel", {"proposal": proposal_id}, ok=closed)
        return closed

    # -- confirming -------------------------------------------------------------------------

    async def confirm(self, admin_id: int, proposal_id: int) -> NewAnchor:
        """The analysis becomes an anchor: its catalog stored, the engine's catalog reloaded."""
        draft = await self._open(proposal_id)
        used = await self.store.call(themes_sql.theme_slugs)
        themes = tuple(replace(t, slug=theme_slug(t.title, used)).to_theme() for t in draft.themes)
        anchors = {a.slug for a in await self.store.call(themes_sql.anchors)}
        slug = theme_slug(draft.title, anchors)
        anchor_id = await self.store.call(themes_sql.confirm_proposal, proposal_id, slug=slug, title=draft.title,
                                          themes=[t.to_dict() for t in themes], now=self.clock.iso())
        if anchor_id is None:
            raise Refusal("anchor_closed")
        self.engine.catalog = await stored_catalog(self.store)
        await self.audit.record(admin_id, "anchor.confirm", {"proposal": proposal_id, "anchor": slug,
                                                             "themes": [t.slug for t in themes]})
        return NewAnchor(slug, draft.title, themes, draft.schedule)

    # -- follow-up schedules (issue 18) -----------------------------------------------------

    async def ask_schedule(self, admin_id: int, proposal_id: int) -> AnchorDraft:
        """"Schedule" pressed in the editor: the admin's next plain message is the schedule."""
        draft = await self._open(proposal_id)
        return await self._save(admin_id, draft, list(draft.themes), "anchor.schedule_asked", {},
                                awaiting=SCHEDULE, awaiting_by=admin_id)

    async def answer(self, admin_id: int, proposal_id: int, text: str) -> AnchorDraft:
        """The message the editor awaited: the follow-up schedule, or a theme's new title."""
        draft = await self._open(proposal_id)
        if draft.awaiting != SCHEDULE:
            return await self.rename(admin_id, proposal_id, text)
        spec = await self._checked(admin_id, "anchor.schedule", text, {"proposal": draft.id})
        if not await self.store.call(themes_sql.set_proposal_schedule, draft.id, spec, self.clock.iso()):
            raise Refusal("anchor_closed")
        await self.audit.record(admin_id, "anchor.schedule", {"proposal": draft.id, "schedule": spec or "default"})
        return await self._get(draft.id)

    async def reschedule(self, admin_id: int, slug: str, text: str) -> Rescheduled:
        """/followup_schedule SLUG SPEC: an anchor's follow-ups move to SPEC ("default": back to
        FOLLOWUP_CRON) from now on; the first one is its first slot after this moment."""
        row = await self.store.call(themes_sql.anchor_by_slug, slug)
        if row is None:
            await self.audit.record(admin_id, "followup.schedule", {"anchor": slug[:100], "error": "no such anchor"},
                                    ok=False)
            raise Refusal("followup_schedule_no_anchor", slug=slug[:100])
        spec = await self._checked(admin_id, "followup.schedule", text, {"anchor": slug})
        await self.store.call(themes_sql.set_anchor_schedule, row.id, spec, self.clock.iso())
        await self.audit.record(admin_id, "followup.schedule", {"anchor": slug, "from": row.followup_cron or "default",
                                                                "to": spec or "default"})
        schedule = self.schedule(spec)
        return Rescheduled(row.title or slug, schedule, schedule.next_after(self.clock.now()))

    async def _checked(self, admin_id: int, action: str, text: str, detail: dict[str, Any]) -> str | None:
        """The schedule an admin typed, validated as FOLLOWUP_CRON is (None: back to FOLLOWUP_CRON);
        a refusal, audited, for one that does not parse or never fires."""
        spec = " ".join(text.split())
        if spec.lower() in DEFAULT_WORDS:
            return None
        try:
            return checked_cron(spec, self.settings.timezone, self.clock.now())
        except ValueError as exc:
            await self.audit.record(admin_id, action, {**detail, "schedule": spec[:100], "error": str(exc)[:200]},
                                    ok=False)
            raise Refusal("followup_bad_schedule", spec=spec[:100]) from None
