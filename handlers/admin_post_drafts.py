"""What an admin sends or forwards to the bot in private becomes a channel draft: any medium, an
album (its items arrive as separate updates and are gathered into one draft), forwarded text.
Plain text edits the open draft — its text, or its URL buttons when every line is
"Text - https://…" — or, after "Изменить", the published post.

The router only matches for people who may post (MayPost): others fall through to the fallback.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import Message

from bot.i18n import Translator
from bot.posting import Posting, content_of, media_of, parse_buttons
from bot.posting.content import trimmed
from bot.posting.preview import show_preview
from bot.services.subscriptions import Subscriptions
from handlers.admin_post import draft_and_preview
from handlers.filters import MayPost


HAS_MEDIA = F.photo | F.video | F.animation | F.document | F.audio | F.voice


async def album_item(message: Message, tr: Translator, posting: Posting, subscriptions: Subscriptions) -> None:
    """The update that opens the album's draft shows the preview once the rest has arrived."""
    medium = media_of(message)
    assert message.from_user is not None and medium is not None and message.media_group_id is not None
    post_id, created = await posting.add_album_item(message.from_user.id, message.chat.id,
                                                    message.media_group_id, medium, message.message_id)
    if created:
        draft = await posting.album_complete(post_id)
        zone = await subscriptions.zone_of(message.chat.id)
        await show_preview(posting, draft, message.chat.id, tr, zone)


async def whole_message(message: Message, tr: Translator, posting: Posting, subscriptions: Subscriptions) -> None:
    content = content_of(message)
    if content is None:
        await message.answer(tr("post_unsupported"))
        return
    await draft_and_preview(message, content, tr, posting, subscriptions)


async def text(message: Message, tr: Translator, posting: Posting, subscriptions: Subscriptions) -> None:
    assert message.from_user is not None
    admin = message.from_user.id
    content = content_of(message)
    assert content is not None
    published = await posting.pending_edit(admin)
    if published is not None:
        await posting.edit_published(published.id, admin, trimmed(content.text, content.entities))
        await message.answer(tr("post_edited", id=published.id))
        return
    draft = await posting.open_draft(admin)
    if draft is None:
        await message.answer(tr("not_a_command"))
        return
    buttons = parse_buttons(message.text or "")
    if buttons:
        draft = await posting.set_buttons(draft, admin, buttons)
    else:
        draft = await posting.replace_text(draft, admin, content)
    await show_preview(posting, draft, message.chat.id, tr, await subscriptions.zone_of(message.chat.id))


def make_router() -> Router:
    router = Router(name="admin_drafts")
    router.message.filter(F.chat.type == "private", MayPost())
    router.message.register(album_item, F.media_group_id, HAS_MEDIA)
    router.message.register(whole_message, F.forward_origin | HAS_MEDIA)
    router.message.register(text, F.text, ~F.text.startswith("/"))
    return router
