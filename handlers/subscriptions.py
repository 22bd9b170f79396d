"""/subscribe, /unsubscribe, /settings (buttons, plus a typed IANA zone) and /digest."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.delivery import Sender
from bot.digests.service import Digests
from bot.i18n import Translator
from bot.numbers import parse_int
from bot.services.subscriptions import COMMON_ZONES, SettingError, Subscription, Subscriptions
from bot.services.themes import Theme, Themes
from bot.services.word_filters import WordFilters
from bot.telegram import render
from bot.telegram.permissions import ChatAdmins
from handlers import settings_kb
from handlers.errors import delivered
from handlers.settings_kb import Setting
from handlers.word_filters import TYPED as FILTER_WORDS
from handlers.word_filters import add_typed, pressed, topic_of
from handlers.word_filters import allowed as _allowed


class ZoneForm(StatesGroup):
    typing = State()


async def _show(message: Message, sub: Subscription, tr: Translator, themes: Themes, *, edit: bool,
                screen: str = "menu", sender: Sender | None = None, subscriptions: Subscriptions | None = None) -> None:
    """Send the settings screen, or (``edit``) show it in place through the sender's coalesced
    edits, rendered from the stored settings when the edit is made: rapid taps on one keyboard
    end with its last state, not one paced edit per tap."""
    if not edit:
        catalog = await themes.catalog()
        await message.answer(render.subscription(sub, catalog, tr), reply_markup=_markup(screen, sub, catalog, tr))
        return
    assert sender is not None and subscriptions is not None

    async def current() -> tuple[str, InlineKeyboardMarkup]:
        now = await subscriptions.get(message.chat.id, sub.thread_id) or sub
        catalog = await themes.catalog()
        return render.subscription(now, catalog, tr), _markup(screen, now, catalog, tr)

    await sender.show_latest(message.chat.id, message.message_id, current)


def _markup(screen: str, sub: Subscription, themes: list[Theme], tr: Translator) -> InlineKeyboardMarkup:
    return settings_kb.menu(sub, tr) if screen == "menu" else settings_kb.screen(screen, sub, themes, tr)


async def subscribe(message: Message, bot: Bot, tr: Translator, subscriptions: Subscriptions, themes: Themes,
                    chat_admins: ChatAdmins) -> None:
    if not await _allowed(message, bot, chat_admins, message.from_user and message.from_user.id):
        await message.answer(tr("group_admins_only"))
        return
    sub, state = await subscriptions.subscribe(message.chat.id, topic_of(message))
    summary = render.plain(render.subscription_summary(sub, await themes.catalog(), tr))
    await message.answer(tr(f"subscribed_{state}", summary=summary))
    if sub.thread_id:
        await message.answer(tr("topic_subscribed"))
    await _show(message, sub, tr, themes, edit=False)


async def unsubscribe(message: Message, bot: Bot, tr: Translator, subscriptions: Subscriptions,
                      chat_admins: ChatAdmins) -> None:
    if not await _allowed(message, bot, chat_admins, message.from_user and message.from_user.id):
        await message.answer(tr("group_admins_only"))
        return
    done = await subscriptions.unsubscribe(message.chat.id, topic_of(message))
    await message.answer(tr("unsubscribed" if done else "not_subscribed"))


TYPED_HOUR = ("hour", "час")
TYPED_ZONE = ("tz", "zone", "пояс")


async def settings(message: Message, command: CommandObject, bot: Bot, tr: Translator, subscriptions: Subscriptions,
                   word_filters: WordFilters, themes: Themes, chat_admins: ChatAdmins) -> None:
    """Buttons for everything; `/settings hour 7`, `/settings tz Asia/Almaty`, `/settings mute WORD`
    and `/settings only WORD` for those who type. In a forum topic: that topic's subscription."""
    sub = await subscriptions.get(message.chat.id, topic_of(message))
    if sub is None or not sub.active:
        await message.answer(tr("not_subscribed"))
        return
    words = (command.args or "").split(maxsplit=1)
    if words and words[0].lower() in FILTER_WORDS:
        if not await _allowed(message, bot, chat_admins, message.from_user and message.from_user.id):
            await message.answer(tr("group_admins_only"))
            return
        await add_typed(message, FILTER_WORDS[words[0].lower()], words[1] if len(words) > 1 else "", tr, word_filters)
        return
    if words:
        name = words[0].lower()
        if name not in TYPED_HOUR + TYPED_ZONE or len(words) < 2:
            await message.answer(tr("settings_typed_usage"))
            return
        if not await _allowed(message, bot, chat_admins, message.from_user and message.from_user.id):
            await message.answer(tr("group_admins_only"))
            return
        chat_id, thread, typed = message.chat.id, topic_of(message), words[1].strip()
        if name in TYPED_ZONE:
            sub = await subscriptions.set_zone(chat_id, typed, thread)
        else:
            hour = parse_int(typed)
            sub = await subscriptions.set_hour(chat_id, hour if hour is not None else render.clip(typed, 20), thread)
    await _show(message, sub, tr, themes, edit=False)


