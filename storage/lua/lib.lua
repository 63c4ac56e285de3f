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
