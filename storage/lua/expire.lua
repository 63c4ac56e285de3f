-- Retention (storage/retention.py): expire articles past their age, or index entries past the
-- dedupe window, a batch at a time. Loaded after lib.lua.
-- KEYS[1]: a key of the prefix (declared so a cluster client routes the call)
-- ARGV: prefix, mode ('index' | 'article'), cutoff, then
--   index:   how many index records to expire at most (oldest first, from the floor up), and
--            where the previous call of this sweep stopped (0: the floor)
--   article: per article: id, m, m (seen key, field) pairs
local p = ARGV[1]
local mode = ARGV[2]
local cutoff = tonumber(ARGV[3])
local meta = p .. ':lsh:meta'
local by_time = p .. ':articles:by_time'
local removed, stories = 0, 0
-- surviving stories that lost a member filed under some topic: their topics are re-checked once
-- per batch, after the loop
local touched = {}

-- drop index record `n` (and its content-hash entry, if it still names the article: a claim that
-- never committed can share its id with the article stored later, under another record)
local function drop_record(n, rec)
  if rec.chash ~= '' and redis.call('HGET', p .. ':hash:content', rec.chash) == rec.id then
    local stored = redis.call('HGET', p .. ':article:' .. rec.id, 'lsh_n')
    if not stored or tonumber(stored) == tonumber(n) then redis.call('HDEL', p .. ':hash:content', rec.chash) end
  end
  redis.call('DEL', p .. ':lsh:rec:' .. n)
end

-- an article's index entries, if still indexed
local function unindex(aid)
  local n = redis.call('HGET', p .. ':article:' .. aid, 'lsh_n')
  if not n then return end
  local rec = lsh_record(p, n)
  if rec and rec.id == aid then drop_record(n, rec) end
end

