"""The Lua scripts under ``storage/lua``, loaded with the shared helpers of ``lib.lua`` in front."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def lua(*names: str) -> str:
    """``lib.lua`` followed by the named files, in order: one script's source."""
    folder = resources.files("storage").joinpath("lua")
    return "\n".join(folder.joinpath(name).read_text(encoding="utf-8") for name in ("lib.lua", *names))
