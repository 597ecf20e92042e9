"""Every capture of cases.txt opens with qvpn loaded exactly as it does without it:
same exit status, no new stderr lines, in one-pass tshark and with -2 -V (the
golden tests add -T fields in both passes).

The public captures include tcpdump's and Zeek's crashers (isakmp-pointer-loop,
ikev2pI2-segfault, zero-length and bad-length ISAKMP, truncated ESP...): qvpn must
neither crash on them nor make tshark complain.
"""
import pytest

from conftest import read_cases, repo_path, stderr_problems

CASES = read_cases()


@pytest.mark.parametrize('name,capture,extra', CASES, ids=[c[0] for c in CASES])
def test_opens_like_without_qvpn(tshark, name, capture, extra):
    path = repo_path(capture)
    if not path.exists():
        pytest.skip('capture %s not present' % capture)
    cap = tshark.readable(path)
    base = tshark.run(['-r', cap, *extra, '-V'], plugins=False)
    for mode in ([], ['-2', '-V']):
        r = tshark.run([*mode, '-r', cap, *extra])
        assert r.returncode == base.returncode, \
            '%s %s: exit %d, %d without qvpn\n%s' % (name, mode, r.returncode, base.returncode, r.stderr)
        assert not stderr_problems(r.stderr, base.stderr), \
            '%s %s: stderr\n%s' % (name, mode, r.stderr)
        assert 'qvpn' not in r.stderr.lower()
