-- Entry point of the dedupe index (loaded after lib.lua, query.lua and commit.lua).
-- ARGV: 1 mode ('query' | 'peek' | 'commit'), 2 prefix, 3 now, 4 window, 5 article id,
--       6 content hash, 7 LSH cells (storage.lsh.cells_many: packed u32 (bit offset, tag) per band),
--       then for 'query' and 'commit': 8 stream maxlen, 9 signature bytes, 10 the article's fields
--       as a JSON object (its text apart:) 11 text, 12 the article's number if its query claimed
--       one ('' if not), 13 target story, 14 stories to merge, 15 evidence JSON, 16 pending
--       candidates to adopt ("number id" pairs), then (seen-hash key, field) pairs to mark.
-- 'peek' answers as query.lua does and writes nothing. 'query' claims the article's place in
-- the index and answers; an article with no candidate at all is committed at once as a new story
-- (the decision is then trivial), so most articles cost one round trip; its reply is then the
-- commit's.
local mode = ARGV[1]
local a = {prefix = ARGV[2], now = tonumber(ARGV[3]), now_raw = ARGV[3], window = tonumber(ARGV[4]),
  aid = ARGV[5], chash = ARGV[6], slots = ARGV[7]}
if mode == 'peek' then return (query(a, true)) end
a.maxlen, a.sig, a.number, a.target, a.merge = ARGV[8], ARGV[9], ARGV[12], ARGV[13], ARGV[14]
a.evidence, a.adopt = ARGV[15], ARGV[16]
a.art = cjson.decode(ARGV[10])
a.art.text = ARGV[11]
a.seen = {}
for i = 17, #ARGV do a.seen[#a.seen + 1] = ARGV[i] end
if mode == 'commit' then return commit(a, nil) end
local reply, index = query(a, false)
if index then return commit(a, index) end
return reply
