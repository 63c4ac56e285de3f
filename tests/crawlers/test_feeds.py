"""crawlers.feeds: every format on real-looking fixtures, each known feedparser trap, and the
bad-input corpus of tests/data/feeds/bad (see make_bad_corpus.py there)."""

from __future__ import annotations

import importlib.util
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawlers import feeds
from crawlers.feeds import ParsedFeed, parse_feed
from wirewatch.errors import FeedError

DATA = Path(__file__).resolve().parents[1] / "data" / "feeds"
BAD = DATA / "bad"
NOW = datetime(2024, 5, 15, 12, 0, tzinfo=UTC)
TIME_LIMIT = 20.0  # seconds per document: generous, a hang is what it catches


def _load_corpus_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_bad_corpus", DATA / "make_bad_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


corpus = _load_corpus_module()


def parse(name: str, url: str | None = None, **kwargs: Any) -> ParsedFeed:
    return parse_feed((DATA / name).read_bytes(), url, now=NOW, **kwargs)


def bad(name: str, **kwargs: Any) -> ParsedFeed:
    return parse_feed((BAD / name).read_bytes(), "https://news.example.com/feed/", now=NOW, **kwargs)


def bounded(fn: Callable[[], ParsedFeed], limit: float = TIME_LIMIT) -> ParsedFeed:
    """``fn()`` run in a thread that must finish within ``limit`` seconds."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # re-raised in the test thread
            outcome["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(limit)
    assert not worker.is_alive(), f"parsing took over {limit} s"
    if "error" in outcome:
        raise outcome["error"]
    value: ParsedFeed = outcome["value"]
    return value


def strings(result: ParsedFeed) -> Iterator[str]:
    yield from (s for s in (result.title, result.link, *result.warnings) if s)
    for entry in result.entries:
        yield from (s for s in (entry.guid, entry.url, entry.title, entry.summary, entry.content) if s)
        yield from entry.authors


# -- formats ------------------------------------------------------------------------------------


def test_rss2_full_text() -> None:
    result = parse("rss2_fulltext.xml", "https://feeds.example.net/caucasus.xml")
    assert result.title == "Caucasus Wire — Latest"
    assert result.link == "https://caucasuswire.example.com/"
    assert result.ttl_seconds == 15 * 60
    assert result.warnings == ()
    first, second, third = result.entries
    assert first.guid == "https://caucasuswire.example.com/?p=48211"
    assert first.url == "https://caucasuswire.example.com/2024/05/14/ceasefire-talks-resume/"
    assert first.published == datetime(2024, 5, 14, 8, 55, tzinfo=UTC)
    assert first.authors == ("Anahit Grigoryan",)
    assert first.summary == (
        "Delegations from Yerevan and Baku met on Tuesday for a third round of talks mediated by Swiss diplomats."
    )
    assert first.content is not None and first.content.startswith("<p>GENEVA — Delegations")
    # Relative links mean the site (the channel link), not the host the feed was fetched from.
    assert 'href="https://caucasuswire.example.com/tag/border-commission/"' in first.content
    assert second.url == "https://caucasuswire.example.com/2024/05/14/shelling-reported-near-stepanakert/"
    assert third.authors == ("Levon Hakobyan", "Nino Beridze")
    assert third.summary is not None and "three decades & reshape" in third.summary


def test_rss1_rdf_with_syndication_hint() -> None:
    result = parse("rss1_rdf.xml")
    assert result.ttl_seconds == 1800  # hourly, twice
    assert [e.authors for e in result.entries] == [("Vesna Petrović",), ("Edin Hodžić",)]
    assert result.entries[0].published == datetime(2024, 5, 10, 5, 45, tzinfo=UTC)


def test_rss091_with_netscape_doctype_and_latin1() -> None:
    result = parse("rss091_netscape.xml")
    assert result.title == "Le Monde Diplomatique édition Caucase"
    assert result.warnings == ()  # an external DTD reference is dropped silently, never fetched
    assert [e.title for e in result.entries] == [
        "Au Haut-Karabakh, l’exode des derniers habitants",
        "Erevan face à la crise humanitaire",
    ]
    assert result.entries[1].summary == "Le gouvernement arménien a ouvert des centres d’accueil."


def test_rss092_entry_without_title_or_link_is_kept() -> None:
    result = parse("rss092.xml")
    untitled, titled = result.entries
    assert (untitled.guid, untitled.url, untitled.title) == (None, None, None)
    assert untitled.summary is not None and untitled.summary.startswith("Bulletin 14:00")
    assert titled.guid == titled.url == "http://frontline-radio.example.org/bulletins/1300"
    assert result.warnings == ("1 entries without link", "1 entries without title")


def test_rss090() -> None:
    result = parse("rss090.rdf")
    assert result.title == "Old Wire Service"
    assert [e.guid for e in result.entries] == [
        "http://oldwire.example.com/stories/dayton.html",
        "http://oldwire.example.com/stories/monitors.html",
    ]


def test_atom10() -> None:
    result = parse("atom10.xml")
    assert result.link == "https://levantreport.example.com/"
    aid, army = result.entries
    assert aid.title == "Aid convoy reaches Idlib after two-day delay"
    assert aid.url == "https://levantreport.example.com/2024/05/12/aid-convoy-idlib"  # xml:base
    assert aid.published == datetime(2024, 5, 12, 14, 58, tzinfo=UTC)
    assert aid.summary == "Twenty-eight trucks crossed at Bab al-Hawa carrying food and medical supplies."
    assert aid.content is not None and 'href="https://levantreport.example.com/tag/checkpoints"' in aid.content
    assert army.published == datetime(2024, 5, 11, 9, 5, tzinfo=UTC)  # updated, as no published
    assert army.content is not None and "<p>Units moved into positions" in army.content
    assert army.authors == ("Karim Nassar",)


def test_atom03() -> None:
    result = parse("atom03.xml")
    mali, niger = result.entries
    assert mali.published == datetime(2024, 4, 30, 11, 0, tzinfo=UTC)
    assert mali.guid == "tag:sahelmonitor.example.org,2024:1201"
    assert niger.content == "<p>Authorities cited security concerns.</p>"


def test_json_feed_10() -> None:
    result = parse("jsonfeed10.json", "https://hornbriefing.example.com/feed.json")
    assert (result.title, result.link, result.ttl_seconds) == (
        "Horn of Africa Briefing", "https://hornbriefing.example.com/", None
    )
    tigray, sudan = result.entries
    assert tigray.authors == ("Selam Tesfaye",)
    assert tigray.published == datetime(2024, 5, 11, 7, 30, tzinfo=UTC)
    assert sudan.guid == "42"
    assert sudan.url == "https://hornbriefing.example.com/2024/05/10/sudan-el-fasher"
    assert sudan.authors == ("Horn Briefing Desk",)  # the feed's author, inherited
    assert sudan.content == (
        "<p>Residents described heavy shelling overnight.</p><p>The UN warned of a humanitarian catastrophe.</p>"
    )


def test_json_feed_11() -> None:
    result = parse("jsonfeed11.json")
    grain, moldova = result.entries
    assert grain.authors == ("Olena Kovalenko", "Marek Nowak")
    assert grain.content == "<p>Three bulk carriers left port on Monday.</p><p>Insurers raised premiums again.</p>"
    assert moldova.published == datetime(2024, 5, 12, 13, 40, tzinfo=UTC)  # date_modified
    assert moldova.summary == "The talks in Bender focused on customs rules."
    assert moldova.authors == ("EE Daily newsroom",)


def test_declared_windows_1251() -> None:
    result = parse("rss2_windows1251.xml")
    assert result.title == "Кавказский узел"
    assert result.entries[0].authors == ("Редакция",)


# -- feedparser's traps -------------------------------------------------------------------------


def test_a_body_that_names_a_file_is_not_opened(tmp_path: Path) -> None:
    feed_file = tmp_path / "feed.xml"
    feed_file.write_bytes((DATA / "rss2_fulltext.xml").read_bytes())
    with pytest.raises(FeedError):
        parse_feed(str(feed_file).encode())
    with pytest.raises(FeedError):
        parse_feed(feed_file.as_uri().encode())


@pytest.mark.parametrize("name", ["blowup_billion_laughs.xml", "blowup_quadratic.xml", "blowup_laughs_utf16.xml"])
def test_entity_expansion_is_refused(name: str) -> None:
    result = bounded(lambda: bad(name))
    assert sum(map(len, strings(result))) < 100_000  # expanded, it would be 300 MB and more
    assert any("entity declarations ignored" in w for w in result.warnings)


def test_quadratic_categories_are_capped() -> None:
    body = corpus.LARGE_DOCUMENTS["volume_100000_categories.xml"]()
    result = bounded(lambda: parse_feed(body, now=NOW))
    assert [e.title for e in result.entries] == ["Ceasefire holds for a third day"]
    assert "99950 repeated fields dropped (over 50 of a kind per item)" in result.warnings


@pytest.mark.parametrize(
    "name",
    [
        "link_javascript.xml", "link_javascript_mixed_case.xml", "link_javascript_leading_space.xml",
        "link_javascript_tab_obfuscated.xml", "link_javascript_entity_encoded.xml", "link_data.xml",
        "link_file.xml", "link_vbscript.xml", "link_atom_javascript.xml", "link_json_javascript.json",
        "link_guid_permalink_javascript.xml",
    ],
)
def test_links_other_than_http_are_dropped(name: str) -> None:
    (entry,) = bad(name).entries
    assert entry.url is None


def test_relative_links_are_resolved() -> None:
    assert bad("link_relative.xml").entries[0].url == "https://news.example.com/2024/05/14/relative-link"
    assert bad("link_protocol_relative.xml").entries[0].url == "https://cdn.example.net/story"


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("script_in_title_cdata.xml", "Breaking news"),
        ("script_in_title_escaped.xml", "Breaking news"),
        ("script_in_title_double_escaped.xml", "Breaking news"),
        ("script_img_onerror_title.xml", "Headline"),
        ("script_unterminated_in_title.xml", "Headline"),
        ("script_atom_xhtml_title.xml", "Hi"),
        ("script_in_json_title.json", "Title"),
    ],
)
def test_titles_are_plain_text(name: str, title: str) -> None:
    assert bad(name).entries[0].title == title


def test_authors_and_feed_titles_are_plain_text() -> None:
    assert bad("script_in_author.xml").entries[0].authors == ("Jane Doe",)
    assert bad("script_in_json_title.json").entries[0].authors == ("Bold Author",)
    assert bad("script_in_feed_title.xml").title == "Wire"


def test_content_is_sanitized() -> None:
    content = bad("script_in_content.xml").entries[0].content
    assert content is not None and "Body" in content
    for needle in ("<script", "onclick", "javascript:", "<iframe", "data:image/svg"):
        assert needle not in content.lower()
    json_content = bad("script_in_json_title.json").entries[0].content
    assert json_content == "<p>ok</p>"


@pytest.mark.parametrize(
    "name",
    [
        "date_month_13.xml", "date_day_32.xml", "date_year_minus_44.xml", "date_year_9999.xml",
        "date_february_30.xml", "date_hour_25.xml", "date_garbage.xml", "date_far_future.xml",
        "date_epoch_1970.xml", "date_huge_offset.xml", "date_very_long.xml", "date_atom_invalid.xml",
        "date_json_invalid.json",
    ],
)
def test_impossible_dates_become_none_with_a_warning(name: str) -> None:
    result = bad(name)
    assert result.entries[0].published is None
    assert any("unusable dates ignored" in w for w in result.warnings)


def test_dates_are_bounded_by_now() -> None:
    body = corpus.rss(corpus.item(date="Thu, 16 May 2024 18:00:00 GMT")).encode()
    assert parse_feed(body, now=NOW).entries[0].published == datetime(2024, 5, 16, 18, tzinfo=UTC)
    assert parse_feed(body, now=datetime(2024, 5, 1, tzinfo=UTC)).entries[0].published is None
    assert bad("date_two_digit_year.xml").entries[0].published == datetime(2024, 5, 13, 10, tzinfo=UTC)


def test_duplicate_guids_keep_the_first() -> None:
    result = bad("entries_duplicate_guids.xml")
    assert [(e.guid, e.title) for e in result.entries] == [("same-guid", "Dup 0")]
    assert "3 entries with a duplicate GUID dropped" in result.warnings
    assert len(bad("json_duplicate_ids.json").entries) == 1


def test_entries_without_links_or_titles_are_reported() -> None:
    no_links = bad("entries_without_links.xml")
    assert [e.url for e in no_links.entries] == [None, None, None]
    assert "3 entries without link" in no_links.warnings
    assert "3 entries without title" in bad("entries_without_titles.xml").warnings
    assert "2 empty entries dropped" in bad("entries_completely_empty.xml").warnings


RUSSIAN = "В Степанакерте возобновились переговоры о прекращении огня"
FRENCH = "Élection à Genève : négociations déjà très avancées, dit-on"


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("encoding_cp1251_declared_utf8.xml", RUSSIAN),
        ("encoding_koi8r_declared_utf8.xml", RUSSIAN),
        ("encoding_latin1_declared_utf8.xml", FRENCH),
        ("encoding_mixed_utf8_and_latin1.xml", FRENCH),
        ("encoding_sjis_declared_utf8.xml", "停戦交渉が東京で再開された"),
        ("encoding_sjis_declared_sjis.xml", "停戦交渉が東京で再開された"),
        ("encoding_eucjp_declared_eucjp.xml", "停戦交渉が東京で再開された"),
        ("encoding_gb2312_declared_gb2312.xml", "联合国安理会召开紧急会议讨论停火"),
        ("encoding_utf16le_bom.xml", RUSSIAN),
        ("encoding_utf16be_bom.xml", RUSSIAN),
        ("encoding_utf16le_no_bom.xml", RUSSIAN),
        ("encoding_utf16be_no_bom.xml", RUSSIAN),
        ("encoding_utf16le_no_bom_no_declaration.xml", "Ceasefire talks resume in Geneva"),
        ("encoding_utf16_declared_but_utf8.xml", RUSSIAN),
        ("encoding_utf8_declared_latin1.xml", FRENCH),
        ("encoding_utf8_declared_cp1251.xml", RUSSIAN),
        ("encoding_unknown_declared.xml", FRENCH),
        ("encoding_utf32le_bom.xml", RUSSIAN),
        ("encoding_utf8_bom_declared_utf16.xml", RUSSIAN),
        ("encoding_utf16_odd_length.xml", RUSSIAN),
        ("encoding_utf8_with_stray_cp1252.xml", RUSSIAN),
        ("encoding_declared_base64.xml", FRENCH),
        ("encoding_declared_rot13.xml", FRENCH),
        ("encoding_declared_undefined.xml", FRENCH),
        ("truncated_inside_utf8_char.xml", "Report 1: shelling near the border town of Kapan"),
    ],
)
def test_lying_encodings_decode_to_sensible_text(name: str, title: str) -> None:
    assert bad(name).entries[0].title == title


def test_fifty_thousand_items_are_truncated() -> None:
    body = corpus.LARGE_DOCUMENTS["volume_50000_items.xml"]()
    result = bounded(lambda: parse_feed(body, now=NOW))
    assert len(result.entries) == 5000
    assert result.entries[-1].guid == "g4999"
    assert "truncated to 5000 entries (of 50000)" in result.warnings
    assert len(parse_feed(body, max_entries=10, now=NOW).entries) == 10


def test_size_caps() -> None:
    with pytest.raises(FeedError, match="over the 1,000-byte limit"):
        parse_feed(b" " * 1001, max_bytes=1000)
    with pytest.raises(FeedError, match="inflates past"):
        bad("blowup_gzip_bomb.xml.gz")
    long_title = parse_feed(corpus.LARGE_DOCUMENTS["volume_2mb_title.xml"](), now=NOW).entries[0].title
    assert long_title is not None and len(long_title) == feeds.MAX_TITLE_CHARS


def test_gzip_body_is_accepted() -> None:
    import gzip

    result = parse_feed(gzip.compress((DATA / "atom10.xml").read_bytes()), now=NOW)
    assert len(result.entries) == 2


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.xml", "empty"),
        ("html_page.xml", "HTML"),
        ("html_without_doctype.xml", "HTML"),
        ("html_xhtml.xml", "HTML"),
        ("binary_png.xml", "encoding|binary"),
        ("binary_nul_bytes.xml", "binary"),
        ("malformed_unknown_root.xml", "root element is <news>"),
        ("json_deep_nesting.json", "invalid JSON"),
        ("json_huge_number.json", "invalid JSON"),
        ("json_empty_object.json", "not a JSON Feed"),
        ("path_etc_passwd.xml", "not an XML document"),
    ],
)
def test_unusable_documents_raise_feed_error(name: str, message: str) -> None:
    with pytest.raises(FeedError, match=message) as info:
        bad(name)
    assert "\n" not in str(info.value)


def test_leading_junk_is_skipped() -> None:
    result = bad("malformed_text_before_root.xml")
    assert len(result.entries) == 1
    assert result.warnings == ("63 characters before the first tag ignored",)


# -- the corpus ---------------------------------------------------------------------------------


def test_committed_corpus_is_current() -> None:
    expected = {n: b for n, b in corpus.corpus().items() if len(b) <= corpus.MAX_COMMITTED_BYTES}
    committed = {p.name: p.read_bytes() for p in BAD.iterdir()}
    assert len(committed) >= 100
    assert committed.keys() == expected.keys()
    # gzip bytes depend on the zlib build, so compressed documents are compared by name only.
    assert [n for n in committed if committed[n] != expected[n] and not n.endswith(".gz")] == []


class _Recorder(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []  # every request any test's parser made: must stay empty

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"root:x:0:0:LEAKED-OVER-HTTP")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def http_trap() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def marker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """A file whose content must never show up in any output; also under the relative name the
    committed XXE documents use."""
    secret = f"WIREWATCH-XXE-MARKER-{uuid.uuid4().hex}"
    path = tmp_path / "secret-marker.txt"
    path.write_text(secret)
    (tmp_path / corpus.DEFAULT_MARKER).write_text(secret)
    monkeypatch.chdir(tmp_path)
    return path, secret


def check_invariants(body: bytes, secret: str) -> None:
    """Parses within the time limit to a bounded ParsedFeed or raises FeedError, reading nothing."""
    try:
        result = bounded(lambda: parse_feed(body, "https://news.example.com/feed/", now=NOW))
    except FeedError as exc:
        assert secret not in str(exc)
        return
    assert isinstance(result, ParsedFeed)
    texts = list(strings(result))
    assert not any(secret in t or "root:x:0:0" in t for t in texts)
    assert sum(map(len, texts)) <= 3 * len(body) + 100_000
    assert len(result.entries) <= 5000
    for entry in result.entries:
        assert len(entry.title or "") <= feeds.MAX_TITLE_CHARS
        assert len(entry.summary or "") <= feeds.MAX_SUMMARY_CHARS
        assert len(entry.content or "") <= feeds.MAX_CONTENT_CHARS
        assert len(entry.guid or "") <= feeds.MAX_GUID_CHARS
        assert len(entry.authors) <= feeds.MAX_AUTHORS
        assert entry.url is None or entry.url.startswith(("http://", "https://"))


@pytest.mark.parametrize("name", sorted(p.name for p in BAD.iterdir()))
def test_corpus_document(name: str, marker: tuple[Path, str]) -> None:
    check_invariants((BAD / name).read_bytes(), marker[1])


@pytest.mark.parametrize("name", sorted(corpus.LARGE_DOCUMENTS))
def test_large_corpus_document(name: str, marker: tuple[Path, str]) -> None:
    check_invariants(corpus.LARGE_DOCUMENTS[name](), marker[1])


@pytest.mark.parametrize("name", sorted(corpus.xxe_documents()))
def test_external_entities_are_never_read(name: str, marker: tuple[Path, str], http_trap: str) -> None:
    path, secret = marker
    check_invariants(corpus.xxe_documents(str(path), http_trap)[name], secret)
    assert _Recorder.hits == []


def test_xxe_documents_name_the_marker_and_the_server() -> None:
    docs = corpus.xxe_documents("/srv/marker.txt", "http://127.0.0.1:1").values()
    assert sum(b"/srv/marker.txt" in body for body in docs) >= 12
    assert sum(b"http://127.0.0.1:1/" in body for body in docs) >= 4


# -- fuzzing ------------------------------------------------------------------------------------

SEED_FEEDS = [(DATA / n).read_bytes() for n in ("rss2_fulltext.xml", "atom10.xml", "jsonfeed11.json")]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(SEED_FEEDS),
    cut=st.integers(min_value=0, max_value=4000),
    junk=st.binary(max_size=64),
    at=st.integers(min_value=0, max_value=4000),
)
def test_mutated_feeds_parse_or_raise_feed_error(seed: bytes, cut: int, junk: bytes, at: int) -> None:
    body = seed[:at] + junk + seed[at:cut] if cut > at else seed[:at] + junk + seed[at:]
    try:
        result = parse_feed(body, "https://news.example.com/feed/", now=NOW)
    except FeedError:
        return
    assert all(e.url is None or e.url.startswith(("http://", "https://")) for e in result.entries)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=512) | st.text(max_size=512).map(str.encode))
def test_arbitrary_bytes_parse_or_raise_feed_error(body: bytes) -> None:
    try:
        result = parse_feed(body, now=NOW)
    except FeedError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert isinstance(result, ParsedFeed)


@pytest.mark.parametrize("name", ["encoding_declared_unicode_escape.xml", "encoding_declared_utf7.xml"])
def test_escape_codecs_are_never_applied(name: str) -> None:
    result = bad(name)
    assert result.title is not None and result.title.endswith("Actualités")
    assert "<script" not in result.title and "alert" in result.title  # left as the literal text
