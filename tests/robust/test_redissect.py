"""Re-dissection safety: no state survives from one dissection to the next.

The engine is created by the init routine (file open, re-dissection after a
preference change) from the preferences of that moment, and freed by the cleanup
routine (plugin/plugin.c).  tshark reads one file per process, so what can be
checked here is:

- two passes (-2: the second pass draws from the cached pass-1 verdicts) give what
  one pass gives, on every hostile capture and on the reference and scenarios;
- a preference read at init changes the verdicts as it should, and each setting
  is itself one-pass == two-pass (no verdict computed with another setting leaks
  into the second pass);
- (test_sanitized.py runs -2 on every capture under the sanitizers.)
Opening a second file and changing preferences in the GUI are covered by tests/gui.
"""
import pytest

from conftest import REPO, all_captures, capture_args, capture_id, qvpn_verdicts

REGRESS = REPO / 'captures' / 'regress'
# The 100k flood is not here (too big for -T json twice); test_hostile checks its
# cap frame in the sanitized build.
CASES = [c for c in all_captures()
         if c.parent.name in ('regress', 'captures') or c.name in (
             'psk-mismatch.pcap', 'reconnect.pcapng', 'esp-one-way.pcap',
             'midflow-tunnel.pcap', 'ikev2-success.pcapng', 'busy-client.pcapng')]


@pytest.mark.parametrize('capture', CASES, ids=[capture_id(c) for c in CASES])
def test_two_passes_equal_one(asan, capture):
    extra = capture_args(capture)
    one = qvpn_verdicts(asan, capture, *extra)
    two = qvpn_verdicts(asan, capture, *extra, two_pass=True)
    assert len(one) == len(two)
    diff = [i + 1 for i, (a, b) in enumerate(zip(one, two)) if a != b]
    assert not diff, '%s: frames %s differ between one pass and -2' % (
        capture_id(capture), diff[:20])


def stalls(verdicts):
    """{frame: [expert messages]} of the qvpn phase-1/phase-2 stall expert infos."""
    out = {}
    for n, q in enumerate(verdicts, 1):
        if not q:
            continue
        ex = q.get('_ws.expert')
        items = ex if isinstance(ex, list) else [ex] if ex else []
        msgs = []
        for e in items:
            m = e.get('_ws.expert.message')
            msgs += m if isinstance(m, list) else [m]
        msgs = [m for m in msgs if m and 'stalled' in m]
        if msgs:
            out[n] = msgs
    return out


@pytest.mark.parametrize('timeout,expect', [(5, {5}), (6, {5}), (10, set()), (30, set())])
def test_stall_timeout_preference(asan, timeout, expect):
    """7 s of silence after MM4: a stall with qvpn.stall_timeout 5 or 6, none with the
    default 10 s or 30 s; each consistent in one pass and two."""
    cap = REGRESS / 'stall-7s-after-mm4.pcap'
    opt = ['-o', 'qvpn.stall_timeout:%d' % timeout]
    one = qvpn_verdicts(asan, cap, *opt)
    two = qvpn_verdicts(asan, cap, *opt, two_pass=True)
    assert one == two
    got = stalls(one)
    assert set(got) == expect, got
    for msgs in got.values():
        assert any('no phase-1 progress for 7.0 s in MM_KEY_EXCH' in m for m in msgs), msgs


def test_default_preferences_are_the_defaults(asan):
    """No -o at all equals the documented defaults given explicitly."""
    cap = REPO / 'captures' / 'scenarios' / 'esp-one-way.pcap'
    explicit = ['-o', 'qvpn.stall_timeout:10', '-o', 'qvpn.esp_one_way_packets:10',
                '-o', 'qvpn.esp_one_way_seconds:5', '-o', 'qvpn.logout_window:30',
                '-o', 'qvpn.max_sessions:10000', '-o', 'qvpn.tls_ports:443,60443']
    assert qvpn_verdicts(asan, cap) == qvpn_verdicts(asan, cap, *explicit, two_pass=True)


def test_max_sessions_preference_one_vs_two_pass(asan):
    cap = REGRESS / 'mm1-flood-300.pcap'
    for n in ('1', '7', '300'):
        opt = ['-o', 'qvpn.max_sessions:' + n]
        assert qvpn_verdicts(asan, cap, *opt) == qvpn_verdicts(asan, cap, *opt, two_pass=True)
