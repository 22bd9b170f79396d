"""Loopback Telegram Bot API sandbox for running the real aiogram bot without Telegram.

Used by the token-less ``run`` command, the scripted demo, the test-suite and benchmarks::

    async with Sandbox() as sb:
        bot = sb.make_bot()                    # or Bot(..., session=AiohttpSession(
                                               #   api=TelegramAPIServer.from_base(sb.base_url)))
        reply = await sb.ask("/start", user_id=1)
"""

from .client import SandboxSession, make_bot
from .core import SANDBOX_TOKEN
from .errors import ApiError
from .interact import CLICK_METHODS, DEFAULT_METHODS
from .limits import SandboxLimits
from .models import CallRecord, SentMessage
from .sandbox import Sandbox

__all__ = [
    "CLICK_METHODS",
    "DEFAULT_METHODS",
    "SANDBOX_TOKEN",
    "ApiError",
    "CallRecord",
    "Sandbox",
    "SandboxLimits",
    "SandboxSession",
    "SentMessage",
    "make_bot",
]
