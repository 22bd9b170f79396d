"""What goes into a digest, as plain data (rendering is separate, so compositions can be tested
and cached per window without touching HTML or languages)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storage.timeutil import from_db

OTHER = "_other"


@dataclass(frozen=True)
class DigestItem:
    id: int
    title: str
    tldr: str
    url: str | None
    published: datetime | None
    slugs: tuple[str, ...]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "DigestItem":
        return cls(id=row["id"], title=row["title"], tldr=row.get("tldr") or "", url=row.get("url"),
                   published=from_db(row.get("published")) or from_db(row.get("created_at")),
                   slugs=tuple(row.get("slugs") or ()))


@dataclass(frozen=True)
class Section:
    slug: str  # a theme slug, or OTHER
    items: tuple[DigestItem, ...]


@dataclass(frozen=True)
class PersonalDigest:
    since: datetime | None
    sections: tuple[Section, ...]

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


def group_by_theme(items: list[DigestItem], order: list[str], wanted: set[str] | None, *,
                   keep_unthemed: bool, per_theme: int = 8) -> tuple[Section, ...]:
    """Theme sections in catalog order; an article on several themes appears under each, once."""
    sections = []
    for slug in order:
        if wanted is not None and slug not in wanted:
            continue
        chosen = tuple(i for i in items if slug in i.slugs)[:per_theme]
        if chosen:
            sections.append(Section(slug, chosen))
    if keep_unthemed:
        other = tuple(i for i in items if not any(s in order for s in i.slugs))[:per_theme]
        if other:
            sections.append(Section(OTHER, other))
    return tuple(sections)


def personal(rows: list[dict[str, Any]], order: list[str], themes: list[str] | None, since: datetime | None) -> PersonalDigest:
    """Subscribers with all themes also see unthemed news; a theme filter means only those themes."""
    items = [DigestItem.from_row(r) for r in rows]
    wanted = set(themes) if themes is not None else None
    return PersonalDigest(since, group_by_theme(items, order, wanted, keep_unthemed=wanted is None))


def followup(rows: list[dict[str, Any]], order: list[str], since: datetime | None, until: datetime) -> FollowupDigest:
    items = [DigestItem.from_row(r) for r in rows]
    active = group_by_theme(items, order, None, keep_unthemed=False)
    busy = {s.slug for s in active}
    return FollowupDigest(since, until, active, tuple(s for s in order if s not in busy))
