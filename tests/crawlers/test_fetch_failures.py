"""Why a fetch got no answer, as a bounded label (crawlers/fetch_failures.py): Twisted's errors as
Scrapy's HTTP/1.1 handler raises them (wrapped or not) and Scrapy's own download errors."""

from __future__ import annotations

import pytest
from OpenSSL import SSL
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from twisted.internet import error as tx
from twisted.python.failure import Failure
from twisted.web.client import ResponseFailed, ResponseNeverReceived

from crawlers.fetch_failures import LABELS, failure_label
from crawlers.runs import SourceRun
from crawlers.sources import Source


def _failure(exc: BaseException) -> Failure:
    try:
        raise exc
    except BaseException:
        return Failure()


@pytest.mark.parametrize(("exc", "label"), [
    (DownloadTimeoutError("Getting http://x took longer than 20.0 seconds."), "timeout"),
    (tx.TimeoutError(), "timeout"),
    (tx.TCPTimedOutError(), "timeout"),
    (tx.DNSLookupError("no such host"), "dns"),
    (CannotResolveHostError("x.invalid"), "dns"),
    (tx.ConnectionRefusedError(), "refused"),
    (DownloadConnectionRefusedError(), "refused"),
    (SSL.Error([("SSL routines", "", "certificate verify failed")]), "tls"),
    (tx.ConnectionLost(), "connection"),
    (ResponseDataLossError(), "connection"),
    (DownloadCancelledError(), "too_large"),
    (IgnoreRequest("refused http://10.0.0.1/: private address"), "ignored"),
    (ValueError("something else"), "error"),
])
def test_labels(exc: BaseException, label: str) -> None:
    assert failure_label(exc) == label


def test_wrapped_causes_are_unwrapped() -> None:
    # Twisted's web client reports what happened on the connection inside ResponseFailed /
    # ResponseNeverReceived: the first cause decides
    tls = SSL.Error([("SSL routines", "", "wrong version number")])
    assert failure_label(ResponseNeverReceived([_failure(tls)])) == "tls"
    assert failure_label(ResponseFailed([_failure(tx.ConnectionLost()), _failure(ValueError())])) == "connection"
    assert failure_label(ResponseFailed([object()])) == "connection"  # a cause that is no exception
    assert failure_label(ResponseFailed([])) == "error"


def test_a_refusal_is_labelled_by_its_cause() -> None:
    from scrapy.utils._compression import _DecompressionMaxSizeExceeded

    def refused_from(cause: BaseException) -> IgnoreRequest:
        try:
            try:
                raise cause
            except BaseException as inner:
                raise IgnoreRequest("Ignored response <200 http://x/>") from inner
        except IgnoreRequest as outer:
            return outer

    assert failure_label(refused_from(_DecompressionMaxSizeExceeded(2_000_000, 1_048_576))) == "too_large"
    assert failure_label(refused_from(tx.ConnectionLost())) == "connection"
    assert failure_label(refused_from(ValueError())) == "ignored"


def test_counts_stay_within_the_fixed_labels() -> None:
    run = SourceRun(Source(name="s", kind="feed", url="http://example.org/feed"))
    run.count_fetch("listing", None, failure_label(tx.DNSLookupError()))
    run.count_fetch("listing", 200)
    run.count_fetch("article", 999)
    run.count_fetch("article", None)
    assert run.fetches == {"listing:dns": 1, "listing:200": 1, "article:other": 1, "article:error": 1}
    assert {key.split(":")[1] for key in run.fetches} - {"200", "other"} <= set(LABELS)
