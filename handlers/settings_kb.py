"""The /settings keyboard: one CallbackData factory, one screen per setting, edited in place."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Translator
from bot.services.subscriptions import COMMON_ZONES, FREQUENCIES, Subscription
from bot.services.themes import Theme
from bot.telegram.render import theme_label
from bot.zones import zone_label


class Setting(CallbackData, prefix="st"):
    """f: screen or field (menu, fr, wd, hr, tz, tzt, th, tha, fu); v: the value, short."""

    f: str
    v: str = ""


class WordFilterAction(CallbackData, prefix="wf"):
    """The word-filter screen of /settings (handlers/word_filters.py)."""

    a: str  # open | mute | only (start typing) | x (remove)
    i: int = -1  # the filter's position, for x


def _mark(on: bool, text: str) -> str:
    return f"✅ {text}" if on else text


def _back(kb: InlineKeyboardBuilder, tr: Translator) -> None:
    kb.button(text=tr("btn_back"), callback_data=Setting(f="menu"))


def menu(sub: Subscription, tr: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=tr("btn_frequency"), callback_data=Setting(f="menu", v="fr"))
    kb.button(text=tr("btn_hour"), callback_data=Setting(f="menu", v="hr"))
    kb.button(text=tr("btn_zone"), callback_data=Setting(f="menu", v="tz"))
    kb.button(text=tr("btn_themes"), callback_data=Setting(f="menu", v="th"))
    kb.button(text=tr("btn_followups_on" if sub.followups else "btn_followups_off"),
              callback_data=Setting(f="fu", v="0" if sub.followups else "1"))
    kb.button(text=tr("btn_filters"), callback_data=WordFilterAction(a="open"))
    kb.adjust(2, 2, 1, 1)
    return kb.as_markup()


def screen(name: str, sub: Subscription, themes: list[Theme], tr: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    if name == "fr":
        for value in FREQUENCIES:
            kb.button(text=_mark(sub.frequency == value, tr(f"freq_{value}")), callback_data=Setting(f="fr", v=value))
        kb.adjust(3)
    elif name == "wd":
        for day in range(7):
            kb.button(text=_mark(sub.weekday == day, tr(f"weekday_{day}")), callback_data=Setting(f="wd", v=str(day)))
        kb.adjust(7)
    elif name == "hr":
        for hour in range(24):
            kb.button(text=_mark(sub.hour == hour, f"{hour:02d}"), callback_data=Setting(f="hr", v=str(hour)))
        kb.adjust(6)
    elif name == "tz":
        for i, zone in enumerate(COMMON_ZONES):
            kb.button(text=_mark(sub.timezone == zone, zone_label(zone, tr.language)), callback_data=Setting(f="tz", v=str(i)))
        kb.button(text=tr("btn_zone_type"), callback_data=Setting(f="tzt"))
        kb.adjust(2)
    elif name == "th":
        for i, theme in enumerate(themes):
            kb.button(text=_mark(sub.wants(theme.slug), theme_label(theme, tr)), callback_data=Setting(f="th", v=str(i)))
        kb.button(text=_mark(sub.themes is None, tr("btn_all_themes")), callback_data=Setting(f="tha"))
        kb.adjust(1)
    rows = kb.export()
    back = InlineKeyboardBuilder()
    _back(back, tr)
    return InlineKeyboardMarkup(inline_keyboard=rows + back.export())
