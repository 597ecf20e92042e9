"""Every capture of tests/manifest.toml opens with qvpn loaded exactly as it does without it:
same exit status, no new stderr lines, in one-pass tshark and with -2 -V (the
golden tests add -T fields in both passes).

The public captures include tcpdump's and Zeek's crashers (isakmp-pointer-loop,
ikev2pI2-segfault, zero-length and bad-length ISAKMP, truncated ESP...): qvpn must
neither crash on them nor make tshark complain.
"""
import pytest

from conftest import CASES, case_capture, case_params, stderr_problems


@pytest.mark.parametrize('case', case_params(CASES.values()))
def test_opens_like_without_qvpn(tshark, case):
    cap = case_capture(tshark, case)
    base = tshark.run(['-r', cap, *case.args, '-V'], plugins=False)
    for mode in ([], ['-2', '-V']):
        r = tshark.run([*mode, '-r', cap, *case.args])
        assert r.returncode == base.returncode, \
            '%s %s: exit %d, %d without qvpn\n%s' % (case.name, mode, r.returncode, base.returncode, r.stderr)
        assert not stderr_problems(r.stderr, base.stderr), \
            '%s %s: stderr\n%s' % (case.name, mode, r.stderr)
        assert 'qvpn' not in r.stderr.lower()
