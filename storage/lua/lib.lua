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

-- `other` is merged into `root`: what `other` was kept apart from (an operator split), `root` now
-- is, and `other`'s own set goes. Ingest merges (commit.lua) and operator merges (admin.lua) both
-- call it, so a story later merged that `other` was split from is refused as one split from root.
local function carry_apart(p, other, root)
  local okey = p .. ':story:' .. other .. ':apart'
  for _, o in ipairs(redis.call('SMEMBERS', okey)) do
    redis.call('SREM', p .. ':story:' .. o .. ':apart', other)
    if o ~= root then
      redis.call('SADD', p .. ':story:' .. root .. ':apart', o)
      redis.call('SADD', p .. ':story:' .. o .. ':apart', root)
    end
  end
  redis.call('DEL', okey)
end

-- Candidates come from the newest MAX_PER_BUCKET articles of an LSH bucket (query.lua walks each
-- band's chain that far). A wire story reprinted by eighty outlets fills all its buckets with its
-- own members: verifying the newest few decides as well as verifying all, and keeps an article's
-- cost from growing with the story. dedupe.cluster.MAX_PER_BUCKET is the same number.
local MAX_PER_BUCKET = 16

-- The LSH index (storage/lsh.py). `p:lsh:table` is one string of u52 cells, band after band; a
-- cell holds tag * 2^32 + n: n, the newest article number whose bucket maps to the cell, and 20
-- bits of that bucket's id as the tag. Each article number has a record, `p:lsh:rec:<n>`, that
-- holds per band the number of the previous article in the same bucket: a bucket is a chain, newest
-- first. Reading or writing all of an article's bands is one BITFIELD call, where one hash field
-- per band cost 84 calls an article.
local TAG = 4294967296

-- The packed cells argument (storage.lsh.cells_many), little-endian u32s: the table size the
-- cells were computed for (cells per band), then per band the cell's bit offset in the table and
-- the bucket's tag. Binary and unpacked in one call because every string Lua makes is interned:
-- parsing 84 numbers out of text cost more than the reads. Returns nil when the index has another
-- size (resized meanwhile by `wirewatch reindex`): the caller recomputes its cells.
local function lsh_parse_cells(packed)
  local n = math.floor((#packed - 4) / 8)
  local v = {struct.unpack('<' .. string.rep('I4', 1 + 2 * n), packed)}
  local offsets, tags = {}, {}
  for i = 1, n do offsets[i], tags[i] = v[2 * i], v[2 * i + 1] end
  return offsets, tags, v[1], n
end

-- `readonly`: a preview, which must not write even the size of an emptied Redis's index.
local function lsh_cells(p, packed, readonly)
  local offsets, tags, slots, n = lsh_parse_cells(packed)
  local stored = redis.call('HGET', p .. ':lsh:meta', 'slots')
  if not stored then
    if not readonly then redis.call('HSET', p .. ':lsh:meta', 'slots', slots, 'bands', n) end  -- an emptied Redis
  elseif tonumber(stored) ~= slots then
    return nil
  end
  return offsets, tags
end

-- Per band, the newest article number in this article's bucket: 0 when the cell is empty or holds
-- another bucket (that bucket then owns the cell; ours starts a new chain with its claim). Numbers, not
-- strings, go to redis.call: Redis formats them in C.
local function lsh_heads(p, offsets, tags)
  if #offsets == 0 then return {} end
  local ops = {}
  for i = 1, #offsets do
    ops[3 * i - 2], ops[3 * i - 1], ops[3 * i] = 'GET', 'u52', offsets[i]
  end
  local raw = redis.call('BITFIELD', p .. ':lsh:table', unpack(ops))
  local heads = {}
  for i = 1, #raw do
    local v = raw[i]
    if math.floor(v / TAG) == tags[i] then heads[i] = v % TAG else heads[i] = 0 end
  end
  return heads
end

-- u32s packed little-endian (record chains).
local function pack_u32(values)
  if #values == 0 then return '' end
  return struct.pack('<' .. string.rep('I4', #values), unpack(values))
end

-- Header fields are separated by tabs: an article id or source holding a tab, newline or
-- backslash (possible through `wirewatch import`) is escaped as \t, \n, \\.
local ESCAPES = {['\t'] = '\\t', ['\n'] = '\\n', ['\\'] = '\\\\'}
local UNESCAPES = {t = '\t', n = '\n', ['\\'] = '\\'}

local function lsh_escape(v)
  if string.find(v, '[\t\n\\]') then return (string.gsub(v, '[\t\n\\]', ESCAPES)) end
  return v
end

local function lsh_unescape(v)
  if string.find(v, '\\', 1, true) then return (string.gsub(v, '\\(.)', UNESCAPES)) end
  return v
end

-- An index record, parsed (nil when it is gone: expired, or never written).
-- Layout: "time\tid\tn_shingles\tcontent hash\tsource\tpublished\tbands\n", then one
-- little-endian u32 per band (the previous article number in that band's bucket), then the
-- packed signature.
local function lsh_record(p, n)
  local raw = redis.call('GET', p .. ':lsh:rec:' .. n)
  if not raw then return nil end
  local nl = string.find(raw, '\n', 1, true)
  if not nl then return nil end
  local t, id, nsh, chash, src, pub, nb = string.match(string.sub(raw, 1, nl - 1),
    '^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)$')
  if not t then return nil end
  return {time = tonumber(t), id = lsh_unescape(id), n_shingles = nsh, chash = chash,
    source = lsh_unescape(src), published = pub, nbands = tonumber(nb), raw = raw, at = nl + 1}
end

-- The previous article number in `band`'s bucket (0: the chain ends).
local function lsh_prev(rec, band)
  if band > rec.nbands then return 0 end
  return (struct.unpack('<I4', rec.raw, rec.at + 4 * (band - 1)))
end

-- Per band, the previous article number of the record's bucket: the heads its claim found.
local function lsh_chain_heads(rec)
  local heads = {}
  for band = 1, rec.nbands do heads[band] = lsh_prev(rec, band) end
  return heads
end

local function lsh_signature(rec)
  return string.sub(rec.raw, rec.at + 4 * rec.nbands)
end

-- Point the article's cells at its number `n`. BITFIELD SET answers with what the cells held, so
-- one call both writes and tells, per band, the previous article of the same bucket (0: none, or
-- the cell belonged to another bucket): the chain heads, which the record keeps.
-- The offsets and values go as strings made with '%d': a Lua number argument is formatted by Redis
-- 7.0 with '%.17g', which made this call a fifth dearer (bench/README.md, "Dedupe against Redis").
-- '%d' casts to a C long: on a build where that has 32 bits, '%.0f' (exact below 2^53, but as slow
-- as '%.17g').
local function lsh_claim(p, offsets, tags, n, tkey)
  if #offsets == 0 then return {} end
  local ops, fmt = {}, string.format
  local int = (fmt('%d', 2 ^ 40) == '1099511627776') and '%d' or '%.0f'
  for i = 1, #offsets do
    ops[4 * i - 3], ops[4 * i - 2], ops[4 * i - 1], ops[4 * i] = 'SET', 'u52', fmt(int, offsets[i]),
      fmt(int, tags[i] * TAG + n)
  end
  local raw = redis.call('BITFIELD', tkey or (p .. ':lsh:table'), unpack(ops))
  local prev = {}
  for i = 1, #raw do
    local v = raw[i]
    if math.floor(v / TAG) == tags[i] then prev[i] = v % TAG else prev[i] = 0 end
  end
  return prev
end

-- The record of article number `n` (fields of `rec`: time, id, n_shingles, chash, source,
-- published, sig), its chains continuing at `prev`.
local function lsh_write_record(p, n, prev, rec)
  local header = table.concat({rec.time, lsh_escape(rec.id), rec.n_shingles, rec.chash, lsh_escape(rec.source),
    rec.published, #prev}, '\t')
  redis.call('SET', p .. ':lsh:rec:' .. n, header .. '\n' .. pack_u32(prev) .. rec.sig)
end

local function lsh_next_number(p)
  return redis.call('HINCRBY', p .. ':lsh:meta', 'seq', 1)
end
