-- Dedupe query: everything the Python decision needs, in one round trip.
-- Reply: {status, a, b, candidates..., "split", excluded stories...}
--   status "exists": a = article id already stored, b = its story
--   status "exact":  a = article with the same normalised content, b = its root story
--   status "cands":  then per candidate 6 items: id, root story, signature, n_shingles, source,
--                    published; then the marker "split" and the stories this article was split from
-- Also returns, for the commit's fast path, each band's bucket key, field and value as read
-- (false when empty), and how many stories the article was split from.
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
      local t = redis.call('ZSCORE', p .. ':lsh:times', other)
      local st = redis.call('HGET', p .. ':article:' .. other, 'story')
      if t and tonumber(t) >= min_t and st then
        return {'exact', other, find(p, st, not readonly)}
      end
    end
  end

  local seen, bkeys, bfields, bvals = {}, {}, {}, {}
  local out = {'cands', '', ''}
  for key, field in string.gmatch(a.buckets, '(%S+) (%S+)') do
    local bucket = redis.call('HGET', key, field)
    local n = #bkeys + 1
    bkeys[n], bfields[n], bvals[n] = key, field, bucket
    if bucket then
      for _, id in ipairs(newest(bucket)) do
        if not seen[id] then
          seen[id] = true
          local t = redis.call('ZSCORE', p .. ':lsh:times', id)
          if t and tonumber(t) >= min_t then
            local sig = redis.call('GET', p .. ':sig:' .. id)
            local f = redis.call('HMGET', p .. ':article:' .. id, 'story', 'source', 'published', 'n_shingles')
            if sig and f[1] then
              out[#out + 1] = id
              out[#out + 1] = find(p, f[1], not readonly)
              out[#out + 1] = sig
              out[#out + 1] = f[4] or '0'
              out[#out + 1] = f[2] or ''
              out[#out + 1] = f[3] or ''
            end
          end
        end
      end
    end
  end
  out[#out + 1] = 'split'
  local splits = redis.call('SMEMBERS', p .. ':split:' .. aid)
  for _, s in ipairs(splits) do out[#out + 1] = find(p, s, not readonly) end
  return out, {keys = bkeys, fields = bfields, vals = bvals}, #splits
end
