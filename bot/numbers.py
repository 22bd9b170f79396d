"""Numbers people type and buttons carry: one reading of an id for every command and button.

`str.isdigit()` is the wrong test: it accepts "²" and "①", which `int()` then refuses, and it
puts no bound on length, so 25 typed digits reach SQLite, whose INTEGER holds 19 (an
OverflowError, not a "no such id"). Every id goes through `parse_id`; every id in a button's
payload is typed `ButtonId`, so a forged 20-digit id does not even match the button's handler.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field

# Ids are SQLite rowids: positive and below 2**63. Eighteen digits stay below that bound; nothing
# the bot numbers gets near it.
MAX_ID_DIGITS = 18
MAX_ID = 10**MAX_ID_DIGITS - 1
_ASCII_NUMBER = re.compile(r"-?[0-9]{1,%d}" % MAX_ID_DIGITS)

ButtonId = Annotated[int, Field(ge=0, le=MAX_ID)]


def parse_int(text: str | None) -> int | None:
    """An optionally signed whole number in ASCII digits, at most 18 of them; None otherwise."""
    text = (text or "").strip()
    return int(text) if _ASCII_NUMBER.fullmatch(text) else None


def parse_id(text: str | None) -> int | None:
    """A positive id as typed ("17", " 17 "); None for anything else ("²", "-3", 25 digits)."""
    value = parse_int(text)
    return value if value is not None and value > 0 else None
