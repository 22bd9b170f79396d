"""The admin's buttons around a post: the preview's options and confirm/cancel, and "Изменить" /
"Удалить" / the link on the published confirmation. Callback data stays far below 64 bytes."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Translator
from bot.numbers import ButtonId
from bot.posting.options import PostOptions


class PostAction(CallbackData, prefix="pa"):
    # publish | cancel | silent | pin | link_preview | protect | split_caption | buttons | edit | delete
    action: str
    post: ButtonId


def _flag(on: bool) -> str:
    return "✅" if on else "▫️"


def preview_keyboard(post_id: int, options: PostOptions, tr: Translator, *, can_split: bool,
                     publishable: bool) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    toggles = [("silent", options.silent), ("pin", options.pin), ("link_preview", options.link_preview),
               ("protect", options.protect)]
    for name, on in toggles:
        kb.button(text=f"{_flag(on)} {tr('post_opt_' + name)}", callback_data=PostAction(action=name, post=post_id))
    widths = [2, 2]
    if can_split:
        kb.button(text=f"{_flag(options.split_caption)} {tr('post_opt_split_caption')}",
                  callback_data=PostAction(action="split_caption", post=post_id))
        widths.append(1)
    kb.button(text=tr("post_opt_buttons"), callback_data=PostAction(action="buttons", post=post_id))
    widths.append(1)
    if publishable:
        kb.button(text=tr("btn_publish"), callback_data=PostAction(action="publish", post=post_id))
    kb.button(text=tr("btn_cancel"), callback_data=PostAction(action="cancel", post=post_id))
    widths.append(2 if publishable else 1)
    kb.adjust(*widths)
    return kb.as_markup()


def published_keyboard(post_id: int, link: str | None, tr: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=tr("post_btn_edit"), callback_data=PostAction(action="edit", post=post_id))
    kb.button(text=tr("post_btn_delete"), callback_data=PostAction(action="delete", post=post_id))
    if link:
        kb.button(text=tr("post_btn_open"), url=link)
    kb.adjust(2, 1)
    return kb.as_markup()
