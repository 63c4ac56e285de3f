-- Dedupe query: everything the Python decision needs, in one round trip.
-- ARGV: prefix, now, window, article_id, content_hash, buckets (Keys.lsh_buckets: "key field key
--       field ...", one pair per band), then optionally 'ro'
--   'ro': read-only (no path compression), for previews that must write nothing
-- Reply: {status, a, b, candidates..., "split", excluded stories...}
--   status "exists": a = article id already stored, b = its story
--   status "exact":  a = article with the same normalised content, b = its root story
--   status "cands":  then per candidate 6 items: id, root story, signature, n_shingles, source,
--                    published; then the marker "split" and the stories this article was split from
local p = ARGV[1]
local now = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local aid = ARGV[4]
local chash = ARGV[5]
local readonly = ARGV[7] == 'ro'

local function find(story)
  -- union-find root with path compression
  local path = {}
  local cur = story
  for _ = 1, 64 do
    local parent = redis.call('HGET', p .. ':story:' .. cur, 'parent')
    if not parent or parent == '' then break end
    path[#path + 1] = cur
    cur = parent
  end
  if not readonly then
    for i = 1, #path - 1 do
      redis.call('HSET', p .. ':story:' .. path[i], 'parent', cur)
    end
  end
  return cur
end

local existing = redis.call('HGET', p .. ':article:' .. aid, 'story')
if existing then
  return {'exists', aid, find(existing)}
end

local min_t = now - window
if chash ~= '' then
  local other = redis.call('HGET', p .. ':hash:content', chash)
  if other then
    local t = redis.call('ZSCORE', p .. ':lsh:times', other)
    local st = redis.call('HGET', p .. ':article:' .. other, 'story')
    if t and tonumber(t) >= min_t and st then
      return {'exact', other, find(st)}
    end
  end
end

local seen = {}
local out = {'cands', '', ''}
for key, field in string.gmatch(ARGV[6], '(%S+) (%S+)') do
  local bucket = redis.call('HGET', key, field)
  if bucket then
    for id in string.gmatch(bucket, '%S+') do
      if not seen[id] then
        seen[id] = true
        local t = redis.call('ZSCORE', p .. ':lsh:times', id)
        if t and tonumber(t) >= min_t then
          local sig = redis.call('GET', p .. ':sig:' .. id)
          local f = redis.call('HMGET', p .. ':article:' .. id, 'story', 'source', 'published', 'n_shingles')
          if sig and f[1] then
            out[#out + 1] = id
            out[#out + 1] = find(f[1])
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
for _, s in ipairs(splits) do out[#out + 1] = find(s) end
return out