-- a story record with its members and its "kept apart" set (and its mentions in the others')
local function drop_story(sid)
  local skey = p .. ':story:' .. sid
  for _, other in ipairs(redis.call('SMEMBERS', skey .. ':apart')) do
    redis.call('SREM', p .. ':story:' .. other .. ':apart', sid)
  end
  redis.call('DEL', skey, skey .. ':members', skey .. ':apart')
end

local function drop_from_story(aid, story, source, topics)
  local root = find(p, story)
  local skey = p .. ':story:' .. root
  local mkey = skey .. ':members'
  redis.call('ZREM', mkey, aid)
  local left = redis.call('ZCARD', mkey)
  local raw = redis.call('HGET', skey, 'outlets')
  local outlets = {}
  if raw and raw ~= '' and raw ~= '{}' then outlets = cjson.decode(raw) end
  if left == 0 then
    for src, _ in pairs(outlets) do redis.call('ZREM', p .. ':stories:source:' .. src, root) end
    raw = redis.call('HGET', skey, 'topics')
    if raw and raw ~= '' then
      for _, t in ipairs(cjson.decode(raw)) do
        local tkey = p .. ':topic:' .. t .. ':stories'
        redis.call('ZREM', tkey, root)
        if redis.call('ZCARD', tkey) == 0 then redis.call('ZREM', p .. ':topics', t) end
      end
    end
    redis.call('ZREM', p .. ':stories:updated', root)
    drop_story(root)
    stories = stories + 1
    return
  end
  if source and outlets[source] then
    local n = outlets[source] - 1
    if n > 0 then
      outlets[source] = n
    else
      outlets[source] = nil
      redis.call('ZREM', p .. ':stories:source:' .. source, root)
    end
    if next(outlets) == nil then
      redis.call('HSET', skey, 'outlets', '{}')
    else
      redis.call('HSET', skey, 'outlets', cjson.encode(outlets))
    end
  end
  redis.call('HSET', skey, 'size', left)
  if topics and topics ~= '' and topics ~= '[]' then touched[root] = true end
  local cur = redis.call('HMGET', skey, 'rep', 'summary_rep')
  if cur[1] == aid or cur[2] == aid then
    -- the representative left: the longest remaining member takes over, with its title and
    -- summary. `headline` (the title last announced) stays: the story's next article announces
    -- the new title (story.headline_changed), as ingest does.
    local best, best_len = nil, -1
    for _, m in ipairs(redis.call('ZRANGE', mkey, 0, -1)) do
      local len = redis.call('HSTRLEN', p .. ':article:' .. m, 'text')
      if len > best_len then best, best_len = m, len end
    end
    local f = redis.call('HMGET', p .. ':article:' .. best, 'text', 'title')
    local text, cut = f[1] or '', 480
    if #text > cut then
      while cut > 0 and text:byte(cut + 1) >= 0x80 and text:byte(cut + 1) < 0xC0 do cut = cut - 1 end
      text = text:sub(1, cut)
    end
    redis.call('HSET', skey, 'rep', best, 'rep_len', best_len, 'summary', text, 'summary_rep', best,
      'title', f[2] or '')
  end
end

-- a story's topics are its members' (ingest adds each article's): a topic no member is filed
-- under any more leaves the story, and the story leaves that topic's set (the topic leaves
-- `topics` when no story is left under it)
local function prune_topics(root)
  local skey = p .. ':story:' .. root
  local raw = redis.call('HGET', skey, 'topics')
  if not raw or raw == '' or raw == '[]' or raw == '{}' then return end
  local have = {}
  for _, m in ipairs(redis.call('ZRANGE', skey .. ':members', 0, -1)) do
    local t = redis.call('HGET', p .. ':article:' .. m, 'topics')
    if t and t ~= '' and t ~= '[]' then
      for _, x in ipairs(cjson.decode(t)) do have[x] = true end
    end
  end
  local old, keep = cjson.decode(raw), {}
  for _, t in ipairs(old) do
    if have[t] then
      keep[#keep + 1] = t
    else
      local tkey = p .. ':topic:' .. t .. ':stories'
      redis.call('ZREM', tkey, root)
      if redis.call('ZCARD', tkey) == 0 then redis.call('ZREM', p .. ':topics', t) end
    end
  end
  if #keep < #old then redis.call('HSET', skey, 'topics', #keep > 0 and cjson.encode(keep) or '[]') end
end

if mode == 'index' then
  -- Records are numbered in the order they were written, which is nearly time order: walk from
  -- the floor up, deleting those past the window. A young record does not end the walk (an
  -- import's records carry their original times, a daemon's clock may run ahead): the walk ends
  -- after YOUNG_RUN young records in a row, and the floor stays at the first young one.
  -- ARGV[5]: where the previous call of this sweep stopped (0: at the floor).
  local YOUNG_RUN = 1000
  local limit = tonumber(ARGV[4])
  local f = redis.call('HMGET', meta, 'floor', 'seq')
  local floor, seq = tonumber(f[1] or '1'), tonumber(f[2] or '0')
  local n = math.max(floor, tonumber(ARGV[5] or '0'))
  local from_floor = n == floor
  local stop = n + 4 * limit  -- records already gone (their articles expired) are skipped, boundedly
  local first_young, run, more = nil, 0, 0
  while n <= seq do
    if removed >= limit or n >= stop then more = 1; break end
    local rec = lsh_record(p, n)
    if rec then
      if rec.time >= cutoff then
        first_young = first_young or n
        run = run + 1
        if run >= YOUNG_RUN then break end
      else
        drop_record(n, rec)
        removed = removed + 1
        run = 0
      end
    end
    n = n + 1
  end
  if from_floor then
    floor = first_young or n
    redis.call('HSET', meta, 'floor', floor)
    -- nothing left indexed: the table (its fixed size, whatever the load) goes until the next commit
    if floor > seq then redis.call('DEL', p .. ':lsh:table') end
  end
  -- more: stopped at the call's bound, not at the newest record or a run of young ones
  return {removed, 0, more, n}
end

local i = 4
while ARGV[i] do
  local aid = ARGV[i]
  local ns = tonumber(ARGV[i + 1])
  local seen_at = i + 2
  i = i + 2 + 2 * ns
  local t = redis.call('ZSCORE', by_time, aid)
  if t and tonumber(t) < cutoff then
    unindex(aid)
    for s = 0, ns - 1 do
      local key, fld = ARGV[seen_at + 2 * s], ARGV[seen_at + 2 * s + 1]
      if redis.call('HGET', key, fld) == aid then redis.call('HDEL', key, fld) end
    end
    local akey = p .. ':article:' .. aid
    local f = redis.call('HMGET', akey, 'story', 'source', 'topics')
    if f[1] and f[1] ~= '' then drop_from_story(aid, f[1], f[2], f[3]) end
    -- the story this article opened, if since merged into another: only a forwarding stub now
    local parent = redis.call('HGET', p .. ':story:s' .. aid, 'parent')
    if parent and parent ~= '' then drop_story('s' .. aid) end
    redis.call('DEL', akey, p .. ':split:' .. aid)
    redis.call('ZREM', by_time, aid)
    removed = removed + 1
  end
end
for root, _ in pairs(touched) do
  if redis.call('EXISTS', p .. ':story:' .. root .. ':members') == 1 then prune_topics(root) end
end
return {removed, stories}
