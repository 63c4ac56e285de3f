"""Article extraction on fixture pages (tests/data/extraction) and on hostile input."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawlers.extract import DEFAULT_MAX_BYTES, ExtractOverrides, extract_article
from crawlers.extraction.decode import decode_html
from crawlers.extraction.language import normalise_code, page_language
from wirewatch.errors import ExtractionError, InputError
from wirewatch.models import ExtractedArticle

DATA = Path(__file__).resolve().parents[1] / "data" / "extraction"


def page(name: str) -> bytes:
    return (DATA / name).read_bytes()


# --- the seed: a real article page with all its furniture ---------------------------------------------

SEED_URL = "https://armenianweekly.com/?p=143120"
SEED_BODY = (
    "YEREVAN—Amid a frenzied attempt to maintain the seemingly nonexistent ceasefire",
    "Borrell said he has been in contact with the Foreign Ministers of Armenia and Azerbaijan",
    "Baku has been insisting on Turkey’s admission as an OSCE Minsk-Group co-chair",
    "filmed on location at the Taghaser Community Center",
    "“We deplore the loss of human life and remain committed to a peaceful settlement,” he tweeted.",
    "“The participation of each and every individual in the war effort does make a difference.”",
)
SEED_JUNK = (
    # author bios and the Twitter widget
    "Columnist & Armenia Correspondent",
    "Canadian-Armenian political risk analyst",
    "She is a graduate of UCLA and Emerson College",
    "former @boston25 writer",
    "Happening now, Poets in Conversation",
    # reader comments and the reply form
    "Russia doesn’t attempt anything",
    "Wake up Russophile Armenians",
    "One has to call a spade a spade",
    "Leave a Reply",
    "Your email address will not be published",
    # related, popular, newsletter, tags, share, ads, cookie banner, caption, footer
    "Hadrut holds as Artsakh Defense Army repels assault",
    "RELATED ARTICLES",
    "Ghazanchetsots Cathedral struck twice",
    "Get the Armenian Weekly in your inbox",
    "OSCE Minsk Group\n",
    "Tweet",
    "Advertisement",
    "This website uses cookies",
    "A soldier defending the northern front",
    "Hairenik Association",
)


@pytest.fixture(scope="module")
def seed() -> ExtractedArticle:
    return extract_article(page("armenian_weekly_ceasefire.html"), SEED_URL)


@pytest.mark.parametrize("sentence", SEED_BODY)
def test_seed_keeps_the_article_body(seed: ExtractedArticle, sentence: str) -> None:
    assert sentence in seed.text


@pytest.mark.parametrize("junk", SEED_JUNK)
def test_seed_drops_comments_bios_related_and_other_furniture(seed: ExtractedArticle, junk: str) -> None:
    assert junk not in seed.text


def test_seed_body_starts_with_the_dateline_not_the_headline(seed: ExtractedArticle) -> None:
    assert seed.text.startswith("YEREVAN—Amid a frenzied attempt")
    assert seed.text.rstrip().endswith("does make a difference.”")
    assert len(seed.text.splitlines()) == 6


def test_seed_metadata(seed: ExtractedArticle) -> None:
    assert seed.title == "Russia attempts to save ceasefire as Artsakh holds off more attacks"
    assert seed.authors == ("Raffi Elliott", "Leeza Arakelian")
    assert seed.published == datetime(2020, 10, 13, 19, 55, 12, tzinfo=UTC)
    assert seed.updated == datetime(2020, 10, 14, 8, 2, 40, tzinfo=UTC)
    assert seed.language == "en"
    assert seed.canonical_url == (
        "https://armenianweekly.com/2020/10/13/russia-attempts-to-save-ceasefire-as-artsakh-holds-off-more-attacks/"
    )
    assert seed.url == SEED_URL
    assert seed.site_name == "The Armenian Weekly"
    assert seed.image == "https://armenianweekly.com/wp-content/uploads/2020/10/northern-front.jpg"


def test_seed_article_json_matches_the_contract(seed: ExtractedArticle) -> None:
    out = seed.to_json()
    assert set(out) == {"url", "canonical_url", "title", "text", "authors", "published", "language", "site_name"}
    assert out["published"] == "2020-10-13T19:55:12+00:00"
    assert out["authors"] == ["Raffi Elliott", "Leeza Arakelian"]


def test_str_input_gives_the_same_article_as_bytes(seed: ExtractedArticle) -> None:
    again = extract_article(page("armenian_weekly_ceasefire.html").decode("utf-8"), SEED_URL)
    assert again == seed


# --- encodings ------------------------------------------------------------------------------------------

RU_SENTENCE = "Власти Белгородской области объявили о временном вывозе детей"


@pytest.mark.parametrize("name", ["ru_windows1251.html", "ru_windows1251_undeclared.html"])
def test_windows_1251_page_is_decoded(name: str) -> None:
    article = extract_article(page(name), "https://vestnik.example/x")
    assert RU_SENTENCE in article.text
    assert "«Мы уже не спим по ночам», — говорит Елена" in article.text
    assert article.title == "В Белгородской области объявили эвакуацию детей"
    assert article.authors == ("Ирина Соколова",)
    assert article.language == "ru"
    assert article.published == datetime(2024, 3, 5, 9, 40, tzinfo=timezone(timedelta(hours=3)))
    # the layout table's byline, the "read also" teaser, the sidebar and footer are furniture
    for junk in ("05.03.2024", "Читайте также", "Губернатор пообещал", "Курс рубля", "Все права защищены"):
        assert junk not in article.text


def test_utf8_page_declaring_windows_1251_is_decoded_as_utf8() -> None:
    article = extract_article(page("uk_utf8_declared_windows1251.html"))
    assert "Уночі ворог атакував Запоріжжя ракетами та ударними дронами" in article.text
    assert "п'ятеро отримали поранення" in article.text
    assert "Ð" not in article.text and "Р" not in article.text[:20]
    assert article.title == "Запоріжжя після нічної атаки: пошкоджено житлові будинки"
    # the template says lang="en" but the text is Ukrainian
    assert article.language == "uk"
    assert article.canonical_url == "https://novyny.example/zaporizhzhia/2024-02-11-ataka"
    assert "Поділитися" not in article.text and "Усі права захищені" not in article.text


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Кіїв".encode("utf-8-sig"), "Кіїв"),
        ("Кіїв".encode("utf-16"), "Кіїв"),
        ('<meta charset="iso-8859-1"><p>Caf\u00e9 \u201cnoir\u201d</p>'.encode("cp1252"), "Caf\u00e9 \u201cnoir\u201d"),
        (('<meta charset="no-such-codec"><p>' + "Власти объявили о вывозе детей из приграничных сёл. " * 3).encode("cp1251"),
         "Власти объявили о вывозе детей"),
        (b"<p>caf\xc3\xa9 and one stray \xe9 byte in a long enough UTF-8 page \xc3\xa9\xc3\xa9\xc3\xa9" + "й".encode() * 60,
         "café"),
    ],
)
def test_decode_html_evidence_order(data: bytes, expected: str) -> None:
    assert expected in decode_html(data)


# --- metadata from JSON-LD; a live blog -------------------------------------------------------------------


def test_json_ld_metadata_and_live_blog_entries() -> None:
    article = extract_article(page("es_liveblog_jsonld.html"))
    assert article.title == "Las negociaciones para una tregua en Gaza entran en una fase decisiva"
    assert article.authors == ("Lucía Fernández", "Andrés Gómez")
    cet = timezone(timedelta(hours=1))
    assert article.published == datetime(2024, 2, 20, 8, 0, tzinfo=cet)
    assert article.updated == datetime(2024, 2, 20, 19, 45, tzinfo=cet)
    assert article.language == "es"
    assert article.canonical_url == "https://diario-global.example/internacional/2024/02/20/tregua-gaza-directo"
    assert article.site_name == "Diario Global"
    assert article.text.startswith("Estados Unidos envió a su jefe de inteligencia")
    assert "durante varias semanas" in article.text
    for junk in ("Utilizamos cookies", "Claves", "Boletín diario", "Noticias relacionadas",
                 "Ucrania refuerza", "Directo |", "Todos los derechos reservados"):
        assert junk not in article.text


# --- per-source overrides -----------------------------------------------------------------------------------

MALI = "Plusieurs dizaines de civils ont été tués la semaine dernière dans la région de Mopti"


def test_overrides_pick_body_title_author_and_date_css_and_xpath() -> None:
    overrides = ExtractOverrides(
        body="div.txt", title=".hl", author="//span[@class='who']", date="//span[@class='dt']/@data-ts"
    )
    article = extract_article(page("custom_cms_overrides.html"), overrides=overrides)
    assert article.title == "Mali : des villages du centre désertés après une nouvelle attaque"
    assert article.authors == ("Camille Martin",)
    assert article.published == datetime(2024, 1, 17, 6, 30, tzinfo=UTC)
    assert article.language == "fr"
    assert article.text.startswith(MALI)
    assert "les opérations visaient uniquement des groupes terroristes" in article.text
    assert "Sud-Liban" not in article.text and "Les plus lus" not in article.text


def test_without_overrides_the_same_page_falls_for_its_sidebar() -> None:
    # The reason overrides exist: nothing in this page's markup says which block is the article.
    article = extract_article(page("custom_cms_overrides.html"))
    assert MALI in article.text
    assert article.title == "Le Courrier"


def test_overrides_that_match_nothing_or_are_invalid_are_ignored(seed: ExtractedArticle) -> None:
    overrides = ExtractOverrides(body="div.no-such-class", title="//*[", author="p:::bad", date="span.none")
    article = extract_article(page("armenian_weekly_ceasefire.html"), SEED_URL, overrides=overrides)
    assert article == seed


# --- pages with no article ----------------------------------------------------------------------------------

NO_ARTICLE: dict[str, bytes | str] = {
    "empty bytes": b"",
    "empty str": "",
    "whitespace": b" \n\t\r\n ",
    "png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
    "gzip": gzip.compress(b"<html><body><p>compressed</p></body></html>"),
    "nul bytes": b"<html>\x00\x00\x00\x01\x02<body>" + bytes(range(256)),
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    "script only": b"<html><head><script>var a = 1;</script></head><body><script>document.write('x'.repeat(500))"
    b"</script><noscript></noscript></body></html>",
    "plain text": b"This is just a plain text file with no markup at all, " * 20,
    "json": b'{"title": "Not a page", "body": "' + b"text " * 200 + b'"}',
    "rss feed": b'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title><item><title>One</title>'
    b"<description><![CDATA[<p>" + b"Body of the item. " * 30 + b"</p>]]></description></item></channel></rss>",
    "only navigation": b"<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></body></html>",
    "deeply nested": b"<html><body>" + b"<div>" * 100_000 + b"<p>deep text</p>" + b"</div>" * 100_000 + b"</body></html>",
    "deeply nested str": "<html><body>" + "<div><span>level</span>" * 50_000 + "</body></html>",
}


@pytest.mark.parametrize("name", list(NO_ARTICLE))
def test_no_article_raises_extraction_error(name: str) -> None:
    with pytest.raises(ExtractionError):
        extract_article(NO_ARTICLE[name], "https://example.org/x")


def test_extraction_error_is_an_input_error_with_exit_code_2() -> None:
    with pytest.raises(InputError) as caught:
        extract_article(b"")
    assert caught.value.exit_code == 2


def test_size_cap_is_enforced_for_bytes_and_str() -> None:
    small_cap = 10_000
    big = page("armenian_weekly_ceasefire.html")
    assert len(big) > small_cap
    with pytest.raises(ExtractionError, match="too large"):
        extract_article(big, max_bytes=small_cap)
    with pytest.raises(ExtractionError, match="too large"):
        extract_article(big.decode("utf-8"), max_bytes=small_cap)
    huge = b"<html><body>" + b"<p>" + b"word " * (DEFAULT_MAX_BYTES // 5) + b"</p></body></html>"
    with pytest.raises(ExtractionError, match="too large"):
        extract_article(huge)


def test_multibyte_str_over_the_cap_in_utf8_bytes_is_refused() -> None:
    # 3 000 characters but 6 000 bytes of UTF-8: the cap is in bytes.
    text = "<html><body><p>" + "ж" * 3000 + "</p></body></html>"
    with pytest.raises(ExtractionError, match="too large"):
        extract_article(text, max_bytes=5000)


def test_deeply_nested_article_text_is_still_found() -> None:
    paragraphs = "".join(f"<p>Paragraph {i} of a long report on the shelling of the city overnight.</p>" for i in range(8))
    html = "<html><body>" + "<div>" * 150 + paragraphs + "</div>" * 150 + "</body></html>"
    article = extract_article(html)
    assert "Paragraph 0 of a long report" in article.text
    assert "Paragraph 7 of a long report" in article.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=3000), st.text(max_size=3000)))
def test_arbitrary_input_gives_an_article_or_extraction_error(data: bytes | str) -> None:
    try:
        article = extract_article(data)
    except ExtractionError:
        return
    assert isinstance(article, ExtractedArticle)
    assert article.text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["<div>", "</div>", "<p>", "</p>", "<table><tr><td>", "</td></tr></table>",
                                 "<ul class='related'><li><a href='#'>", "<h2>Comments</h2>", "text ",
                                 "Read more: x", "<script>", "</script>", "<!--", "-->", "\x00", "&#0;"]),
                max_size=400))
def test_arbitrary_markup_gives_an_article_or_extraction_error(parts: list[str]) -> None:
    try:
        extract_article("<html><body>" + "".join(parts) + "</body></html>")
    except ExtractionError:
        pass


@pytest.mark.parametrize(
    ("declared", "expected"),
    [("en-US", "en"), ("uk_UA", "uk"), ("eng", "en"), ("FR", "fr"), ("iw", "he"), ("zz", None), ("", None),
     ("english", None), ("x-default", None)],
)
def test_declared_language_codes_are_normalised_to_iso_639_1(declared: str, expected: str | None) -> None:
    assert normalise_code(declared) == expected


@pytest.mark.parametrize(
    ("declared", "text", "expected"),
    [
        (["en"], "Власти объявили об эвакуации детей из приграничных сёл.", "ru"),
        (["en-GB"], "Рятувальники до ранку розбирали завали, з-під уламків врятували двох людей.", "uk"),
        (["ru"], "Власти объявили об эвакуации детей.", "ru"),
        ([], "Հայաստանի արտաքին գործերի նախարարը հանդիպեց", "hy"),
        (["zz", "ar-EG"], "وصلت قافلة المساعدات إلى شمال القطاع", "ar"),
        ([], "The convoy reached the north of the territory on Thursday.", None),
        (["de"], "The convoy reached the north of the territory on Thursday.", "de"),
    ],
)
def test_language_is_declared_and_checked_against_the_script(
    declared: list[str], text: str, expected: str | None
) -> None:
    assert page_language(declared, text) == expected


@pytest.mark.slow
def test_article_near_the_size_cap_is_extracted_whole() -> None:
    # Guards against quadratic steps: a 4 MB article must come back whole (pytest-timeout fails a hang).
    paragraphs = [f"<p>Report {i}: shelling resumed near the market, officials said on day {i}.</p>" for i in range(50_000)]
    html = "<html><head><title>Long report</title></head><body><article>" + "".join(paragraphs) + "</article></body></html>"
    assert 3_000_000 < len(html) < DEFAULT_MAX_BYTES
    article = extract_article(html)
    assert "Report 0: shelling resumed" in article.text
    assert "Report 49999: shelling resumed" in article.text
    assert len(article.text.splitlines()) == 50_000
