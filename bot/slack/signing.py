"""Is this HTTP request from Slack? Slack's v0 signature, checked on the raw bytes.

slack_sdk's SignatureVerifier decodes the body as UTF-8 and parses the timestamp with
`int()`, so garbage from anyone (non-UTF-8 bytes, a timestamp of "abc", a non-ASCII
signature) raises instead of returning False, and Bolt turns that into a 500 with a
traceback. Here every malformed input is simply "not signed".
"""

from __future__ import annotations

import hashlib
import hmac
import time

#: Slack's replay window: a request whose timestamp is further off than this is refused.
MAX_CLOCK_SKEW_SECONDS = 5 * 60


def signed_by_slack(
    body: bytes,
    timestamp: str | None,
    signature: str | None,
    secret: str,
    *,
    now: float | None = None,
) -> bool:
    """True if `signature` is HMAC-SHA256 of `v0:{timestamp}:{body}` with `secret` and the
    timestamp is within five minutes of `now`."""
    if not secret or not timestamp or not signature:
        return False
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
        return False
    if not signature.isascii():
        return False
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode())
