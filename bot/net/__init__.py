"""Outbound HTTP: the guarded fetcher every module uses (see ``bot.net.http``)."""

from bot.net.errors import BlockedAddressError, FetchError
from bot.net.http import FetchResult, HttpFetcher

__all__ = ["BlockedAddressError", "FetchError", "FetchResult", "HttpFetcher"]
