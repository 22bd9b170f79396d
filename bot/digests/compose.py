"""What goes into a digest, as plain data (rendering is separate, so compositions can be tested
and cached per window without touching HTML or languages)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from typing import Iterable

from bot.services import stories
from storage.rows import DigestRow

OTHER = "_other"


@dataclass(frozen=True)
class DigestItem:
    id: int
    title: str
    tldr: str
    url: str | None
    published: datetime | None
    slugs: tuple[str, ...]
    created: datetime | None = None  # when the bot received it: what digest windows are cut by
    also: tuple[tuple[str, str | None], ...] = ()  # the same story from other sources: (name, link)
    source: str = field(default="", compare=False)  # who published it, as "также:" names it
    keys: frozenset[str] = field(default=frozenset(), compare=False, repr=False)  # search terms (filters)

    @classmethod
    def of(cls, row: DigestRow) -> "DigestItem":
        return cls(id=row.id, title=row.title, tldr=row.tldr, url=row.url, published=row.published or row.received,
                   slugs=row.slugs, created=row.received, source=stories.source_name(row.url, row.channel),
                   keys=frozenset(row.lemmas.split()))


@dataclass(frozen=True)
class Section:
    slug: str  # a theme slug, or OTHER
    items: tuple[DigestItem, ...]


@dataclass(frozen=True)
class PersonalDigest:
    since: datetime | None
    sections: tuple[Section, ...]
    filtered: int = 0  # articles the subscriber's word filters left out

    @property
    def empty(self) -> bool:
        return not self.sections

    @property
    def count(self) -> int:
        return len({i.id for s in self.sections for i in s.items})


@dataclass(frozen=True)
class FollowupDigest:
    since: datetime | None
    until: datetime
    active: tuple[Section, ...]
    quiet: tuple[str, ...] = field(default_factory=tuple)

    @property
    def count(self) -> int:
        return len({i.id for s in self.active for i in s.items})


@dataclass(frozen=True)
class Window:
    """The articles after one window start, newest first and indexed by theme.

    Thousands of subscribers share a few window starts, so the minutely job builds one Window
    per start and cuts each subscriber's digest out of it (their own end, their own themes).
    """

    since: datetime | None
    order: tuple[str, ...]
    by_slug: dict[str, tuple[DigestItem, ...]]
    unthemed: tuple[DigestItem, ...]
    story: dict[int, int] = field(default_factory=dict)  # article → the first article of its story

    @classmethod
    def build(cls, rows: list[DigestRow], order: list[str], since: datetime | None,
              story: dict[int, int] | None = None) -> "Window":
        """`story`: from story_map() of a window holding this one (windows of one run share their
        end, so the one starting earliest holds every other; its stories serve them all)."""
        items = _one_per_title([DigestItem.of(r) for r in rows])
        known = set(order)
        return cls(since, tuple(order), {slug: tuple(i for i in items if slug in i.slugs) for slug in order},
                   tuple(i for i in items if not known.intersection(i.slugs)),
                   story if story is not None else story_map(rows))

    def digest(self, themes: list[str] | None, *, until: datetime | None = None, per_theme: int = 8,
               allows: Callable[[frozenset[str]], bool] | None = None) -> PersonalDigest:
        """Subscribers with all themes also see unthemed news; a theme filter means only those
        themes. `until` drops articles received after the subscriber's own slot; `allows` (the
        subscriber's word filters) drops articles by their search terms, and they are counted.
        One story told by several sources is one entry naming the others."""
        def take(items: Iterable[DigestItem]) -> tuple[DigestItem, ...]:
            """The first `per_theme` items received by `until` (lazily: a window holds thousands)."""
            chosen: list[DigestItem] = []
            for item in items:
                if until is not None and item.created is not None and item.created > until:
                    continue
                if allows is not None and not allows(item.keys):
                    continue
                chosen.append(item)
                if len(chosen) == per_theme:
                    break
            return tuple(chosen)

        wanted = set(themes) if themes is not None else None
        known = set(self.order)

        def main_theme(item: DigestItem) -> str | None:
            """An article appears once: under its best-scored theme among those shown."""
            return next((s for s in item.slugs if s in known and (wanted is None or s in wanted)), None)

        sections = [Section(slug, chosen) for slug in self.order
                    if (wanted is None or slug in wanted)
                    and (chosen := take(i for i in self.by_slug[slug] if main_theme(i) == slug))]
        if wanted is None and (other := take(self.unthemed)):
            sections.append(Section(OTHER, other))
        filtered = self._filtered(wanted, until, allows) if allows is not None else 0
        return PersonalDigest(self.since, _fold(sections, self.story), filtered)

    def _filtered(self, wanted: set[str] | None, until: datetime | None,
                  allows: Callable[[frozenset[str]], bool]) -> int:
        """How many articles the subscriber would have got but for their word filters."""
        pools = [self.by_slug[s] for s in self.order if wanted is None or s in wanted]
        if wanted is None:
            pools.append(self.unthemed)
        return len({i.id for pool in pools for i in pool
                    if (until is None or i.created is None or i.created <= until) and not allows(i.keys)})


def story_map(rows: list[DigestRow]) -> dict[int, int]:
    """Which articles retell one story (bot.services.stories), as article id → the story's first id."""
    items = [DigestItem.of(r) for r in rows]
    prints = [_fingerprint(r.lemmas, i.published.date() if i.published else None)
              for i, r in zip(items, rows)]
    groups = stories.group(items, prints, source=lambda i: i.source)
    return {m.id: g[0].id for g in groups if len(g) > 1 for m in g}


