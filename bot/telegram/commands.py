"""The command registry: one list drives /help, setMyCommands and the unknown-command answer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str
    args: str = ""
    admin: bool = False


COMMANDS: tuple[Command, ...] = (
    Command("start"),
    Command("help"),
    Command("latest"),
    Command("summary", "[ID|URL]"),
    Command("themes"),
    Command("theme", "SLUG"),
    Command("search", "QUERY"),
    Command("digest"),
    Command("subscribe"),
    Command("unsubscribe"),
    Command("settings"),
    Command("post", "TEXT", admin=True),
    Command("schedule", "YYYY-MM-DD HH:MM TEXT", admin=True),
    Command("queue", admin=True),
    Command("cancel", "ID", admin=True),
    Command("edit", "ID TEXT", admin=True),
    Command("delete", "ID", admin=True),
    Command("ingest", "URL", admin=True),
    Command("sources", admin=True),
    Command("addsource", "URL", admin=True),
    Command("delsource", "ID", admin=True),
    Command("followup", admin=True),
    Command("anchor", "URL", admin=True),
    Command("followup_schedule", "[SLUG SPEC]", admin=True),
    Command("stats", admin=True),
    Command("audit", admin=True),
    Command("broadcast", "TEXT", admin=True),
)


def reader_commands() -> list[Command]:
    return [c for c in COMMANDS if not c.admin]


def admin_commands() -> list[Command]:
    return [c for c in COMMANDS if c.admin]


def known(name: str) -> bool:
    return any(c.name == name for c in COMMANDS)
