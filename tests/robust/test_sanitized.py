"""Every capture of the repository (reference, scenarios, public, regress) through
tshark with the qvpn module built with -fsanitize=address,undefined.

Two runs per capture: one pass with the full tree (-V: every item and expert info
drawn) and every qvpn statistics table; two passes (-2, the second one renders from
the cached verdicts) with the qvpn fields.  Any sanitizer report fails; so does an
exit status other than tshark's own without qvpn.
"""
import pytest

from conftest import all_captures, assert_clean, capture_args, capture_id, without_qvpn_options

CAPTURES = all_captures()
STATS = ['-z', 'qvpn,sessions', '-z', 'qvpn,rtt,json', '-z', 'qvpn_rtt,tree', '-z', 'expert']
FIELDS = ['-T', 'fields', '-e', 'frame.number', '-e', 'qvpn.session', '-e', 'qvpn.phase',
          '-e', 'qvpn.step', '-e', 'qvpn.ike.msg', '-e', 'qvpn.ike.state', '-e', 'qvpn.rtt.ike',
          '-e', 'qvpn.response_in', '-e', '_ws.expert.message']


@pytest.fixture(scope='module')
def baseline_rc(plain):
    cache = {}

    def rc(cap, extra):
        key = (cap, tuple(extra))
        if key not in cache:
            cache[key] = plain.run(['-r', cap, *without_qvpn_options(extra), '-q']).returncode
        return cache[key]
    return rc


@pytest.mark.parametrize('capture', CAPTURES, ids=[capture_id(c) for c in CAPTURES])
def test_capture_under_sanitizers(asan, baseline_rc, capture):
    cap = asan.readable(capture)
    extra = capture_args(capture)
    want = baseline_rc(cap, extra)
    for args in (['-r', cap, *extra, '-V', *STATS], ['-2', '-r', cap, *extra, *FIELDS]):
        r = asan.run(args)
        assert_clean(r, '%s %s' % (capture_id(capture), ' '.join(map(str, args[:2]))))
        assert r.returncode == want, '%s: exit %d, %d without qvpn\n%s' % (
            capture_id(capture), r.returncode, want, r.stderr[-3000:])
