"""Generate the bad-input corpus for ``crawlers.feeds.parse_feed`` into ``bad/``.

    .venv/bin/python tests/data/feeds/make_bad_corpus.py

Deterministic: the same bytes on every run (seeded randomness, gzip without a timestamp), so
``tests/crawlers/test_feeds.py`` checks that the committed files are current. Documents over
``MAX_COMMITTED_BYTES`` are not written: the tests build them in memory (``LARGE_DOCUMENTS``).
The XXE documents name a marker file and an HTTP address; ``xxe_documents`` rebuilds them at test
time with a real marker file and a live local server, to prove neither is ever read.
"""

from __future__ import annotations

import gzip
import json
import random
import sys
from collections.abc import Callable
from pathlib import Path

MAX_COMMITTED_BYTES = 1_000_000
BAD_DIR = Path(__file__).resolve().parent / "bad"
DEFAULT_MARKER = "xxe-marker.txt"  # relative: resolved against the working directory, if at all
DEFAULT_HTTP = "http://127.0.0.1:9"  # the discard port: nothing listens there

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"


def item(
    title: str = "Ceasefire holds for a third day",
    link: str | None = "https://news.example.com/2024/05/14/ceasefire-holds",
    guid: str | None = None,
    date: str | None = "Tue, 14 May 2024 08:55:00 +0000",
    extra: str = "",
) -> str:
    parts = [f"<title>{title}</title>" if title else ""]
    parts.append(f"<link>{link}</link>" if link is not None else "")
    parts.append(f'<guid isPermaLink="false">{guid}</guid>' if guid is not None else "")
    parts.append(f"<pubDate>{date}</pubDate>" if date else "")
    parts.append("<description>Monitors reported no violations overnight.</description>")
    return "<item>" + "".join(parts) + extra + "</item>"


def rss(items: str, *, head: str = '<?xml version="1.0" encoding="utf-8"?>\n', doctype: str = "",
        title: str = "Wire Desk") -> str:
    return (
        f"{head}{doctype}<rss version=\"2.0\" xmlns:dc=\"{DC_NS}\" xmlns:content=\"{CONTENT_NS}\">"
        f"<channel><title>{title}</title><link>https://news.example.com/</link>"
        f"<description>Conflict coverage</description>{items}</channel></rss>"
    )


def atom(entries: str, *, doctype: str = "", title: str = "Wire Desk") -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n{doctype}<feed xmlns="{ATOM_NS}">'
        f'<title>{title}</title><link href="https://news.example.com/"/>'
        f"<id>tag:news.example.com,2024:feed</id><updated>2024-05-14T09:00:00Z</updated>"
        f"{entries}</feed>"
    )


def json_feed(items: object, **extra: object) -> bytes:
    doc: dict[str, object] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Wire Desk",
        "home_page_url": "https://news.example.com/",
        "items": items,
    }
    doc.update(extra)
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _realistic(n: int = 30) -> str:
    items = "".join(
        item(
            title=f"Report {i}: shelling near the border town of Kapan",
            link=f"https://news.example.com/2024/05/{i:02d}/report",
            guid=f"https://news.example.com/?p={9000 + i}",
            extra=f"<dc:creator>Staff {i}</dc:creator><content:encoded><![CDATA[<p>Paragraph {i} "
            "with <a href=\"/x\">a link</a> — «quotes» and accents: Ağdam, Şuşa, Ereván.</p>]]>"
            "</content:encoded>",
        )
        for i in range(1, n + 1)
    )
    return rss(items)


