"""Every Redis key wirewatch reads or writes, in one place, with its lifetime beside it.

No other module writes a key literal: they call these methods. The prefix (``WIREWATCH_KEY_PREFIX``,
default ``ww``) lets several deployments share one Redis server.

Layout (``p`` is the prefix):

=====================================  ======  ==================================================
key                                    type    holds
=====================================  ======  ==================================================
p:schema                               string  schema version of this layout
p:article:<id>                         hash    one stored article (fields: see storage.articles)
p:articles:by_time                     zset    article id -> fetched_at (retention, export)
p:seen:<source>                        hash    sha1(guid or canonical url)[:16] -> article id
p:seen:url                             hash    sha1(canonical url)[:16] -> article id (all sources)
p:story:<id>                           hash    story record (title, size, first_seen, ...; parent
                                               when merged into another story)
p:story:<id>:members                   zset    article id -> published-or-fetched timestamp
p:story:<id>:apart                     set     stories an operator split from this one: never merged
p:stories:updated                      zset    root story id -> updated timestamp (newest first)
p:topic:<topic>:stories                zset    story id -> updated timestamp
p:lsh:<band>:<shard>                   hash    LSH bucket (8 hex) -> space separated article ids. A
                                               band's buckets are spread over 1024 small hashes by
                                               the first bits of their id, so each stays in Redis's
                                               compact listpack encoding (see lsh_bucket)
p:lsh:times                            zset    article id -> indexed at (expiry of index entries)
p:sig:<id>                             string  packed MinHash signature + shingle count (expires
                                               with the dedupe window)
p:hash:content                         hash    content hash -> article id (exact duplicates)
p:split:<article id>                   set     story ids the article must not join again
p:events                               stream  story lifecycle events (story.created, .merged,
                                               .split, ...; wirewatch/api/README.md) and the raw
                                               story.updated / article.added
p:source:<name>                        hash    per-source state (validators, errors, last run;
                                               generation: bumped by every write, so a run's
                                               write made from a stale read is refused)
p:sources:due                          zset    source name -> next run timestamp
p:daemon:heartbeat:<instance>          string  instance info; TTL = heartbeat TTL
p:daemon:leader                        string  instance id holding the scheduler lock (TTL)
p:daemon:counters                      hash    totals over every run of every daemon, for /metrics:
                                               fetch:<listing|article>:<HTTP status or error>,
                                               runs:<ok|failed>, items:<new|duplicate>,
                                               extract:empty; last_run_at (when a run last landed)
p:queue                                stream  due source runs (field ``job``: the source as JSON);
                                               consumer group ``crawlers``, acked when the run landed
p:stories:source:<source>              zset    root story id -> updated timestamp, for every outlet
                                               in the story (serving index; story hashes also carry
                                               summary, summary_rep, headline for the API)
p:topics                               zset    topic -> last story update (serving index)
p:serving:quiet                        string  updated time up to which story.quiet was announced
p:ops:sweep                            hash    last retention sweep: at, counts (storage.retention)
p:ops:migrating                        string  held while ``wirewatch migrate`` runs (TTL 1 hour)
p:polite:<domain>                      hash    per registrable domain: token bucket (tokens, ts)
                                               and Retry-After hold (hold: not-before time); TTL
                                               until the bucket is full and the hold has passed
=====================================  ======  ==================================================
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEMA_VERSION = 1

# Lifetimes (seconds). Index entries live as long as the dedupe window; see settings.
HEARTBEAT_TTL = 30
LEADER_TTL = 10
QUEUE_GROUP = "crawlers"
# A queued run whose worker has not touched it for this long is taken over by another worker.
QUEUE_VISIBILITY = 60


@dataclass(frozen=True, slots=True)
class Keys:
    prefix: str = "ww"

    # -- bookkeeping
    @property
    def schema(self) -> str:
        return f"{self.prefix}:schema"

    # -- articles
    def article(self, article_id: str) -> str:
        return f"{self.prefix}:article:{article_id}"

    @property
    def article_prefix(self) -> str:
        return f"{self.prefix}:article:"

    @property
    def articles_by_time(self) -> str:
        return f"{self.prefix}:articles:by_time"

    def seen_source(self, source: str) -> str:
        return f"{self.prefix}:seen:{source}"

    @property
    def seen_url(self) -> str:
        return f"{self.prefix}:seen:url"

    # -- stories
    def story(self, story_id: str) -> str:
        return f"{self.prefix}:story:{story_id}"

    @property
    def story_prefix(self) -> str:
        return f"{self.prefix}:story:"

    def story_members(self, story_id: str) -> str:
        return f"{self.prefix}:story:{story_id}:members"

    def story_apart(self, story_id: str) -> str:
        return f"{self.prefix}:story:{story_id}:apart"

    @property
    def stories_updated(self) -> str:
        return f"{self.prefix}:stories:updated"

    def topic_stories(self, topic: str) -> str:
        return f"{self.prefix}:topic:{topic}:stories"

    # -- dedupe index
    def lsh_band(self, band: int) -> str:
        """The prefix of one band's bucket hashes (``lsh_bucket`` names the hash and field)."""
        return f"{self.prefix}:lsh:{band}"

    def lsh_bucket(self, band: int, bucket: str) -> tuple[str, str]:
        """(hash key, field) of an LSH bucket. 1024 hashes per band keep each hash within Redis's
        compact listpack encoding (about 30 bytes an entry instead of ~80 in a hashtable) up to
        ~100k indexed articles, without paying a key's overhead per entry at 10k; the field keeps
        32 more bits of the bucket id: a collision only adds a candidate the Jaccard check rejects."""
        return f"{self.prefix}:lsh:{band}:{int(bucket[:3], 16) >> 2:x}", bucket[3:11]

    def lsh_buckets(self, bands: tuple[str, ...]) -> str:
        """Every band's ``lsh_bucket`` as one space-separated "key field key field ..." string: the
        dedupe scripts take it as a single argument, because packing 84 separate arguments per
        article cost more client CPU than the scripts' own work."""
        p = f"{self.prefix}:lsh:"
        return " ".join(f"{p}{band}:{int(bucket[:3], 16) >> 2:x} {bucket[3:11]}" for band, bucket in enumerate(bands))

    @property
    def lsh_times(self) -> str:
        return f"{self.prefix}:lsh:times"

    def signature(self, article_id: str) -> str:
        return f"{self.prefix}:sig:{article_id}"

    @property
    def sig_prefix(self) -> str:
        return f"{self.prefix}:sig:"

    @property
    def content_hashes(self) -> str:
        return f"{self.prefix}:hash:content"

    def split(self, article_id: str) -> str:
        return f"{self.prefix}:split:{article_id}"

    # -- events
    @property
    def events(self) -> str:
        return f"{self.prefix}:events"

    # -- sources and the daemon
    def source(self, name: str) -> str:
        return f"{self.prefix}:source:{name}"

    @property
    def sources_due(self) -> str:
        return f"{self.prefix}:sources:due"

    def heartbeat(self, instance: str) -> str:
        return f"{self.prefix}:daemon:heartbeat:{instance}"

    @property
    def heartbeat_pattern(self) -> str:
        return f"{self.prefix}:daemon:heartbeat:*"

    @property
    def leader(self) -> str:
        return f"{self.prefix}:daemon:leader"

    @property
    def daemon_counters(self) -> str:
        return f"{self.prefix}:daemon:counters"

    @property
    def queue(self) -> str:
        return f"{self.prefix}:queue"

    # -- serving indexes (written by commit.lua's serving block and admin.lua, pruned by
    #    storage.retention; read by storage.queries)
    def source_stories(self, source: str) -> str:
        return f"{self.prefix}:stories:source:{source}"

    @property
    def topics(self) -> str:
        return f"{self.prefix}:topics"

    @property
    def quiet_mark(self) -> str:
        return f"{self.prefix}:serving:quiet"

    # -- operations (retention sweeps, migrations)
    @property
    def last_sweep(self) -> str:
        return f"{self.prefix}:ops:sweep"

    @property
    def migration_lock(self) -> str:
        return f"{self.prefix}:ops:migrating"

    # -- politeness (crawlers.politeness: shared by every worker)
    def politeness(self, domain: str) -> str:
        return f"{self.prefix}:polite:{domain}"
