""".opml documents sent by an admin (preview → Import / Cancel) and the "Export OPML" button of
/sources. Admins only; the logic is in bot.services.source_lists.SourceLists."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Translator
from bot.services.source_lists import MAX_BYTES, ImportPlan, ImportResult, SourceLists
from bot.telegram.render import clip, plain

SHOWN = 15  # feeds listed per group in a preview; the counts cover all of them


class OpmlAction(CallbackData, prefix="op"):
    action: str  # export | import | cancel


def export_button(tr: Translator) -> InlineKeyboardMarkup:
    """Under the /sources list."""
    kb = InlineKeyboardBuilder()
    kb.button(text=tr("opml_export_button"), callback_data=OpmlAction(action="export"))
    return kb.as_markup()


def _is_opml(message: Message) -> bool:
    document = message.document
    if document is None:
        return False
    return (document.file_name or "").lower().endswith(".opml") or (document.mime_type or "") in (
        "text/x-opml", "text/x-opml+xml", "application/xml+opml")


def _lines(title: str, items: list[str]) -> list[str]:
    shown = items[:SHOWN]
    more = [f"… +{len(items) - SHOWN}"] if len(items) > SHOWN else []
    return [title, *shown, *more] if items else []


def _preview(plan: ImportPlan, tr: Translator) -> str:
    head = tr("opml_preview", new=len(plan.new), existing=len(plan.existing), refused=len(plan.refused))
    blocks = [head]
    blocks += _lines(tr("opml_new_header"), [f"+ {plain(clip(c.title, 60))} — {plain(c.url)}" for c in plan.new])
    blocks += _lines(tr("opml_refused_header"),
                     [f"✗ {plain(clip(c.url, 80))} — {tr(c.refused or '')}" for c in plan.refused])
    if not plan.new:
        blocks.append(tr("opml_nothing_new"))
    return "\n".join(blocks)


def _result(result: ImportResult, tr: Translator) -> str:
    lines = [tr("opml_done", added=len(result.added), failed=len(result.failed))]
    lines += [f"✗ {plain(c.url)} — {plain(clip(reason, 160))}" for c, reason in result.failed[:SHOWN]]
    lines.append(tr("opml_done_hint"))
    return "\n".join(lines)


async def opml_file(message: Message, bot: Bot, tr: Translator, source_lists: SourceLists) -> None:
    document = message.document
    assert document is not None
    if (document.file_size or 0) > MAX_BYTES:
        await message.answer(tr("opml_too_big"))
        return
    content = await bot.download(document)
    assert content is not None
    plan = await source_lists.preview(content.read())
    kb = InlineKeyboardBuilder()
    if plan.new:
        kb.button(text=tr("opml_import_button", count=len(plan.new)), callback_data=OpmlAction(action="import"))
    kb.button(text=tr("opml_cancel_button"), callback_data=OpmlAction(action="cancel"))
    shown = await message.answer(_preview(plan, tr), reply_markup=kb.as_markup(), disable_web_page_preview=True)
    source_lists.hold(shown.chat.id, shown.message_id, plan)


async def opml_action(query: CallbackQuery, callback_data: OpmlAction, tr: Translator, source_lists: SourceLists) -> None:
    message = query.message
    if not isinstance(message, Message):
        await query.answer()
        return
    if callback_data.action == "export":
        content, count = await source_lists.export(query.from_user.id)
        await query.answer()
        await message.answer_document(BufferedInputFile(content, filename="zen-digest-sources.opml"),
                                      caption=tr("opml_exported", count=count))
        return
    plan = source_lists.take(message.chat.id, message.message_id)
    if plan is None:
        await query.answer(tr("opml_expired"), show_alert=True)
        await message.edit_reply_markup(reply_markup=None)
        return
    if callback_data.action == "cancel":
        await query.answer(tr("opml_cancelled"))
        await message.edit_text(tr("opml_cancelled"))
        return
    await query.answer(tr("opml_importing"))
    await message.edit_text(tr("opml_importing"))
    result = await source_lists.apply(plan, query.from_user.id)
    await message.edit_text(_result(result, tr), disable_web_page_preview=True)


def make_router() -> Router:
    router = Router(name="admin_opml")
    router.message.register(opml_file, _is_opml)
    router.callback_query.register(opml_action, OpmlAction.filter())
    return router
