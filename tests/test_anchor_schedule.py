"""Each anchor's own follow-up schedule (issue 18), end to end on the sandbox: an admin picks it
while confirming a new anchor or changes it later with /followup_schedule; each anchor's follow-up
then goes to the channel at its own slots, the others' untouched; a bad schedule is refused in
the admin's language with nothing changed; a restart keeps it."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from bot.app.local import SANDBOX_CHANNEL_ID, LocalBot
from bot.clock import FrozenClock
from bot.sandbox import Sandbox
from storage import audit as audit_sql
from tests.anchor_article import TITLE
from tests.articles import CORRIDOR
from tests.conftest import ADMIN_ID, READER_ID, make_settings
from tests.sources.conftest import LoopbackServer, server  # noqa: F401 - the loopback site fixture
from tests.test_admin_anchor import START, _press, _say, app, clock  # noqa: F401 - the bot with /uz-eu-2026

THURSDAY = datetime(2026, 3, 12, 6, 0, tzinfo=timezone.utc)  # 09:00 Moscow: the new anchor's "thu 09:00"
MONDAY = datetime(2026, 3, 16, 7, 0, tzinfo=timezone.utc)  # 10:00 Moscow: FOLLOWUP_CRON, the December anchor's
NEXT_THURSDAY = datetime(2026, 3, 19, 6, 0, tzinfo=timezone.utc)
ENERGY = ("Под Самаркандом построят солнечную электростанцию",
          "Европейские компании построят в Узбекистане солнечные и ветровые электростанции. Зелёный водород с этих "
          "станций будут экспортировать в Европу по трубопроводу через Каспий.")
HYDROGEN = ("Первый танкер с зелёным водородом из Узбекистана",
            "Зелёный водород с солнечных станций Узбекистана впервые отправлен в Европу через Каспий. Европейские "
            "компании построят в Узбекистане ещё две ветровые электростанции.")
DECEMBER = "после декабрьского анализа"
OURS = f"«{TITLE}»: что изменилось после анализа"


async def _tick(app: LocalBot, clock: FrozenClock, at: datetime) -> list[str]:  # noqa: F811
    """The minutely job at `at`; what the channel has been posted so far."""
    clock.set(at)
    await app.services.digests.tick()
    await app.services.outbox.wait_idle()
    return [m.text for m in app.sandbox.messages(SANDBOX_CHANNEL_ID)]


async def _refused_schedules(app: LocalBot) -> list[str]:  # noqa: F811
    rows = await app.services.store.call(audit_sql.recent, 50)
    return [r.action for r in reversed(rows) if not r.ok and r.action.endswith(".schedule")]


async def test_an_anchor_made_with_its_own_schedule_follows_up_on_it(app: LocalBot, server: LoopbackServer,  # noqa: F811
                                                                     clock: FrozenClock) -> None:  # noqa: F811
    editor = await _say(app, f"/anchor {server.base}/uz-eu-2026", count=2)
    assert "🗓 Обзоры изменений: mon 10:00 (Europe/Moscow, FOLLOWUP_CRON)" in editor.text  # the proposed default
    ask = await _press(app, editor, "Расписание обзоров")
    assert "по времени Europe/Moscow" in ask.text and "FOLLOWUP_CRON (mon 10:00)" in ask.text
    # a schedule that is none, or that would never fire, is refused; the proposal keeps its default
    refused = await _say(app, "по четвергам <утром>")
    assert refused.text.startswith("«по четвергам <утром>» — не расписание") and "Ничего не изменено" in refused.text
    never = await _say(app, "0 9 31 2 *")
    assert "не расписание" in never.text
    chosen = await _say(app, "thu   09:00")  # still awaited after a refusal
    assert "🗓 Обзоры изменений: thu 09:00 (Europe/Moscow)" in chosen.text and "FOLLOWUP_CRON" not in chosen.text
    done = await _press(app, chosen, "Подтвердить")
    assert "теперь опорный анализ" in done.text and "thu 09:00 (Europe/Moscow)" in done.text
    assert await _refused_schedules(app) == ["anchor.schedule", "anchor.schedule"]

    listing = await _say(app, "/followup_schedule")  # where admins see each anchor's next follow-up
    december_line, ours_line = [line for line in listing.text.splitlines() if line.startswith("• ")]
    assert "kz-eu-2025: mon 10:00 (FOLLOWUP_CRON); следующий: 16.03.2026 10:00" in december_line
    assert TITLE[:40] in ours_line and ours_line.endswith(": thu 09:00; следующий: 12.03.2026 09:00")

    await app.services.articles.add(*ENERGY, kind="file")
    await app.services.articles.add(*CORRIDOR, kind="file")
    # Thursday 09:00: only the new anchor's follow-up goes out; the December one waits for Monday
    posted = await _tick(app, clock, THURSDAY)
    assert len(posted) == 1 and OURS in posted[0] and ENERGY[0] in posted[0]
    clock.set(datetime(2026, 3, 13, 12, 0, tzinfo=timezone.utc))
    await app.services.articles.add(*HYDROGEN, kind="file")  # on Friday
    # Monday 10:00: the December follow-up, with the corridor news; the new anchor's waits for Thursday
    posted = await _tick(app, clock, MONDAY)
    assert len(posted) == 2 and DECEMBER in posted[1] and CORRIDOR[0] in posted[1] and OURS not in posted[1]
    # the next Thursday: the new anchor's second follow-up, with what came since its first
    posted = await _tick(app, clock, NEXT_THURSDAY)
    assert len(posted) == 3 and OURS in posted[2] and HYDROGEN[0] in posted[2] and ENERGY[0] not in posted[2]


async def test_followup_schedule_changes_an_anchor_and_a_restart_keeps_it(sandbox: Sandbox, tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    clock = FrozenClock(START)
    async with LocalBot(settings, sandbox=sandbox, clock=clock) as local:
        listing = await _say(local, "/followup_schedule")
        assert "kz-eu-2025: mon 10:00 (FOLLOWUP_CRON); следующий: 16.03.2026 10:00" in listing.text
        assert "/followup_schedule SLUG mon 10:00" in listing.text
        refused = await _say(local, "/followup_schedule kz-eu-2025 каждую среду")
        assert "не расписание" in refused.text and "Ничего не изменено" in refused.text
        mark = sandbox.mark()
        sandbox.send_text("/followup_schedule kz-eu-2025 sometimes", user_id=ADMIN_ID, language_code="en")
        [english] = await sandbox.wait_for(ADMIN_ID, 1, after=mark)
        assert english.text.startswith("“sometimes” is not a schedule") and "Nothing was changed" in english.text
        unknown = await _say(local, "/followup_schedule nowhere wed 10:00", language_code="ru")
        assert "Опорного анализа «nowhere» нет" in unknown.text
        reader = await _say(local, "/followup_schedule kz-eu-2025 wed 10:00", user_id=READER_ID)
        assert "только для администраторов" in reader.text
        assert "(FOLLOWUP_CRON)" in (await _say(local, "/followup_schedule")).text  # nothing changed by any of it
        moved = await _say(local, "/followup_schedule kz-eu-2025 wed 10:00")
        assert "теперь выходят по расписанию wed 10:00 (Europe/Moscow); следующий: 11.03.2026 10:00" in moved.text
        assert await _refused_schedules(local) == ["followup.schedule", "followup.schedule", "followup.schedule"]
        rows = await local.services.store.call(audit_sql.recent, 1)
        assert rows[0].action == "followup.schedule" and rows[0].ok and rows[0].detail["to"] == "wed 10:00"

    async with LocalBot(settings, sandbox=sandbox, clock=clock) as local:
        listing = await _say(local, "/followup_schedule")
        assert "kz-eu-2025: wed 10:00; следующий: 11.03.2026 10:00" in listing.text
        await local.services.articles.add(*CORRIDOR, kind="file")
        posted = await _tick(local, clock, datetime(2026, 3, 11, 7, 0, tzinfo=timezone.utc))  # Wednesday 10:00
        assert len(posted) == 1 and DECEMBER in posted[0] and CORRIDOR[0] in posted[0]
        # FOLLOWUP_CRON's Monday no longer sends it; "default" brings FOLLOWUP_CRON back from then on
        assert await _tick(local, clock, MONDAY) == posted
        back = await _say(local, "/followup_schedule kz-eu-2025 default")
        assert "mon 10:00" in back.text and "следующий: 23.03.2026 10:00" in back.text
