"""Finding JSON state embedded in Dzen's HTML.

Dzen pages ship their data as JavaScript assignments (``var _params=({...})``,
``w._data = {...}``, ``var data = {"__serverState__<hash>": ...}``) or as a key inside a
bigger literal (``"exportData":{...}``).  The values are JSON, but nested and full of
strings containing braces, so they are cut out with ``json.JSONDecoder.raw_decode``
starting at the opening brace, never with a greedy regex.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

_DECODER = json.JSONDecoder()
_MAX_CANDIDATES = 20


def decode_at(text: str, index: int) -> Any | None:
    """JSON value starting at ``index`` (leading whitespace skipped), or ``None``."""
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    try:
        value, _end = _DECODER.raw_decode(text, index)
    except ValueError:
        return None
    return value


def objects_after(text: str, pattern: str) -> list[dict[str, Any]]:
    """Every JSON object that directly follows a match of ``pattern`` (case-sensitive)."""
    found: list[dict[str, Any]] = []
    for match in re.finditer(pattern, text):
        value = decode_at(text, match.end())
        if isinstance(value, dict):
            found.append(value)
        if len(found) >= _MAX_CANDIDATES:
            break
    return found


def params_ssr_data(html: str) -> dict[str, Any] | None:
    """``ssrData`` of the ``_params`` assignment (2025+ pages); prefers the one having it."""
    for obj in objects_after(html, r"\b(?:var|let|const)\s+_params\s*=\s*\(?\s*(?=\{)"):
        ssr = obj.get("ssrData")
        if isinstance(ssr, dict):
            return ssr
    return None


def legacy_w_data(html: str) -> dict[str, Any] | None:
    """``w._data`` / ``window._data`` of 2019-21 pages (still used by PromoPages)."""
    objs = objects_after(html, r"\b(?:w|window)\._data\s*=\s*(?=\{)")
    return next((o for o in objs if "publication" in o), objs[0] if objs else None)


def server_states(html: str) -> list[dict[str, Any]]:
    """Values of ``"__serverState__<hash>"`` keys (2022-24 pages), in page order."""
    return objects_after(html, r"\"__serverState__[^\"]*\"\s*:\s*(?=\{)")


def keyed_objects(html: str, key: str) -> list[dict[str, Any]]:
    """Objects assigned to ``"key":`` anywhere in the page (e.g. ``exportData``)."""
    return objects_after(html, r"\"" + re.escape(key) + r"\"\s*:\s*(?=\{)")


def dig(obj: Any, *path: str | int) -> Any:
    """Safe nested lookup: ``dig(d, "a", 0, "b")`` is ``None`` when any step is missing."""
    for step in path:
        if isinstance(step, int) and isinstance(obj, list) and -len(obj) <= step < len(obj):
            obj = obj[step]
        elif isinstance(step, str) and isinstance(obj, dict):
            obj = obj.get(step)
        else:
            return None
    return obj


def find_dicts(obj: Any, predicate: Callable[[dict[str, Any]], bool], *, limit: int = 50_000) -> Iterator[dict[str, Any]]:
    """Breadth-first search for dicts matching ``predicate`` (bounded: pages are large)."""
    queue: list[Any] = [obj]
    seen = 0
    while queue and seen < limit:
        current = queue.pop(0)
        seen += 1
        if isinstance(current, dict):
            if predicate(current):
                yield current
            queue.extend(v for v in current.values() if isinstance(v, (dict, list)))
        elif isinstance(current, list):
            queue.extend(v for v in current if isinstance(v, (dict, list)))


def first_str(obj: Any, *keys: str) -> str | None:
    """First non-empty string among ``obj[key]`` for the given keys."""
    if not isinstance(obj, dict):
        return None
    for key in keys:
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None
