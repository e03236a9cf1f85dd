import pytest

from samizdat.core import periodic


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(periodic, "_jobs", {})
    return periodic


def test_jobs_run_when_their_interval_has_passed(registry):
    calls = []
    registry.register("a", every=60)(lambda: calls.append("a"))
    registry.register("b", every=10)(lambda: calls.append("b"))
    last: dict[str, float] = {}
    assert registry.run_due(last, now=1000) == ["a", "b"]
    assert registry.run_due(last, now=1005) == []
    assert registry.run_due(last, now=1010) == ["b"]
    assert registry.run_due(last, now=1060) == ["a", "b"]
    assert calls == ["a", "b", "b", "a", "b"]


def test_a_failing_job_does_not_stop_the_others(registry, caplog):
    def broken():
        raise RuntimeError("boom")

    calls = []
    registry.register("a-broken", every=1)(broken)
    registry.register("b", every=1)(lambda: calls.append("b"))
    assert registry.run_due({}, now=0) == ["a-broken", "b"]
    assert calls == ["b"]
    assert "a-broken failed" in caplog.text


def test_an_interval_below_one_second_is_refused(registry):
    with pytest.raises(ValueError):
        registry.register("x", every=0)
