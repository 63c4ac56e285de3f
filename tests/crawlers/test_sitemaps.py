"""crawlers.sitemaps: urlset, sitemapindex, Google News, gzip, plain text, and hostile input."""

from __future__ import annotations

import gzip
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crawlers.sitemaps import ParsedSitemap, parse_sitemap
from wirewatch.errors import FeedError

DATA = Path(__file__).resolve().parents[1] / "data" / "sitemaps"
NOW = datetime(2024, 5, 15, 12, 0, tzinfo=UTC)
SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
BASE = "https://www.kyivdispatch.example.com/sitemap.xml"


def parse(name: str, url: str | None = BASE, **kwargs: Any) -> ParsedSitemap:
    return parse_sitemap((DATA / name).read_bytes(), url, now=NOW, **kwargs)


def urlset(*locs: str, extra: str = "") -> bytes:
    urls = "".join(f"<url><loc>{loc}</loc>{extra}</url>" for loc in locs)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {SITEMAP_NS}>{urls}</urlset>'.encode()


def test_urlset() -> None:
    result = parse("urlset.xml")
    assert [(e.url, e.published) for e in result.entries] == [
        ("https://www.kyivdispatch.example.com/news/2024/05/13/energy-grid-repairs/",
         datetime(2024, 5, 13, 8, 2, tzinfo=UTC)),
        ("https://www.kyivdispatch.example.com/news/2024/05/12/kharkiv-evacuations/",
         datetime(2024, 5, 12, tzinfo=UTC)),
        ("https://www.kyivdispatch.example.com/opinion/2024/05/11/what-comes-next?ref=home&page=2", None),
    ]
    assert all(e.guid == e.url for e in result.entries)
    assert result.sitemaps == ()
    assert result.warnings == (
        "1 duplicate locations dropped", "1 locations that are not http(s) URLs dropped"
    )


def test_gzip_sitemap_matches_the_plain_one() -> None:
    assert parse("urlset.xml.gz") == parse("urlset.xml")


def test_sitemap_index() -> None:
    result = parse("sitemapindex.xml")
    assert result.entries == ()
    assert result.sitemaps == (
        "https://www.kyivdispatch.example.com/sitemaps/news.xml",
        "https://www.kyivdispatch.example.com/sitemaps/2024-05.xml.gz",
        "https://www.kyivdispatch.example.com/sitemaps/2024-04.xml.gz",  # relative, resolved
    )


def test_google_news_sitemap() -> None:
    result = parse("news_sitemap.xml", None)
    talks, drills, gas = result.entries
    assert talks.title == "Border delimitation commission meets for fifth round"
    # news:publication_date wins over lastmod ...
    assert talks.published == datetime(2024, 5, 14, 6, 15, tzinfo=UTC)
    assert drills.title == "Iran holds naval drills near Caspian coast & ports"
    assert drills.published == datetime(2024, 5, 14, tzinfo=UTC)
    # ... unless it is impossible: then lastmod, and a warning.
    assert gas.published == datetime(2024, 5, 13, 18, tzinfo=UTC)
    assert result.warnings == ("1 unusable dates ignored",)


def test_plain_text_sitemap() -> None:
    result = parse("sitemap.txt")
    assert [e.url for e in result.entries] == [
        "https://www.kyivdispatch.example.com/news/2024/05/13/energy-grid-repairs/",
        "https://www.kyivdispatch.example.com/news/2024/05/12/kharkiv-evacuations/",
        "https://www.kyivdispatch.example.com/live/",
    ]
    assert result.warnings == ("2 locations that are not http(s) URLs dropped",)


def test_max_entries_truncates() -> None:
    body = urlset(*(f"https://news.example.com/a/{i}" for i in range(60_000)))
    outcome: dict[str, ParsedSitemap] = {}
    worker = threading.Thread(target=lambda: outcome.update(r=parse_sitemap(body, now=NOW)), daemon=True)
    worker.start()
    worker.join(20)
    assert not worker.is_alive(), "parsing 60,000 URLs took over 20 s"
    result = outcome["r"]
    assert len(result.entries) == 50_000
    assert result.entries[-1].url == "https://news.example.com/a/49999"
    assert result.warnings == ("truncated to 50000 entries",)
    assert len(parse_sitemap(body, max_entries=3).entries) == 3