def malformed() -> dict[str, bytes]:
    ok = item()
    docs = {
        "unclosed_item": rss("<item><title>Open item</title><link>https://news.example.com/1</link>"),
        "mismatched_tags": rss("<item><title>Mismatch</link><link>https://news.example.com/2</title></item>"),
        "bare_ampersand": rss(item(title="AT&T & Verizon sign deal; R&D spending rises")),
        "unquoted_attributes": rss(item(extra="<enclosure url=https://x.example/a.mp3 length=1 type=audio/mpeg/>")),
        "lt_in_text": rss(item(title="Casualties < 10 as truce > expectations")),
        "duplicate_attributes": rss(item(extra='<enclosure url="https://a.example/1" url="https://b.example/2"/>')),
        "two_roots": rss(ok) + rss(ok),
        "text_before_root": "Warning: mysql_connect() failed in /var/www/feed.php on line 3\n" + rss(ok),
        "unterminated_cdata": rss(item(extra="<description><![CDATA[<p>never closed")),
        "stray_cdata_end": rss(item(title="Odd ]]> marker in text")),
        "unterminated_comment": rss(ok + "<!-- comment that never ends <item><title>hidden</title></item>"),
        "control_characters": rss(item(title="Bell\x07 vertical\x0b tab\x0c and escape\x1b")),
        "invalid_char_refs": rss(item(title="Refs &#0; &#xD800; &#x110000; &#99999999; &#xFFFE; ok")),
        "unknown_entities": rss(item(title="Entities &nbsp;&copy;&hellip; &foo; &bar;baz &#8212; end")),
        "deep_nesting": rss(item(extra="<x>" * 50_000 + "deep" + "</x>" * 50_000)),
        "huge_attribute": rss(item(extra=f'<enclosure url="https://x.example/{"a" * 500_000}"/>')),
        "undeclared_namespace": rss(item(extra="<foo:bar>undeclared prefix</foo:bar><dc:creator>Ok</dc:creator>")),
        "whitespace_before_declaration": "\n\n   " + rss(ok),
        "comment_before_declaration": "<!-- generated -->" + rss(ok),
        "channel_root_only": "<channel><title>No rss element</title>" + ok + "</channel>",
        "unknown_root": "<news><item><title>Not a feed format</title></item></news>",
        "processing_instructions": rss("<?php echo 'x'; ?>" + ok + "<?xml-stylesheet href='a.xsl'?>"),
        "many_attributes": rss(item(extra="<x " + " ".join(f'a{i}="{i}"' for i in range(20_000)) + "/>")),
        "many_namespaces": rss(item(extra="<x " + " ".join(f'xmlns:n{i}="urn:n{i}"' for i in range(20_000))
                                    + "><n1:y n2:z='1'>t</n1:y></x>")),
        "long_element_name": rss(item(extra=f"<{'n' * 100_000}>x</{'n' * 100_000}>")),
        "rss_inside_html": "<html><body><pre>" + rss(ok) + "</pre></body></html>",
        "nested_items": rss("<item><title>Outer</title><item><title>Inner</title></item></item>"),
        "attribute_lt": rss(item(extra='<enclosure url="https://x.example/a<b" type="a"/>')),
        "cdata_in_attribute_position": rss("<item <![CDATA[x]]>><title>t</title></item>"),
        "only_declaration_and_junk": '<?xml version="1.0"?>\n}}}{{{ not xml at all',
    }
    return {f"malformed_{k}.xml": v.encode("utf-8") for k, v in docs.items()}


