"""Why a story's articles are grouped, and who really reported it: pure, computed at read time.

Every member is compared with the story's representative on exact word shingles of the matching
form (``normalize``), so the figures are what a reader can check, not MinHash estimates (those are
kept as each article's ``evidence`` at ingest):

- headline rewritten: the normalised titles differ;
- paragraphs kept, trimmed (representative paragraphs the member lacks) and added (member
  paragraphs the representative lacks); ``tail_trimmed`` when every missing paragraph comes after
  the last kept one, the usual cut of a reprint;
- Jaccard and containment (of the member's shingles in the representative's).

Independent outlets: an article is a *reprint* when at least ``REPRINT_SHARE`` of its paragraphs
are in an earlier article of another outlet (a copy, possibly trimmed, with a local intro or a
changed credit line); otherwise it is the outlet's own version. Texts of fewer than three
paragraphs are judged by the share of their shingles instead. A story's independent outlets are
the outlets with at least one article that is not a reprint: forty reprints of one agency story
count once. (Joining a story needs less: a containment of 0.7, so an outlet's own write-up around
wire paragraphs joins the story and still counts as independent.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dedupe.normalize import normalize

# A paragraph counts as present in the other text when this share of its shingles is there.
PARAGRAPH_PRESENT = 0.5
# Share of an article's paragraphs found in an earlier article of another outlet that makes it a reprint.
REPRINT_SHARE = 0.8


@dataclass(frozen=True, slots=True)
class MemberText:
    """What provenance needs of one member: ``time`` orders the story (publication, else fetch)."""

    id: str
    source: str
    title: str
    text: str
    time: float
    evidence: dict[str, object] | None = None  # the MinHash estimates it joined by, at ingest


@dataclass(frozen=True, slots=True)
class MemberProvenance:
    article_id: str
    source: str
    representative: bool
    earliest: bool
    headline_rewritten: bool
    paragraphs: int
    paragraphs_kept: int
    paragraphs_trimmed: int
    paragraphs_added: int
    tail_trimmed: bool
    jaccard: float
    containment: float
    reprint_of: str | None
    evidence: dict[str, object] | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "article_id": self.article_id, "source": self.source, "representative": self.representative,
            "earliest": self.earliest, "headline_rewritten": self.headline_rewritten,
            "paragraphs": self.paragraphs, "paragraphs_kept": self.paragraphs_kept,
            "paragraphs_trimmed": self.paragraphs_trimmed, "paragraphs_added": self.paragraphs_added,
            "tail_trimmed": self.tail_trimmed, "jaccard": self.jaccard, "containment": self.containment,
            "reprint_of": self.reprint_of, "evidence": self.evidence,
        }


@dataclass(frozen=True, slots=True)
class StoryProvenance:
    representative: str
    earliest: str
    independent_outlets: tuple[str, ...]
    reprints: int
    members: tuple[MemberProvenance, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "representative": self.representative, "earliest": self.earliest,
            "independent_outlets": list(self.independent_outlets),
            "independent_outlet_count": len(self.independent_outlets), "reprints": self.reprints,
            "members": [m.to_json() for m in self.members],
        }


def shingles(text: str, size: int) -> frozenset[tuple[str, ...]]:
    """Word shingles of the matching form; a text shorter than ``size`` words is one shingle."""
    words = normalize(text).split()
    if len(words) <= size:
        return frozenset([tuple(words)]) if words else frozenset()
    return frozenset(tuple(words[i : i + size]) for i in range(len(words) - size + 1))


def paragraphs(text: str, size: int) -> list[frozenset[tuple[str, ...]]]:
    """The shingle set of each non-empty paragraph (a line of the extracted text)."""
    out = []
    for line in text.splitlines():
        s = shingles(line, size)
        if s:
            out.append(s)
    return out


def _share(part: frozenset[tuple[str, ...]], whole: frozenset[tuple[str, ...]]) -> float:
    return len(part & whole) / len(part) if part else 0.0


Shingles = frozenset[tuple[str, ...]]


def compare(member: MemberText, rep: MemberText, size: int, *, mine: Shingles | None = None,
            theirs: Shingles | None = None) -> tuple[bool, int, int, int, int, bool, float, float]:
    """(headline rewritten, paragraphs, kept, trimmed, added, tail trimmed, Jaccard, containment)
    of ``member`` against ``rep`` (``mine`` and ``theirs``: their shingles, when already known)."""
    mine = shingles(member.text, size) if mine is None else mine
    theirs = shingles(rep.text, size) if theirs is None else theirs
    union = len(mine | theirs)
    jaccard = len(mine & theirs) / union if union else 1.0
    containment = _share(mine, theirs) if mine else 1.0
    rep_paras = paragraphs(rep.text, size)
    my_paras = paragraphs(member.text, size)
    present = [_share(p, mine) >= PARAGRAPH_PRESENT for p in rep_paras]
    kept = sum(present)
    trimmed = len(rep_paras) - kept
    added = sum(_share(p, theirs) < PARAGRAPH_PRESENT for p in my_paras)
    last_kept = max((i for i, ok in enumerate(present) if ok), default=-1)
    tail = trimmed > 0 and all(present[: last_kept + 1])
    rewritten = normalize(member.title) != normalize(rep.title)
    return rewritten, len(my_paras), kept, trimmed, added, tail, round(jaccard, 3), round(containment, 3)


def copied_share(mine: Shingles, my_paras: list[Shingles], theirs: Shingles) -> float:
    """How much of an article is found in another: the share of its paragraphs present there, or
    of its shingles when it has fewer than three paragraphs."""
    if len(my_paras) >= 3:
        return sum(_share(p, theirs) >= PARAGRAPH_PRESENT for p in my_paras) / len(my_paras)
    return _share(mine, theirs)


def story_provenance(members: Sequence[MemberText], representative: str, *, shingle_size: int = 5,
                     reprint_share: float = REPRINT_SHARE) -> StoryProvenance:
    """Provenance of a story from its members (any order) and its representative's id."""
    if not members:
        raise ValueError("a story has at least one member")
    ordered = sorted(members, key=lambda m: (m.time, m.id))
    rep = next((m for m in ordered if m.id == representative), ordered[0])
    sets = {m.id: shingles(m.text, shingle_size) for m in ordered}
    paras = {m.id: paragraphs(m.text, shingle_size) for m in ordered}
    originals: list[MemberText] = []  # members that are not reprints, in time order
    reprint_of: dict[str, str] = {}
    for m in ordered:
        mine = sets[m.id]
        source = next(
            (o for o in originals
             if o.source != m.source and mine and copied_share(mine, paras[m.id], sets[o.id]) >= reprint_share),
            None,
        )
        if source is None:
            originals.append(m)
        else:
            reprint_of[m.id] = source.id
    out = []
    for m in ordered:
        rewritten, n, kept, trimmed, added, tail, jac, cont = compare(
            m, rep, shingle_size, mine=sets[m.id], theirs=sets[rep.id]
        )
        out.append(MemberProvenance(
            article_id=m.id, source=m.source, representative=m.id == rep.id, earliest=m.id == ordered[0].id,
            headline_rewritten=rewritten, paragraphs=n, paragraphs_kept=kept, paragraphs_trimmed=trimmed,
            paragraphs_added=added, tail_trimmed=tail, jaccard=jac, containment=cont,
            reprint_of=reprint_of.get(m.id), evidence=m.evidence,
        ))
    independent = tuple(dict.fromkeys(o.source for o in originals))
    return StoryProvenance(representative=rep.id, earliest=ordered[0].id, independent_outlets=independent,
                           reprints=len(reprint_of), members=tuple(out))
