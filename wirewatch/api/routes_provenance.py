"""``/stories/{id}/provenance``: why a story's articles are grouped, and who really reported it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from storage.stories import provenance, resolve_story
from wirewatch.api import params
from wirewatch.api.routes_json import ERRORS, NOT_FOUND
from wirewatch.api.state import State

router = APIRouter()


class EvidenceOut(BaseModel):
    matched: str | None = Field(None, description="The member this article matched when it joined.")
    jaccard: float | None = Field(None, description="MinHash estimate of the Jaccard similarity with it.")
    containment: float | None = Field(None, description="MinHash estimate of this article's containment in it.")


class MemberProvenanceOut(BaseModel):
    article_id: str
    source: str
    representative: bool = Field(description="This is the story's representative (its most complete early copy).")
    earliest: bool = Field(description="This is the story's earliest copy.")
    headline_rewritten: bool = Field(description="Its headline differs from the representative's.")
    paragraphs: int = Field(description="Paragraphs of this article.")
    paragraphs_kept: int = Field(description="Paragraphs of the representative this article has.")
    paragraphs_trimmed: int = Field(description="Paragraphs of the representative this article lacks.")
    paragraphs_added: int = Field(description="Paragraphs of this article the representative lacks.")
    tail_trimmed: bool = Field(description="Every paragraph it lacks comes after the last one it kept.")
    jaccard: float = Field(description="Exact Jaccard similarity of word shingles with the representative.")
    containment: float = Field(description="Share of this article's shingles found in the representative.")
    reprint_of: str | None = Field(description="The earlier article of another outlet it copies, if any.")
    evidence: EvidenceOut | None = Field(description="Why it joined the story at ingest (null for the first).")


class ProvenanceOut(BaseModel):
    story: str
    representative: str
    earliest: str
    independent_outlets: list[str] = Field(description="Outlets with at least one article that is not a reprint.")
    independent_outlet_count: int
    reprints: int = Field(description="Articles that copy an earlier article of another outlet.")
    members: list[MemberProvenanceOut] = Field(description="Earliest first.")


@router.get("/stories/{story_id}/provenance", response_model=ProvenanceOut, responses={**ERRORS, **NOT_FOUND},
            tags=["stories"])
def story_provenance(story_id: str, request: Request, state: State) -> Any:
    """How each member differs from the representative (headline, paragraphs trimmed or added,
    Jaccard and containment), which are reprints, and how many outlets reported independently.
    Computed at request time from the members' texts (the first 500)."""
    params.check_id("story", story_id)
    root = resolve_story(state.store, story_id)
    if root != story_id:
        return RedirectResponse(str(request.url_for("story_provenance", story_id=root)), status_code=307)
    found = provenance(state.store, story_id, shingle_size=state.config.shingle_size)
    if found is None:
        raise params.bad_request(f"no such story: {story_id!r}", 404)
    return {"story": story_id, **found.to_json()}
