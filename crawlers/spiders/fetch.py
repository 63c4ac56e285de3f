"""A short-lived spider that fetches a list of URLs once and hands back the raw responses.

For one-shot commands (``sources add`` discovery): all HTTP still goes through Scrapy, with the
same settings as the daemon (robots.txt, size caps, the private-network guard).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response
from twisted.python.failure import Failure


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str
    status: int | None
    content_type: str
    body: bytes
    error: str | None = None


class FetchSpider(Spider):
    name = "wirewatch-fetch"

    def __init__(self, urls: list[str], results: dict[str, Fetched], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls
        self.results = results

    async def start(self) -> Any:
        for url in self.urls:
            yield Request(url, callback=self.got, errback=self.failed, dont_filter=True,
                          meta={"origin": url, "handle_httpstatus_all": True})

    def got(self, response: Response) -> None:
        ctype = (response.headers.get("Content-Type") or b"").decode("latin-1")
        self.results[response.meta["origin"]] = Fetched(response.url, response.status, ctype, response.body)

    def failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        value = failure.value
        text = str(value).strip().splitlines()[0] if str(value).strip() else type(value).__name__
        self.results[request.meta["origin"]] = Fetched(request.url, None, "", b"", text)


async def fetch_all(scrapy_settings: dict[str, Any], urls: list[str]) -> dict[str, Fetched]:
    """Fetch ``urls`` (each once) with a fresh crawler on the running reactor."""
    from scrapy.crawler import AsyncCrawlerRunner

    results: dict[str, Fetched] = {}
    if not urls:
        return results
    settings = dict(scrapy_settings)
    settings["ITEM_PIPELINES"] = {}
    runner = AsyncCrawlerRunner(settings)
    await runner.crawl(FetchSpider, urls=list(dict.fromkeys(urls)), results=results)
    for url in urls:
        results.setdefault(url, Fetched(url, None, "", b"", "not fetched (refused by robots.txt?)"))
    await asyncio.sleep(0)
    return results
