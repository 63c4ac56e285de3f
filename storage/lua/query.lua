-- Dedupe query: the article's place in the index, and everything the Python decision needs, in
-- one round trip.
--
-- The article claims its place at query time: it gets its number, its cells point at it (one
-- BITFIELD SET, whose reply, the cells' old values, gives the chain heads) and its record is
-- written, before the chains are walked. Of two near-duplicates indexed at once by two workers,
-- the later one's query therefore always walks through the earlier one's record, committed or
-- not, and the commit needs no re-check of the cells. A claimed article not yet committed is
-- pending (`p:lsh:pending:<n>`, with a TTL): it is returned as a candidate of the pseudo story
-- '~<n>', and if the decision matches it, the commit leaves its article id on that key for the
-- pending article's commit to join or merge (commit.lua: adoption).
--
-- Reply: {status, a, b, candidates..., "split", excluded stories...}
--   status "exists": a = article id already stored, b = its story
--   status "exact":  a = article with the same normalised content, b = its root story
--   status "layout": the index has another size than the cells were computed for; nothing written
--   status "cands":  a = the article's number (its claim, which the commit completes), then per
--                    candidate 6 items: id, root story ('~<n>' if pending), signature,
--                    n_shingles, source, published; then the marker "split" and the stories this
--                    article was split from
-- Also returns, when the article can be committed at once as a new story (no candidate, no
-- split: the fast path), its claim ({number = n}) for commit.lua.
-- `readonly`: a preview ('peek'), which claims nothing and compresses no path.
-- `a.number`: asked again after a commit's retry: the article already holds that number, and its
-- record's chains are walked instead of claiming a second place.

-- How long a claim may stay uncommitted before it no longer counts as pending (a worker that died
-- between its query and its commit): another article's adoption note would then be lost, which
-- costs a missed merge, never a wrong one.
local PENDING_MS = 300000

local function pending_key(p, n)
  return p .. ':lsh:pending:' .. n
end

-- The article's record fields (lsh_write_record) from the script's arguments.
local function record_fields(a)
  return {time = a.now_raw, id = a.aid, n_shingles = a.art.n_shingles, chash = a.chash,
    source = a.art.source, published = a.art.published or '', sig = a.sig}
end

-- A new number for the article, its cells pointed at it and its record written: returns the
-- number and the chain heads (nil when the index was resized since the cells were computed).
local function lsh_claim_place(a)
  local p = a.prefix
  local cells, tags = lsh_cells(p, a.slots)
  if not cells then return nil end
  local number = lsh_next_number(p)
  local heads = lsh_claim(p, cells, tags, number)
  lsh_write_record(p, number, heads, record_fields(a))
  return number, heads
end

local function query(a, readonly)
  local p, aid, min_t = a.prefix, a.aid, a.now - a.window
  local existing = redis.call('HGET', p .. ':article:' .. aid, 'story')
  if existing then
    -- (stored meanwhile by another worker: this article's own claim, if any, is let go)
    if not readonly and a.number ~= '' then redis.call('DEL', pending_key(p, a.number)) end
    return {'exists', aid, find(p, existing, not readonly)}
  end
  if a.chash ~= '' then
    local other = redis.call('HGET', p .. ':hash:content', a.chash)
    if other then
      local f = redis.call('HMGET', p .. ':article:' .. other, 'story', 'fetched_at', 'published')
      -- as dedupe.decide judges any candidate: two copies published more than the window apart
      -- are not one story, however alike (a republication); the LSH path then decides
      local mine, theirs = a.art and tonumber(a.art.published or ''), tonumber(f[3] or '')
      local near = not (mine and theirs) or math.abs(mine - theirs) <= a.window
      if f[1] and tonumber(f[2] or '0') >= min_t and near then
        return {'exact', other, find(p, f[1], not readonly)}
      end
    end
  end

  local number, heads
  if readonly then
    local cells, tags = lsh_cells(p, a.slots, true)
    if not cells then return {'layout'} end
    heads = lsh_heads(p, cells, tags)
  else
    local own = a.number ~= '' and lsh_record(p, a.number)
    if own and own.id == aid then
      number = tonumber(a.number)
      heads = lsh_chain_heads(own)
    else
      -- (a record gone with a `wirewatch reindex`, which the daemons should not run beside:
      -- claimed again)
      if a.number ~= '' then redis.call('DEL', pending_key(p, a.number)) end
      number, heads = lsh_claim_place(a)
      if not number then return {'layout'} end
    end
  end

  local out = {'cands', number and tostring(number) or '', ''}
  local seen, recs = {}, {}
  for band = 1, #heads do
    local n, steps = heads[band], 0
    while n > 0 and steps < MAX_PER_BUCKET do
      local rec = recs[n]
      if rec == nil then
        rec = lsh_record(p, n) or false
        recs[n] = rec
      end
      -- a record gone was expired by the sweep, which goes oldest number first: so is the rest of
      -- the chain. One outside the window is passed over, not an end: an import writes records
      -- with their original (older) times after younger ones.
      if not rec then break end
      if rec.time >= min_t and not seen[n] and rec.id ~= aid then
        seen[n] = true
        -- stored with the text this record indexes (a claim that never committed leaves a record
        -- whose id may be stored later with another text), or still pending
        local f = redis.call('HMGET', p .. ':article:' .. rec.id, 'story', 'content_hash')
        local story
        if f[1] then
          if f[2] == rec.chash then story = find(p, f[1], not readonly) end
        elseif not readonly and redis.call('EXISTS', pending_key(p, n)) == 1 then
          story = '~' .. n
        end
        if story then
          out[#out + 1] = rec.id
          out[#out + 1] = story
          out[#out + 1] = lsh_signature(rec)
          out[#out + 1] = rec.n_shingles
          out[#out + 1] = rec.source
          out[#out + 1] = rec.published
        end
      end
      n = lsh_prev(rec, band)
      steps = steps + 1
    end
  end
  local splits = redis.call('SMEMBERS', p .. ':split:' .. aid)
  if not readonly and #out == 3 and #splits == 0 then
    return out, {number = number}
  end
  -- the claim stays open until this article's commit (asked again: its key may already hold
  -- notes from other commits, which must stay)
  if not readonly then
    local key = pending_key(p, number)
    if a.number == '' or redis.call('PEXPIRE', key, PENDING_MS) == 0 then
      redis.call('SET', key, '', 'PX', PENDING_MS)
    end
  end
  out[#out + 1] = 'split'
  for _, s in ipairs(splits) do out[#out + 1] = find(p, s, not readonly) end
  return out
end
