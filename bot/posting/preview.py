"""What the admin sees of a draft: the post itself, sent by the same code that publishes it, then
a control message with the options as buttons, the limits it breaks and Publish / Cancel.

The control message is separate because an album cannot carry buttons and a caption has no room
for a header; it is the message whose id the draft remembers, so option toggles edit it in place.
"""

from __future__ import annotations

import contextlib
from html import escape

from aiogram.exceptions import TelegramAPIError

from bot.i18n import Translator
from bot.posting.markup import preview_keyboard
from bot.posting.service import Post, Posting
from bot.telegram.render import clip, format_datetime
from bot.zones import zone_label


def control_text(post: Post, tr: Translator, zone: str) -> str:
    target = escape(post.target, quote=False)
    if post.scheduled_at is not None:
        head = tr("schedule_preview", target=target, when=format_datetime(post.scheduled_at, zone),
                  zone=escape(zone_label(zone, tr.language), quote=False))
    else:
        head = tr("post_preview", target=target)
    lines = [f"{head} #{post.id}"]
    if post.options.buttons:
        lines.append(tr("post_buttons_count", count=sum(len(row) for row in post.options.buttons)))
    for problem in post.content.problems(post.options.split_caption):
        lines.append("⚠️ " + tr(problem.key, **{k: escape(str(v), quote=False) for k, v in problem.params.items()}))
    if post.content.can_split() and not post.options.split_caption:
        lines.append(tr("post_split_offer"))
    if post.content.is_album and post.options.buttons:
        lines.append("⚠️ " + tr("post_album_no_buttons"))
    lines.append(tr("post_buttons_hint"))
    return "\n".join(lines)


def _publishable(post: Post) -> bool:
    return not post.content.problems(post.options.split_caption) and not (post.content.is_album and post.options.buttons)


async def show_preview(posting: Posting, post: Post, chat_id: int, tr: Translator, zone: str) -> None:
    """Render the post for the admin, then the control message; an older preview loses its buttons."""
    if post.preview_message_id:
        with contextlib.suppress(TelegramAPIError):
            await posting.sender.bot.edit_message_reply_markup(chat_id=chat_id, message_id=post.preview_message_id,
                                                               reply_markup=None)
    rendered = await posting.publisher.send(chat_id, post.content, post.options, preview=True)
    text = control_text(post, tr, zone)
    if not rendered.ok:
        text += "\n⚠️ " + tr("post_preview_failed", error=escape(rendered.error or "?", quote=False))
    sent = await posting.sender.send(chat_id, text, reply_markup=preview_keyboard(
        post.id, post.options, tr, can_split=post.content.can_split(), publishable=_publishable(post) and rendered.ok))
    if sent.message_ids:
        await posting.set_preview(post.id, sent.message_ids[-1])


async def refresh_control(posting: Posting, post: Post, tr: Translator, zone: str) -> None:
    """After an option toggle: the control message shows the new state."""
    if post.preview_message_id:
        await posting.sender.edit(post.chat_id, post.preview_message_id, control_text(post, tr, zone),
                                  reply_markup=preview_keyboard(post.id, post.options, tr,
                                                                can_split=post.content.can_split(),
                                                                publishable=_publishable(post)))


def queue_text(posts: list[Post], zone: str, tr: Translator) -> str:
    if not posts:
        return tr("queue_empty")
    lines = [f"<b>{tr('queue_header', zone=escape(zone_label(zone, tr.language), quote=False))}</b>"]
    for post in posts:
        when = format_datetime(post.scheduled_at, zone) if post.scheduled_at else tr("post_queue_now")
        label = clip(post.content.caption[0], 80) or tr(f"post_kind_{post.content.label}")
        lines.append(f"#{post.id} · {when} · {escape(label, quote=False)}")
    lines.append(f"<i>{tr('queue_hint')}</i>")
    return "\n".join(lines)
