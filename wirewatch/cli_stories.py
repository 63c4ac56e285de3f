"""``wirewatch stories provenance``: how a story's articles differ and who reported it independently."""

from __future__ import annotations

import json

import click

from wirewatch.cli import _setup, dedupe_config, guarded, open_store
from wirewatch.errors import InputError


@click.command("provenance")
@click.argument("story")
@click.option("--json", "as_json", is_flag=True, help="One JSON document (as /stories/{id}/provenance).")
@click.pass_context
@guarded
def provenance_command(ctx: click.Context, story: str, as_json: bool) -> None:
    """Per article of STORY: headline rewritten, paragraphs trimmed or added, similarity to the
    representative, reprint of which earlier article; and the story's independent outlets."""
    from storage.queries import valid_id
    from storage.stories import provenance, resolve_story

    settings = _setup(ctx)
    config = dedupe_config(settings)
    store = open_store(settings)
    try:
        if not valid_id(story):
            raise InputError(f"no such story: {story[:60]!r}")
        root = resolve_story(store, story)
        found = provenance(store, root, shingle_size=config.shingle_size)
    finally:
        store.close()
    if found is None:
        raise InputError(f"no such story: {story}")
    if as_json:
        click.echo(json.dumps({"story": root, **found.to_json()}, ensure_ascii=False))
        return
    outlets = ", ".join(found.independent_outlets)
    click.echo(f"story {root}: {len(found.members)} article(s), {len(found.independent_outlets)} independent "
               f"outlet(s) ({outlets}), {found.reprints} reprint(s)")
    click.echo(f"{'article':<24} {'outlet':<20} {'role':<8} {'head':<5} {'kept':>4} {'cut':>4} {'added':>5} "
               f"{'jaccard':>7} {'contain':>7}  reprint of")
    for m in found.members:
        role = "rep" if m.representative else ("first" if m.earliest else "")
        if m.representative and m.earliest:
            role = "rep,1st"
        head = "new" if m.headline_rewritten else "same"
        cut = f"{m.paragraphs_trimmed}{'t' if m.tail_trimmed else ''}"
        click.echo(f"{m.article_id[:24]:<24} {m.source[:20]:<20} {role:<8} {head:<5} {m.paragraphs_kept:>4} "
                   f"{cut:>4} {m.paragraphs_added:>5} {m.jaccard:>7.3f} {m.containment:>7.3f}  {m.reprint_of or '-'}")


STORIES_COMMANDS: list[click.Command] = [provenance_command]
