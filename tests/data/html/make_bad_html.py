"""Generate the bad-HTML corpus for ``wirewatch extract`` and the crawl pipeline into ``bad/``.

    .venv/bin/python tests/data/html/make_bad_html.py

Deterministic (seeded randomness): the tests check that the committed files are current. Documents
over ``MAX_COMMITTED_BYTES`` are not written; the tests build them when needed (``LARGE_DOCUMENTS``).
``EXPECT`` says what a document must give: ``text`` (a word the extracted text must contain:
the encoding was read right) or ``error`` (a fragment of the one-line error). Documents without an
entry may give an article or an error, but never a traceback, a hang or a file/network access.
The XXE documents name a marker file and an HTTP address; ``xxe_documents`` rebuilds them at test
time with a real marker file and a live local server, to prove neither is ever read.
"""

from __future__ import annotations

import gzip
import json
import random
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

MAX_COMMITTED_BYTES = 250_000
BAD_DIR = Path(__file__).resolve().parent / "bad"
DEFAULT_MARKER = "xxe-marker.txt"  # relative: resolved against the working directory, if at all
DEFAULT_HTTP = "http://127.0.0.1:9"  # the discard port: nothing listens there

PARAGRAPHS = (
    "Shelling resumed overnight near the border town of Kapan, local officials said on Tuesday.",
    "Residents described hours of artillery fire that damaged a school and two apartment blocks.",
    "The regional governor said emergency crews had restored power to most districts by morning.",
    "Monitors from the observer mission were expected to visit the area later in the week.",
    "Talks between the two delegations are scheduled to resume in Geneva at the end of the month.",
)
RUSSIAN = (
    "Обстрел возобновился ночью возле пограничного города Капан, сообщили местные власти.",
    "Жители рассказали о нескольких часах артиллерийского огня, повредившего школу и два дома.",
    "Губернатор области заявил, что аварийные службы восстановили электроснабжение к утру.",
    "Наблюдатели миссии должны посетить район позднее на этой неделе, добавил он.",
)
JAPANESE = (
    "国境の町カパン付近で夜間に砲撃が再開されたと地元当局が火曜日に発表した。",
    "住民によると数時間にわたる砲撃で学校と集合住宅二棟が損傷した。",
    "州知事は朝までにほとんどの地区で電力が復旧したと述べた。",
    "監視団は今週後半に現地を訪れる予定だという。",
)
CHINESE = (
    "地方官员星期二表示，边境城镇卡潘附近的炮击在夜间重新开始。",
    "居民描述了数小时的炮火，一所学校和两栋公寓楼受损。",
    "州长说，到早上大部分地区已经恢复供电，救援人员仍在现场。",
    "观察团预计将于本周晚些时候访问该地区并发表报告。",
)
FRENCH = (
    "Les bombardements ont repris dans la nuit près de la ville frontalière de Kapan, déclarent les élus.",
    "Des habitants décrivent des heures de tirs d'artillerie qui ont endommagé une école à Goris.",
    "Le préfet a déclaré que l'électricité était rétablie dans la plupart des quartiers dès l'aube.",
    "Les observateurs de la mission européenne doivent se rendre sur place à la fin de la semaine.",
)


def page(paragraphs: tuple[str, ...] = PARAGRAPHS, *, title: str = "Shelling resumes near Kapan",
         head: str = '<meta charset="utf-8">', extra_head: str = "", before: str = "", body_attrs: str = "",
         doctype: str = "<!DOCTYPE html>", lang: str = "en") -> str:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (
        f'{doctype}<html lang="{lang}"><head>{head}<title>{title}</title>{extra_head}</head>'
        f"<body{body_attrs}>{before}<article><h1>{title}</h1>\n{body}</article></body></html>"
    )


def utf8(text: str) -> bytes:
    return text.encode("utf-8")


