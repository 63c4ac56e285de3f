"""Security: the private-network guard (sources and redirects; literals, mapped IPv6 and DNS names),
hostile outlet content through the crawl to the served page and feeds, and no secrets in output."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import yaml
from lxml import etree
from scrapy import Request
from scrapy.exceptions import IgnoreRequest

from crawlers.middleware import PrivateNetworkGuard
from crawlers.urls import host_is_private, is_public_address
from storage.connection import Store, connect
from tests.fixturesite import build_world, serve_world
from tests.reliability.corpus import Tripwire
from tests.reliability.docserver import DocServer
from tests.reliability.procs import refused, run_measured, shimmed
from tests.reliability.redis_proc import OwnRedis
from wirewatch.api import ServeConfig, create_app
from wirewatch.settings import load_settings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's httpx fallback notice, as in tests/api/conftest.py
    from fastapi.testclient import TestClient

PRIVATE_LITERALS = [
    "127.0.0.1", "127.255.255.254", "0.0.0.0", "10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.1.1",
    "169.254.169.254", "100.64.0.1", "198.18.0.1", "224.0.0.1", "255.255.255.255", "::", "::1", "fe80::1",
    "fe80::1%eth0", "fc00::1", "fd12:3456::1", "::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:169.254.169.254",
    "::ffff:10.0.0.1", "2002:7f00:1::1", "2002:a9fe:a9fe::1", "[::1]", "[::ffff:127.0.0.1]",
]
NUMERIC_HOSTS = ["2130706433", "0x7f000001", "0177.0.0.1", "127.1", "017700000001"]  # inet_aton forms of 127.0.0.1
PUBLIC = ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"]


@pytest.mark.parametrize("host", PRIVATE_LITERALS)
def test_private_literals_are_private(host: str) -> None:
    assert host_is_private(host)


@pytest.mark.parametrize("host", NUMERIC_HOSTS)
def test_numeric_spellings_of_loopback_are_private(host: str) -> None:
    # resolved by the C library without any query: what the fetch itself would connect to
    assert host_is_private(host)


@pytest.mark.parametrize("host", PUBLIC)
def test_public_literals_pass(host: str) -> None:
    assert is_public_address(host) and not host_is_private(host)


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Names resolve to what the test puts here (no DNS query leaves the machine)."""
    table: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> list[Any]:
        if host not in table:  # numeric spellings only: AI_NUMERICHOST never sends a query
            return real(host, None, flags=socket.AI_NUMERICHOST)  # type: ignore[no-any-return]
        return [(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, 0)) for ip in table[host]]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return table


def test_names_are_judged_by_every_address_they_resolve_to(fake_dns: dict[str, list[str]]) -> None:
    fake_dns.update({
        "intranet.example": ["10.1.2.3"], "metadata.example": ["169.254.169.254"], "six.example": ["::1"],
        "mapped.example": ["::ffff:192.168.0.1"], "both.example": ["93.184.216.34", "127.0.0.1"],
        "public.example": ["93.184.216.34", "2606:4700:4700::1111"],
    })
    for name in ("intranet.example", "metadata.example", "six.example", "mapped.example", "both.example",
                 "localhost", "db.localhost", "intranet.example."):
        assert host_is_private(name.rstrip(".") if name.endswith(".") else name), name
    assert not host_is_private("public.example")
    assert not host_is_private("unresolvable.example")  # the fetch then fails on DNS


def _through(guard: PrivateNetworkGuard, url: str) -> None:
    asyncio.run(guard.process_request(Request(url)))


def test_guard_refuses_private_targets_and_other_schemes(fake_dns: dict[str, list[str]]) -> None:
    fake_dns.update({"intranet.example": ["10.1.2.3"], "news.example": ["93.184.216.34"]})
    guard = PrivateNetworkGuard(allow_private=False)
    for url in ("http://127.0.0.1/", "http://[::ffff:127.0.0.1]:8080/x", "http://169.254.169.254/latest/meta-data/",
                "https://intranet.example/feed", "http://localhost:6379/", "http://0x7f000001/", "http:///nohost",
                "file:///etc/passwd", "ftp://news.example/x", "data:text/html,<p>x</p>", "gopher://news.example/"):
        with pytest.raises(IgnoreRequest):
            _through(guard, url)
    _through(guard, "https://news.example/feed")  # public: let through
    # a redirect target is judged on its own host, never on the source's
    with pytest.raises(IgnoreRequest):
        _through(guard, "https://intranet.example/redirected-here")
    _through(PrivateNetworkGuard(allow_private=True), "http://127.0.0.1/")


