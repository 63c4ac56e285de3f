-- Dedupe commit: store the article, complete its index claim, assign or open its story, merge
-- stories, and emit events, atomically.
-- `a` holds the call's arguments (dedupe.lua); `a.number` the article's number from its query's
-- claim ('' for an exact copy of a stored article, whose query claimed nothing: it claims here);
-- `a.target` the story to join ('' = open a new one); `a.merge` the stories to merge into it
-- (space separated); either may name a pending candidate as '~<n>'; `a.adopt` the pending
-- candidates it matched ("number id" pairs, space separated). `index`: the claim of the query in
-- this same call (the fast path).
-- Adoption: a matched candidate that is still pending (claimed by another worker's query, not yet
-- committed) cannot be joined or merged yet, so this article's id is left on its pending key, and
-- its own commit joins or merges this article's story (below). Whichever of the two commits runs
-- second sees the other: a candidate committed meanwhile is joined or merged here directly.
-- Reply: {'ok', root story, '1' if created else '0', merged stories} | {'exists', story}
--        | {'retry'} (the story to join is gone: ask again, the claim kept) | {'layout'} (the
--        index was resized since the cells were computed; nothing written)
local function commit(a, index)
  local p, now, aid, art = a.prefix, a.now, a.aid, a.art
  local chash, maxlen, target = a.chash, a.maxlen, a.target
  local claimed = a.number ~= ''

  -- (the fast path's query has just looked)
  if not index and redis.call('EXISTS', p .. ':article:' .. aid) == 1 then
    if claimed then redis.call('DEL', pending_key(p, a.number)) end
    return {'exists', find(p, redis.call('HGET', p .. ':article:' .. aid, 'story'))}
  end

  -- the decision's stories, in its order, its pending candidates ('~<n>') resolved: one committed
  -- since counts as its story, so the choice is the one a query after its commit would have made
  -- (a batch's copies adopt the earlier ones of the same batch, committed just before them); one
  -- still pending drops out of the list and gets a note (below)
  local adopted, noted = {}, {}
  for n, id in string.gmatch(a.adopt, '(%S+)%s+(%S+)') do
    local f = redis.call('HMGET', p .. ':article:' .. id, 'story', 'lsh_n')
    if f[1] then
      if f[2] == n then adopted[n] = f[1] end  -- (else: stored from another claim)
    else
      noted[#noted + 1] = n
    end
  end
  local function resolve(story)
    if string.sub(story, 1, 1) ~= '~' then return story end
    return adopted[string.sub(story, 2)] or ''
  end
  target = resolve(target)
  local merge = ''
  for other in string.gmatch(a.merge, '%S+') do merge = merge .. ' ' .. resolve(other) end

  local created = 0
  local root, opened
  if target ~= '' then
    root = find(p, target)
    if redis.call('EXISTS', p .. ':story:' .. root) == 0 then return {'retry'} end
  end

  -- the article's place in the index: claimed by its query, or (an exact copy) now
  local number
  if index then
    number = index.number
  elseif claimed then
    number = tonumber(a.number)
  else
    number = lsh_claim_place(a)
    if not number then return {'layout'} end
  end

  -- adoption: the stories of the articles that left a note on this article's claim (they matched
  -- it while it was pending) are merged too
  if claimed then
    local notes = redis.call('GETDEL', pending_key(p, number))
    if notes then
      for id in string.gmatch(notes, '%S+') do
        local story = redis.call('HGET', p .. ':article:' .. id, 'story')
        if story then merge = merge .. ' ' .. story end
      end
    end
  end

  if target == '' then
    -- a story that adoption found is joined: no story opened only to be merged away
    for other in string.gmatch(merge, '%S+') do
      local r = find(p, other)
      if redis.call('EXISTS', p .. ':story:' .. r) == 1 then root = r; break end
    end
    if not root then
      root = 's' .. aid
      created = 1
      opened = {'id', root, 'first_seen', art.sort_time, 'created', now, 'rep', aid, 'rep_len', art.length,
        'title', art.title, 'origin', art.origin or '', 'topics', '[]', 'outlets', '{}'}
    end
  end
  for _, n in ipairs(noted) do
    -- APPEND keeps the key's TTL; a claim let go (its key expired) gets no note
    local key = pending_key(p, n)
    if redis.call('EXISTS', key) == 1 then redis.call('APPEND', key, ' ' .. aid) end
  end

  if opened and string.find(merge, '%S') then
    -- written with the story's other fields below, in one call, unless a merge reads it first
    redis.call('HSET', p .. ':story:' .. root, unpack(opened))
    opened = nil
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
  for other in string.gmatch(merge, '%S+') do
    local r = find(p, other)
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
      carry_apart(p, r, root)  -- a story later in this loop that r was split from is refused above
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
    'evidence', a.evidence, 'lsh_n', number)
  redis.call('ZADD', mkey, art.sort_time, aid)
  redis.call('ZADD', p .. ':articles:by_time', now, aid)
  if chash ~= '' then redis.call('HSET', p .. ':hash:content', chash, aid) end
  for i = 1, #a.seen, 2 do redis.call('HSET', a.seen[i], a.seen[i + 1], aid) end

  -- the story record: read once, change in Lua, write once
  local f
  if created == 1 and #merged == 0 then
    -- just written above: no need to read it back
    f = {'{}', '[]', art.origin or '', aid, art.length, art.sort_time, art.title, false}
  else
    f = redis.call('HMGET', skey, 'outlets', 'topics', 'origin', 'rep', 'rep_len', 'first_seen', 'title',
      'headline')
  end
  local outlets = (f[1] and f[1] ~= '' and f[1] ~= '{}') and cjson.decode(f[1]) or {}
  outlets[art.source] = (outlets[art.source] or 0) + 1
  local topics = (f[2] and f[2] ~= '' and f[2] ~= '[]') and cjson.decode(f[2]) or {}
  local tset = {}
  for _, t in ipairs(topics) do tset[t] = true end
  for _, t in ipairs(art.topics) do
    if not tset[t] then topics[#topics + 1] = t; tset[t] = true end
  end
  local size = 1
  if created == 0 or #merged > 0 then size = redis.call('ZCARD', mkey) end
  local upd = {'size', size, 'updated', now, 'outlets', cjson.encode(outlets), 'topics', cjson.encode(topics)}
  local function set(k, v) upd[#upd + 1] = k; upd[#upd + 1] = v end
  if (f[3] or '') == '' and art.origin and art.origin ~= '' then set('origin', art.origin) end
  -- representative: the most complete early member (a fuller copy filed within six hours of the
  -- first one replaces it; later rewrites do not)
  local rep, title = f[4], f[7]
  if created == 0 then
    local rep_len = tonumber(f[5] or '0')
    local fs = tonumber(f[6])
    if art.length > rep_len * 1.15 and tonumber(art.sort_time) <= fs + 21600 then
      rep, title = aid, art.title
      set('rep', aid); set('rep_len', art.length); set('title', art.title)
    end
    if tonumber(art.sort_time) < fs then set('first_seen', art.sort_time) end
  end
  -- serving fields: the summary of the representative, and `headline`, the title last announced
  -- (so a new representative with the same title stays silent)
  if rep == aid then
    local text, cut = art.text, 480
    if #text > cut then
      -- never cut inside a UTF-8 sequence (continuation bytes are 0x80-0xBF)
      while cut > 0 and text:byte(cut + 1) >= 0x80 and text:byte(cut + 1) < 0xC0 do cut = cut - 1 end
      text = text:sub(1, cut)
    end
    set('summary', text); set('summary_rep', aid)
  end
  local previous = f[8]
  if previous ~= title then set('headline', title or '') end
  if opened then
    for i = 1, #upd do opened[#opened + 1] = upd[i] end  -- later fields win within one HSET
    upd = opened
  end
  redis.call('HSET', skey, unpack(upd))
  redis.call('ZADD', p .. ':stories:updated', now, root)
  for _, t in ipairs(topics) do
    redis.call('ZADD', p .. ':topic:' .. t .. ':stories', now, root)
    redis.call('ZADD', p .. ':topics', now, t)
  end

  -- serving indexes and lifecycle events: what the HTTP API filters on (stories per outlet, known
  -- topics) and what it announces (outlet joined, headline changed, stories merged)
  local sev = p .. ':events'
  for src, _ in pairs(outlets) do
    local skeyed = p .. ':stories:source:' .. src
    redis.call('ZADD', skeyed, now, root)
    for _, r in ipairs(merged) do redis.call('ZREM', skeyed, r) end
  end
  if created == 0 then
    if outlets[art.source] == 1 then
      redis.call('XADD', sev, 'MAXLEN', '~', maxlen, '*', 'type', 'story.outlet_joined', 'story', root,
        'source', art.source, 'article', aid, 'size', size)
    end
    if previous and previous ~= title then
      redis.call('XADD', sev, 'MAXLEN', '~', maxlen, '*', 'type', 'story.headline_changed', 'story', root,
        'title', title or '', 'previous', previous)
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
end
