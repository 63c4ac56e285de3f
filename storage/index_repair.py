"""Deep-sweep repair of the serving indexes: entries that name a story no longer there.

Ingest, operator corrections and retention keep ``stories:updated``, the per-topic and per-outlet
story sets and ``topics`` exact as they go. Data written before they all did (operator merges left
the merged-away story filed under its outlets, for one) keeps stale entries that the API then
skips one by one; ``wirewatch sweep --deep`` removes them. Each check runs inside a Lua script
with its removal, so it cannot race an ingest that files the story again meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from storage.connection import Store
from storage.retention import glob_escape, scan_keys

CHUNK = 500

_CHECK_LUA = """
-- KEYS[1]: an index zset. ARGV: prefix, kind ('source' | 'topic' | 'all'), outlet or topic, ids...
-- An id stays if it is a live story (a root with members) that, for an outlet's or a topic's set,
-- has that outlet among its outlets or that topic among its topics. Reply: entries removed.
local p, kind, name = ARGV[1], ARGV[2], ARGV[3]
local removed = 0
for i = 4, #ARGV do
  local sid = ARGV[i]
  local h = redis.call('HMGET', p .. ':story:' .. sid, 'parent', 'outlets', 'topics')
  local live = (not h[1] or h[1] == '') and redis.call('EXISTS', p .. ':story:' .. sid .. ':members') == 1
  if live and kind ~= 'all' then
    local ok, v = pcall(cjson.decode, (kind == 'source' and h[2] or h[3]) or '')
    live = false
    if ok and type(v) == 'table' then
      if kind == 'source' then
        live = v[name] ~= nil
      else
        for _, t in ipairs(v) do if t == name then live = true end end
      end
    end
  end
  if not live then removed = removed + redis.call('ZREM', KEYS[1], sid) end
end
return removed
"""
# A topic leaves `topics` once no story is filed under it (as retention does).
_TOPIC_LUA = """
if redis.call('EXISTS', ARGV[1]) == 0 then return redis.call('ZREM', KEYS[1], ARGV[2]) end
return 0
"""


def repair_serving_indexes(store: Store, check: Callable[[], None] = lambda: None) -> int:
    """Remove index entries of stories that are gone, merged away, or no longer have a member
    from that outlet or under that topic; returns how many entries went. ``check`` runs between
    batches (the sweep's checkpoint)."""
    k = store.keys
    check_script = store.text.register_script(_CHECK_LUA)
    cleared = _check_set(store, check_script, k.stories_updated, "all", "", check)
    outlet_prefix = k.source_stories("")
    for key in scan_keys(store, check, match=glob_escape(outlet_prefix) + "*"):
        cleared += _check_set(store, check_script, key, "source", key[len(outlet_prefix):], check)
    head, tail = k.topic_stories("\0").split("\0")
    for key in scan_keys(store, check, match=glob_escape(head) + "*" + glob_escape(tail)):
        cleared += _check_set(store, check_script, key, "topic", key[len(head):-len(tail)], check)
    drop_topic = store.text.register_script(_TOPIC_LUA)
    for n, topic in enumerate(store.text.zrange(k.topics, 0, -1)):
        if n % CHUNK == 0:
            check()
        cleared += int(drop_topic(keys=[k.topics], args=[k.topic_stories(topic), topic]))
    return cleared


def _check_set(store: Store, script: Any, key: str, kind: str, name: str, check: Callable[[], None]) -> int:
    check()
    cleared = 0
    chunk: list[str] = []
    for sid, _score in store.text.zscan_iter(key, count=CHUNK):
        chunk.append(sid)
        if len(chunk) == CHUNK:
            cleared += int(script(keys=[key], args=[store.keys.prefix, kind, name, *chunk]))
            chunk = []
            check()
    if chunk:
        cleared += int(script(keys=[key], args=[store.keys.prefix, kind, name, *chunk]))
    return cleared
