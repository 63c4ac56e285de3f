-- Index one stored article again, as a commit would, into the table `tkey` (storage/lsh.rebuild:
-- the migration to schema 2, a resize: a new table is built beside the live one, then swapped
-- in). Loaded after lib.lua.
-- ARGV: prefix, table key, cells (storage.lsh.cells_many), indexed at, article id, n_shingles,
--       content hash, source, published, signature
local p, tkey, aid = ARGV[1], ARGV[2], ARGV[5]
local cells, tags = lsh_parse_cells(ARGV[3])
local n = lsh_next_number(p)
local prev = lsh_claim(p, cells, tags, n, tkey)
lsh_write_record(p, n, prev, {time = ARGV[4], id = aid, n_shingles = ARGV[6], chash = ARGV[7],
  source = ARGV[8], published = ARGV[9], sig = ARGV[10]})
if redis.call('EXISTS', p .. ':article:' .. aid) == 1 then
  redis.call('HSET', p .. ':article:' .. aid, 'lsh_n', n)
end
return n
