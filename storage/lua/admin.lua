-- Operator corrections, atomic: merge two stories, or split articles out of a story.
-- ARGV: 1 op ('merge' | 'split'), 2 prefix, 3 now, 4 stream maxlen, 5 story, then:
--   merge: 6 other story            -> reply {'ok', root, merged}
--   split: 6.. article ids          -> reply {'ok', new story id} (the split articles form it)
-- Split stories are remembered as kept apart (p:story:<id>:apart), so no later bridging article
-- merges them again, and each split article remembers the story it left (p:split:<article>).
local op, p, now, maxlen = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]

local function find(story)
  local cur = story
  for _ = 1, 64 do
    local parent = redis.call('HGET', p .. ':story:' .. cur, 'parent')
    if not parent or parent == '' then break end
    cur = parent
  end
  return cur
end

-- rebuild a story's derived fields from its members
local function recompute(sid)
  local skey = p .. ':story:' .. sid
  local members = redis.call('ZRANGE', skey .. ':members', 0, -1, 'WITHSCORES')
  local outlets, topics, tset = {}, {}, {}
  local first, rep, rep_len, rep_title, origin = nil, nil, -1, '', ''
  for i = 1, #members, 2 do
    local aid, t = members[i], tonumber(members[i + 1])
    local f = redis.call('HMGET', p .. ':article:' .. aid, 'source', 'topics', 'title', 'text', 'origin')
    if f[1] then
      outlets[f[1]] = (outlets[f[1]] or 0) + 1
      for _, tp in ipairs(cjson.decode(f[2] or '[]')) do
        if not tset[tp] then topics[#topics + 1] = tp; tset[tp] = true end
      end
      if not first or t < first then first = t end
      local len = string.len(f[4] or '')
      if len > rep_len then rep, rep_len, rep_title = aid, len, f[3] or '' end
      if origin == '' and f[5] and f[5] ~= '' then origin = f[5] end
    end
  end
  local size = #members / 2
  redis.call('HSET', skey, 'size', size, 'updated', now, 'outlets', cjson.encode(outlets),
    'topics', cjson.encode(topics), 'first_seen', first or now, 'rep', rep or '', 'rep_len', rep_len,
    'title', rep_title, 'origin', origin)
  if size > 0 then
    redis.call('ZADD', p .. ':stories:updated', now, sid)
    for _, tp in ipairs(topics) do redis.call('ZADD', p .. ':topic:' .. tp .. ':stories', now, sid) end
  else
    redis.call('ZREM', p .. ':stories:updated', sid)
  end
  return size
end

local story = find(ARGV[5])
if redis.call('EXISTS', p .. ':story:' .. story) == 0 then return {'error', 'no such story: ' .. ARGV[5]} end

if op == 'merge' then
  local other = find(ARGV[6])
  if redis.call('EXISTS', p .. ':story:' .. other) == 0 then return {'error', 'no such story: ' .. ARGV[6]} end
  if other == story then return {'error', 'the two stories are already one: ' .. story} end
  local okey = p .. ':story:' .. other
  local mkey = p .. ':story:' .. story .. ':members'
  for _, m in ipairs(redis.call('ZRANGE', okey .. ':members', 0, -1)) do
    redis.call('HSET', p .. ':article:' .. m, 'story', story)
  end
  redis.call('ZUNIONSTORE', mkey, 2, mkey, okey .. ':members')
  redis.call('DEL', okey .. ':members')
  for _, t in ipairs(cjson.decode(redis.call('HGET', okey, 'topics') or '[]')) do
    redis.call('ZREM', p .. ':topic:' .. t .. ':stories', other)
  end
  redis.call('SREM', p .. ':story:' .. story .. ':apart', other)
  redis.call('HSET', okey, 'parent', story, 'merged_at', now)
  redis.call('ZREM', p .. ':stories:updated', other)
  local size = recompute(story)
  redis.call('XADD', p .. ':events', 'MAXLEN', '~', maxlen, '*', 'type', 'story.updated', 'story', story,
    'size', size, 'merged', other, 'by', 'operator')
  return {'ok', story, other}
end

if op == 'split' then
  local skey = p .. ':story:' .. story
  local moving = {}
  for i = 6, #ARGV do
    local aid = ARGV[i]
    local score = redis.call('ZSCORE', skey .. ':members', aid)
    if not score then return {'error', 'article ' .. aid .. ' is not in story ' .. story} end
    moving[#moving + 1] = {aid, score}
  end
  if #moving == 0 then return {'error', 'name at least one article to split out'} end
  local fresh = 's' .. moving[1][1]
  if redis.call('EXISTS', p .. ':story:' .. fresh) == 1 then fresh = fresh .. '-' .. tostring(math.floor(now)) end
  redis.call('HSET', p .. ':story:' .. fresh, 'id', fresh, 'created', now)
  for _, m in ipairs(moving) do
    redis.call('ZREM', skey .. ':members', m[1])
    redis.call('ZADD', p .. ':story:' .. fresh .. ':members', m[2], m[1])
    redis.call('HSET', p .. ':article:' .. m[1], 'story', fresh)
    redis.call('SADD', p .. ':split:' .. m[1], story)
  end
  redis.call('SADD', skey .. ':apart', fresh)
  redis.call('SADD', p .. ':story:' .. fresh .. ':apart', story)
  for _, t in ipairs(cjson.decode(redis.call('HGET', skey, 'topics') or '[]')) do
    redis.call('ZREM', p .. ':topic:' .. t .. ':stories', story)
  end
  local left = recompute(story)
  local size = recompute(fresh)
  redis.call('XADD', p .. ':events', 'MAXLEN', '~', maxlen, '*', 'type', 'story.updated', 'story', story,
    'size', left, 'split_into', fresh, 'by', 'operator')
  redis.call('XADD', p .. ':events', 'MAXLEN', '~', maxlen, '*', 'type', 'story.created', 'story', fresh,
    'size', size, 'split_from', story, 'by', 'operator')
  return {'ok', fresh}
end
return {'error', 'unknown operation ' .. op}
