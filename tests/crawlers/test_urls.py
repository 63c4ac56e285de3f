from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawlers.urls import canonicalize, host_is_private, is_public_address, url_id


def test_tracking_parameters_dropped_and_sorted() -> None:
    assert (
        canonicalize("HTTPS://Example.COM:443/a/b/?utm_source=rss&b=2&fbclid=x&a=1#frag")
        == "https://example.com/a/b?a=1&b=2"
    )


def test_relative_links_resolved() -> None:
    assert canonicalize("../x?gclid=1", "http://e.org/a/b/c") == "http://e.org/a/x"


def test_root_keeps_slash_and_port_kept_when_not_default() -> None:
    assert canonicalize("http://e.org") == "http://e.org/"
    assert canonicalize("http://127.0.0.10:8080/p/") == "http://127.0.0.10:8080/p"


def test_ids_stable() -> None:
    assert url_id(canonicalize("https://e.org/a?utm_medium=x")) == url_id("https://e.org/a")


@pytest.mark.parametrize(
    "ip",
    ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "::1", "fe80::1",
     "::ffff:127.0.0.1", "::ffff:10.0.0.1", "0.0.0.0", "fd00::1", "224.0.0.1"],
)
def test_private_addresses(ip: str) -> None:
    assert not is_public_address(ip)
    assert host_is_private(ip)


def test_public_and_names() -> None:
    assert is_public_address("8.8.8.8")
    assert host_is_private("localhost")
    assert host_is_private("[::1]")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_canonicalize_idempotent_on_http_urls(path: str) -> None:
    url = canonicalize("http://example.org/" + path)
    assert canonicalize(url) == url


@pytest.mark.parametrize(
    ("url", "article"),
    [
        ("https://e.org/2024/03/15/kyiv-hit-overnight/", True),
        ("https://e.org/world/russian-missiles-hit-kyiv-6", True),
        ("https://e.org/news/123456/story.html", True),
        ("https://e.org/politics/2024/10/01/x", True),
        ("https://e.org/", False),
        ("https://e.org/world/", False),
        ("https://e.org/about/", False),
        ("https://e.org/author/jane-doe-smith/", False),
        ("https://e.org/tag/kyiv-war-news/", False),
        ("https://e.org/page/2", False),
        ("https://e.org/img/a-b-c.jpg", False),
    ],
)
def test_article_link_heuristic(url: str, article: bool) -> None:
    from crawlers.urls import looks_like_article_url

    assert looks_like_article_url(url) is article


def test_clean_url_keeps_path_drops_tracking() -> None:
    from crawlers.urls import clean_url

    assert clean_url("HTTP://E.org/a/b/?utm_source=rss&id=3#c") == "http://e.org/a/b/?id=3"
