"""The representation cache of a web worker: least recently used, bounded by entries
and by the bytes it holds (CTLIB_CACHE_ENTRIES, CTLIB_CACHE_MB)."""

from ctlib.web.core.responses import rendered
from ctlib.web.descriptions.rendering import MISSING, RepresentationCache, stored_bytes


def kept(cache: RepresentationCache, key: tuple, value) -> None:
    assert cache.get(key, lambda: value) is value


def size_of(key: tuple, value) -> int:
    return stored_bytes(key) + stored_bytes(value)


def body(n: int) -> bytes:
    return b"x" * n


def test_the_least_recently_used_goes_when_the_bytes_are_over_the_bound():
    one = size_of(("a",), body(1000))
    cache = RepresentationCache(entries=100, max_bytes=3 * one)
    for key in "abc":
        kept(cache, (key,), body(1000))
    cache.peek(("a",))  # used again: b is now the oldest
    kept(cache, ("d",), body(1000))
    assert cache.peek(("b",)) is MISSING
    assert all(cache.peek((key,)) is not MISSING for key in "acd")
    assert (len(cache), cache.bytes) == (3, 3 * one)


def test_one_large_entry_pushes_out_as_many_small_ones_as_it_needs():
    cache = RepresentationCache(entries=100, max_bytes=10_000)
    for key in range(8):
        kept(cache, (key,), body(1000))
    kept(cache, ("large",), body(6000))
    assert cache.bytes <= 10_000
    assert [key for key in range(8) if cache.peek((key,)) is not MISSING] == [5, 6, 7]


def test_an_entry_larger_than_the_bound_is_served_but_not_kept():
    cache = RepresentationCache(entries=100, max_bytes=10_000)
    kept(cache, ("small",), body(100))
    large = body(20_000)
    assert cache.get(("large",), lambda: large) is large
    assert cache.peek(("large",)) is MISSING
    assert cache.peek(("small",)) is not MISSING  # nothing was evicted for it
    assert (len(cache), cache.bytes) == (1, size_of(("small",), body(100)))


def test_the_counts_stay_right_when_an_entry_is_replaced():
    cache = RepresentationCache(entries=100, max_bytes=100_000)
    kept(cache, ("a",), body(1000))
    cache._keep(("a",), body(3000), size_of(("a",), body(3000)))  # a second thread's
    assert (len(cache), cache.bytes) == (1, size_of(("a",), body(3000)))
    cache._keep(("a",), body(200_000), size_of(("a",), body(200_000)))  # now too large
    assert (len(cache), cache.bytes) == (0, 0)


def test_the_entry_bound_still_holds():
    cache = RepresentationCache(entries=2, max_bytes=1 << 20)
    for key in "abc":
        kept(cache, (key,), body(10))
    assert cache.peek(("a",)) is MISSING and len(cache) == 2
    assert cache.bytes == sum(size_of((key,), body(10)) for key in "bc")


def test_a_rendered_answer_counts_its_body_and_headers():
    answer = rendered(200, body(50_000), "text/turtle", "abc", None, "<x>; rel=cite-as")
    headers = sum(len(name) + len(value) for name, value in answer.headers)
    assert stored_bytes(answer) > 50_000 + headers
    assert stored_bytes(answer) < 50_000 + headers + 2_000  # overheads, not a copy


def test_a_compressed_body_and_its_digest_count():
    coded = (body(5000), "sha-256=:abc:")
    assert stored_bytes(coded) >= 5000 + len(coded[1])


def test_nothing_found_is_kept_too():
    """A 404's None is cached like an answer (a crawler asking again costs nothing)."""
    cache = RepresentationCache(entries=10, max_bytes=10_000)
    assert cache.get(("gone",), lambda: None) is None
    assert cache.peek(("gone",)) is None and cache.bytes > 0
