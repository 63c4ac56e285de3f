"""A made-up, deterministic news world served over HTTP on loopback, for tests and benchmarks.

    world = build_world()                 # 6 outlets x 6 articles, seed 7
    with serve_world(world) as site:      # outlet i on http://127.0.0.(10+i):<port>
        world.wire_story_urls             # the 4 reprints of one agency story
        site.requests                     # what was fetched

See README.md in this folder for the world's contents and the fault routes.
"""

from tests.fixturesite.boilerplate import Author, Comment
from tests.fixturesite.build import DEFAULT_NOW, build_world
from tests.fixturesite.records import ArticleKind, FeedKind, FixtureArticle, Outlet, PageTemplate
from tests.fixturesite.routes import Document
from tests.fixturesite.server import FixtureSite, RequestRecord, serve_world
from tests.fixturesite.world import TOPICS, World

__all__ = [
    "DEFAULT_NOW",
    "TOPICS",
    "ArticleKind",
    "Author",
    "Comment",
    "Document",
    "FeedKind",
    "FixtureArticle",
    "FixtureSite",
    "Outlet",
    "PageTemplate",
    "RequestRecord",
    "World",
    "build_world",
    "serve_world",
]
