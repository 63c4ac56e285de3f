-- Dedupe commit: store the article, index it, assign or open its story, merge stories, and emit
-- events, atomically. Optimistic concurrency: if a band bucket gained an article that the query
-- did not see (another worker indexed a near-duplicate meanwhile), reply {'retry'} and write nothing.
-- ARGV: 1 prefix, 2 now, 3 window, 4 article_id, 5 known candidate ids (space separated; '*' to skip
--       the re-check, for an exact copy of a stored article),
--       6 target story ('' = open a new one), 7 stories to merge (space separated),
--       8 signature bytes, 9 content hash, 10 stream maxlen, 11 n_bands, then per band its bucket's
--       (hash key, field) from Keys.lsh_bucket,
--       then the article as a JSON object (fields below), then (seen-hash key, field) pairs
local p = ARGV[1]
local now = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local aid = ARGV[4]
local known = {}
local check = ARGV[5] ~= '*'  -- '*': an exact copy joins its twin's story, no re-check needed
for id in string.gmatch(ARGV[5], '%S+') do known[id] = true end
local target = ARGV[6]
local sig = ARGV[8]
local chash = ARGV[9]
local maxlen = ARGV[10]
local nb = tonumber(ARGV[11])
local art = cjson.decode(ARGV[12 + 2 * nb])
local min_t = now - window

local function find(story)
  local cur = story
  for _ = 1, 64 do
    local parent = redis.call('HGET', p .. ':story:' .. cur, 'parent')
    if not parent or parent == '' then break end
    cur = parent
  end
  return cur
end

if redis.call('EXISTS', p .. ':article:' .. aid) == 1 then
  return {'exists', find(redis.call('HGET', p .. ':article:' .. aid, 'story'))}
end

-- optimistic check against concurrent writers
for i = 1, check and nb or 0 do
  local bucket = redis.call('HGET', ARGV[10 + 2 * i], ARGV[11 + 2 * i])
  if bucket then
    for id in string.gmatch(bucket, '%S+') do
      if not known[id] then
        local t = redis.call('ZSCORE', p .. ':lsh:times', id)
        if t and tonumber(t) >= min_t then return {'retry'} end
      end
    end
  end
end

local events = {}
local created = 0
local root
if target ~= '' then
  root = find(target)
  if redis.call('EXISTS', p .. ':story:' .. root) == 0 then return {'retry'} end
else
  root = 's' .. aid
  created = 1
  redis.call('HSET', p .. ':story:' .. root, 'id', root, 'first_seen', art.sort_time, 'created', now,
    'rep', aid, 'rep_len', art.length, 'title', art.title, 'origin', art.origin or '',
    'topics', '[]', 'outlets', '{}')
end
local skey = p .. ':story:' .. root
local mkey = skey .. ':members'

local function decode(field, default)
  local raw = redis.call('HGET', skey, field)
  if not raw or raw == '' then return default end
  return cjson.decode(raw)
end

