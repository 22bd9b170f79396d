"""Everything that leaves the bot: pacing and error classes (Throttle), message shape (Sender,
split_html) and durable fan-out (Outbox). See each module for the why."""

from bot.delivery.limiter import RateLimits
from bot.delivery.outbox import Enqueued, JobProgress, Outbox, OutboxItem
from bot.delivery.sender import SendResult, Sender
from bot.delivery.split import plain_text, split_html, visible_length
from bot.delivery.throttle import RetryPolicy, Throttle, bulk, delivery_context

__all__ = [
    "Enqueued", "JobProgress", "Outbox", "OutboxItem", "RateLimits", "RetryPolicy", "SendResult",
    "Sender", "Throttle", "bulk", "delivery_context", "plain_text", "split_html", "visible_length",
]