def test_daemon_refuses_private_sources_and_redirects_end_to_end(
    tmp_path: Path, cli_env: dict[str, str], plain_env: dict[str, str], netlog: Path, tripwire: Tripwire,
    store: Store,
) -> None:
    """With the guard on, sources at loopback/private addresses (as literals, mapped IPv6 or DNS names)
    and public sources that redirect there are refused before any connection; a public source works.
    The network shim plays DNS and routes a public address (8.8.8.8) to the local fixture site."""
    world = build_world()
    with serve_world(world) as site:
        port = site.ports[0]
        secret_outlet, public_outlet = world.outlets[0], world.outlets[1]
        target = site.url(secret_outlet.slug, secret_outlet.feed_path)  # http://127.0.0.10:PORT/feed/
        hosts = {"intranet.test": "127.0.0.10", "rfc1918.test": "10.20.30.40", "metadata.test": "169.254.169.254",
                 "public.test": "8.8.8.8", "public-ok.test": "8.8.4.4"}
        routes = {"8.8.8.8": "127.0.0.10", "8.8.4.4": "127.0.0.11"}

        def via_public(location: str) -> str:
            return f"http://public.test:{port}/fault/redirect-to/{quote(location, safe='')}"

        private = {
            "loopback-literal": target,
            "loopback-name": f"http://intranet.test:{port}{secret_outlet.feed_path}",
            "rfc1918-name": f"http://rfc1918.test:{port}{secret_outlet.feed_path}",
            "metadata-name": "http://metadata.test/latest/meta-data/",
            "ipv6-mapped": f"http://[::ffff:127.0.0.10]:{port}{secret_outlet.feed_path}",
            "localhost": f"http://localhost:{port}{secret_outlet.feed_path}",
            "redirect-to-loopback": via_public(target),
            "redirect-to-metadata": via_public("http://169.254.169.254/latest/meta-data/"),
            "redirect-to-name": via_public(f"http://intranet.test:{port}{secret_outlet.feed_path}"),
            "redirect-to-mapped": via_public("http://[::ffff:a9fe:a9fe]/latest/"),
            "redirect-to-file": via_public(f"file://{tripwire.fifo}"),
        }
        sources = [{"name": name, "kind": "feed", "url": url, "every": "1h"} for name, url in private.items()]
        sources.append({"name": "public-ok", "kind": "feed", "every": "1h",
                        "url": f"http://public-ok.test:{port}{public_outlet.feed_path}"})
        path = tmp_path / "sources.yaml"
        path.write_text(yaml.safe_dump({"sources": sources}))
        env = shimmed({**plain_env, "WIREWATCH_REDIS_URL": cli_env["WIREWATCH_REDIS_URL"],
                       "WIREWATCH_ALLOW_PRIVATE_NETWORKS": "false"}, netlog, hosts, routes)
        done = run_measured(["run", "--once", "--sources", str(path)], env, timeout=240)
        secret_hits = [r.path for r in site.requests_for(secret_outlet.slug)]
    assert done.returncode == 0, done.stderr[-3000:]
    lines = {name: [ln for ln in done.stderr.splitlines() if f" {name}: " in ln and ("FAILED" in ln or "fetched" in ln)]
             for name in [*private, "public-ok"]}
    for name in private:
        assert len(lines[name]) == 1 and "FAILED" in lines[name][0], (name, lines[name], done.stderr[-2000:])
        # Scrapy never follows a redirect to another scheme: the redirect itself is the failure
        assert ("HTTP 302" if name == "redirect-to-file" else "refused") in lines[name][0], lines[name][0]
    assert "FAILED" not in lines["public-ok"][0]  # the guard lets a public address through
    # nothing private was ever asked for: the secret outlet saw only the public redirector's requests
    assert secret_hits and all(p.startswith(("/fault/redirect-to/", "/robots.txt")) for p in secret_hits), secret_hits
    assert not any(line.startswith("connect ") for line in refused(netlog)), refused(netlog)
    assert not tripwire.hits
    assert store.text.zcard(store.keys.articles_by_time) == 0  # the public feed's links are loopback: refused too


