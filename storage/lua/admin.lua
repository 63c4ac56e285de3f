-- Operator corrections, atomic: merge two stories, or split articles out of a story.
-- ARGV: 1 op ('merge' | 'split'), 2 prefix, 3 now, 4 stream maxlen, 5 story, then:
--   merge: 6 other story            -> reply {'ok', root, merged}
--   split: 6.. article ids          -> reply {'ok', new story id} (the split articles form it)
-- Split stories are remembered as kept apart (p:story:<id>:apart), so no later bridging article
-- merges them again, and each split article remembers the story it left (p:split:<article>).
-- Afterwards every story touched reads as if commit.lua had built it from its members: derived
-- fields, representative with its summary and headline, and the serving indexes (stories:updated,
-- topic sets and `topics`, per-outlet sets). Events: merge -> story.merged (+ story.updated);
-- split -> story.split for the story left, story.created for the new one (+ story.updated);
-- story.headline_changed where a story's representative now has another title.
local op, p, now, maxlen = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local ev = p .. ':events'

local function emit(...)
  redis.call('XADD', ev, 'MAXLEN', '~', maxlen, '*', ...)
end

local function decode(raw, default)
  if not raw or raw == '' then return default end
  local ok, value = pcall(cjson.decode, raw)
  if ok and type(value) == 'table' then return value end
  return default
end

-- what ingest measures as an article's length: characters, not bytes (UTF-8 continuation bytes
-- are 0x80-0xBF), so representatives compare the same way as in commit.lua
local function chars(text)
  return #text - select(2, string.gsub(text, '[\128-\191]', ''))
end

-- the summary commit.lua stores: the first 480 bytes, never cut inside a UTF-8 sequence
local function clip(text)
  local cut = 480
  if #text <= cut then return text end
  while cut > 0 and text:byte(cut + 1) >= 0x80 and text:byte(cut + 1) < 0xC0 do cut = cut - 1 end
  return text:sub(1, cut)
end

local function outlet_key(src) return p .. ':stories:source:' .. src end
local function topic_key(t) return p .. ':topic:' .. t .. ':stories' end

local function drop_topic(t, sid)
  redis.call('ZREM', topic_key(t), sid)
  if redis.call('ZCARD', topic_key(t)) == 0 then redis.call('ZREM', p .. ':topics', t) end
end

