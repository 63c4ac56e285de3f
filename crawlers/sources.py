"""The source registry: the sources YAML file, validated into typed ``Source`` records.

Every problem in the file is reported at once, each with the file, line, entry and field, so an
operator fixes a broken edit in one pass. The format is DESIGN.md's contract::

    topics:
      nagorno-karabakh:
        any: ["Nagorno-Karabakh", "Artsakh", "Stepanakert"]
    sources:
      - name: armenian-weekly          # unique, [a-z0-9-]
        kind: feed                     # feed | sitemap | site
        url: https://armenianweekly.com/feed/
        every: 10m                     # 30s, 10m, 2h, or a cron line under `cron:`
        topics: [nagorno-karabakh]     # optional; no topics = keep everything
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from crawlers.topics import TopicRule
from crawlers.urls import is_http_url
from wirewatch.errors import ConfigError
from wirewatch.models import NAME_RE

KINDS = ("feed", "sitemap", "site")
INTERVAL_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr|d)?\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400, None: 1}
DEFAULT_EVERY = 600
MIN_EVERY = 30
MAX_EVERY = 30 * 86400  # a source polled less than monthly is a mistake (or .inf)
# A header name is an RFC 9110 token; a value holds no line break (it would split the request).
HEADER_NAME_RE = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
KNOWN_FIELDS = {
    "name", "kind", "url", "every", "cron", "topics", "keep", "enabled", "follow", "include",
    "exclude", "selectors", "headers", "min_every", "max_every", "depth",
}
SELECTOR_FIELDS = ("body", "title", "date", "author")


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    kind: str
    url: str
    every: int = DEFAULT_EVERY  # seconds
    cron: str | None = None
    topics: tuple[str, ...] = ()
    keep: str = "all"  # "all" or "matching" (only articles that match one of `topics`)
    enabled: bool = True
    follow: str | None = None  # site: CSS selector of article links
    include: tuple[str, ...] = ()  # regexes an article URL must match (one of)
    exclude: tuple[str, ...] = ()  # regexes an article URL must not match
    selectors: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    min_every: int | None = None
    max_every: int | None = None
    depth: int = 1
    line: int | None = None

    def url_allowed(self, url: str) -> bool:
        if self.include and not any(re.search(p, url) for p in self.include):
            return False
        return not any(re.search(p, url) for p in self.exclude)


@dataclass(frozen=True, slots=True)
class SourcesConfig:
    path: str
    topics: Mapping[str, TopicRule]
    sources: tuple[Source, ...]

    def get(self, name: str) -> Source | None:
        return next((s for s in self.sources if s.name == name), None)


def parse_interval(value: Any) -> int:
    """``30s``, ``10m``, ``2h``, ``1d`` or a number of seconds -> seconds."""
    if isinstance(value, bool):
        raise ValueError(f"expected a duration like 30s, 10m or 2h, got {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = INTERVAL_RE.match(str(value))
        if not match:
            raise ValueError(f"expected a duration like 30s, 10m or 2h, got {value!r}")
        unit = match.group(2).lower() if match.group(2) else None
        seconds = float(match.group(1)) * _UNITS[unit]
    if not math.isfinite(seconds) or seconds > MAX_EVERY:
        raise ValueError(f"expected a duration of at most {MAX_EVERY // 86400} days, got {value!r}")
    return int(seconds)


def _line(node: Any, key: str | int | None = None) -> int | None:
    lc = getattr(node, "lc", None)
    if lc is None:
        return None
    try:
        if key is None:
            return int(lc.line) + 1
        if isinstance(key, int):
            return int(lc.item(key)[0]) + 1
        return int(lc.key(key)[0]) + 1
    except (KeyError, IndexError, TypeError, AttributeError):
        return int(lc.line) + 1


def _str_list(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def _parse_topics(data: Any, where: str, problems: list[str]) -> dict[str, TopicRule]:
    topics: dict[str, TopicRule] = {}
    if data is None:
        return topics
    if not isinstance(data, Mapping):
        problems.append(f"{where}: 'topics' must be a mapping of topic name to rule")
        return topics
    for name, rule in data.items():
        at = f"{where}:{_line(data, name) or '?'}: topic {name!r}"
        if not isinstance(name, str) or not NAME_RE.match(name):
            problems.append(f"{at}: name must match [a-z0-9-]")
            continue
        if not isinstance(rule, Mapping):
            problems.append(f"{at}: rule must be a mapping with any/all/none lists")
            continue
        unknown = set(rule) - {"any", "all", "none"}
        if unknown:
            problems.append(f"{at}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
        parts = {}
        for part in ("any", "all", "none"):
            terms = _str_list(rule.get(part))
            if terms is None:
                problems.append(f"{at}: field '{part}' must be a list of strings")
                terms = ()
            parts[part] = terms
        if not parts["any"] and not parts["all"]:
            problems.append(f"{at}: needs at least one 'any' or 'all' term")
        topics[name] = TopicRule(name=name, any=parts["any"], all=parts["all"], none=parts["none"])
    return topics


def _parse_source(entry: Any, index: int, seq: Any, where: str, topics: Mapping[str, TopicRule],
                  problems: list[str]) -> Source | None:
    line = _line(seq, index)
    label = entry.get("name") if isinstance(entry, Mapping) else None
    at = f"{where}:{line or '?'}: source {label!r}" if label else f"{where}:{line or '?'}: source #{index + 1}"
    if not isinstance(entry, Mapping):
        problems.append(f"{at}: must be a mapping with name, kind and url")
        return None
    start = len(problems)

    def bad(fieldname: str, message: str) -> None:
        problems.append(f"{where}:{_line(entry, fieldname) or line or '?'}: source {label!r}: "
                        f"field '{fieldname}': {message}")

    unknown = set(entry) - KNOWN_FIELDS
    for key in sorted(map(str, unknown)):
        bad(key, f"unknown field (known: {', '.join(sorted(KNOWN_FIELDS))})")
    name = entry.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        bad("name", "required, lower-case letters, digits and '-' (e.g. armenian-weekly)")
    kind = entry.get("kind", "feed")
    if kind not in KINDS:
        bad("kind", f"must be one of {', '.join(KINDS)}, got {kind!r}")
    url = entry.get("url")
    if not isinstance(url, str) or not is_http_url(url.strip()):
        bad("url", f"required, an http(s) URL, got {url!r}")
    every = DEFAULT_EVERY
    if "every" in entry:
        try:
            every = parse_interval(entry["every"])
            if every < MIN_EVERY:
                bad("every", f"at least {MIN_EVERY}s, got {entry['every']!r}")
        except ValueError as exc:
            bad("every", str(exc))
    cron = entry.get("cron")
    if cron is not None:
        try:
            from apscheduler.triggers.cron import CronTrigger

            CronTrigger.from_crontab(str(cron))
        except ValueError as exc:
            bad("cron", f"not a valid cron line ({exc})")
    bounds: dict[str, int | None] = {"min_every": None, "max_every": None}
    for key in bounds:
        if key in entry:
            try:
                bounds[key] = parse_interval(entry[key])
                if (bounds[key] or 0) < MIN_EVERY:
                    bad(key, f"at least {MIN_EVERY}s, got {entry[key]!r}")
            except ValueError as exc:
                bad(key, str(exc))
    low, high = bounds["min_every"], bounds["max_every"]
    if low is not None and high is not None and low > high:
        bad("min_every", f"must not be more than max_every ({entry['min_every']!r} > {entry['max_every']!r})")
    # the adaptive interval starts at `every` and moves between the two: outside them, one loses
    elif low is not None and every < low:
        bad("min_every", f"is more than every ({entry['min_every']!r} > {every}s)")
    elif high is not None and every > high:
        bad("max_every", f"is less than every ({entry['max_every']!r} < {every}s)")
    src_topics = _str_list(entry.get("topics"))
    if src_topics is None:
        bad("topics", "must be a list of topic names")
        src_topics = ()
    for t in src_topics:
        if t not in topics:
            bad("topics", f"unknown topic {t!r} (define it under 'topics:')")
    keep = entry.get("keep", "matching" if src_topics else "all")
    if keep not in ("all", "matching"):
        bad("keep", f"must be 'all' or 'matching', got {keep!r}")
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        bad("enabled", f"must be true or false, got {enabled!r}")
    patterns: dict[str, tuple[str, ...]] = {}
    for key in ("include", "exclude"):
        values = _str_list(entry.get(key))
        if values is None:
            bad(key, "must be a list of regular expressions")
            values = ()
        for p in values:
            try:
                re.compile(p)
            except re.error as exc:
                bad(key, f"bad regular expression {p!r}: {exc}")
        patterns[key] = values
    selectors = entry.get("selectors") or {}
    if not isinstance(selectors, Mapping) or not all(
        k in SELECTOR_FIELDS and isinstance(v, str) for k, v in selectors.items()
    ):
        bad("selectors", f"must map {', '.join(SELECTOR_FIELDS)} to CSS or XPath strings")
        selectors = {}
    headers = entry.get("headers") or {}
    if not isinstance(headers, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
    ):
        bad("headers", "must map header names to strings")
        headers = {}
    for hname, hvalue in headers.items():
        if not HEADER_NAME_RE.match(hname):
            bad("headers", f"{hname!r} is not a header name (letters, digits and !#$%&'*+.^_`|~- only)")
        elif "\r" in hvalue or "\n" in hvalue:
            bad("headers", f"the value of {hname!r} holds a line break")
    follow = entry.get("follow")
    if follow is not None and not isinstance(follow, str):
        bad("follow", "must be a CSS selector string")
    elif follow is not None:
        from cssselect import GenericTranslator, SelectorError

        try:
            GenericTranslator().css_to_xpath(follow)
        except SelectorError as exc:
            bad("follow", f"not a CSS selector ({exc})")
    depth = entry.get("depth", 1)
    if not isinstance(depth, int) or isinstance(depth, bool) or not 0 <= depth <= 3:
        bad("depth", "must be 0..3")
        depth = 1
    if len(problems) > start:
        return None
    return Source(
        name=str(name), kind=str(kind), url=str(url).strip(), every=every,
        cron=str(cron) if cron is not None else None, topics=src_topics, keep=str(keep),
        enabled=bool(enabled), follow=follow, include=patterns["include"],
        exclude=patterns["exclude"], selectors=dict(selectors), headers=dict(headers),
        min_every=bounds["min_every"], max_every=bounds["max_every"], depth=depth, line=line,
    )


def parse_sources(text: str, path: str = "<sources>") -> SourcesConfig:
    yaml = YAML(typ="rt")
    try:
        data = yaml.load(text)
    except RecursionError:
        raise ConfigError(f"{path}: invalid YAML: nested too deeply") from None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else path
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{where}: invalid YAML: {problem}") from None
    problems: list[str] = []
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise ConfigError(f"{path}: expected a mapping with 'topics:' and 'sources:'")
    for key in set(data) - {"topics", "sources"}:
        problems.append(f"{path}:{_line(data, key) or '?'}: unknown top-level key {key!r}")
    topics = _parse_topics(data.get("topics"), path, problems)
    seq = data.get("sources")
    sources: list[Source] = []
    if seq is None:
        seq = []
    if not isinstance(seq, list):
        problems.append(f"{path}:{_line(data, 'sources') or '?'}: 'sources' must be a list")
        seq = []
    seen: dict[str, int | None] = {}
    for i, entry in enumerate(seq):
        source = _parse_source(entry, i, seq, path, topics, problems)
        if source is None:
            continue
        if source.name in seen:
            problems.append(f"{path}:{source.line or '?'}: source {source.name!r}: field 'name': "
                            f"duplicate (first at line {seen[source.name]})")
            continue
        seen[source.name] = source.line
        sources.append(source)
    if problems:
        raise ConfigError(f"{len(problems)} problem(s): " + " | ".join(problems))
    return SourcesConfig(path=path, topics=topics, sources=tuple(sources))


def load_sources(path: str | Path) -> SourcesConfig:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{p}: sources file not found (set WIREWATCH_SOURCES or --sources)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: cannot read sources file ({exc})") from None
    return parse_sources(text, str(p))


def source_to_json(source: Source) -> dict[str, Any]:
    """A plain-JSON form of ``source``, carried in queued jobs so any worker can run it."""
    return {
        "name": source.name, "kind": source.kind, "url": source.url, "every": source.every,
        "cron": source.cron, "topics": list(source.topics), "keep": source.keep,
        "enabled": source.enabled, "follow": source.follow, "include": list(source.include),
        "exclude": list(source.exclude), "selectors": dict(source.selectors),
        "headers": dict(source.headers), "min_every": source.min_every,
        "max_every": source.max_every, "depth": source.depth,
    }


def source_from_json(data: Mapping[str, Any]) -> Source:
    return Source(
        name=str(data["name"]), kind=str(data["kind"]), url=str(data["url"]),
        every=int(data.get("every") or DEFAULT_EVERY), cron=data.get("cron"),
        topics=tuple(data.get("topics") or ()), keep=str(data.get("keep", "all")),
        enabled=bool(data.get("enabled", True)), follow=data.get("follow"),
        include=tuple(data.get("include") or ()), exclude=tuple(data.get("exclude") or ()),
        selectors=dict(data.get("selectors") or {}), headers=dict(data.get("headers") or {}),
        min_every=data.get("min_every"), max_every=data.get("max_every"), depth=int(data.get("depth", 1)),
    )
