"""The one HTTP layer: retries honour Retry-After within a budget, network errors per policy,
offline refuses to send, the user agent is sent, the JSON cache survives broken entries."""

from __future__ import annotations

import pytest
from fixtures_http import LoopbackServer, Reply, no_internet, refused_url  # noqa: F401
from hypothesis import given
from hypothesis import strategies as st

from ecoplan import net
from ecoplan.errors import NotInCacheError, ServiceError

pytestmark = pytest.mark.usefixtures("no_internet")

FAST = net.Policy(connect_timeout_s=2, read_timeout_s=2, max_retries=3, backoff_base_s=0.5,
                  backoff_max_s=10, total_wait_max_s=30)


def test_503_then_200_retries_with_backoff_and_sends_the_user_agent():
    sleeps: list[float] = []
    replies = [Reply.text("busy", 503, headers={"Retry-After": "4"}), Reply.text("busy", 502),
               Reply.text("ok")]
    with LoopbackServer(replies) as srv:
        resp = net.request("GET", srv.url + "/x", what="test file", policy=FAST,
                           sleep=sleeps.append)
        assert resp.text == "ok"
        assert len(srv.requests) == 3
        assert srv.requests[0].headers["User-Agent"].startswith("ecoplan/")
    assert sleeps == [4.0, 1.0]  # Retry-After honoured, then 0.5 * 2**1


def test_persistent_503_fails_after_the_bounded_retries():
    sleeps: list[float] = []
    with LoopbackServer([Reply.text("busy", 503)]) as srv:
        with pytest.raises(net.HttpFailure) as err:
            net.request("GET", srv.url + "/x", what="test file", policy=FAST,
                        sleep=sleeps.append)
        assert len(srv.requests) == FAST.max_retries + 1
    assert err.value.kind == "status" and err.value.status == 503
    assert err.value.attempts == 4 and "test file failed after 4 attempts: HTTP 503" in str(
        err.value)
    assert sleeps == [0.5, 1.0, 2.0]


def test_wait_budget_caps_a_huge_retry_after():
    sleeps: list[float] = []
    slow = Reply.text("slow", 429, headers={"Retry-After": "86400"})
    with LoopbackServer([slow]) as srv, pytest.raises(net.HttpFailure):
        net.request("GET", srv.url + "/x", what="t", policy=FAST, sleep=sleeps.append)
    assert all(s <= FAST.backoff_max_s for s in sleeps)
    assert sum(sleeps) <= FAST.total_wait_max_s


def test_other_statuses_are_returned_to_the_caller():
    with LoopbackServer([Reply.text("gone", 404)]) as srv:
        assert net.request("GET", srv.url + "/x", what="t", policy=FAST).status_code == 404
        assert len(srv.requests) == 1


def test_refused_connection_is_retried_only_when_the_policy_says_so():
    sleeps: list[float] = []
    with pytest.raises(net.HttpFailure) as err:
        net.request("GET", refused_url(), what="t", policy=FAST, sleep=sleeps.append)
    assert err.value.kind == "connection" and len(sleeps) == 3
    sleeps.clear()
    once = net.Policy(connect_timeout_s=2, read_timeout_s=2, retry_network_errors=False)
    with pytest.raises(net.HttpFailure, match="1 attempt: connection failed"):
        net.request("GET", refused_url(), what="t", policy=once, sleep=sleeps.append)
    assert sleeps == []


def test_offline_never_sends(monkeypatch):
    with LoopbackServer() as srv:
        with pytest.raises(NotInCacheError, match="offline mode is on, so the index"):
            net.request("GET", srv.url + "/x", what="the index", offline=True)
        monkeypatch.setenv("ECOPLAN_OFFLINE", "1")
        with pytest.raises(NotInCacheError):
            net.request("GET", srv.url + "/x", what="the index")
        assert srv.requests == []


def test_http_failure_is_a_service_error():
    assert issubclass(net.HttpFailure, ServiceError)


@given(st.integers(0, 30), st.one_of(st.none(), st.text(max_size=30),
                                     st.integers(0, 10**6).map(str)))
def test_backoff_is_bounded_and_honours_retry_after(attempt, retry_after):
    delay = net.backoff_delay(attempt, retry_after, FAST)
    assert 0 <= delay <= FAST.backoff_max_s
    server = net.parse_retry_after(retry_after)
    assert delay >= min(server or 0.0, FAST.backoff_max_s)


def test_retry_after_http_date_in_the_past_is_zero():
    assert net.parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert net.parse_retry_after("soon") is None


def test_cache_round_trip_and_broken_entries(tmp_path):
    cache = net.Cache(tmp_path / "c", compress=True)
    key = net.cache_key("GET", "https://example.org/x?a=1")
    assert cache.read(key) is None
    path = cache.write(key, {"answer": [1, 2]})
    assert path.name.endswith(".json.gz") and cache.read(key) == {"answer": [1, 2]}
    path.write_bytes(path.read_bytes()[:10])  # truncated: reads as absent
    assert cache.read(key) is None
    assert not list(path.parent.glob("*.tmp")) and not list(path.parent.glob(".*"))
    assert net.cache_key("a", 1) != net.cache_key("a", 2)