def truncated() -> dict[str, bytes]:
    whole = utf8(page(RUSSIAN + PARAGRAPHS, lang="ru"))
    body_at = whole.index(b"<p>") + 3
    cyrillic_at = whole.index("ж".encode())
    docs = {
        "truncated_in_head": whole[: whole.index(b"<title>") + 12],
        "truncated_mid_tag": whole[: whole.index(b"<article>") + 5],
        "truncated_mid_attribute": utf8('<!DOCTYPE html><html><body><article class="story-bo'),
        "truncated_mid_paragraph": whole[: body_at + 400],
        "truncated_mid_utf8_sequence": whole[: cyrillic_at + 1],
        "truncated_mid_entity": utf8(page()[:-60] + "Kapan &amp; Goris &eac"),
        "truncated_in_comment": utf8(page()[:400] + "<!-- editor note: check the figures with"),
        "truncated_in_script": utf8(page()[:300] + '<script>var story = {"title": "Shel'),
        "truncated_in_cdata": utf8(page()[:300] + "<![CDATA[ unterminated section " * 3),
        "truncated_after_body_open": utf8('<!DOCTYPE html><html><head><title>x</title></head><body>'),
        "truncated_unclosed_everything": utf8("<html><body><div><article><p>" + "<p>".join(PARAGRAPHS)),
    }
    return docs


def nested() -> dict[str, bytes]:
    text = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return {
        "nested_divs_300": utf8("<html><body>" + "<div>" * 300 + text + "</div>" * 300 + "</body></html>"),
        "nested_divs_5000": utf8("<html><body>" + "<div>" * 5000 + text + "</div>" * 5000 + "</body></html>"),
        "nested_divs_60000_unclosed": utf8("<html><body>" + "<div>" * 60_000 + text),
        "nested_spans_in_paragraph": utf8("<html><body><article><p>" + "<span>" * 2000 + " ".join(PARAGRAPHS)
                                          + "</span>" * 2000 + "</p></article></body></html>"),
        "nested_tables_200": utf8("<html><body>" + "<table><tr><td>" * 200 + text
                                  + "</td></tr></table>" * 200 + "</body></html>"),
        "nested_lists_1000": utf8("<html><body>" + "<ul><li>" * 1000 + text + "</li></ul>" * 1000 + "</body></html>"),
        "nested_bold_unclosed_20000": utf8("<html><body><article>" + "<b>" * 20_000 + text + "</article></body></html>"),
        "nested_misnested_inline": utf8("<html><body><article>" + "<b><i><a href='/x'><u>" * 3000
                                        + text + "</b></i></u>" * 3000 + "</article></body></html>"),
        "nested_forms_and_buttons": utf8("<html><body>" + "<form><button>" * 500 + text + "</body></html>"),
    }


def script_only() -> dict[str, bytes]:
    js = "document.body.innerHTML = '<p>" + " ".join(PARAGRAPHS) + "</p>';"
    return {
        "script_only": utf8(f"<html><head><script>{js}</script></head><body></body></html>"),
        "script_spa_shell": utf8('<!DOCTYPE html><html><head><title>App</title></head><body><div id="root"></div>'
                                 f'<script src="/static/app.js"></script><script>{js * 20}</script></body></html>'),
        "script_inline_text_only": utf8("<html><body><script>" + " ".join(PARAGRAPHS) * 10 + "</script></body></html>"),
        "script_style_only": utf8("<html><head><style>" + "p { color: red } " * 2000 + "</style></head><body></body></html>"),
        "script_noscript_only": utf8("<html><body><noscript>Please enable JavaScript to read "
                                     "this article.</noscript></body></html>"),
        "script_iframe_only": utf8('<html><body><iframe src="http://169.254.169.254/latest/meta-data/"></iframe>'
                                   '<iframe src="file:///etc/passwd"></iframe></body></html>'),
        "script_svg_with_script": utf8('<html><body><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
                                       "<text>" + " ".join(PARAGRAPHS) + "</text></svg></body></html>"),
        "script_template_only": utf8("<html><body><template>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
                                     + "</template></body></html>"),
        "script_meta_refresh_only": utf8('<html><head><meta http-equiv="refresh" content="0; url=file:///etc/passwd">'
                                         "</head><body></body></html>"),
    }