def test_file_redirect_is_not_followed_even_with_private_networks_allowed(
    tmp_path: Path, cli_env: dict[str, str], plain_env: dict[str, str], tripwire: Tripwire
) -> None:
    world = build_world()
    with serve_world(world) as site:
        outlet = world.outlets[0]
        redirects = {f"r{code}": site.url(outlet.slug, f"/fault/redirect-to/{quote('file://' + str(tripwire.fifo), safe='')}"
                                          f"?status={code}") for code in (301, 302, 307)}
        path = tmp_path / "sources.yaml"
        path.write_text(yaml.safe_dump({"sources": [{"name": n, "kind": "feed", "url": u, "every": "1h"}
                                                    for n, u in redirects.items()]}))
        done = run_measured(["run", "--once", "--sources", str(path)],
                            {**plain_env, "WIREWATCH_REDIS_URL": cli_env["WIREWATCH_REDIS_URL"]}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("FAILED") == len(redirects)
    assert not tripwire.hits  # the marker file was never opened


HOSTILE = {
    "script": '<script>alert("xss-1")</script>',
    "img": '<img src=x onerror=alert("xss-2")>',
    "svg": '"><svg onload=alert("xss-3")>',
    "quote": "' onmouseover='alert(4)",
}


def _hostile_page(n: int) -> bytes:
    esc = {k: v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for k, v in HOSTILE.items()}
    title = f"Strike {n} {esc['script']} near Kharkiv {esc['img']}"
    paragraphs = "".join(
        f"<p>Paragraph {i} of report {n}: officials said {esc['svg']} the strike on district {i * 7 + n} "
        f"damaged {i + n} buildings {esc['quote']} and cut power to {100 * i + n} homes overnight.</p>"
        for i in range(8))
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="og:title" content="{title}"><meta property="og:site_name" content="{esc["svg"]}">'
        f'<meta name="author" content="{esc["img"]}"><link rel="canonical" href="javascript:alert(5)">'
        f'</head><body><article><h1>{title}</h1><script>alert("xss-6")</script>'
        f'<a href="javascript:alert(7)">read more</a>{paragraphs}'
        f'<iframe src="http://169.254.169.254/"></iframe><p onclick="alert(8)">Closing words of report {n}, '
        f"with more words so that the paragraph is kept by the extractor.</p></article></body></html>"
    ).encode()


def _assert_inert(html: str) -> None:
    lowered = html.lower()
    for needle in ("<script>alert", "<img src=x", "<svg onload", "onmouseover='alert", "javascript:alert",
                   "onclick=\"alert", "<iframe src=\"http://169.254"):
        assert needle not in lowered, needle