async def digest(message: Message, tr: Translator, digests: Digests, sender: Sender) -> None:
    thread = topic_of(message)
    html, since = await digests.on_demand(message.chat.id, tr.language, thread)
    if html is None:
        await message.answer(tr("digest_nothing", date=render.format_date(since, tr)))
        return
    delivered(await sender.send(message.chat.id, html, link_preview=False,  # a full week can exceed one message
                                thread_id=thread or None))


async def _press(data: Setting, subscriptions: Subscriptions, themes: Themes, chat_id: int,
                 thread: int) -> tuple[Subscription, str]:
    """A settings button → its change, and the screen to show next: weekly needs a weekday next,
    a theme toggle keeps the theme screen, the rest go back to the menu. Anything unexpected is a
    stale or forged button."""
    number = parse_int(data.v)
    if data.f == "fr":
        return await subscriptions.set_frequency(chat_id, data.v, thread), "wd" if data.v == "weekly" else "menu"
    if data.f == "wd" and number is not None:
        return await subscriptions.set_weekday(chat_id, number, thread), "menu"
    if data.f == "hr" and number is not None:
        return await subscriptions.set_hour(chat_id, number, thread), "menu"
    if data.f == "tz" and number is not None and 0 <= number < len(COMMON_ZONES):
        return await subscriptions.set_zone(chat_id, COMMON_ZONES[number], thread), "menu"
    if data.f == "fu":
        return await subscriptions.set_followups(chat_id, data.v == "1", thread), "menu"
    if data.f == "tha":
        return await subscriptions.set_all_themes(chat_id, thread), "th"
    catalog = await themes.catalog() if data.f == "th" else []
    if number is not None and 0 <= number < len(catalog):  # the button names the theme by its place
        return await subscriptions.flip_theme(chat_id, catalog[number].slug, thread), "th"
    raise SettingError("stale_button")


async def on_setting(query: CallbackQuery, callback_data: Setting, bot: Bot, tr: Translator, state: FSMContext,
                     subscriptions: Subscriptions, themes: Themes, chat_admins: ChatAdmins, sender: Sender) -> None:
    """The press is answered as soon as its outcome is known, before the (paced) edit."""
    found = await pressed(query, bot, tr, subscriptions, chat_admins)
    if found is None:
        return
    message, sub = found
    if callback_data.f == "menu":
        await query.answer()
        await _show(message, sub, tr, themes, edit=True, screen=callback_data.v or "menu", sender=sender,
                    subscriptions=subscriptions)
        return
    if callback_data.f == "tzt":
        await state.set_state(ZoneForm.typing)
        await query.answer()
        await message.answer(tr("settings_type_zone"))
        return
    sub, next_screen = await _press(callback_data, subscriptions, themes, message.chat.id, sub.thread_id)
    await query.answer(tr("saved"))
    await _show(message, sub, tr, themes, edit=True, screen=next_screen, sender=sender, subscriptions=subscriptions)


async def typed_zone(message: Message, bot: Bot, tr: Translator, state: FSMContext, subscriptions: Subscriptions,
                     themes: Themes, chat_admins: ChatAdmins) -> None:
    if not await _allowed(message, bot, chat_admins, message.from_user and message.from_user.id):
        return
    sub = await subscriptions.set_zone(message.chat.id, message.text or "", topic_of(message))
    await state.clear()
    await _show(message, sub, tr, themes, edit=False)


def make_router() -> Router:
    router = Router(name="subscriptions")
    router.message.register(subscribe, Command("subscribe"))
    router.message.register(unsubscribe, Command("unsubscribe"))
    router.message.register(settings, Command("settings"))
    router.message.register(digest, Command("digest"))
    router.callback_query.register(on_setting, Setting.filter())
    router.message.register(typed_zone, StateFilter(ZoneForm.typing), F.text, ~F.text.startswith("/"))
    return router
