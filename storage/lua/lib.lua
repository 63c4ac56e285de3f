-- Shared helpers, put in front of every story script when it is loaded (storage/scripts.py), so
-- the union-find and its limits are written once.

-- The root story of `story` (union-find over the `parent` field of story hashes). With
-- `compress`, every story on the path is pointed straight at the root (path compression), so a
-- story merged many times stays one hop from its root.
local function find(p, story, compress)
  local path = {}
  local cur = story
  for _ = 1, 64 do
    local parent = redis.call('HGET', p .. ':story:' .. cur, 'parent')
    if not parent or parent == '' then break end
    path[#path + 1] = cur
    cur = parent
  end
  if compress then
    for i = 1, #path - 1 do redis.call('HSET', p .. ':story:' .. path[i], 'parent', cur) end
  end
  return cur
end

-- Candidates come from the newest MAX_PER_BUCKET ids of an LSH bucket (query.lua), and a bucket
-- is trimmed to about that many when it grows (commit.lua). A wire story reprinted by eighty
-- outlets fills all its buckets with its own members: verifying the newest few decides as well
-- as verifying all, and keeps an article's cost (and the bucket) from growing with the story.
-- dedupe.cluster.MAX_PER_BUCKET is the same number.
local MAX_PER_BUCKET = 16
-- A bucket longer than this (in bytes) is cut back to its newest MAX_PER_BUCKET ids on append.
local TRIM_BUCKET_AT = 40 * MAX_PER_BUCKET

-- `bucket` (space-separated ids) with `aid` appended, the oldest ids dropped past the bound.
local function bucket_append(bucket, aid)
  if not bucket then return aid end
  local v = bucket .. ' ' .. aid
  if #v <= TRIM_BUCKET_AT then return v end
  local ids = {}
  for id in string.gmatch(v, '%S+') do ids[#ids + 1] = id end
  if #ids <= MAX_PER_BUCKET then return v end
  return table.concat(ids, ' ', #ids - MAX_PER_BUCKET + 1, #ids)
end

-- The newest MAX_PER_BUCKET ids of a bucket (ids are appended, so they are the last ones): the
-- only ones a query looks at, and so the only ones a commit re-checks.
local function newest(bucket)
  local ids = {}
  local tail = bucket
  if #bucket > MAX_PER_BUCKET * 40 then tail = bucket:sub(-MAX_PER_BUCKET * 40) end
  for id in string.gmatch(tail, '%S+') do ids[#ids + 1] = id end
  if #tail < #bucket then table.remove(ids, 1) end  -- the cut may have split the first id
  if #ids > MAX_PER_BUCKET then
    local last = {}
    for i = #ids - MAX_PER_BUCKET + 1, #ids do last[#last + 1] = ids[i] end
    return last
  end
  return ids
end