-- A story's derived fields rebuilt from its members, replaying commit.lua's rules in member time
-- order (representative: the current one while it is a member, else the first member, replaced
-- by a copy over 15% longer filed within six hours of it), and its index entries brought in line: added where it now belongs, removed where
-- it no longer has a member (an outlet, a topic). Returns size, title, previous headline.
local function rebuild(sid)
  local skey = p .. ':story:' .. sid
  local before = redis.call('HMGET', skey, 'outlets', 'topics', 'headline')
  local members = redis.call('ZRANGE', skey .. ':members', 0, -1, 'WITHSCORES')
  local outlets, topics, tset = {}, {}, {}
  local first, rep, rep_len, rep_title, origin = nil, nil, 0, '', ''
  for i = 1, #members, 2 do
    local aid, t = members[i], tonumber(members[i + 1])
    local akey = p .. ':article:' .. aid
    local f = redis.call('HMGET', akey, 'source', 'topics', 'title', 'origin')
    if f[1] then
      outlets[f[1]] = (outlets[f[1]] or 0) + 1
      for _, tp in ipairs(decode(f[2], {})) do
        if not tset[tp] then topics[#topics + 1] = tp; tset[tp] = true end
      end
      if not rep then
        first, rep, rep_title = t, aid, f[3] or ''
        rep_len = chars(redis.call('HGET', akey, 'text') or '')
      elseif t <= first + 21600 and redis.call('HSTRLEN', akey, 'text') > rep_len * 1.15 then
        -- a text has at least as many bytes as characters: only one long enough in bytes is read
        -- and counted (most members never are, which keeps a big story's rebuild cheap)
        local len = chars(redis.call('HGET', akey, 'text') or '')
        if len > rep_len * 1.15 then rep, rep_len, rep_title = aid, len, f[3] or '' end
      end
      if origin == '' and f[4] and f[4] ~= '' then origin = f[4] end
    end
  end
  -- a representative that is still a member stays: ingest chose it in arrival order, which the
  -- replay (in member time order) cannot see, and a split of other members must not change it
  local kept = redis.call('HMGET', skey, 'rep', 'rep_len')
  if kept[1] and kept[1] ~= '' and kept[1] ~= rep and redis.call('ZSCORE', skey .. ':members', kept[1]) then
    rep, rep_len = kept[1], tonumber(kept[2] or '0') or 0
    rep_title = redis.call('HGET', p .. ':article:' .. rep, 'title') or ''
  end
  local rep_text = rep and redis.call('HGET', p .. ':article:' .. rep, 'text') or ''
  local size = #members / 2
  local previous = before[3]
  -- cjson encodes an empty table as {}: the empty outlets map reads the same either way
  redis.call('HSET', skey, 'size', size, 'updated', now, 'outlets', next(outlets) and cjson.encode(outlets) or '{}',
    'topics', #topics > 0 and cjson.encode(topics) or '[]', 'first_seen', first or now, 'rep', rep or '',
    'rep_len', rep_len, 'title', rep_title, 'origin', origin, 'summary', clip(rep_text), 'summary_rep', rep or '',
    'headline', rep_title)
  local live = size > 0
  if live then redis.call('ZADD', p .. ':stories:updated', now, sid) else redis.call('ZREM', p .. ':stories:updated', sid) end
  for _, t in ipairs(decode(before[2], {})) do
    if not (live and tset[t]) then drop_topic(t, sid) end
  end
  for src, _ in pairs(decode(before[1], {})) do
    if not (live and outlets[src]) then redis.call('ZREM', outlet_key(src), sid) end
  end
  if live then
    for _, t in ipairs(topics) do
      redis.call('ZADD', topic_key(t), now, sid)
      redis.call('ZADD', p .. ':topics', now, t)
    end
    for src, _ in pairs(outlets) do redis.call('ZADD', outlet_key(src), now, sid) end
  end
  return size, rep_title, previous
end

-- as ingest announces a new representative's title (commit.lua: only when one was announced before)
local function headline_event(sid, title, previous)
  if previous and previous ~= title then
    emit('type', 'story.headline_changed', 'story', sid, 'title', title, 'previous', previous)
  end
end

local story = find(p, ARGV[5])
if redis.call('EXISTS', p .. ':story:' .. story) == 0 then return {'error', 'no such story: ' .. ARGV[5]} end

if op == 'merge' then
  local other = find(p, ARGV[6])
  if redis.call('EXISTS', p .. ':story:' .. other) == 0 then return {'error', 'no such story: ' .. ARGV[6]} end
  if other == story then return {'error', 'the two stories are already one: ' .. story} end
  local okey = p .. ':story:' .. other
  local mkey = p .. ':story:' .. story .. ':members'
  -- the merged-away story leaves every index it was in: its recorded outlets and topics, and the
  -- outlets of its members (in case the record lagged behind them)
  local of = redis.call('HMGET', okey, 'outlets', 'topics')
  local gone = decode(of[1], {})
  for _, m in ipairs(redis.call('ZRANGE', okey .. ':members', 0, -1)) do
    local src = redis.call('HGET', p .. ':article:' .. m, 'source')
    if src then gone[src] = true end
    redis.call('HSET', p .. ':article:' .. m, 'story', story)
  end
  for src, _ in pairs(gone) do redis.call('ZREM', outlet_key(src), other) end
  for _, t in ipairs(decode(of[2], {})) do drop_topic(t, other) end
  redis.call('ZREM', p .. ':stories:updated', other)
  redis.call('ZUNIONSTORE', mkey, 2, mkey, okey .. ':members')
  redis.call('DEL', okey .. ':members')
  -- the operator joined them, so they are no longer kept apart; whatever the merged-away story was
  -- kept apart from, the merged story now is
  redis.call('SREM', p .. ':story:' .. story .. ':apart', other)
  carry_apart(p, other, story)
  redis.call('HSET', okey, 'parent', story, 'merged_at', now)
  local size, title, previous = rebuild(story)
  emit('type', 'story.merged', 'story', story, 'merged', other, 'size', size, 'by', 'operator')
  headline_event(story, title, previous)
  emit('type', 'story.updated', 'story', story, 'size', size, 'merged', other, 'by', 'operator')
  return {'ok', story, other}
end

if op == 'split' then
  local skey = p .. ':story:' .. story
  local moving, names, seen = {}, {}, {}
  for i = 6, #ARGV do
    local aid = ARGV[i]
    local score = redis.call('ZSCORE', skey .. ':members', aid)
    if not score then return {'error', 'article ' .. aid .. ' is not in story ' .. story} end
    if not seen[aid] then
      seen[aid] = true
      moving[#moving + 1] = {aid, score}
      names[#names + 1] = aid
    end
  end
  if #moving == 0 then return {'error', 'name at least one article to split out'} end
  if #moving >= redis.call('ZCARD', skey .. ':members') then
    return {'error', 'a split must leave at least one article in story ' .. story}
  end
  local base = 's' .. moving[1][1]
  local fresh, n = base, 0
  while redis.call('EXISTS', p .. ':story:' .. fresh) == 1 do
    n = n + 1
    fresh = base .. '-' .. tostring(math.floor(now)) .. (n > 1 and ('.' .. n) or '')
  end
  redis.call('HSET', p .. ':story:' .. fresh, 'id', fresh, 'created', now)
  for _, m in ipairs(moving) do
    redis.call('ZREM', skey .. ':members', m[1])
    redis.call('ZADD', p .. ':story:' .. fresh .. ':members', m[2], m[1])
    redis.call('HSET', p .. ':article:' .. m[1], 'story', fresh)
    redis.call('SADD', p .. ':split:' .. m[1], story)
  end
  redis.call('SADD', skey .. ':apart', fresh)
  redis.call('SADD', p .. ':story:' .. fresh .. ':apart', story)
  local left, title, previous = rebuild(story)
  local size = rebuild(fresh)
  emit('type', 'story.split', 'story', story, 'into', fresh, 'articles', table.concat(names, ' '), 'size', left,
    'by', 'operator')
  headline_event(story, title, previous)
  emit('type', 'story.updated', 'story', story, 'size', left, 'split_into', fresh, 'by', 'operator')
  emit('type', 'story.created', 'story', fresh, 'size', size, 'merged', '', 'split_from', story, 'by', 'operator')
  return {'ok', fresh}
end
return {'error', 'unknown operation ' .. op}