@lru_cache(maxsize=50_000)
def _fingerprint(lemmas: str, day: date | None) -> stories.Fingerprint:
    """Windows of one run overlap (one per window start, the same articles in most): each
    article's fingerprint is made once."""
    return stories.fingerprint(lemmas.split(), day=day)


def _fold(sections: list[Section], story: dict[int, int]) -> tuple[Section, ...]:
    """The first article of a story shown stays, naming the sources of the later ones, which go."""
    if not story:
        return tuple(sections)
    shown: dict[int, int] = {}  # story → id of the article standing for it
    also: dict[int, list[tuple[str, str | None]]] = {}
    kept: list[list[DigestItem]] = []
    for section in sections:
        items: list[DigestItem] = []
        for item in section.items:
            sid = story.get(item.id)
            if sid is not None and sid in shown:
                if item.id != shown[sid]:
                    also.setdefault(shown[sid], []).append((item.source, item.url))
                continue
            if sid is not None:
                shown[sid] = item.id
            items.append(item)
        kept.append(items)
    return tuple(Section(s.slug, tuple(replace(i, also=tuple(also[i.id])) if i.id in also else i for i in items))
                 for s, items in zip(sections, kept) if items)


@lru_cache(maxsize=50_000)
def _title_key(title: str) -> str:
    return " ".join("".join(c for c in title.casefold().replace("ё", "е") if c.isalnum() or c.isspace()).split())


def _one_per_title(items: list[DigestItem]) -> list[DigestItem]:
    """The same article stored twice (a file and a feed item, a page and its Telegram repost)
    is listed once: the copy with a link wins, else the newest."""
    chosen: dict[str, DigestItem] = {}
    for item in items:
        key = _title_key(item.title) or str(item.id)
        kept = chosen.get(key)
        if kept is None or (item.url and not kept.url):
            chosen[key] = item
    keep = {id(i) for i in chosen.values()}
    return [i for i in items if id(i) in keep]


def personal(rows: list[DigestRow], order: list[str], themes: list[str] | None, since: datetime | None) -> PersonalDigest:
    return Window.build(rows, order, since).digest(themes)


def followup(rows: list[DigestRow], order: list[str], since: datetime | None, until: datetime) -> FollowupDigest:
    """Only themed articles count; the period starts at the earliest date listed when a late
    arrival is dated before `since`, so every date shown lies inside the period shown."""
    sections = Window.build(rows, order, since).digest(None).sections
    active = tuple(section for section in sections if section.slug != OTHER)
    # A theme an article also covers ("также: …" on its line) is not quiet: theme cards list that
    # article under it too, and the follow-up must not say the opposite.
    busy = {slug for s in active for i in s.items for slug in i.slugs} | {s.slug for s in active}
    dates = [i.published for s in active for i in s.items if i.published is not None]
    start = min([since, *dates]) if since is not None and dates else since
    return FollowupDigest(start, until, active, tuple(s for s in order if s not in busy))
