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
p:seen:<source>                        hash    sha1(guid or canonical url)[:16] -> article id, or
                                               -<unix time> for a page the topic filter left out
                                               (the deep sweep drops it after the retention age)
p:seen:url                             hash    sha1(canonical url)[:16] -> article id or -<time>
                                               (all sources)
p:story:<id>                           hash    story record (title, size, first_seen, ...; parent
                                               when merged into another story)
p:story:<id>:members                   zset    article id -> published-or-fetched timestamp
p:story:<id>:apart                     set     stories an operator split from this one: never merged
p:stories:updated                      zset    root story id -> updated timestamp (newest first)
p:topic:<topic>:stories                zset    story id -> updated timestamp
p:lsh:table                            string  the LSH index: per band, `slots` cells of 52 bits
                                               (BITFIELD u52): the newest article number whose
                                               bucket maps to the cell, and 20 bits of that bucket's
                                               id as a tag (storage/lsh.py)
p:lsh:table:rebuild                    string  the next table while `wirewatch reindex` builds it
p:lsh:meta                             hash    slots (cells per band), bands, seq (last article
                                               number given), floor (oldest number maybe live)
p:lsh:rec:<n>                          string  index record of article number n: indexed time, id,
                                               shingle count, content hash, source, published; per
                                               band the previous article number in the same bucket
                                               (the chain a lookup walks); the packed signature.
                                               Written by the query's claim; a claim that never
                                               committed leaves one (its id not stored, or stored
                                               with another record). Deleted when the dedupe
                                               window passes
p:lsh:pending:<n>                      string  article number n is claimed and not committed yet
                                               (TTL 300 s): the ids of articles whose commits
                                               matched it meanwhile, for its commit to join or
                                               merge (adoption)
p:hash:content                         hash    content hash -> article id (exact duplicates)
p:split:<article id>                   set     story ids the article must not join again
p:events                               stream  story lifecycle events (story.created, .merged,
                                               .split, ...; wirewatch/api/README.md) and the raw
                                               story.updated / article.added
p:source:<name>                        hash    per-source state (validators, errors, last run;
                                               dispatched_at: when last queued;
                                               generation: bumped by every write, so a run's
                                               write made from a stale read is refused)
p:sources:due                          zset    source name -> next run timestamp
p:daemon:heartbeat:<instance>          string  instance info; TTL = heartbeat TTL
p:daemon:instances                     zset    instance -> its last beat (its clock): where readers
                                               find the heartbeats (storage/heartbeats.py); names
                                               silent for a day are dropped by the next beat
p:daemon:leader                        string  instance id holding the scheduler lock (TTL)
p:daemon:counters                      hash    totals over every run of every daemon, for /metrics:
                                               fetch:<listing|article>:<HTTP status, or timeout|dns|...>,
                                               runs:<ok|failed>, items:<new|duplicate>,
                                               extract:empty; last_run_at (when a run last landed)
p:queue                                stream  due source runs (field ``job``: the source as JSON);
                                               consumer group ``crawlers``, acked when the run landed
p:stories:source:<source>              zset    root story id -> updated timestamp, for every outlet
                                               in the story (serving index; story hashes also carry
                                               summary, summary_rep, headline for the API)
p:topics                               zset    topic -> last story update (serving index)
p:serving:quiet                        string  updated time up to which story.quiet was announced
p:ops:sweep                            hash    last retention sweep: at, counts; last_deep_at;
                                               failed_at, failure while the last one failed
                                               (storage.retention)
p:ops:sweeping                         string  held while a scheduled sweep runs: its sweeper's
                                               token, TTL 10 min renewed between batches, so the
                                               daemon and `sweep --loop` take turns
p:ops:migrating                        string  held while ``wirewatch migrate`` runs (TTL 1 hour)
p:polite:<domain>                      hash    per registrable domain: token bucket (tokens, ts)
                                               and Retry-After hold (hold: not-before time); TTL
                                               until the bucket is full and the hold has passed
=====================================  ======  ==================================================
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEMA_VERSION = 2

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

    # -- dedupe index (storage/lsh.py)
    @property
    def lsh_table(self) -> str:
        return f"{self.prefix}:lsh:table"

    @property
    def lsh_table_rebuild(self) -> str:
        """Scratch table a rebuild fills before it is swapped in (``storage.lsh.rebuild``)."""
        return f"{self.prefix}:lsh:table:rebuild"

    @property
    def lsh_meta(self) -> str:
        return f"{self.prefix}:lsh:meta"

    def lsh_record(self, number: int) -> str:
        return f"{self.prefix}:lsh:rec:{number}"

    @property
    def lsh_record_prefix(self) -> str:
        return f"{self.prefix}:lsh:rec:"

    def lsh_pending(self, number: int) -> str:
        """string, with a TTL: index place ``number`` is claimed by a query whose commit has not
        run yet; holds the stories other commits left for it to merge (query.lua, commit.lua)."""
        return f"{self.prefix}:lsh:pending:{number}"

    # -- schema 1's dedupe index: read (then deleted) by the migration to schema 2 only
    def legacy_lsh_band(self, band: int) -> str:
        """The prefix of one band's bucket hashes (``p:lsh:<band>:<shard>``)."""
        return f"{self.prefix}:lsh:{band}"

    @property
    def legacy_lsh_times(self) -> str:
        """zset article id -> indexed at."""
        return f"{self.prefix}:lsh:times"

    def legacy_signature(self, article_id: str) -> str:
        """string: the packed signature of an indexed article."""
        return f"{self.prefix}:sig:{article_id}"

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
        """Only for finding daemons older than ``daemon_instances`` (storage.heartbeats.any_running)."""
        return f"{self.prefix}:daemon:heartbeat:*"

    @property
    def daemon_instances(self) -> str:
        return f"{self.prefix}:daemon:instances"

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
    def sweep_lock(self) -> str:
        return f"{self.prefix}:ops:sweeping"

    @property
    def migration_lock(self) -> str:
        return f"{self.prefix}:ops:migrating"

    # -- politeness (crawlers.politeness: shared by every worker)
    def politeness(self, domain: str) -> str:
        return f"{self.prefix}:polite:{domain}"
