"""Why a fetch got no usable HTTP answer, as one word from a short, fixed list.

Operators read these in ``/metrics`` (``wirewatch_fetches_total{status=...}``; a run's failure
line in the log names the exception too): a source whose fetches end in ``dns`` needs its address
fixed, one in ``timeout`` a longer ``WIREWATCH_DOWNLOAD_TIMEOUT`` or patience, one in ``refused``
or ``connection`` a server that is down, one in ``tls`` a certificate or protocol problem. The
list is closed so the metric's label values stay bounded, whatever a server or a library raises.

Scrapy's HTTP/1.1 download handler raises Twisted's errors, sometimes wrapped (``ResponseFailed``
and ``ResponseNeverReceived`` carry the underlying failures in ``reasons``); Scrapy's other handlers
raise Scrapy's own ``Download*Error`` types. Both are recognised.
"""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from twisted.internet import error as tx

try:  # private to Scrapy (2.11+): the only sign that a decompressed body outgrew the cap
    from scrapy.utils._compression import _DecompressionMaxSizeExceeded as _SIZE_EXCEEDED
except ImportError:  # pragma: no cover - a Scrapy without it: such refusals count as "ignored"
    _SIZE_EXCEEDED = None  # type: ignore[assignment,misc]

# The labels, in the order they are tried; anything else is "error".
TIMEOUT = "timeout"  # no answer within the download timeout
DNS = "dns"  # the host name does not resolve
REFUSED = "refused"  # nothing listens on that address and port
TLS = "tls"  # the TLS handshake or certificate failed
CONNECTION = "connection"  # the connection dropped before a whole answer came
TOO_LARGE = "too_large"  # the body outgrew WIREWATCH_MAX_BODY_BYTES and was cut off
IGNORED = "ignored"  # we refused it: network guard, wrong body type, too many redirects
ERROR = "error"  # anything else

LABELS = (TIMEOUT, DNS, REFUSED, TLS, CONNECTION, TOO_LARGE, IGNORED, ERROR)

_BY_TYPE: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((DownloadTimeoutError, tx.TimeoutError, tx.TCPTimedOutError), TIMEOUT),
    ((CannotResolveHostError, tx.DNSLookupError, tx.UnknownHostError), DNS),
    ((DownloadConnectionRefusedError, tx.ConnectionRefusedError), REFUSED),
    ((tx.SSLError, tx.CertificateError, tx.VerifyError), TLS),
    ((ResponseDataLossError, tx.ConnectionLost, tx.ConnectionDone, tx.ConnectionAborted, tx.NoRouteError,
      tx.ConnectError), CONNECTION),
    ((DownloadCancelledError,), TOO_LARGE),
    ((IgnoreRequest,), IGNORED),
)


def failure_label(exc: BaseException) -> str:
    """The label for a fetch that ended in ``exc`` without an HTTP status to count."""
    # Twisted's web client wraps what happened on the connection: look at the first cause
    reasons = getattr(exc, "reasons", None)
    if reasons:
        inner = getattr(reasons[0], "value", reasons[0])
        if isinstance(inner, BaseException):
            return failure_label(inner)
        return CONNECTION
    if _is_tls(exc):
        return TLS
    label = next((name for types, name in _BY_TYPE if isinstance(exc, types)), ERROR)
    # a generic refusal may say why underneath: Scrapy's decompression raises IgnoreRequest from
    # "body larger than the download max size"
    cause = exc.__cause__
    if label in (IGNORED, ERROR) and cause is not None and cause is not exc:
        if _SIZE_EXCEEDED is not None and isinstance(cause, _SIZE_EXCEEDED):
            return TOO_LARGE
        inner_label = failure_label(cause)
        if inner_label != ERROR:
            return inner_label
    return label


def _is_tls(exc: BaseException) -> bool:
    try:
        from OpenSSL import SSL
    except ImportError:  # pragma: no cover - pyOpenSSL comes with Scrapy
        return False
    return isinstance(exc, SSL.Error)
