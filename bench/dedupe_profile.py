"""Where the Redis time of the dedupe script goes, section by section.

    python -m bench.dedupe_profile [--docs 6000] [--batch 500] [--redis-url URL]

Redis has no profiler for Lua, so this loads a copy of ``dedupe.lua`` (with ``lib.lua``,
``query.lua`` and ``commit.lua`` in front, as ``storage.story_index`` does) with ``redis.call('TIME')``
marks at the boundaries of its stages, runs the ``bench.dedupe_redis`` corpus through the real
``StoryIndex.add_many``, and prints the microseconds per document spent between marks. The marks
and the flush of each call's sections into a hash cost time of their own, partly inside the
sections and partly outside them: the marked script is slower than the unmarked one (both figures
are printed) and the sections need not add up to either. Use the shares to see which stage a
change of the scripts moved, not as the headline figure.

A mark sits after an anchor line of the scripts; if the scripts change so an anchor is gone, the
run stops and names it.
"""

from __future__ import annotations

import argparse
import os
import re
import time
from typing import Any

from bench.redis_target import add_redis_url, redis_target

PROFILE_KEY = "benchdd:profile"

# Prepended to the script: MARK(name) charges the time since the previous mark to `name`; FLUSH
# adds the call's sections to one hash.
_PROLOGUE = """
local __t, __acc = nil, {}
local function MARK(name)
  local t = redis.call('TIME')
  local now = t[1] * 1000000 + t[2]
  if __t then __acc[name] = (__acc[name] or 0) + (now - __t) end
  __t = now
end
local function FLUSH()
  for k, v in pairs(__acc) do redis.call('HINCRBY', 'PROFILE_KEY', k, v) end
  __acc = {}
end
""".replace("PROFILE_KEY", PROFILE_KEY)

# (anchor, text put before it, text put after it): the mark names the section that ends there.
_MARKS: list[tuple[str, str, str]] = [
    ("local mode = ARGV[1]\n", "MARK('start')\n", ""),
    ("local function query(a, readonly)\n", "", "  MARK('arguments (cjson payload, ARGV)')\n"),
    ("if mode == 'commit' then return commit(a, nil) end\n",
     "if mode == 'commit' then MARK('arguments (cjson payload, ARGV)') end\n", ""),
    ("  local number, heads\n", "  MARK('query: exists + exact hash')\n", ""),
    ("  local cells, tags = lsh_cells(p, a.slots)\n", "", "  MARK('claim: cells (unpack, size check)')\n"),
    ("  local heads = lsh_claim(p, cells, tags, number)\n", "", "  MARK('claim: BITFIELD SET')\n"),
    ("  lsh_write_record(p, number, heads, record_fields(a))\n", "", "  MARK('claim: record')\n"),
    ("  local splits = redis.call('SMEMBERS', p .. ':split:' .. aid)\n", "  MARK('query: walk chains')\n", ""),
    ("    return out, {number = number}\n", "    MARK('query: splits')\n", ""),
    ("  -- the claim stays open until", "  MARK('query: splits')\n", ""),
    ("  return out\nend", "  MARK('query: pending mark, reply')\n", ""),
    ("  local created = 0\n", "  MARK('commit: start')\n", ""),
    ("  -- adoption: the stories of the articles", "  MARK('commit: target check')\n", ""),
    ("  -- the article itself\n", "  MARK('commit: adoption, merges')\n", ""),
    ("  -- the story record: read once", "  MARK('commit: article hash, sets')\n", ""),
    ("  redis.call('HSET', skey, unpack(upd))\n", "  MARK('commit: story fields (cjson)')\n", ""),
    ("  local sev = p .. ':events'\n", "  MARK('commit: story write, topic sets')\n", ""),
    ("  local ev = p .. ':events'\n", "  MARK('commit: per-outlet sets, lifecycle events')\n", ""),
    ("  return {'ok', root, tostring(created), table.concat(merged, ' ')}\nend",
     "  MARK('commit: 2 events')\n  FLUSH()\n", ""),
    ("return reply\n", "FLUSH()\n", ""),
]


# Early returns of the commit (article stored meanwhile, index resized, story gone): their sections
# are flushed too. FLUSH empties what it wrote, so a second one on the way out adds nothing.
_EARLY_RETURNS = ["return {'retry'}", "return {'layout'}", "return {'exists', find(p, redis.call("]


def profiled_source(source: str) -> str:
    """``source`` (the dedupe script) with the marks in; raises if an anchor is missing."""
    for anchor, before, after in _MARKS:
        if anchor not in source:
            raise SystemExit(f"bench.dedupe_profile: anchor not found in the scripts: {anchor.strip()!r}")
        source = source.replace(anchor, before + anchor + after, 1)
    for early in _EARLY_RETURNS:
        if early not in source:
            raise SystemExit(f"bench.dedupe_profile: early return not found in the scripts: {early!r}")
        source = source.replace(early, "FLUSH() " + early)
    return _PROLOGUE + source


def section_names() -> set[str]:
    """Every section a run can report (``start`` only starts the clock)."""
    names = {m for _, before, after in _MARKS for m in re.findall(r"MARK\('([^']+)'\)", before + after)}
    return names - {"start"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=6_000)
    parser.add_argument("--batch", type=int, default=500)
    add_redis_url(parser)
    args = parser.parse_args()

    from bench.dedupe_redis import PREFIX, _clear, _records, _script_usec, _store
    from bench.dedupe_speed import synthetic_docs
    from dedupe import DedupeConfig, fingerprint_many
    from storage import story_index
    from storage.scripts import lua

    docs = synthetic_docs(args.docs)
    config = DedupeConfig()
    now = time.time()
    batches: list[list[Any]] = []
    for start in range(0, len(docs), args.batch):
        chunk = docs[start : start + args.batch]
        batches.append(_records(chunk, fingerprint_many([(t, None) for _, t in chunk], config), now, start))

    def run(profiled: bool) -> tuple[float, dict[str, int]]:
        store = _store(url)
        _clear(store.text, f"{PREFIX}:*")
        index = story_index.StoryIndex(store, config)
        if profiled:
            index._script = store.raw.register_script(profiled_source(lua("query.lua", "commit.lua", "dedupe.lua")))
        usec0 = _script_usec(store.text)
        for batch in batches:
            index.add_many(batch, now=now)
        usec = _script_usec(store.text) - usec0
        sections = {k: int(v) for k, v in store.text.hgetall(PROFILE_KEY).items()}
        _clear(store.text, f"{PREFIX}:*")
        store.close()
        return usec, sections

    with redis_target(args.redis_url) as target:
        url = target.url
        plain_usec, _ = run(profiled=False)
        marked_usec, sections = run(profiled=True)
    n = len(docs)
    total = sum(sections.values())
    print(f"\n{n} docs (~700 words, a third edited copies), batches of {args.batch}; Redis {target.description}; "
          "load average "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"{'section':<48} {'us/doc':>8} {'share':>6}")
    for name, usec in sorted(sections.items(), key=lambda kv: -kv[1]):
        print(f"{name:<48} {usec / n:>8.1f} {usec / total:>6.0%}")
    print(f"{'sum of sections':<48} {total / n:>8.1f}")
    print(f"script time, unmarked run / marked run (INFO commandstats): {plain_usec / n:.0f} / {marked_usec / n:.0f} us/doc")


if __name__ == "__main__":
    main()