def test_outlet_markup_is_inert_from_crawl_to_page_and_feeds(
    tmp_path: Path, cli_env: dict[str, str], plain_env: dict[str, str], store: Store
) -> None:
    with DocServer() as site:
        links = [site.put(f"/story-{n}", _hostile_page(n)) for n in range(3)]
        items = "".join(
            f"<item><title>{HOSTILE['script'].replace('<', '&lt;')} item {n}</title><link>{u}</link>"
            f"<description>&lt;img src=x onerror=alert(9)&gt;</description><guid>g{n}</guid></item>"
            for n, u in enumerate(links))
        feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{items}</channel></rss>'
        path = tmp_path / "sources.yaml"
        path.write_text(yaml.safe_dump({"sources": [
            {"name": "hostile", "kind": "feed", "every": "1h",
             "url": site.put("/feed.xml", feed.encode(), "application/rss+xml")}]}))
        done = run_measured(["run", "--once", "--sources", str(path)],
                            {**plain_env, "WIREWATCH_REDIS_URL": cli_env["WIREWATCH_REDIS_URL"]}, timeout=120)
    assert done.returncode == 0 and "new 3" in done.stderr, done.stderr
    stored = [store.text.hgetall(store.keys.article(aid)) for aid in store.text.zrange(store.keys.articles_by_time, 0, -1)]
    assert len(stored) == 3
    for art in stored:
        assert "alert(\"xss-6\")" not in art["text"] and "read more" not in art["text"]  # scripts, link-only lines dropped
        assert art["canonical_url"].startswith("http://127.0.0.1:")  # javascript: canonical ignored
    app = create_app(store, config=ServeConfig(background=False))
    with TestClient(app) as client:
        page = client.get("/")
        assert page.status_code == 200
        assert "&lt;script&gt;alert" in page.text  # the title is there, escaped
        _assert_inert(page.text)
        stories = client.get("/stories").json()["stories"]
        assert len(stories) >= 1
        for story in stories:
            view = client.get(f"/story/{story['id']}")
            assert view.status_code == 200 and "&lt;script&gt;" in view.text
            _assert_inert(view.text)
        atom = client.get("/feeds/all.atom")
        assert atom.status_code == 200
        root = etree.fromstring(atom.content, etree.XMLParser(resolve_entities=False, no_network=True))
        atom_ns = "{http://www.w3.org/2005/Atom}"
        html_parts = [e for e in root.iter(f"{atom_ns}content", f"{atom_ns}summary", f"{atom_ns}title")
                      if e.get("type") in ("html", "xhtml")]
        assert html_parts
        for part in html_parts:
            _assert_inert(part.text or "")  # the HTML carried inside the feed, once unescaped by a reader
        text_parts = [e for e in root.iter(f"{atom_ns}summary", f"{atom_ns}title") if e.get("type", "text") == "text"]
        assert any("<script>" in (e.text or "") for e in text_parts)  # plain text: shown as such by readers
        json_feed = client.get("/feeds/all.json").json()
        for item in json_feed["items"]:
            _assert_inert(item.get("content_html", ""))
            assert "javascript:" not in json.dumps(item)


def test_no_secret_in_logs_status_config_or_api(tmp_path: Path, plain_env: dict[str, str]) -> None:
    password = "Sup3r-Secret-pw"
    server = OwnRedis(tmp_path / "redis", password=password, durable=False).start()
    try:
        sources = tmp_path / "sources.yaml"
        sources.write_text("sources:\n  - name: gone\n    kind: feed\n    url: http://127.0.0.1:9/feed\n    every: 1h\n")
        outputs = []
        commands = [["run", "--once", "--sources", str(sources)], ["status", "--sources", str(sources)],
                    ["status", "--json", "--sources", str(sources)], ["config"], ["check"], ["stats"],
                    ["stories", "--json"], ["sources", "test", "gone", "--sources", str(sources)]]
        for fmt, chosen in (("plain", commands), ("json", commands[:2])):
            env = {**plain_env, "WIREWATCH_REDIS_URL": server.url, "WIREWATCH_LOG_LEVEL": "DEBUG",
                   "WIREWATCH_LOG_FORMAT": fmt}
            for args in chosen:
                done = subprocess.run([sys.executable, "-m", "wirewatch", *args], env=env, capture_output=True,
                                      text=True, timeout=120)
                outputs.append(done.stdout + done.stderr)  # DEBUG: the most the process ever says
        assert any("redis://:***@127.0.0.1" in out for out in outputs)  # the URL is shown, masked
        settings = load_settings(env={}, config_file=None, redis_url=server.url, data_dir=str(tmp_path / "d"))
        store = connect(settings)
        try:
            with TestClient(create_app(store, config=ServeConfig(background=False))) as client:
                for path in ("/healthz", "/metrics", "/sources", "/topics", "/openapi.json", "/"):
                    outputs.append(client.get(path).text)
        finally:
            store.close()
        server.kill9()  # and when Redis is gone, the errors name it without the password
        for args in (["status", "--sources", str(sources)], ["check"], ["config"]):
            done = subprocess.run([sys.executable, "-m", "wirewatch", *args], capture_output=True, text=True,
                                  timeout=60, env={**plain_env, "WIREWATCH_REDIS_URL": server.url})
            outputs.append(done.stdout + done.stderr)
    finally:
        server.stop()
    leaked = [out[:300] for out in outputs if password in out]
    assert not leaked
