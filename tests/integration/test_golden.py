"""Golden tests: the qvpn fields of every case of tests/manifest.toml, exactly, one-pass and -2.

For each case, tshark (with the case's args) prints one tab-separated line per frame
with the fields below; the lines of frames qvpn analysed (qvpn.session set) must equal
tests/integration/expected/<name>.tsv, in one-pass tshark and with -2 alike
("compute once, render every pass").

qvpn.response_in is left out of the comparison: like dns.response_in it is filled
when the response arrives, so one-pass tshark cannot show it on the request.  It is
checked on -2 only, against qvpn.response_to (test_response_links).

Regenerate the expected files from real tshark output with tests/integration/regen.sh
(QVPN_REGEN=1); never edit them by hand.
"""
import difflib

import pytest

from conftest import CASES, HERE, case_capture, case_params

FIELDS = [
    'frame.number',
    'qvpn.session',
    'qvpn.phase',
    'qvpn.step',
    'qvpn.ike.msg',
    'qvpn.ike.state',
    'qvpn.response_to',
    'qvpn.retransmission_of',
    'qvpn.rtt.tcp',
    'qvpn.rtt.tls',
    'qvpn.rtt.ike',
    'qvpn.time_to_tunnel',
    '_ws.expert.message',
]
SESSION_COL = FIELDS.index('qvpn.session')

PARAMS = case_params(CASES.values())


def field_args(fields):
    args = ['-T', 'fields', '-E', 'separator=/t', '-E', 'header=y', '-E', 'occurrence=a']
    for f in fields:
        args += ['-e', f]
    return args


def qvpn_lines(stdout, session_col=SESSION_COL):
    """The header, then the lines of frames with a qvpn verdict."""
    lines = stdout.splitlines()
    if not lines:
        return []
    return [lines[0]] + [l for l in lines[1:] if l.split('\t')[session_col] != '']


@pytest.mark.parametrize('case', PARAMS)
def test_golden(tshark, regen, case):
    cap = case_capture(tshark, case)
    one = qvpn_lines(tshark.ok(['-r', cap, *case.args, *field_args(FIELDS)]))
    two = qvpn_lines(tshark.ok(['-2', '-r', cap, *case.args, *field_args(FIELDS)]))
    expected_file = case.expected_tsv
    got = '\n'.join(one) + '\n'

    if regen:
        expected_file.parent.mkdir(exist_ok=True)
        expected_file.write_text(got)
    assert expected_file.exists(), \
        'no %s: run tests/integration/regen.sh %s to create it' % (
            expected_file.relative_to(HERE), case.name)
    expected = expected_file.read_text()

    assert got == expected, diff('one-pass', expected_file, expected, got)
    got2 = '\n'.join(two) + '\n'
    assert got2 == expected, diff('-2', expected_file, expected, got2)


def diff(what, expected_file, expected, got):
    d = difflib.unified_diff(expected.splitlines(), got.splitlines(),
                             'expected/' + expected_file.name, what + ' tshark', lineterm='', n=1)
    lines = list(d)
    more = '\n... %d more diff lines' % (len(lines) - 40) if len(lines) > 40 else ''
    return ('%s output differs from %s (capture or engine changed? review, then regen.sh)\n%s%s'
            % (what, expected_file.name, '\n'.join(lines[:40]), more))


@pytest.mark.parametrize('case', PARAMS)
def test_response_links(tshark, case):
    """On -2, response_in and response_to point at each other."""
    cap = case_capture(tshark, case)
    out = tshark.ok(['-2', '-r', cap, *case.args,
                     *field_args(['frame.number', 'qvpn.response_in', 'qvpn.response_to'])])
    rows = [l.split('\t') for l in out.splitlines()[1:]]
    resp_in = {int(r[0]): int(r[1]) for r in rows if r[1]}
    resp_to = {int(r[0]): int(r[2]) for r in rows if r[2]}
    for req, resp in resp_in.items():
        assert resp > req, 'frame %d: response_in %d is not later' % (req, resp)
        assert resp_to.get(resp) == req, \
            'frame %d: response_in %d, but that frame answers %s' % (req, resp, resp_to.get(resp))
    for resp, req in resp_to.items():
        assert req < resp, 'frame %d: response_to %d is not earlier' % (resp, req)
