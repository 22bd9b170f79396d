"""Configuration from environment variables and `.env` (names fixed by PRODUCT.md)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from typing_extensions import Annotated

from bot.numbers import parse_int
from bot.schedule import checked_cron


class Settings(BaseSettings):
    """Every knob a deployment turns; unknown variables are ignored so a shared `.env` is fine."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: str | None = None
    telegram_api_url: str = "https://api.telegram.org"
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    channel_id: str | None = None
    database_path: Path = Path("./data/zendigest.sqlite3")
    timezone: str = "Europe/Moscow"
    fetch_allow_private: bool = False
    dzen_base_url: str = "https://dzen.ru"
    telegram_web_url: str = "https://t.me"
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_model: str | None = None
    # Whole request, seconds: a reader's /summary must stay snappy (tests set a short one).
    llm_timeout: float = Field(default=4.0, gt=0)
    webhook_url: str | None = None
    webhook_secret: str | None = None
    web_host: str = "0.0.0.0"
    web_port: int | None = None
    # Delivery limits: Telegram's published values by default.
    rate_global_per_sec: float = Field(default=30.0, gt=0)
    rate_private_per_sec: float = Field(default=1.0, gt=0)
    rate_group_per_min: float = Field(default=20.0, gt=0)
    # Broadcasts and digests sent with allow_paid_broadcast (up to 1000 msg/s, paid in Stars).
    paid_broadcast: bool = False
    followup_cron: str = "mon 10:00"
    # Let the channel's own administrators (getChatMember on CHANNEL_ID) use the posting commands.
    channel_admins_post: bool = False
    log_format: str = Field(default="text", pattern="^(text|json)$")

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_ids(cls, value: object) -> frozenset[int]:
        """Accept "1, 2,3" as users write it in `.env`, as well as a JSON-ish list."""
        if value is None or value == "":
            return frozenset()
        if isinstance(value, (int, str)):
            parts = str(value).replace(";", ",").split(",")
            try:
                return frozenset(int(p.strip()) for p in parts if p.strip())
            except ValueError as exc:
                raise ValueError(f"ADMIN_IDS must be comma-separated numeric ids, got {value!r}") from exc
        return frozenset(int(v) for v in value)  # type: ignore[union-attr]

    @field_validator("timezone")
    @classmethod
    def _check_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"TIMEZONE {value!r} is not an IANA time zone") from exc
        return value

    @field_validator("followup_cron")
    @classmethod
    def _check_cron(cls, value: str) -> str:
        """A schedule that does not parse (or never fires) is a configuration error at start, not a
        traceback in the first digest tick."""
        try:
            return checked_cron(value, "UTC", datetime.now(timezone.utc))
        except ValueError as exc:
            raise ValueError(f"FOLLOWUP_CRON {value!r} is not 'mon 10:00' or a crontab line ({exc})") from exc

    @field_validator("bot_token", "channel_id", "llm_base_url", "webhook_url", "webhook_secret", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def sandbox_mode(self) -> bool:
        return not self.bot_token

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admin_ids

    @property
    def channel_chat_id(self) -> int | str | None:
        """CHANNEL_ID as the Bot API wants it: a number, or an @username."""
        return chat_ref(self.channel_id) if self.channel_id else None


def chat_ref(value: str) -> int | str:
    """A chat as the Bot API wants it: a numeric id, or an @username (CHANNEL_ID, stored targets)."""
    value = value.strip()
    number = parse_int(value)
    if number is not None:
        return number
    return value if value.startswith("@") else f"@{value}"
