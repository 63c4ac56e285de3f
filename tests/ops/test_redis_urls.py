"""Every Redis deployment form that can run here, each exercised end to end: articles written
through the dedupe path (both Lua scripts), stories read back, a retention sweep, stats and an
export. Servers are real redis-server processes on loopback, started by the tests."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis.crc import key_slot

from dedupe import DedupeConfig, fingerprint
from storage.connection import PrefixCluster, Store, connect
from storage.export import export_articles
from storage.lsh import live_entries, rebuild
from storage.retention import RetentionPolicy, sweep
from storage.stats import collect
from storage.stories import latest_stories
from storage.story_index import StoryIndex
from tests.ops.conftest import Doc, add_doc
from tests.ops.servers import RedisCluster3, RedisProcess, free_port
from wirewatch.errors import ConfigError, StoreUnavailable
from wirewatch.settings import load_settings

PASSWORD = "s3cret-pw"
DAY = 86400.0


def open_store(url: str, tmp_path: Path, prefix: str = "ww") -> Store:
    settings = load_settings(env={}, redis_url=url, key_prefix=prefix, data_dir=str(tmp_path / "data"))
    return connect(settings)


def exercise(store: Store, corpus: list[Doc], *, with_seen: bool = True) -> None:
    """The whole storage round: ingest, read, export, stats, then sweep everything away."""
    config = DedupeConfig()
    index = StoryIndex(store, config, event_maxlen=1000)
    now = time.time()
    results = [add_doc(index, doc, now + n, with_seen=with_seen) for n, doc in enumerate(corpus)]
    stored = {r.article_id for r in results if r.status in ("created", "joined")}
    stories = latest_stories(store, limit=100)
    assert {a.id for s in stories for a in s.articles} == stored
    assert len(stories) == len({r.story_id for r in results})
    assert [a["id"] for a in export_articles(store)] == [d.id for d in corpus if d.id in stored]
    found = collect(store, measure_keys=True)
    assert found.articles == len(stored) and found.prefix_memory and found.prefix_memory > 0
    # resizing the dedupe index (`wirewatch reindex`) works here too, and the index still answers
    assert rebuild(store, live_entries(store), slots=1024, bands=config.bands) == len(stored)
    near = fingerprint(corpus[0].text + " One more sentence from the desk.", corpus[0].title, config)
    story, jaccard = index.peek(near, source="late", published=None, now=now + len(corpus))
    assert story == results[0].story_id and jaccard is not None and 0.8 < jaccard < 1.0
    report = sweep(store, RetentionPolicy(int(30 * DAY), int(3 * DAY), 1000),
                   now=now + 31 * DAY, deep=True)
    assert report.articles_expired == len(stored) and report.stories_expired == len(stories)
    assert collect(store).articles == 0


@pytest.fixture(scope="module")
def password_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisProcess]:
    workdir = tmp_path_factory.mktemp("redis-password")
    port = free_port()
    sock = workdir / "redis.sock"
    server = RedisProcess(
        workdir,
        ["--port", str(port), "--requirepass", PASSWORD, "--unixsocket", str(sock), "--unixsocketperm", "700"],
        {"host": "127.0.0.1", "port": port, "password": PASSWORD},
    )
    yield server
    server.stop()


def test_password_in_the_url(password_server: RedisProcess, corpus: list[Doc], tmp_path: Path) -> None:
    port = password_server.client_kwargs["port"]
    store = open_store(f"redis://:{PASSWORD}@127.0.0.1:{port}/3", tmp_path)
    try:
        assert PASSWORD not in store.description
        exercise(store, corpus)
    finally:
        store.close()


def test_wrong_password_is_a_clear_error_without_the_secret(password_server: RedisProcess, tmp_path: Path) -> None:
    port = password_server.client_kwargs["port"]
    with pytest.raises(StoreUnavailable) as err:
        open_store(f"redis://:not-{PASSWORD}@127.0.0.1:{port}/0", tmp_path)
    assert f"127.0.0.1:{port}" in str(err.value) and PASSWORD not in str(err.value)


def test_unix_socket(password_server: RedisProcess, corpus: list[Doc], tmp_path: Path) -> None:
    sock = password_server.workdir / "redis.sock"
    store = open_store(f"unix://{sock}?db=4&password={PASSWORD}", tmp_path)
    try:
        assert PASSWORD not in store.description
        exercise(store, corpus)
    finally:
        store.close()


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RedisProcess, Path]]:
    workdir = tmp_path_factory.mktemp("redis-tls")
    cert, key = workdir / "cert.pem", workdir / "key.pem"
    try:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
             "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
            check=True, capture_output=True, timeout=60,
        )
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("openssl cannot make a test certificate here")
    port = free_port()
    server = RedisProcess(
        workdir,
        ["--port", "0", "--tls-port", str(port), "--tls-cert-file", str(cert), "--tls-key-file", str(key),
         "--tls-ca-cert-file", str(cert), "--tls-auth-clients", "no"],
        {"host": "127.0.0.1", "port": port, "ssl": True, "ssl_ca_certs": str(cert)},
    )
    yield server, cert
    server.stop()


def test_tls(tls_server: tuple[RedisProcess, Path], corpus: list[Doc], tmp_path: Path) -> None:
    server, cert = tls_server
    port = server.client_kwargs["port"]
    store = open_store(f"rediss://127.0.0.1:{port}/0?ssl_ca_certs={cert}", tmp_path)
    try:
        exercise(store, corpus)
    finally:
        store.close()


@pytest.fixture(scope="module")
def sentinel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    workdir = tmp_path_factory.mktemp("redis-sentinel")
    master_port = free_port()
    master = RedisProcess(
        workdir / "master", ["--port", str(master_port), "--requirepass", PASSWORD, "--masterauth", PASSWORD],
        {"host": "127.0.0.1", "port": master_port, "password": PASSWORD},
    )
    port = free_port()
    conf = workdir / "sentinel.conf"
    conf.write_text(
        f"port {port}\nsentinel monitor wwmaster 127.0.0.1 {master_port} 1\n"
        f"sentinel auth-pass wwmaster {PASSWORD}\n"
    )
    sentinel = RedisProcess(workdir / "sentinel", [str(conf), "--sentinel"], {"host": "127.0.0.1", "port": port},
                            data=False)
    yield port
    sentinel.stop()
    master.stop()


def test_sentinel(sentinel: int, corpus: list[Doc], tmp_path: Path) -> None:
    store = open_store(f"redis+sentinel://:{PASSWORD}@127.0.0.1:{sentinel}/wwmaster/2", tmp_path)
    try:
        assert PASSWORD not in store.description
        exercise(store, corpus)
    finally:
        store.close()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisCluster3]:
    nodes = RedisCluster3(tmp_path_factory.mktemp("redis-cluster"))
    yield nodes
    nodes.stop()


def test_cluster_with_a_hash_tagged_prefix(cluster: RedisCluster3, corpus: list[Doc], tmp_path: Path) -> None:
    prefix = "{ww}"
    slot = key_slot(f"{prefix}:x".encode())
    # enter through a node that does not serve the prefix's slot: routing must still find it
    owner = cluster.node_for_slot(slot)
    seed = next(p for p in cluster.ports if p != owner)
    store = open_store(f"redis://127.0.0.1:{seed}/0", tmp_path, prefix=prefix)
    try:
        assert isinstance(store.text, PrefixCluster) and isinstance(store.raw, PrefixCluster)
        config = DedupeConfig()
        index = StoryIndex(store, config, event_maxlen=1000)
        for n, doc in enumerate(corpus):
            add_doc(index, doc, time.time() + n, with_seen=False)
        # every key of the prefix sits in one slot, on the node that owns it
        keys = list(store.text.scan_iter(match="{ww}:*", count=1000))
        assert keys and {key_slot(k.encode()) for k in keys} == {slot}
        owner_node = cluster.nodes[cluster.ports.index(owner)]
        with owner_node.client(decode_responses=True) as direct:
            assert direct.dbsize() >= len(keys)
        for port in cluster.ports:
            if port != owner:
                with cluster.nodes[cluster.ports.index(port)].client() as other:
                    assert other.dbsize() == 0
        sweep(store, RetentionPolicy(int(30 * DAY), int(3 * DAY), 1000), now=time.time() + 31 * DAY)
        assert collect(store).articles == 0
        exercise(store, corpus, with_seen=False)
    finally:
        store.close()


def test_cluster_with_seen_entries(cluster: RedisCluster3, corpus: list[Doc], tmp_path: Path) -> None:
    store = open_store(f"redis://127.0.0.1:{cluster.ports[0]}/0", tmp_path, prefix="{ww}")
    try:
        exercise(store, corpus)
    finally:
        store.close()


def test_cluster_refuses_a_prefix_without_hash_tag(cluster: RedisCluster3, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="hash tag"):
        open_store(f"redis://127.0.0.1:{cluster.ports[0]}/0", tmp_path, prefix="ww")