-- merges (union): move the other story's members under root, point it at root
local merged = {}
for other in string.gmatch(ARGV[7], '%S+') do
  local r = find(other)
  local apart = redis.call('SISMEMBER', p .. ':story:' .. root .. ':apart', r) == 1
  if r ~= root and not apart and redis.call('EXISTS', p .. ':story:' .. r) == 1 then
    local okey = p .. ':story:' .. r
    redis.call('ZUNIONSTORE', mkey, 2, mkey, okey .. ':members')
    local members = redis.call('ZRANGE', okey .. ':members', 0, -1)
    for _, m in ipairs(members) do redis.call('HSET', p .. ':article:' .. m, 'story', root) end
    redis.call('DEL', okey .. ':members')
    local of = redis.call('HMGET', okey, 'first_seen', 'outlets', 'topics', 'origin')
    local fs = tonumber(redis.call('HGET', skey, 'first_seen'))
    if of[1] and tonumber(of[1]) < fs then redis.call('HSET', skey, 'first_seen', of[1]) end
    local outlets = decode('outlets', {})
    for k, v in pairs(cjson.decode(of[2] or '{}')) do outlets[k] = (outlets[k] or 0) + v end
    redis.call('HSET', skey, 'outlets', cjson.encode(outlets))
    local topics = decode('topics', {})
    local tset = {}
    for _, t in ipairs(topics) do tset[t] = true end
    for _, t in ipairs(cjson.decode(of[3] or '[]')) do
      if not tset[t] then topics[#topics + 1] = t; tset[t] = true end
      redis.call('ZREM', p .. ':topic:' .. t .. ':stories', r)
    end
    if #topics > 0 then redis.call('HSET', skey, 'topics', cjson.encode(topics)) end
    if (redis.call('HGET', skey, 'origin') or '') == '' and of[4] and of[4] ~= '' then
      redis.call('HSET', skey, 'origin', of[4])
    end
    redis.call('HSET', okey, 'parent', root, 'merged_at', now)
    redis.call('ZREM', p .. ':stories:updated', r)
    merged[#merged + 1] = r
  end
end

-- the article itself
local akey = p .. ':article:' .. aid
redis.call('HSET', akey, 'id', aid, 'url', art.url, 'canonical_url', art.canonical_url,
  'source', art.source, 'title', art.title, 'text', art.text, 'authors', cjson.encode(art.authors),
  'published', art.published or '', 'fetched_at', now, 'language', art.language or '',
  'site_name', art.site_name or '', 'topics', cjson.encode(art.topics), 'guid', art.guid or '',
  'content_hash', chash, 'story', root, 'n_shingles', art.n_shingles, 'origin', art.origin or '',
  'evidence', art.evidence or '')
redis.call('ZADD', mkey, art.sort_time, aid)
redis.call('ZADD', p .. ':articles:by_time', now, aid)
if chash ~= '' then redis.call('HSET', p .. ':hash:content', chash, aid) end
redis.call('SET', p .. ':sig:' .. aid, sig)
redis.call('ZADD', p .. ':lsh:times', now, aid)
for i = 1, nb do
  local bkey = ARGV[10 + 2 * i]
  local band = ARGV[11 + 2 * i]
  local cur = redis.call('HGET', bkey, band)
  if cur then redis.call('HSET', bkey, band, cur .. ' ' .. aid) else redis.call('HSET', bkey, band, aid) end
end
local extra = 13 + 2 * nb
while ARGV[extra + 1] do
  redis.call('HSET', ARGV[extra], ARGV[extra + 1], aid)
  extra = extra + 2
end

-- the story record
local outlets = decode('outlets', {})
outlets[art.source] = (outlets[art.source] or 0) + 1
local topics = decode('topics', {})
local tset = {}
for _, t in ipairs(topics) do tset[t] = true end
for _, t in ipairs(art.topics) do
  if not tset[t] then topics[#topics + 1] = t; tset[t] = true end
end
local size = redis.call('ZCARD', mkey)
redis.call('HSET', skey, 'size', size, 'updated', now, 'outlets', cjson.encode(outlets),
  'topics', cjson.encode(topics))
if (redis.call('HGET', skey, 'origin') or '') == '' and art.origin and art.origin ~= '' then
  redis.call('HSET', skey, 'origin', art.origin)
end
-- representative: the most complete early member (a fuller copy filed within six hours of the
-- first one replaces it; later rewrites do not)
if created == 0 then
  local rep_len = tonumber(redis.call('HGET', skey, 'rep_len') or '0')
  local fs = tonumber(redis.call('HGET', skey, 'first_seen'))
  if art.length > rep_len * 1.15 and tonumber(art.sort_time) <= fs + 21600 then
    redis.call('HSET', skey, 'rep', aid, 'rep_len', art.length, 'title', art.title)
  end
  if tonumber(art.sort_time) < fs then redis.call('HSET', skey, 'first_seen', art.sort_time) end
end
redis.call('ZADD', p .. ':stories:updated', now, root)
for _, t in ipairs(topics) do redis.call('ZADD', p .. ':topic:' .. t .. ':stories', now, root) end

-- serving indexes: what the HTTP API filters on (stories per outlet, known topics), the summary
-- of the representative, and the lifecycle events it announces (outlet joined, headline changed,
-- stories merged). `headline` is the title last announced, so a new representative with the same
-- title stays silent.
local sev = p .. ':events'
for src, _ in pairs(outlets) do
  local skeyed = p .. ':stories:source:' .. src
  redis.call('ZADD', skeyed, now, root)
  for _, r in ipairs(merged) do redis.call('ZREM', skeyed, r) end
end
for _, t in ipairs(topics) do redis.call('ZADD', p .. ':topics', now, t) end
local cur = redis.call('HMGET', skey, 'rep', 'title', 'headline')
if cur[1] == aid then
  local text, cut = art.text, 480
  if #text > cut then
    -- never cut inside a UTF-8 sequence (continuation bytes are 0x80-0xBF)
    while cut > 0 and text:byte(cut + 1) >= 0x80 and text:byte(cut + 1) < 0xC0 do cut = cut - 1 end
    text = text:sub(1, cut)
  end
  redis.call('HSET', skey, 'summary', text, 'summary_rep', aid)
end
if cur[3] ~= cur[2] then redis.call('HSET', skey, 'headline', cur[2] or '') end
if created == 0 then
  if outlets[art.source] == 1 then
    redis.call('XADD', sev, 'MAXLEN', '~', maxlen, '*', 'type', 'story.outlet_joined', 'story', root,
      'source', art.source, 'article', aid, 'size', size)
  end
  if cur[3] and cur[3] ~= cur[2] then
    redis.call('XADD', sev, 'MAXLEN', '~', maxlen, '*', 'type', 'story.headline_changed', 'story', root,
      'title', cur[2] or '', 'previous', cur[3])
  end
end
if #merged > 0 then
  redis.call('XADD', sev, 'MAXLEN', '~', maxlen, '*', 'type', 'story.merged', 'story', root,
    'merged', table.concat(merged, ' '), 'size', size)
end

local ev = p .. ':events'
local kind = 'story.updated'
if created == 1 then kind = 'story.created' end
redis.call('XADD', ev, 'MAXLEN', '~', maxlen, '*', 'type', 'article.added', 'story', root,
  'article', aid, 'source', art.source)
redis.call('XADD', ev, 'MAXLEN', '~', maxlen, '*', 'type', kind, 'story', root, 'size', size,
  'merged', table.concat(merged, ' '))
return {'ok', root, tostring(created), table.concat(merged, ' ')}