def binary() -> dict[str, bytes]:
    rng = random.Random(11)
    png = b"\x89PNG\r\n\x1a\n" + rng.randbytes(4000)
    return {
        "binary_png.html": png,
        "binary_jpeg.html": b"\xff\xd8\xff\xe0\x00\x10JFIF" + rng.randbytes(4000),
        "binary_gif.html": b"GIF89a" + rng.randbytes(2000),
        "binary_pdf.html": b"%PDF-1.7\n" + rng.randbytes(4000),
        "binary_zip.html": b"PK\x03\x04" + rng.randbytes(4000),
        "binary_gzip_of_page.html": gzip.compress(utf8(page()), mtime=0),
        "binary_zlib_of_page.html": zlib.compress(utf8(page())),
        "binary_elf.html": b"\x7fELF\x02\x01\x01" + rng.randbytes(4000),
        "binary_random.html": rng.randbytes(16_384),
        "binary_nul_in_markup.html": utf8(page()).replace(b"<p>", b"<p>\x00\x00", 3),
        "binary_utf32_without_bom.html": page().encode("utf-32-le"),
        "binary_control_characters.html": utf8(page()).replace(b" ", b"\x01\x02 ", 50),
    }


def encodings() -> dict[str, bytes]:
    ru = page(RUSSIAN, lang="ru", title="Обстрел возле Капана")
    ja = page(JAPANESE, lang="ja", title="カパン付近で砲撃")
    zh = page(CHINESE, lang="zh", title="卡潘附近炮击")
    fr = page(FRENCH, lang="fr", title="Bombardements près de Kapan")

    def declared(html: str, charset: str) -> str:
        return html.replace('<meta charset="utf-8">', f'<meta charset="{charset}">')

    def equiv(html: str, charset: str) -> str:
        return html.replace('<meta charset="utf-8">',
                            f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">')

    docs = {
        "encoding_cp1251_declared_utf8": ru.encode("cp1251"),
        "encoding_cp1251_undeclared": declared(ru, "").replace('<meta charset="">', "").encode("cp1251"),
        "encoding_cp1251_declared_cp1251": declared(ru, "windows-1251").encode("cp1251"),
        "encoding_koi8r_declared_cp1251": declared(ru, "windows-1251").encode("koi8-r"),
        "encoding_koi8r_http_equiv": equiv(ru, "koi8-r").encode("koi8-r"),
        "encoding_utf8_declared_cp1251": declared(ru, "windows-1251").encode("utf-8"),
        "encoding_sjis_declared_sjis": declared(ja, "shift_jis").encode("shift_jis"),
        "encoding_sjis_declared_utf8": ja.encode("shift_jis"),
        "encoding_eucjp_undeclared": declared(ja, "").replace('<meta charset="">', "").encode("euc-jp"),
        "encoding_gb2312_declared_gb2312": declared(zh, "gb2312").encode("gb2312"),
        "encoding_big5_declared_utf8": page(CHINESE, title="卡潘").encode("big5", errors="replace"),
        "encoding_latin1_declared_utf8": fr.encode("latin-1"),
        "encoding_latin1_declared_ascii": declared(fr, "us-ascii").encode("latin-1"),
        "encoding_utf16le_bom": b"\xff\xfe" + declared(ru, "utf-16").encode("utf-16-le"),
        "encoding_utf16be_bom": b"\xfe\xff" + declared(ru, "utf-16").encode("utf-16-be"),
        "encoding_utf16le_no_bom": declared(ru, "utf-16").encode("utf-16-le"),
        "encoding_utf16be_no_bom": declared(ru, "utf-16").encode("utf-16-be"),
        "encoding_utf16_declared_but_utf8": declared(ru, "utf-16").encode("utf-8"),
        "encoding_utf32_bom": b"\xff\xfe\x00\x00" + ru.encode("utf-32-le"),
        "encoding_utf8_bom_declared_latin1": b"\xef\xbb\xbf" + declared(ru, "iso-8859-1").encode("utf-8"),
        "encoding_mixed_utf8_and_cp1252": utf8(fr[: len(fr) // 2]) + fr[len(fr) // 2 :].encode("cp1252"),
        "encoding_two_conflicting_metas": declared(fr, "utf-8").replace(
            "<title>", '<meta charset="shift_jis"><title>').encode("latin-1"),
        "encoding_xml_declaration_lies": ('<?xml version="1.0" encoding="shift_jis"?>' + ru).encode("utf-8"),
        "encoding_overlong_utf8": utf8(page()).replace(b"Kapan", b"Ka\xc0\xafpan\xe0\x80\xaf"),
        "encoding_lone_surrogates_utf8": utf8(page()).replace(b"Kapan", b"Ka\xed\xa0\x80pan"),
        "encoding_bogus_charset_name": declared(fr, "x-no-such-charset-" + "z" * 30).encode("latin-1"),
    }
    # Python codecs that are no character set: a declaration naming one must never select it.
    for codec in ("base64", "rot13", "hex", "zlib", "bz2", "uu", "quopri", "undefined", "unicode_escape",
                  "raw_unicode_escape", "utf-7", "idna", "punycode"):
        docs[f"encoding_declared_{codec}"] = declared(fr, codec).encode("latin-1")
    return docs


def xxe_documents(marker: str = DEFAULT_MARKER, http: str = DEFAULT_HTTP) -> dict[str, bytes]:
    """XHTML documents whose DOCTYPE defines external entities naming ``marker`` and ``http``."""
    file_url = marker if "://" in marker or not marker.startswith("/") else f"file://{marker}"
    body = page(title="&xxe; report", before="<p>&xxe;</p>")

    def xhtml(subset: str, html: str = body) -> bytes:
        return utf8('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html' + subset + ">"
                    + html.removeprefix("<!DOCTYPE html>"))

    return {
        "xxe_file_marker.xhtml": xhtml(f' [<!ENTITY xxe SYSTEM "{file_url}">]'),
        "xxe_file_passwd.xhtml": xhtml(' [<!ENTITY xxe SYSTEM "file:///etc/passwd">]'),
        "xxe_http.xhtml": xhtml(f' [<!ENTITY xxe SYSTEM "{http}/xxe-entity">]'),
        "xxe_parameter_entity.xhtml": xhtml(f' [<!ENTITY % remote SYSTEM "{http}/xxe-param.dtd"> %remote;]'),
        "xxe_external_dtd.xhtml": xhtml(f' SYSTEM "{http}/xxe-external.dtd"'),
        "xxe_xinclude.xhtml": utf8(page(before=f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                                               f'href="{file_url}" parse="text"/>')),
        "xxe_base_href_file.html": utf8(page(extra_head='<base href="file:///etc/">',
                                             before='<img src="passwd"><a href="shadow">x</a>')),
        "xxe_link_import.html": utf8(page(extra_head=f'<link rel="import" href="{http}/x.html">'
                                                    f'<link rel="stylesheet" href="{file_url}">')),
    }


def blowups() -> dict[str, bytes]:
    laughs = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    return {
        "blowup_billion_laughs.xhtml": utf8('<?xml version="1.0"?><!DOCTYPE html [<!ENTITY l0 "lol">' + laughs
                                            + "]>" + page(title="&l9;").removeprefix("<!DOCTYPE html>")),
        "blowup_quadratic.xhtml": utf8('<?xml version="1.0"?><!DOCTYPE html [<!ENTITY a "' + "x" * 50_000 + '">]>'
                                       + page(before="<p>" + "&a;" * 2000 + "</p>").removeprefix("<!DOCTYPE html>")),
        "blowup_numeric_references": utf8(page(before="<p>" + "&#x41;&#65;&#128512;" * 30_000 + "</p>")),
        "blowup_char_refs_out_of_range": utf8(page(before="<p>&#99999999999; &#xD800; &#x110000; &#0; &#x0;</p>")),
        "blowup_unknown_named_entities": utf8(page(before="<p>" + "&nosuchentity; &amp &lt" * 20_000 + "</p>")),
    }


def metadata() -> dict[str, bytes]:
    def meta(tags: str) -> bytes:
        return utf8(page(extra_head=tags))

    deep_json = "[" * 100_000 + "]" * 100_000
    return {
        "meta_script_in_title": utf8(page(title="<script>alert(1)</script>Shelling &lt;img src=x onerror=alert(2)&gt;")),
        "meta_event_handlers": utf8(page(before='<p onmouseover="alert(1)" style="x:expression(alert(2))">'
                                                '<img src=x onerror="alert(3)">Hover</p>')),
        "meta_canonical_javascript": meta('<link rel="canonical" href="javascript:alert(1)">'),
        "meta_canonical_data": meta('<link rel="canonical" href="data:text/html,<script>alert(1)</script>">'),
        "meta_canonical_file": meta('<link rel="canonical" href="file:///etc/passwd">'),
        "meta_canonical_metadata_ip": meta('<link rel="canonical" href="http://169.254.169.254/latest/">'
                                           '<meta property="og:url" content="http://[::ffff:127.0.0.1]/x">'),
        "meta_og_image_huge": meta('<meta property="og:image" content="https://x.example/' + "a" * 200_000 + '">'),
        "meta_jsonld_malformed": meta('<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'),
        "meta_jsonld_deep_nesting": meta(f'<script type="application/ld+json">{deep_json}</script>'),
        "meta_jsonld_huge_array": meta('<script type="application/ld+json">'
                                       + json.dumps({"@type": "NewsArticle", "author": [{"name": f"A{i}"}
                                                     for i in range(20_000)]}) + "</script>"),
        "meta_dates_impossible": meta('<meta property="article:published_time" content="2024-13-45T25:61:61Z">'
                                      '<time datetime="99999-99-99">x</time>'),
        "meta_dates_far_future": meta('<meta property="article:published_time" content="9999-12-31T23:59:59Z">'),
        "meta_dates_negative_year": meta('<meta property="article:published_time" content="-0044-03-15T12:00:00Z">'),
        "meta_dates_nan": meta('<meta property="article:published_time" content="NaN">'
                               '<meta name="date" content="1e400">'),
        "meta_many_authors": meta("".join(f'<meta name="author" content="Author {i}">' for i in range(20_000))),
        "meta_lang_garbage": utf8(page(lang="x" * 500)),
    }


def volume() -> dict[str, bytes]:
    one_word = " ".join(PARAGRAPHS)
    return {
        "volume_huge_attribute": utf8(page(body_attrs=' data-x="' + "a" * 900_000 + '"')),
        "volume_many_attributes": utf8(page(body_attrs="".join(f" a{i}=x" for i in range(50_000)))),
        "volume_100000_tiny_paragraphs": utf8("<html><body><article>" + "<p>w</p>" * 100_000 + "</article></body></html>"),
        "volume_single_word_900kb": utf8(page(before="<p>" + "x" * 900_000 + "</p>")),
        "volume_100000_line_breaks": utf8(page(before="<p>" + "<br>" * 100_000 + "</p>")),
        "volume_50000_links": utf8(page(before="".join(f'<a href="/s/{i}">l{i}</a>' for i in range(50_000)))),
        "volume_furniture_headings": utf8("<html><body>" + "<div><h2>Comments</h2><p>" + one_word + "</p></div>" * 5000
                                          + "</body></html>"),
        "volume_comments_only": utf8("<html><body>" + "<!-- " + one_word + " -->" * 20_000 + "</body></html>"),
    }


def not_html() -> dict[str, bytes]:
    return {
        "not_html_empty": b"",
        "not_html_whitespace": b" \n\t\r\n " * 100,
        "not_html_bom_only": b"\xef\xbb\xbf",
        "not_html_doctype_only": b"<!DOCTYPE html>",
        "not_html_rss_feed": utf8('<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>'),
        "not_html_json": utf8(json.dumps({"title": "x", "body": " ".join(PARAGRAPHS)})),
        "not_html_plain_text": utf8("\n\n".join(PARAGRAPHS)),
        "not_html_css": utf8("body { margin: 0 }\n" * 500),
        "not_html_javascript": utf8("function f() { return 1; }\n" * 500),
        "not_html_bidi_and_zero_width": utf8(page(title="\u202eSHELLING\u202c\u200b\u200d",
                                                  before="<p>\u202e" + "\u200b".join(PARAGRAPHS) + "</p>")),
    }


def _big_page() -> bytes:
    return utf8(page(PARAGRAPHS * 45_000))


# Documents over the commit size limit, each built when a test asks for it.
LARGE_DOCUMENTS: dict[str, Callable[[], bytes]] = {
    "large_20mb_page.html": lambda: _big_page()[: 20 * 1024 * 1024],
    "large_just_under_5mb_page.html": lambda: utf8(page(PARAGRAPHS * 10_000))[: 5 * 1024 * 1024 - 10],
    "large_deep_nesting_200000.html": lambda: utf8("<html><body>" + "<div>" * 200_000 + " ".join(PARAGRAPHS)),
    "large_1m_tiny_elements.html": lambda: utf8("<html><body>" + "<i>x</i>" * 500_000 + "</body></html>"),
    "large_single_text_node_4mb.html": lambda: utf8("<html><body><p>" + "word " * 800_000 + "</p></body></html>"),
}

# What some documents must give (see the module docstring).
EXPECT: dict[str, dict[str, str]] = {
    "encoding_cp1251_declared_utf8": {"text": "Обстрел"},
    "encoding_cp1251_undeclared": {"text": "Обстрел"},
    "encoding_cp1251_declared_cp1251": {"text": "Обстрел"},
    "encoding_koi8r_http_equiv": {"text": "Обстрел"},
    "encoding_utf8_declared_cp1251": {"text": "Обстрел"},
    "encoding_sjis_declared_sjis": {"text": "砲撃"},
    "encoding_sjis_declared_utf8": {"text": "砲撃"},
    "encoding_eucjp_undeclared": {"text": "砲撃"},
    "encoding_gb2312_declared_gb2312": {"text": "炮击"},
    "encoding_latin1_declared_utf8": {"text": "électricité"},
    "encoding_latin1_declared_ascii": {"text": "électricité"},
    "encoding_utf16le_bom": {"text": "Обстрел"},
    "encoding_utf16be_bom": {"text": "Обстрел"},
    "encoding_utf16_declared_but_utf8": {"text": "Обстрел"},
    "encoding_utf32_bom": {"text": "Обстрел"},
    "encoding_utf8_bom_declared_latin1": {"text": "Обстрел"},
    **{f"encoding_declared_{c}": {"text": "électricité"} for c in (
        "base64", "rot13", "hex", "zlib", "bz2", "uu", "quopri", "undefined", "unicode_escape",
        "raw_unicode_escape", "utf-7", "idna", "punycode")},
    "binary_png.html": {"error": "binary"},
    "binary_jpeg.html": {"error": "binary"},
    "binary_pdf.html": {"error": "binary"},
    "binary_zip.html": {"error": "binary"},
    "binary_gzip_of_page.html": {"error": "binary"},
    "not_html_empty": {"error": "empty"},
    "not_html_whitespace": {"error": "empty"},
    "not_html_rss_feed": {"error": "not an HTML page"},
    "large_20mb_page.html": {"error": "too large"},
    "script_only": {"error": "no article text"},
    "script_noscript_only": {"error": "no article text"},
    "script_iframe_only": {"error": "no article text"},
}


def corpus() -> dict[str, bytes]:
    docs: dict[str, bytes] = {}
    for part in (truncated(), nested(), script_only(), binary(), encodings(), xxe_documents(), blowups(),
                 metadata(), volume(), not_html()):
        overlap = docs.keys() & part.keys()
        assert not overlap, overlap
        docs.update(part)
    return {name if "." in name else f"{name}.html": body for name, body in docs.items()}


def expectation(name: str) -> dict[str, str]:
    return EXPECT.get(name.removesuffix(".html"), EXPECT.get(name, {}))


def main() -> int:
    BAD_DIR.mkdir(exist_ok=True)
    docs = {name: body for name, body in corpus().items() if len(body) <= MAX_COMMITTED_BYTES}
    for stale in BAD_DIR.iterdir():
        if stale.name not in docs:
            stale.unlink()
    for name, body in sorted(docs.items()):
        (BAD_DIR / name).write_bytes(body)
    print(f"wrote {len(docs)} documents to {BAD_DIR}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
