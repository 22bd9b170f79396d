"""Word filters in /settings: the list with ✖ buttons, "➕" then typing adds, and the typed
`/settings mute WORD` / `/settings only WORD`. Also what every subscription handler needs to know
about forum topics (which subscription a message belongs to)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Translator
from bot.services.subscriptions import Subscription, Subscriptions
from bot.services.word_filters import WordFilter, WordFilters
from bot.telegram.permissions import ChatAdmins
from bot.telegram.render import plain
from handlers.settings_kb import Setting, WordFilterAction

TYPED = {"mute": "mute", "скрыть": "mute", "only": "only", "только": "only"}


class FilterForm(StatesGroup):
    typing = State()


def topic_of(message: Message) -> int:
    """The forum topic a message is in (0: the chat itself, or a forum's General topic)."""
    return (message.message_thread_id or 0) if message.is_topic_message else 0


def _screen(filters: list[WordFilter], tr: Translator) -> tuple[str, InlineKeyboardMarkup]:
    lines = [f"<b>{tr('filters_title')}</b>"]
    for kind, header in (("mute", "filters_mute_header"), ("only", "filters_only_header")):
        words = [plain(f.phrase) for f in filters if f.kind == kind]
        if words:
            lines.append(f"{tr(header)} {', '.join(words)}")
    if not filters:
        lines.append(tr("filters_none"))
    lines.append(f"<i>{tr('filters_hint')}</i>")
    kb = InlineKeyboardBuilder()
    for index, f in enumerate(filters):
        kb.button(text=f"✖ {'🔇' if f.kind == 'mute' else '✅'} {f.phrase}", callback_data=WordFilterAction(a="x", i=index))
    kb.button(text=tr("btn_filter_add_mute"), callback_data=WordFilterAction(a="mute"))
    kb.button(text=tr("btn_filter_add_only"), callback_data=WordFilterAction(a="only"))
    kb.button(text=tr("btn_back"), callback_data=Setting(f="menu"))
    kb.adjust(*([2] * ((len(filters) + 1) // 2)), 2, 1)
    return "\n".join(lines), kb.as_markup()


async def allowed(message: Message, bot: Bot, admins: ChatAdmins, user_id: int | None) -> bool:
    """In a group, subscription settings are its admins' (anyone's in a private chat)."""
    return user_id is not None and await admins.can_manage(bot, message.chat.id, message.chat.type, user_id)


async def pressed(query: CallbackQuery, bot: Bot, tr: Translator, subscriptions: Subscriptions,
                  admins: ChatAdmins) -> tuple[Message, Subscription] | None:
    """The settings message a button was pressed on and its active subscription (the chat's, or
    the topic's), or None after telling the presser why not."""
    message = query.message
    if not isinstance(message, Message):
        await query.answer(tr("stale_button"), show_alert=True)
        return None
    if not await allowed(message, bot, admins, query.from_user.id):
        await query.answer(tr("group_admins_only"), show_alert=True)
        return None
    sub = await subscriptions.get(message.chat.id, topic_of(message))
    if sub is None or not sub.active:
        await query.answer(tr("not_subscribed"), show_alert=True)
        return None
    return message, sub


async def add_typed(message: Message, kind: str, text: str, tr: Translator, word_filters: WordFilters) -> None:
    """`/settings mute WORD`, `/settings only WORD`, or the word typed after ➕."""
    added, state = await word_filters.add(message.chat.id, topic_of(message), kind, text)
    key = "filter_exists" if state == "exists" else f"filter_added_{added.kind}"
    text_, markup = _screen(await word_filters.of(message.chat.id, topic_of(message)), tr)
    await message.answer(tr(key, phrase=plain(added.phrase)) + "\n\n" + text_, reply_markup=markup)


async def on_filter(query: CallbackQuery, callback_data: WordFilterAction, bot: Bot, tr: Translator, state: FSMContext,
                    subscriptions: Subscriptions, word_filters: WordFilters, chat_admins: ChatAdmins) -> None:
    found = await pressed(query, bot, tr, subscriptions, chat_admins)
    if found is None:
        return
    message, sub = found
    chat_id, thread = message.chat.id, sub.thread_id
    filters = await word_filters.of(chat_id, thread)
    if callback_data.a in ("mute", "only"):
        await state.set_state(FilterForm.typing)
        await state.update_data(kind=callback_data.a)
        await query.answer()
        await message.answer(tr(f"filters_type_{callback_data.a}"))
        return
    if callback_data.a == "x":
        if not 0 <= callback_data.i < len(filters):
            await query.answer(tr("stale_button"), show_alert=True)
            return
        gone = filters[callback_data.i]
        await word_filters.remove(chat_id, thread, gone.kind, gone.phrase)
        filters = await word_filters.of(chat_id, thread)
        await query.answer(tr("filter_removed", phrase=gone.phrase))
    else:
        await query.answer()
    text, markup = _screen(filters, tr)
    await message.edit_text(text, reply_markup=markup)


async def typed_filter(message: Message, bot: Bot, tr: Translator, state: FSMContext, word_filters: WordFilters,
                       chat_admins: ChatAdmins) -> None:
    if not await allowed(message, bot, chat_admins, message.from_user and message.from_user.id):
        return
    kind = (await state.get_data()).get("kind", "mute")
    await state.clear()
    await add_typed(message, kind, message.text or "", tr, word_filters)


def make_router() -> Router:
    router = Router(name="word_filters")
    router.callback_query.register(on_filter, WordFilterAction.filter())
    router.message.register(typed_filter, StateFilter(FilterForm.typing), F.text, ~F.text.startswith("/"))
    return router
