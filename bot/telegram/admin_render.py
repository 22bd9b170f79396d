"""Admin answers for people: /stats, /audit and /sources in words, dates in the admin's zone.

No slugs, no raw JSON, no `None`: kinds and themes get their names, audit actions a sentence
each (an action nobody has described yet still reads as "action: detail, detail").
"""

from __future__ import annotations

from string import Formatter
from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.utils.formatting import Bold, Italic, Text, as_line, as_list

from bot.i18n import Translator
from bot.services.statistics import Stats
from bot.sources.reasons import describe
from bot.telegram.render import clip, theme_label
from bot.zones import zone_label
from storage.rows import AuditEntry, Source, Theme


def reason(error: str, tr: Translator) -> str:
    """A stored English failure reason in the admin's words (bot.sources.reasons); one nobody has
    put into words yet keeps its technical text, since the admin may have to act on it."""
    key, values = describe(Exception(error))
    said = tr(key, **values)
    return f"{said} ({clip(error, 120)})" if key == "reason_unreadable" else said


def local_time(value: datetime | None, zone: str) -> str:
    """A moment as "05.12.2026 13:00" in the admin's zone ("—" when absent)."""
    if value is None:
        return "—"
    return value.astimezone(ZoneInfo(zone)).strftime("%d.%m.%Y %H:%M")


def kind_label(kind: str, tr: Translator) -> str:
    return tr(f"kind_{kind}") if tr.has(f"kind_{kind}") else kind


def stats(figures: Stats, themes: list[Theme], zone: str, tr: Translator) -> str:
    subs = figures.subscribers
    lines: list = [Bold(tr("stats_title"))]
    lines.append(Text(tr("stats_subscribers", active=subs.active, inactive=subs.inactive, daily=subs.daily,
                         weekly=subs.weekly, off=subs.off)))
    kinds = ", ".join(f"{kind_label(kind, tr)} — {n}" for kind, n in figures.articles_by_kind) or "—"
    lines.append(as_line(Bold(tr("stats_articles")), " ", kinds, end=""))
    for source in sorted(figures.sources, key=lambda x: -x.items)[:5]:
        lines.append(Italic(f"#{source.id} {clip(source.name or source.url, 60)} — {source.items}"))
    labels = {t.slug: theme_label(t, tr) for t in themes}
    by_theme = ", ".join(f"{labels.get(slug, slug)} — {n}" for slug, n in figures.articles_by_theme) or "—"
    lines.append(as_line(Bold(tr("stats_themes")), " ", by_theme, end=""))
    broken = [s for s in figures.sources if s.last_error]
    lines.append(as_line(Bold(tr("stats_sources")), " ", tr("stats_sources_line", total=len(figures.sources),
                                                            broken=len(broken)), end=""))
    for s in broken[:5]:
        lines.append(Italic(f"#{s.id} {clip(s.name or s.url, 60)}: {reason(s.last_error or '', tr)}"))
    windows = [tr("stats_window", what=tr(f"stats_window_{w.kind}") if tr.has(f"stats_window_{w.kind}") else w.kind,
                  when=local_time(w.end, zone), articles=w.articles) for w in figures.recent_windows]
    lines.append(as_line(Bold(tr("stats_digests")), " ", "; ".join(windows) or "—", end=""))
    d = figures.deliveries_24h
    lines.append(as_line(Bold(tr("stats_deliveries")), " ",
                         tr("stats_deliveries_line", sent=d.get("sent", 0), failed=d.get("failed", 0),
                            pending=d.get("pending", 0) + d.get("sending", 0)), end=""))
    lines.append(Italic(tr("times_in_zone", zone=zone_label(zone, tr.language))))
    return as_list(*lines).as_html()


def audit_line(row: AuditEntry, names: dict[int, str], zone: str, tr: Translator) -> str:
    """One audit entry as a sentence: when, who, what (in the admin's zone and language)."""
    detail = {k: v for k, v in row.detail.items() if v is not None}
    if "error" in detail:
        detail["error"] = reason(str(detail["error"]), tr)
    if isinstance(detail.get("at"), datetime):  # a time the action was about (a scheduled post's)
        detail["at"] = local_time(detail["at"], zone)
    key = f"audit_{row.action}"
    if tr.has(key):
        template = tr(key)
        fields = {name for _, name, _, _ in Formatter().parse(template) if name}
        what = template.format(**{name: clip(str(detail.get(name, "?")), 80) for name in fields})
    else:  # an action nobody has described yet: its name and details, still without JSON
        what = row.action + "".join(f"; {k}: {clip(str(v), 80)}" for k, v in detail.items())
    if not row.ok and detail.get("error") and "{error}" not in (tr(key) if tr.has(key) else "{error}"):
        what = tr("audit_error", what=what, error=detail["error"])
    who = (names.get(row.user_id) if row.user_id else None) or (
        f"id {row.user_id}" if row.user_id else tr("audit_nobody"))
    mark = "✅" if row.ok else "⛔"
    return f"{mark} {local_time(row.at, zone)} · {who} · {what}"


def audit(rows: list[AuditEntry], names: dict[int, str], zone: str, tr: Translator) -> str:
    if not rows:
        return Text(tr("audit_empty")).as_html()
    lines: list = [Bold(tr("audit_title")), Italic(tr("times_in_zone", zone=zone_label(zone, tr.language)))]
    lines += [Text(clip(audit_line(row, names, zone, tr), 300)) for row in rows]
    return as_list(*lines).as_html()


def source_list(sources: list[Source], zone: str, tr: Translator) -> str:
    if not sources:
        return Text(tr("sources_empty")).as_html()
    lines: list = [Bold(tr("sources_header"))]
    for s in sources:
        state = tr("source_on") if s.enabled else tr("source_off")
        title = s.name or s.url
        block = [as_line(Bold(f"#{s.id} {clip(title, 80)}"), f" · {kind_label(s.kind, tr)} · {state}", end="")]
        if s.name:
            block.append(Text(s.url))
        block.append(Italic(tr("source_line", items=s.items, last=local_time(s.last_success_at, zone),
                               failures=s.failures)))
        if s.last_error:
            block.append(Italic(tr("source_error", error=reason(s.last_error, tr))))
        if s.page_errors:
            block.append(Italic(tr("source_page_errors", count=s.page_errors)))
        lines.append(as_list(*block))
    lines.append(Italic(tr("sources_hint")))
    return as_list(*lines, sep="\n\n").as_html()
