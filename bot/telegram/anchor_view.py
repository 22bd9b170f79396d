"""What the admin sees while making an anchor: one proposed theme at a time, as a theme card,
with the list of all themes and the editing buttons (like bot/posting/markup.py for drafts)."""

from __future__ import annotations

from html import escape

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.formatting import BlockQuote, Bold, Code, Italic, Text, as_line, as_list
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.digests.service import FollowupOutlook
from bot.i18n import Translator
from bot.numbers import ButtonId
from bot.services.anchor_setup import AnchorDraft, FollowupSchedule, NewAnchor, Rescheduled
from bot.telegram.render import clip, format_datetime, theme_label


class AnchorEdit(CallbackData, prefix="ae"):
    """A button of the anchor editor: `act` on theme `i` (and `j`) of proposal `p`.

    act: show | rename | drop | merge (pick the other) | into (merge j into i) | sched (ask for the
    follow-up schedule) | ok | cancel"""

    act: str
    p: ButtonId
    i: ButtonId = 0
    j: ButtonId = 0


def editor(draft: AnchorDraft, index: int, tr: Translator) -> str:
    """Theme `index` of the proposal as a card: emoji and title, description, the analysis's
    claim sentences, keywords, entities; then every theme's title so the admin sees the whole."""
    index = index % len(draft.themes)
    theme = draft.themes[index]
    parts: list = [Italic(tr("anchor_header", title=clip(draft.title, 120), n=index + 1, total=len(draft.themes))),
                   Bold(f"{theme.emoji} {theme.title}")]
    if theme.description:
        parts.append(Italic(clip(theme.description, 300)))
    if theme.claims:
        parts.append(as_list(Bold(tr("anchor_claims")), *[BlockQuote(clip(c, 400)) for c in theme.claims[:4]]))
    if theme.keywords:
        parts.append(as_line(Bold(tr("card_keywords")), " ", ", ".join(theme.keywords[:8]), end=""))
    if theme.entities:
        parts.append(as_line(Bold(tr("card_entities")), " ", ", ".join(theme.entities[:8]), end=""))
    listing = [Text(f"{k + 1}. {t.emoji} ", clip(t.title, 60)) for k, t in enumerate(draft.themes)]
    parts.append(Text(schedule_line(draft.schedule, tr)))
    parts.append(as_list(Bold(tr("anchor_all_themes")), *listing))
    return as_list(*parts, sep="\n\n").as_html()


def schedule_line(schedule: FollowupSchedule, tr: Translator) -> str:
    """When the anchor's follow-ups go out (plain text: the spec is the admin's own typing)."""
    return tr("anchor_schedule_own" if schedule.custom else "anchor_schedule_default", spec=schedule.spec,
              zone=schedule.zone)


def editor_keyboard(draft: AnchorDraft, index: int, tr: Translator) -> InlineKeyboardMarkup:
    total = len(draft.themes)
    index = index % total
    kb = InlineKeyboardBuilder()
    kb.button(text="◀", callback_data=AnchorEdit(act="show", p=draft.id, i=(index - 1) % total))
    kb.button(text=f"{index + 1}/{total}", callback_data=AnchorEdit(act="show", p=draft.id, i=index))
    kb.button(text="▶", callback_data=AnchorEdit(act="show", p=draft.id, i=(index + 1) % total))
    kb.button(text=tr("anchor_btn_rename"), callback_data=AnchorEdit(act="rename", p=draft.id, i=index))
    kb.button(text=tr("anchor_btn_drop"), callback_data=AnchorEdit(act="drop", p=draft.id, i=index))
    if total > 1:
        kb.button(text=tr("anchor_btn_merge"), callback_data=AnchorEdit(act="merge", p=draft.id, i=index))
    kb.button(text=tr("anchor_btn_schedule"), callback_data=AnchorEdit(act="sched", p=draft.id, i=index))
    kb.button(text=tr("anchor_btn_confirm"), callback_data=AnchorEdit(act="ok", p=draft.id))
    kb.button(text=tr("anchor_btn_cancel"), callback_data=AnchorEdit(act="cancel", p=draft.id))
    kb.adjust(3, 3 if total > 1 else 2, 1, 2)
    return kb.as_markup()


def merge_keyboard(draft: AnchorDraft, index: int, tr: Translator) -> InlineKeyboardMarkup:
    """One button per other theme: pressing it merges that theme into theme `index`."""
    kb = InlineKeyboardBuilder()
    for k, theme in enumerate(draft.themes):
        if k != index:
            kb.button(text=clip(f"{theme.emoji} {theme.title}", 60),
                      callback_data=AnchorEdit(act="into", p=draft.id, i=index, j=k))
    kb.button(text=tr("anchor_btn_back"), callback_data=AnchorEdit(act="show", p=draft.id, i=index))
    kb.adjust(1)
    return kb.as_markup()


def confirmed(anchor: NewAnchor, tr: Translator) -> str:
    items = [Text("• ", theme_label(t, tr), " — ", Code(t.slug)) for t in anchor.themes]
    return as_list(as_list(Text(tr("anchor_confirmed", title=clip(anchor.title, 120), count=len(anchor.themes))), *items),
                   Text(tr("anchor_confirmed_note")), Text(schedule_line(anchor.schedule, tr)), sep="\n\n").as_html()


def ask_schedule(draft: AnchorDraft, default: str, tr: Translator) -> str:
    return tr("anchor_ask_schedule", zone=escape(draft.schedule.zone), default=escape(default))


def schedules(followups: tuple[FollowupOutlook, ...], zone: str, tr: Translator) -> str:
    """/followup_schedule: every anchor's schedule and its next follow-up, then how to change one."""
    items = [Text("• ", clip(f.anchor.title, 80), " — ", Code(f.anchor.slug), ": ", f.schedule,
                  "" if f.custom else " (FOLLOWUP_CRON)", "; ",
                  tr("followup_schedule_next", date=format_datetime(f.next, zone)) if f.next
                  else tr("followup_schedule_never")) for f in followups]
    listing = as_list(Bold(tr("followup_schedules", zone=zone)), *items).as_html()
    return f"{listing}\n\n{tr('followup_schedule_usage')}"  # the usage line is catalog HTML


def rescheduled(done: Rescheduled, tr: Translator) -> str:
    schedule = done.schedule
    date = format_datetime(done.next, schedule.zone) if done.next else tr("followup_schedule_never")
    return tr("followup_schedule_set", title=escape(clip(done.title, 120)), spec=escape(schedule.spec),
              zone=escape(schedule.zone), date=date)
