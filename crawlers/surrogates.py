"""Lone UTF-16 surrogates: JSON's ``\\ud800`` escapes (JSON Feed, JSON-LD) decode to strings that
Python holds but cannot encode, so storing, printing or hashing them raises UnicodeEncodeError (a
hostile feed item failed its whole listing). At the edges they become U+FFFD."""

from __future__ import annotations

import re
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")


def encodable(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD (valid pairs never reach a ``str``)."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def encodable_json(value: Any) -> Any:
    """``value`` from ``json.loads`` with every string value made encodable, in place. Iterative:
    any depth ``json.loads`` accepted is fine."""
    if isinstance(value, str):
        return encodable(value)
    stack = [value] if isinstance(value, dict | list) else []
    while stack:
        node = stack.pop()
        for key, item in list(node.items() if isinstance(node, dict) else enumerate(node)):
            if isinstance(item, str):
                if _SURROGATE.search(item):
                    node[key] = encodable(item)
            elif isinstance(item, dict | list):
                stack.append(item)
    return value
