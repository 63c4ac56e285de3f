"""Which articles are the same story: normalise, shingle, MinHash, LSH, decide, cluster.

Pure code (no Redis): the story index in ``storage`` and offline ``wirewatch cluster`` both call
``fingerprint``/``fingerprint_many`` and ``decide``, so they group articles identically.
See ``dedupe/README.md`` for the algorithm, the parameters and the measured numbers.
"""

from dedupe.cluster import InMemoryClusterer, new_story_id
from dedupe.config import DedupeConfig
from dedupe.decide import Candidate, Decision, Match, decide
from dedupe.fingerprint import Fingerprint, fingerprint, fingerprint_many
from dedupe.normalize import detect_origin
from dedupe.offline import cluster_lines

__all__ = [
    "Candidate",
    "Decision",
    "DedupeConfig",
    "Fingerprint",
    "InMemoryClusterer",
    "Match",
    "cluster_lines",
    "decide",
    "detect_origin",
    "fingerprint",
    "fingerprint_many",
    "new_story_id",
]