def test_dates_are_validated_and_bounded() -> None:
    dates = ["2024-05-14", "2024-02-30", "1970-01-01", "2199-01-01T00:00:00Z", "2024-05"]
    body = urlset(*(f"https://news.example.com/{i}" for i in range(len(dates))))
    for i, date in enumerate(dates):
        body = body.replace(f"/{i}</loc>".encode(), f"/{i}</loc><lastmod>{date}</lastmod>".encode())
    result = parse_sitemap(body, now=NOW)
    assert [e.published for e in result.entries] == [
        datetime(2024, 5, 14, tzinfo=UTC), None, None, None, datetime(2024, 5, 1, tzinfo=UTC)
    ]
    assert result.warnings == ("3 unusable dates ignored",)


def test_utf16_sitemap() -> None:
    text = urlset("https://news.example.com/киев").decode().replace("UTF-8", "UTF-16")
    result = parse_sitemap(b"\xff\xfe" + text.encode("utf-16-le"))
    assert [e.url for e in result.entries] == ["https://news.example.com/киев"]


def test_truncated_sitemap_keeps_what_is_complete() -> None:
    body = urlset(*(f"https://news.example.com/{i}" for i in range(10)))
    result = parse_sitemap(body[: body.index(b"/7</loc>")])
    assert [e.url for e in result.entries][:7] == [f"https://news.example.com/{i}" for i in range(7)]


XXE = f"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<urlset {SITEMAP_NS}><url><loc>https://news.example.com/&xxe;</loc></url></urlset>"""

LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<urlset {SITEMAP_NS}><url><loc>https://news.example.com/&c;</loc></url></urlset>"""


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(XXE.encode(), "DOCTYPE", id="xxe"),
        pytest.param(XXE.encode("utf-16"), "DOCTYPE", id="xxe-utf16"),
        pytest.param(LAUGHS.encode(), "DOCTYPE", id="billion-laughs"),
        pytest.param(XXE.replace("<!DOCTYPE urlset [", "").replace("]>\n", "\n").encode(), "DOCTYPE",
                     id="entity-outside-doctype"),
        pytest.param(gzip.compress(b"<urlset>" + b" " * 60_000_000), "inflates past", id="gzip-bomb"),
        pytest.param(gzip.compress(urlset("https://news.example.com/"))[:40], "truncated gzip", id="gzip-cut"),
        pytest.param(b"", "empty", id="empty"),
        pytest.param(b"<!DOCTYPE html><html><body>Not found</body></html>", "DOCTYPE", id="html5"),
        pytest.param(b"<html><body>Not found</body></html>", "root element is <html>", id="html"),
        pytest.param(b'<rss version="2.0"><channel></channel></rss>', "not a sitemap", id="rss"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary|encoding", id="png"),
        pytest.param(b"just some words\nand more words", "no line is an http", id="prose"),
        pytest.param(b"<<<>>>", "not a sitemap", id="garbage"),
    ],
)
def test_unusable_sitemaps_raise_feed_error(body: bytes, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        parse_sitemap(body, now=NOW)


def test_over_the_size_cap() -> None:
    with pytest.raises(FeedError, match="over the 100-byte limit"):
        parse_sitemap(urlset("https://news.example.com/" + "a" * 200), max_bytes=100)


def test_unsafe_and_relative_locations() -> None:
    body = urlset("javascript:alert(1)", "data:text/html,x", "/relative", "https://news.example.com/ok")
    assert [e.url for e in parse_sitemap(body).entries] == ["https://news.example.com/ok"]
    with_base = parse_sitemap(body, "https://news.example.com/sitemap.xml")
    assert [e.url for e in with_base.entries] == ["https://news.example.com/relative", "https://news.example.com/ok"]


def test_bare_ampersand_in_loc_is_repaired() -> None:
    result = parse_sitemap(urlset("https://news.example.com/search?a=1&b=2"))
    assert [e.url for e in result.entries] == ["https://news.example.com/search?a=1&b=2"]


def test_leading_junk_is_skipped() -> None:
    body = b"Warning: Undefined variable $x in /var/www/sitemap.php on line 4\n" + urlset("https://news.example.com/a")
    result = parse_sitemap(body)
    assert [e.url for e in result.entries] == ["https://news.example.com/a"]
    assert result.warnings == ("65 characters before the first tag ignored",)
