-- Index one stored article again, as a commit would (storage/lsh.write_entries: the migration to
-- schema 2, a resize). Loaded after lib.lua.
-- ARGV: prefix, cells (storage.lsh.cells_many), indexed at, article id, n_shingles, content hash, source,
--       published, signature
local p, aid = ARGV[1], ARGV[4]
local cells, tags = lsh_cells(p, ARGV[2])
if not cells then return redis.error_reply('the index was resized meanwhile') end
local n = lsh_next_number(p)
local prev = lsh_claim(p, cells, tags, n)
lsh_write_record(p, n, prev, {time = ARGV[3], id = aid, n_shingles = ARGV[5], chash = ARGV[6],
  source = ARGV[7], published = ARGV[8], sig = ARGV[9]})
if redis.call('EXISTS', p .. ':article:' .. aid) == 1 then
  redis.call('HSET', p .. ':article:' .. aid, 'lsh_n', n)
end
return n
