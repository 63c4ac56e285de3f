"""The web page: cards, topic filter, story detail and timeline, escaping of outlet text."""

from __future__ import annotations

from pathlib import Path

import lxml.html
from fastapi.testclient import TestClient

from storage.connection import Store
from tests.api.builders import Ingested, load_fixture
from tests.api.conftest import make_app


def cards(html: str) -> list[lxml.html.HtmlElement]:
    return lxml.html.fromstring(html).cssselect("article.card")


def assert_inert(html: str) -> None:
    """No markup from outlets survived: only our own script, no handlers, no javascript: links."""
    doc = lxml.html.fromstring(html)
    scripts = doc.xpath("//script")
    assert all((s.get("src") or "").endswith("/static/app.js") and not (s.text or "").strip() for s in scripts)
    assert not doc.xpath("//img")
    assert not [el for el in doc.iter() if any(a.lower().startswith("on") for a in el.attrib)]
    assert not [a for a in doc.xpath("//a[@href]") if a.get("href").strip().lower().startswith("javascript:")]


def test_index_shows_cards_newest_first(client: TestClient, ingested: Ingested) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    found = [c.get("data-story") for c in cards(r.text)]
    assert found == [s["id"] for s in client.get("/stories").json()["stories"]]
    grain = next(c for c in cards(r.text) if c.get("data-story") == ingested.stories["grain"])
    text = grain.text_content()
    assert "4 outlets" in " ".join(text.split()) and "4 articles" in text
    assert {o.text_content() for o in grain.cssselect(".outlet")} == {
        a["source"] for a in next(s for s in load_fixture() if s["key"] == "grain")["articles"]}
    assert grain.cssselect("time")


def test_outlet_markup_is_escaped_everywhere(client: TestClient, ingested: Ingested) -> None:
    unsafe = ingested.stories["unsafe"]
    for path in ("/", f"/story/{unsafe}", f"/story/{unsafe}?partial=1", f"/fragments/card/{unsafe}"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert "<script>alert" not in r.text and "<img src=x" not in r.text
        assert_inert(r.text)
    page = client.get(f"/story/{unsafe}").text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Drones" in page
    titles = [li.text_content() for li in lxml.html.fromstring(page).cssselect("ol.articles li")]
    assert any("onerror=alert(1)" in t for t in titles)  # shown as text, unlinked (javascript: URL)


def test_topic_filter_and_errors(client: TestClient, ingested: Ingested) -> None:
    r = client.get("/", params={"topic": "energy"})
    expected = {ingested.stories[s["key"]] for s in load_fixture() if "energy" in s["topics"]}
    assert {c.get("data-story") for c in cards(r.text)} == expected
    doc = lxml.html.fromstring(r.text)
    assert [a.text_content() for a in doc.cssselect(".topic-chip.active")] == ["energy"]
    assert client.get("/", params={"topic": "arctic"}).status_code == 200
    bad = client.get("/", params={"topic": "<b>nope</b>"})
    assert bad.status_code == 400 and "unknown topic" in bad.text and "<b>nope" not in bad.text
    assert client.get("/story/s0000000000000000").status_code == 404
    for refused in ({"topic": "\x00"}, {"source": "a\x00b"}):  # a refused value is not echoed into the page
        r = client.get("/", params=refused)
        assert r.status_code == 400 and "\x00" not in r.text, refused


def test_story_page_has_timeline_and_articles(client: TestClient, ingested: Ingested) -> None:
    sid = ingested.stories["grain"]
    full = client.get(f"/story/{sid}").text
    doc = lxml.html.fromstring(full)
    points = doc.xpath("//*[local-name()='circle']")
    rows = doc.cssselect("ol.articles li")
    assert len(points) == len(rows) == 4
    xs = [float(p.get("cx").rstrip("%")) for p in points]
    assert xs == sorted(xs) and xs[0] == 2.0 and xs[-1] == 98.0
    assert rows[0].cssselect(".offset")[0].text_content() == "first"
    assert rows[-1].cssselect(".offset")[0].text_content() == "+4h"
    assert [a.get("rel") for a in doc.cssselect("ol.articles a")] == ["noopener noreferrer nofollow"] * 4
    partial = client.get(f"/story/{sid}", params={"partial": 1}).text
    assert "<html" not in partial and "<svg" in partial
    assert "provenance" not in partial  # the list's in-place detail stays light


def test_story_page_shows_provenance(client: TestClient, ingested: Ingested) -> None:
    sid = ingested.stories["grain"]
    doc = lxml.html.fromstring(client.get(f"/story/{sid}").text)
    rows = doc.cssselect("section.provenance table.prov tbody tr")
    assert sorted(r.get("data-article") for r in rows) == sorted(ingested.articles["grain"])
    api = client.get(f"/stories/{sid}/provenance").json()
    n = api["independent_outlet_count"]
    summary = doc.cssselect(".prov-summary")[0].text_content()
    assert f"{n} independent outlet" in summary and f"{api['reprints']} reprint" in summary
    first = rows[0].cssselect("td")
    assert "representative" in first[1].text_content() or "earliest" in first[1].text_content()
    reprints = [r for r in rows if r.cssselect("td")[5].text_content() != "own version"]
    assert len(reprints) == api["reprints"] > 0


def test_card_fragment_respects_the_topic(client: TestClient, ingested: Ingested) -> None:
    sid = ingested.stories["grain"]
    assert client.get(f"/fragments/card/{sid}", params={"topic": "sahel"}).status_code == 204
    r = client.get(f"/fragments/card/{sid}", params={"topic": "black-sea"})
    assert r.status_code == 200 and len(cards(r.text)) == 1


def test_older_pages_follow_the_cursor(store: Store, sources_file: Path, ingested: Ingested) -> None:
    with TestClient(make_app(store, sources_file, page_size=2)) as c:
        seen: list[str] = []
        url = "/"
        for _ in range(10):
            r = c.get(url)
            seen.extend(card.get("data-story") for card in cards(r.text))
            older = lxml.html.fromstring(r.text).cssselect("a.older")
            if not older:
                break
            url = older[0].get("href")
        assert sorted(seen) == sorted(ingested.stories.values())


def test_static_files_are_served(client: TestClient) -> None:
    assert "EventSource" in client.get("/static/app.js").text
    assert client.get("/static/app.css").status_code == 200