def truncated() -> dict[str, bytes]:
    full = _realistic().encode("utf-8")
    docs = {f"truncated_rss_{p}pct.xml": full[: len(full) * p // 100] for p in (5, 25, 50, 75, 95)}
    accent = full.index("ğ".encode())
    docs["truncated_inside_utf8_char.xml"] = full[: accent + 1]
    atom_doc = atom("".join(
        f'<entry><title>Entry {i}</title><link href="https://news.example.com/e/{i}"/>'
        f"<id>urn:e:{i}</id><updated>2024-05-14T09:00:00Z</updated></entry>" for i in range(20)
    )).encode()
    docs["truncated_atom_half.xml"] = atom_doc[: len(atom_doc) // 2]
    jf = json_feed([{"id": str(i), "url": f"https://news.example.com/j/{i}", "title": f"J {i}"} for i in range(20)])
    docs["truncated_json_half.json"] = jf[: len(jf) // 2]
    docs["truncated_gzip.xml.gz"] = gzip.compress(full, mtime=0)[: len(full) // 8]
    docs["truncated_in_doctype.xml"] = b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "unfinished'
    docs["truncated_in_cdata.xml"] = full[: full.index(b"<![CDATA[") + 20]
    docs["truncated_after_declaration.xml"] = b'<?xml version="1.0" encoding="utf-8"?>\n<r'
    return docs


def lying_encodings() -> dict[str, bytes]:
    ru = rss(item(title="В Степанакерте возобновились переговоры о прекращении огня",
                  link="https://kavkaz.example.ru/articles/1/"), title="Новости Кавказа")
    fr = rss(item(title="Élection à Genève : négociations déjà très avancées, dit-on",
                  link="https://news.example.fr/1"), title="Actualités")
    ja = rss(item(title="停戦交渉が東京で再開された", link="https://news.example.jp/1"), title="ニュース速報")
    zh = rss(item(title="联合国安理会召开紧急会议讨论停火", link="https://news.example.cn/1"), title="国际新闻")
    plain = rss(item(title="Ceasefire talks resume in Geneva"))
    undeclared = plain.split("\n", 1)[1]
    docs = {
        "encoding_cp1251_declared_utf8.xml": ru.encode("cp1251"),
        "encoding_koi8r_declared_utf8.xml": ru.encode("koi8_r"),
        "encoding_latin1_declared_utf8.xml": fr.encode("latin-1"),
        "encoding_sjis_declared_utf8.xml": ja.encode("shift_jis"),
        "encoding_sjis_declared_sjis.xml": ja.replace('encoding="utf-8"', 'encoding="Shift_JIS"').encode("shift_jis"),
        "encoding_eucjp_declared_eucjp.xml": ja.replace('encoding="utf-8"', 'encoding="EUC-JP"').encode("euc_jp"),
        "encoding_gb2312_declared_gb2312.xml": zh.replace('encoding="utf-8"', 'encoding="gb2312"').encode("gb2312"),
        "encoding_utf16le_bom.xml": b"\xff\xfe" + ru.replace("utf-8", "utf-16").encode("utf-16-le"),
        "encoding_utf16be_bom.xml": b"\xfe\xff" + ru.replace("utf-8", "utf-16").encode("utf-16-be"),
        "encoding_utf16le_no_bom.xml": ru.replace("utf-8", "utf-16").encode("utf-16-le"),
        "encoding_utf16be_no_bom.xml": ru.replace("utf-8", "utf-16").encode("utf-16-be"),
        "encoding_utf16le_no_bom_no_declaration.xml": undeclared.encode("utf-16-le"),
        "encoding_utf16_declared_but_utf8.xml": ru.replace("utf-8", "UTF-16").encode("utf-8"),
        "encoding_utf8_declared_latin1.xml": fr.replace("utf-8", "ISO-8859-1").encode("utf-8"),
        "encoding_utf8_declared_cp1251.xml": ru.replace("utf-8", "windows-1251").encode("utf-8"),
        "encoding_unknown_declared.xml": fr.replace("utf-8", "x-klingon-9").encode("utf-8"),
        "encoding_utf32le_bom.xml": b"\xff\xfe\x00\x00" + ru.replace("utf-8", "utf-32").encode("utf-32-le"),
        "encoding_utf8_bom_declared_utf16.xml": b"\xef\xbb\xbf" + ru.replace("utf-8", "utf-16").encode("utf-8"),
        "encoding_utf16_odd_length.xml": b"\xff\xfe" + ru.encode("utf-16-le")[:-1],
        "encoding_ebcdic_declared_ascii_body.xml": plain.replace("utf-8", "cp037").encode("ascii"),
        "encoding_utf8_with_stray_cp1252.xml": ru.encode().replace("Новости".encode(), "Новости".encode() + b" \x93"),
        "encoding_declared_base64.xml": fr.replace("utf-8", "base64").encode("latin-1"),
        "encoding_declared_rot13.xml": fr.replace("utf-8", "rot13").encode("latin-1"),
        "encoding_declared_unicode_escape.xml": (fr.replace("utf-8", "unicode_escape").replace(
            "Actualités", "\\x3cscript\\x3ealert(1)\\x3c/script\\x3eActualités")).encode("latin-1"),
        "encoding_declared_utf7.xml": (fr.replace("utf-8", "UTF-7").replace(
            "Actualités", "+ADw-script+AD4-alert(1)+ADw-/script+AD4-Actualités")).encode("latin-1"),
        "encoding_declared_undefined.xml": fr.replace("utf-8", "undefined").encode("latin-1"),
        "encoding_mixed_utf8_and_latin1.xml": fr[:200].encode("utf-8") + fr[200:].encode("latin-1"),
    }
    return docs


def xxe_documents(marker: str = DEFAULT_MARKER, http: str = DEFAULT_HTTP) -> dict[str, bytes]:
    """External-entity attacks naming ``marker`` (a file path) and ``http`` (a base URL)."""
    file_url = marker if "://" in marker or not marker.startswith("/") else f"file://{marker}"
    use = item(title="&xxe;", extra="<description>&xxe;</description>")
    docs = {
        "xxe_file_marker": rss(use, doctype=f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{file_url}">]>'),
        "xxe_file_marker_plain_path": rss(use, doctype=f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{marker}">]>'),
        "xxe_file_passwd": rss(use, doctype='<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'),
        "xxe_http": rss(use, doctype=f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{http}/xxe-entity">]>'),
        "xxe_parameter_entity": rss(use, doctype=(
            f'<!DOCTYPE rss [<!ENTITY % remote SYSTEM "{http}/xxe-param.dtd"> %remote; '
            f'<!ENTITY % file SYSTEM "{file_url}"> <!ENTITY xxe "x%file;">]>')),
        "xxe_external_dtd": rss(use, doctype=f'<!DOCTYPE rss SYSTEM "{http}/xxe-external.dtd">'),
        "xxe_public_id": rss(use, doctype=f'<!DOCTYPE rss PUBLIC "-//EVIL//DTD//EN" "{http}/xxe-public.dtd">'),
        "xxe_lowercase_doctype": rss(use, doctype=f'<!doctype rss [<!entity xxe SYSTEM "{file_url}">]>'),
        "xxe_in_attribute": rss(item(extra='<enclosure url="&xxe;" type="audio/mpeg"/>'),
                                doctype=f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{file_url}">]>'),
        "xxe_entity_outside_doctype": rss(f'<!ENTITY xxe SYSTEM "{file_url}">' + use),
        "xxe_doctype_after_comment": rss(use, doctype=f'<!-- x --><!DOCTYPE rss [<!ENTITY xxe SYSTEM "{file_url}">]>'),
        "xxe_xinclude": rss(item(extra=(
            f'<description><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{file_url}" '
            'parse="text"/></description>'))),
        "xxe_atom": atom('<entry><title>&xxe;</title><id>urn:1</id><content>&xxe;</content></entry>',
                         doctype=f'<!DOCTYPE feed [<!ENTITY xxe SYSTEM "{file_url}">]>'),
        "xxe_quotes_hide_brackets": rss(use, doctype=(
            f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{file_url}"> <!ENTITY t "]>"> <!ENTITY u \'">\'>]>')),
        "xxe_comment_in_subset": rss(use, doctype=(
            f'<!DOCTYPE rss [<!-- ]> --><!ENTITY xxe SYSTEM "{file_url}">]>')),
        "xxe_php_filter": rss(use, doctype='<!DOCTYPE rss [<!ENTITY xxe SYSTEM "php://filter/resource=/etc/passwd">]>'),
        "xxe_netdoc_gopher": rss(use, doctype=f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "gopher://127.0.0.1:9/_x"> '
                                             f'<!ENTITY y SYSTEM "netdoc:{marker}">]>'),
        "xxe_two_doctypes": rss(use, doctype=(
            '<!DOCTYPE rss [<!ENTITY a "a">]>' f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{file_url}">]>')),
        "xxe_unterminated_doctype": rss(use, doctype=f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{file_url}">'),
    }
    out = {f"{k}.xml": v.encode("utf-8") for k, v in docs.items()}
    utf16 = rss(use, doctype=f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{file_url}">]>').replace("utf-8", "utf-16")
    out["xxe_utf16.xml"] = b"\xff\xfe" + utf16.encode("utf-16-le")
    out["xxe_utf16_no_bom.xml"] = utf16.encode("utf-16-be")
    return out


def blowups() -> dict[str, bytes]:
    levels = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    ]
    laughs = "<!DOCTYPE rss [" + "".join(levels) + "]>"
    use = item(title="&lol9;", extra="<description>&lol9;</description>")
    big = "A" * 100_000
    docs = {
        "blowup_billion_laughs": rss(use, doctype=laughs),
        "blowup_laughs_in_attribute": rss(item(extra='<enclosure url="&lol9;"/>'), doctype=laughs),
        "blowup_laughs_atom": atom("<entry><title>&lol9;</title><id>urn:l</id></entry>",
                                   doctype=laughs.replace("DOCTYPE rss", "DOCTYPE feed")),
        "blowup_parameter_entities": rss(use, doctype=(
            '<!DOCTYPE rss [<!ENTITY % a "<!ENTITY lol9 \'lolololol\'>"> %a; %a; %a;]>')),
        "blowup_quadratic": rss(item(extra="<description>" + "&a;" * 3000 + "</description>"),
                                doctype=f'<!DOCTYPE rss [<!ENTITY a "{big}">]>'),
        "blowup_quadratic_many_entities": rss(
            item(extra="<description>" + "".join(f"&e{i % 50};" for i in range(5000)) + "</description>"),
            doctype="<!DOCTYPE rss [" + "".join(f'<!ENTITY e{i} "{"B" * 10_000}">' for i in range(50)) + "]>"),
        "blowup_undeclared_references": rss(item(extra="<description>" + "&lol9;" * 20_000 + "</description>")),
    }
    out = {f"{k}.xml": v.encode("utf-8") for k, v in docs.items()}
    out["blowup_laughs_utf16.xml"] = b"\xff\xfe" + docs["blowup_billion_laughs"].replace(
        "utf-8", "utf-16").encode("utf-16-le")
    out["blowup_gzip_bomb.xml.gz"] = gzip.compress(b"<rss>" + b" " * 50_000_000, compresslevel=9, mtime=0)
    return out


def entries() -> dict[str, bytes]:
    def dated(date: str) -> str:
        return rss(item(date=date))

    docs = {
        "entries_without_links": rss("".join(item(title=f"No link {i}", link=None) for i in range(3))),
        "entries_without_titles": rss("".join(item(title="", link=f"https://news.example.com/t/{i}") for i in range(3))),
        "entries_completely_empty": rss("<item></item><item><description></description></item>" + item()),
        "entries_duplicate_guids": rss("".join(item(title=f"Dup {i}", guid="same-guid",
                                                    link=f"https://news.example.com/d/{i}") for i in range(4))),
        "entries_duplicate_links": rss("".join(item(title=f"Dup {i}") for i in range(4))),
        "date_month_13": dated("2024-13-01T10:00:00Z"),
        "date_day_32": dated("Wed, 32 May 2024 10:00:00 GMT"),
        "date_year_minus_44": dated("-0044-03-15T12:00:00Z"),
        "date_year_9999": dated("Fri, 31 Dec 9999 23:59:59 GMT"),
        "date_february_30": dated("2023-02-30T08:00:00+02:00"),
        "date_hour_25": dated("Mon, 13 May 2024 25:61:61 GMT"),
        "date_garbage": dated("yesterday-ish, around lunch"),
        "date_far_future": dated("2199-01-01T00:00:00Z"),
        "date_epoch_1970": dated("Thu, 01 Jan 1970 00:00:00 GMT"),
        "date_two_digit_year": dated("Mon, 13 May 24 10:00:00 GMT"),
        "date_huge_offset": dated("Mon, 13 May 2024 10:00:00 +9999"),
        "date_very_long": dated("2024-05-13T10:00:00" + "0" * 10_000 + "Z"),
        "date_atom_invalid": atom("<entry><title>t</title><id>urn:d</id><link href=\"https://news.example.com/a\"/>"
                                  "<published>2024-02-31T00:00:00Z</published><updated>0000-00-00T00:00:00Z</updated></entry>"),
        "link_javascript": rss(item(link="javascript:alert(document.cookie)")),
        "link_javascript_mixed_case": rss(item(link="JaVaScRiPt:alert(1)")),
        "link_javascript_leading_space": rss(item(link="   javascript:alert(1)")),
        "link_javascript_tab_obfuscated": rss(item(link="jav&#x09;ascript:alert(1)")),
        "link_javascript_entity_encoded": rss(item(link="&#106;avascript:alert(1)")),
        "link_data": rss(item(link="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==")),
        "link_file": rss(item(link="file:///etc/passwd")),
        "link_vbscript": rss(item(link="vbscript:msgbox(1)")),
        "link_guid_permalink_javascript": rss(item(link=None, guid=None,
                                                   extra="<guid>javascript:alert(1)</guid>")),
        "link_atom_javascript": atom('<entry><title>t</title><id>urn:j</id>'
                                     '<link rel="alternate" href="javascript:alert(1)"/></entry>'),
        "link_relative": rss(item(link="/2024/05/14/relative-link")),
        "link_protocol_relative": rss(item(link="//cdn.example.net/story")),
        "script_in_title_cdata": rss(item(title="<![CDATA[Breaking <script>alert('x')</script>news]]>")),
        "script_in_title_escaped": rss(item(title="Breaking &lt;script&gt;alert(1)&lt;/script&gt; news")),
        "script_in_title_double_escaped": rss(item(title="Breaking &amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt; news")),
        "script_in_author": rss(item(extra="<dc:creator>&lt;script&gt;alert(1)&lt;/script&gt;Jane Doe</dc:creator>")),
        "script_in_feed_title": rss(item(), title="&lt;script&gt;steal()&lt;/script&gt;Wire"),
        "script_img_onerror_title": rss(item(title="&lt;img src=x onerror=alert(1)&gt;Headline")),
        "script_unterminated_in_title": rss(item(title="Headline &lt;script&gt;" + "x" * 5000)),
        "script_atom_xhtml_title": atom(
            '<entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Hi<script>alert(1)</script>'
            '</div></title><id>urn:x</id><link href="https://news.example.com/x"/></entry>'),
        "script_in_content": rss(item(extra=(
            "<content:encoded><![CDATA[<p onclick=\"evil()\">Body</p><script>alert(1)</script>"
            "<a href=\"javascript:alert(2)\">x</a><iframe src=\"https://evil.example/\"></iframe>"
            "<img src=\"data:image/svg+xml;base64,PHN2Zz4=\">]]></content:encoded>"))),
    }
    out = {f"{k}.xml": v.encode("utf-8") for k, v in docs.items()}
    out["script_in_json_title.json"] = json_feed([{
        "id": "1", "url": "https://news.example.com/1", "title": "<script>alert(1)</script>Title",
        "content_html": "<p>ok</p><script>alert(2)</script>", "authors": [{"name": "<b>Bold</b> Author"}],
    }])
    out["link_json_javascript.json"] = json_feed([{"id": "1", "url": "javascript:alert(1)", "title": "t"}])
    out["date_json_invalid.json"] = json_feed([{"id": "1", "url": "https://news.example.com/1",
                                                "date_published": "2024-13-45T99:99:99Z"}])
    return out


def not_feeds() -> dict[str, bytes]:
    rng = random.Random(20240514)
    html_page = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>News</title>"
                 "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feed/\"></head>"
                 "<body><h1>Latest</h1><p>Ceasefire talks resume.</p></body></html>")
    docs: dict[str, bytes] = {
        "html_page.xml": html_page.encode(),
        "html_xhtml.xml": (b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>x'
                           b"</title></head><body><p>XHTML page</p></body></html>"),
        "html_without_doctype.xml": b"<html><body><p>No doctype<br>unclosed</body></html>",
        "html_comment_first.xml": b"<!-- cache hit --><!doctype html><html><body>x</body></html>",
        "html_uppercase.xml": b"<HTML><HEAD><TITLE>OLD</TITLE></HEAD><BODY>SHOUTING</BODY></HTML>",
        "html_error_page.xml": b"<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>",
        "html_body_fragment.xml": b"<body><div class='article'><p>Just a fragment</p></div></body>",
        "binary_png.xml": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(2000),
        "binary_jpeg.xml": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + rng.randbytes(2000),
        "binary_pdf.xml": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + rng.randbytes(2000),
        "binary_zip.xml": b"PK\x03\x04\x14\x00" + rng.randbytes(2000),
        "binary_random.xml": rng.randbytes(4096),
        "binary_nul_bytes.xml": b"\x00" * 1024,
        "binary_gzip_of_random.xml.gz": gzip.compress(rng.randbytes(4096), mtime=0),
        "binary_elf.xml": b"\x7fELF\x02\x01\x01\x00" + rng.randbytes(2000),
        "empty.xml": b"",
        "empty_whitespace.xml": b" \n\t\r\n  ",
        "empty_bom_only.xml": b"\xef\xbb\xbf",
        "empty_declaration_only.xml": b'<?xml version="1.0" encoding="utf-8"?>',
        "empty_rss_root.xml": b"<rss/>",
        "empty_comment_only.xml": b"<!-- nothing here -->",
        "path_etc_passwd.xml": b"/etc/passwd",
        "url_instead_of_body.xml": b"http://127.0.0.1:9/feed.xml",
        "json_empty_object.json": b"{}",
        "json_array.json": b"[1, 2, 3]",
        "json_null.json": b"null",
        "json_invalid.json": b'{"version": "https://jsonfeed.org/version/1.1", "items": [',
        "json_trailing_garbage.json": json_feed([]) + b" trailing",
        "json_items_not_list.json": json_feed({"a": 1}),
        "json_items_not_objects.json": json_feed([1, "two", None, [3], {"id": "ok", "title": "Only real item"}]),
        "json_nan.json": b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": NaN, "title": Infinity}]}',
        "json_wrong_version.json": json_feed([{"id": "1", "title": "t"}], version="https://example.com/v9"),
        "json_deep_nesting.json": b'{"items": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        "json_huge_number.json": b'{"items": [{"id": ' + b"9" * 100_000 + b"}]}",
        "json_duplicate_ids.json": json_feed([{"id": "x", "title": f"T{i}"} for i in range(3)]),
        "json_bool_and_float_ids.json": json_feed([{"id": True, "title": "bool"}, {"id": 1.5, "title": "float"}]),
        "json_utf16.json": b"\xff\xfe" + json_feed([{"id": "1", "title": "Заголовок"}]).decode().encode("utf-16-le"),
    }
    return docs


def _many_items() -> bytes:
    return rss("".join(
        f"<item><title>Item {i}</title><link>https://news.example.com/i/{i}</link><guid>g{i}</guid>"
        f"<pubDate>Mon, 13 May 2024 10:00:00 GMT</pubDate><description>Text {i}</description></item>"
        for i in range(50_000)
    )).encode()


def _many_json_items() -> bytes:
    return json_feed([{"id": str(i), "url": f"https://news.example.com/j/{i}", "title": f"J{i}"}
                      for i in range(50_000)])


# Documents over the commit size limit, each built when a test asks for it.
LARGE_DOCUMENTS: dict[str, Callable[[], bytes]] = {
    "volume_50000_items.xml": _many_items,
    "volume_50000_nested_items.xml": lambda: rss(
        "<item><title>Outer</title>" + "<item><title>n</title></item>" * 50_000 + "</item>").encode(),
    "volume_100000_categories.xml": lambda: rss(item(
        extra="".join(f"<category>tag {i}</category>" for i in range(100_000)))).encode(),
    "volume_100000_authors.xml": lambda: rss(item(extra="<dc:creator>A</dc:creator>" * 100_000)).encode(),
    "volume_100000_enclosures.xml": lambda: rss(item(
        extra='<enclosure url="https://x.example/e.mp3"/>' * 100_000)).encode(),
    "volume_100000_atom_links.xml": lambda: atom(
        "<entry><title>t</title><id>urn:l</id>" + '<link rel="related" href="https://x.example/"/>' * 100_000
        + "</entry>").encode(),
    "volume_2mb_title.xml": lambda: rss(item(title="T" * 2_000_000)).encode(),
    "volume_5mb_content.xml": lambda: rss(item(
        extra="<content:encoded>" + "&lt;p&gt;word " * 400_000 + "</content:encoded>")).encode(),
    "volume_50000_json_items.json": _many_json_items,
    "volume_over_size_cap.xml": lambda: b"<rss>" + b" " * 20_000_000 + b"</rss>",
}


def corpus() -> dict[str, bytes]:
    docs: dict[str, bytes] = {}
    for part in (malformed(), truncated(), lying_encodings(), xxe_documents(), blowups(), entries(), not_feeds()):
        overlap = docs.keys() & part.keys()
        assert not overlap, overlap
        docs.update(part)
    return docs


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
