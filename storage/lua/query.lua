-- Dedupe query: everything the Python decision needs, in one round trip.
-- Reply: {status, a, b, candidates..., "split", excluded stories...}
--   status "exists": a = article id already stored, b = its story
--   status "exact":  a = article with the same normalised content, b = its root story
--   status "layout": the index has another size than the cells were computed for; nothing read
--   status "cands":  a = the heads token (per band, the newest article number of this article's
--                    bucket, packed u32s; the commit re-checks it), then per candidate 6 items:
--                    id, root story, signature, n_shingles, source, published; then the marker
--                    "split" and the stories this article was split from
-- Also returns, for the commit's fast path, the cells, tags and heads it read, and how many
-- stories the article was split from.
-- `readonly`: no path compression, for previews that must write nothing.
local function query(a, readonly)
  local p, aid, min_t = a.prefix, a.aid, a.now - a.window
  local existing = redis.call('HGET', p .. ':article:' .. aid, 'story')
  if existing then
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

  local cells, tags = lsh_cells(p, a.slots, readonly)
  if not cells then return {'layout'} end
  local heads = lsh_heads(p, cells, tags)
  local out = {'cands', '', ''}
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
      if rec.time >= min_t and not seen[n] then
        seen[n] = true
        local story = redis.call('HGET', p .. ':article:' .. rec.id, 'story')
        if story then
          out[#out + 1] = rec.id
          out[#out + 1] = find(p, story, not readonly)
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
  -- the heads token, for the commit's re-check, in every reply that goes back to Python (all but
  -- the fast path's: no candidate, no split)
  if #out > 3 or #splits > 0 then out[2] = pack_u32(heads) end
  out[#out + 1] = 'split'
  for _, s in ipairs(splits) do out[#out + 1] = find(p, s, not readonly) end
  return out, {cells = cells, tags = tags, heads = heads}, #splits
end
