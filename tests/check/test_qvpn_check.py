"""scripts/qvpn-check, the CI gate, on the corpus: every exit status, the JUnit XML and
the JSON report parsed back.

Expectations come from captures/README.md (scenarios), captures/public/SOURCES.md and
tests/truth (public captures), captures/regress/README.md (no-vpn): what happened in
each capture, never qvpn's output.  The module is the build's (QVPN_BUILD_DIR, default
build/), given with --plugin-dir; as root qvpn-check runs tshark as nobody.
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHECK = REPO / 'scripts' / 'qvpn-check'
BUILD = Path(os.environ.get('QVPN_BUILD_DIR', REPO / 'build'))
PLUGINS = BUILD / 'plugins'
CAP = REPO / 'captures'
REFERENCE = CAP / 'quickvpn-reference.pcapng'
SC = CAP / 'scenarios'

pytestmark = pytest.mark.skipif(not list(PLUGINS.glob('*/epan/qvpn.so')),
                                reason='no qvpn.so under %s (build first)' % PLUGINS)


def run(*args, plugin=True):
    argv = ['/usr/bin/python3', str(CHECK)]
    if plugin:
        argv += ['--plugin-dir', str(PLUGINS)]
    r = subprocess.run(argv + [str(a) for a in args], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True, timeout=300)
    return r


def junit(path):
    root = ET.parse(str(path)).getroot()
    assert root.tag == 'testsuites'
    cases = root.findall('testsuite/testcase')
    # The totals agree with the cases.
    assert int(root.get('tests')) == len(cases)
    assert int(root.get('failures')) == len(root.findall('testsuite/testcase/failure'))
    for suite in root.findall('testsuite'):
        assert int(suite.get('tests')) == len(suite.findall('testcase'))
        assert int(suite.get('failures')) == len(suite.findall('testcase/failure'))
        assert int(suite.get('skipped')) == len(suite.findall('testcase/skipped'))
        assert int(suite.get('errors')) == len(suite.findall('testcase/error'))
    return root, cases


def test_findings_table_matches_the_core():
    """qvpn-check's severities are those plugin/core/qvpn_findings.h declares."""
    sev = {'CHAT': 'Chat', 'NOTE': 'Note', 'WARN': 'Warning', 'ERROR': 'Error'}
    text = (REPO / 'plugin/core/qvpn_findings.h').read_text()
    rows = re.findall(r'X\(\s*(\w+),\s*(\w+),\s*"[^"]*",\s*(\w+),\s*(\w+),\s*\w+\)', text)
    assert rows
    src = CHECK.read_text()
    table = dict(re.findall(r"^    '(\w+)': '(\w+)',$", src, re.M))
    assert table == {abbrev: sev[s] for _, abbrev, _, s in rows}


# ---- exit 0 ----

def test_connected_captures_pass_with_junit_and_json(tmp_path):
    """The reference and success-60443 are each one attempt that connected."""
    xml, js = tmp_path / 'r.xml', tmp_path / 'r.json'
    r = run(REFERENCE, SC / 'success-60443.pcap', '--junit', xml, '--json', js)
    assert r.returncode == 0, r.stdout + r.stderr
    assert '2 attempt(s) in 2 capture(s): 2 passed, 0 failed, 0 skipped' in r.stdout
    root, cases = junit(xml)
    assert len(cases) == 2 and root.get('failures') == '0'
    ref = [c for c in cases if c.get('file') == str(REFERENCE)][0]
    assert ref.get('name') == 'session 1: 213.16.33.141 -> 79.189.214.86'
    assert 'first frame: 90' in ref.find('system-out').text     # SYN 90
    doc = json.loads(js.read_text())['qvpn_check']
    assert doc['exit_status'] == 0 and doc['summary']['passed'] == 2
    a = [c for c in doc['captures'] if c['file'] == str(REFERENCE)][0]['attempts'][0]
    assert a['result'] == 'pass' and a['client'] == '213.16.33.141'
    assert a['time_to_tunnel'] == pytest.approx(12.230442)     # 216 - 153
    # RST after the logout's close_notify 120, ESP both ways at 216; the SSLv2-format
    # ClientHello 93 and MM1 153 offer legacy TLS / IKE crypto (3DES, DES, MD5): Notes.
    assert a['warning_frames'] == {'rst_after_close': [120], 'tunnel_up': [216],
                                   'tls_legacy_hello': [93], 'legacy_crypto': [153]}


def test_expect_failed_and_a_verdict_regex_pass_on_psk_mismatch():
    """psk-mismatch: MM5 never answered, stuck in MM_KEY_EXCH."""
    assert run(SC / 'psk-mismatch.pcap', '--expect', 'failed').returncode == 0
    assert run(SC / 'psk-mismatch.pcap', '--expect', r'MM_KEY_EXCH').returncode == 0


def test_keys_beside_the_capture():
    """v1-qm-invalid-id (the scenario: QM1 for 192.168.5.0/24 <-> 10.0.0.0/24 answered by an
    encrypted INVALID-ID-INFORMATION, its key table beside it): --keys reads the notify, and
    without it the encrypted refusal is all there is."""
    cap = SC / 'v1-qm-invalid-id.pcap'
    want = r'INVALID-ID-INFORMATION \(decrypted\).*192\.168\.5\.0/24'
    r = run(cap, '--keys', '--expect', want)
    assert r.returncode == 0, r.stdout + r.stderr
    r = run(cap, '--expect', want)
    assert r.returncode == 1, r.stdout + r.stderr
    assert 'encrypted reply to QM1' in r.stdout


def test_max_time_to_tunnel():
    """The reference's tunnel came up 12.230442 s after MM1."""
    assert run(REFERENCE, '--max-time-to-tunnel', '13').returncode == 0
    r = run(REFERENCE, '--max-time-to-tunnel', '12')
    assert r.returncode == 1
    assert 'time to tunnel 12.230 s > 12 s' in r.stdout


def test_allowed_warning():
    """zeek-spicy-ipsec ipsec.cap: one attempt that connected after a cleartext
    NO-PROPOSAL-CHOSEN (tests/truth/zeek-spicy-ipsec__ipsec.toml): a Warning, so it
    fails `--expect connected` unless that warning is allowed."""
    cap = CAP / 'public' / 'zeek-spicy-ipsec__ipsec.cap'
    r = run(cap)
    assert r.returncode == 1 and 'Warning qvpn.ike_notify x1 (frames 3)' in r.stdout
    assert run(cap, '--allow-warning', 'qvpn.ike_notify').returncode == 0
    assert run(cap, '--allow-warning', 'ike_notify').returncode == 0


def test_display_filter_selects_attempts():
    """retry-after-psk-mismatch: a refused attempt (MM1 5), then a connected one (MM1 29)."""
    cap = SC / 'retry-after-psk-mismatch.pcap'
    assert run(cap).returncode == 1
    r = run(cap, '-Y', 'frame.number >= 29')
    assert r.returncode == 0, r.stdout
    assert '1 attempt(s) in 1 capture(s): 1 passed' in r.stdout


def test_plain_tls_is_skipped(tmp_path):
    """busy-client: HTTPS to other servers (no IKE, no alert) is not a VPN attempt."""
    xml = tmp_path / 'b.xml'
    r = run(SC / 'busy-client.pcapng', '--junit', xml)
    assert r.returncode == 0, r.stdout
    _, cases = junit(xml)
    skipped = [c for c in cases if c.find('skipped') is not None]
    assert skipped and len(skipped) < len(cases)
    assert run(SC / 'busy-client.pcapng', '--judge-tls-only').returncode == 1


def test_allow_empty(tmp_path):
    """no-vpn.pcapng: nothing of QuickVPN (captures/regress/README.md)."""
    assert run(CAP / 'regress' / 'no-vpn.pcapng', '--allow-empty').returncode == 0


# ---- exit 1 ----

def test_failed_attempt_fails_with_verdict_and_frames(tmp_path):
    """psk-mismatch: MM5 retransmitted at 28, 31, 33, 40 and never answered."""
    xml = tmp_path / 'p.xml'
    r = run(SC / 'psk-mismatch.pcap', '--junit', xml)
    assert r.returncode == 1
    root, cases = junit(xml)
    assert root.get('failures') == '1' and len(cases) == 1
    f = cases[0].find('failure')
    assert 'MM_KEY_EXCH' in f.get('message')
    frames = re.search(r'qvpn\.mm_stall \(Warning\): frames ([\d, ]+)', f.text).group(1)
    frames = {int(x) for x in frames.split(', ')}
    assert frames and frames <= {28, 31, 33, 40}


def test_connected_fails_expect_failed():
    r = run(REFERENCE, '--expect', 'failed')
    assert r.returncode == 1 and 'it connected' in r.stdout


def test_forbidden_note():
    """The reference's gateway RST after the encrypted alerts (frame 120) is a Note."""
    r = run(REFERENCE, '--forbid-warning', 'qvpn.rst_after_close')
    assert r.returncode == 1 and 'Note qvpn.rst_after_close x1 (frames 120)' in r.stdout


def test_directory_in_parallel(tmp_path):
    """Every scenario, as a directory: the failures the scenarios describe fail, the
    successes pass; one test case per attempt."""
    xml, js = tmp_path / 's.xml', tmp_path / 's.json'
    r = run(SC, '--junit', xml, '--json', js, '-j', '2')
    assert r.returncode == 1
    _, cases = junit(xml)
    doc = json.loads(js.read_text())['qvpn_check']
    files = {Path(c['file']).name: c for c in doc['captures']}
    # the captures, not the key tables beside some of them (issue 15)
    assert len(files) == len([p for p in SC.glob('*.pcap*') if p.name.endswith(('.pcap', '.pcapng'))])
    assert sum(len(c['attempts']) for c in doc['captures']) == len(cases)

    def results(name):
        return [a['result'] for a in files[name]['attempts']]
    for ok in ('success-60443.pcap', 'success-nat-t.pcapng', 'ikev2-success.pcapng',
               'ah-tunnel.pcap', 'reconnect.pcapng'):
        assert set(results(ok)) == {'pass'}, ok
    for bad in ('psk-mismatch.pcap', 'gateway-silent.pcap', 'p1-proposal-mismatch.pcap',
                'p2-failure.pcapng', 'tls-login-refused.pcap', 'esp-one-way.pcap',
                'ikev2-auth-failed.pcap', 'qm-refused.pcap'):
        assert results(bad) == ['fail'], bad
    assert results('retry-after-psk-mismatch.pcap') == ['fail', 'pass']


def test_capture_without_attempt_fails(tmp_path):
    """A capture qvpn has nothing to say about fails the gate, in JUnit too."""
    xml = tmp_path / 'e.xml'
    r = run(CAP / 'regress' / 'no-vpn.pcapng', '--junit', xml)
    assert r.returncode == 1 and 'no VPN connection attempt' in r.stdout
    _, cases = junit(xml)
    assert len(cases) == 1 and cases[0].find('failure') is not None


# ---- exit 2 ----

def test_missing_capture():
    r = run('/nonexistent/x.pcap')
    assert r.returncode == 2 and 'no such file' in r.stderr


def test_not_a_capture(tmp_path):
    xml = tmp_path / 'n.xml'
    r = run(REFERENCE, CAP / 'public' / 'SOURCES.md', '--junit', xml)
    assert r.returncode == 2
    assert "isn't a capture file" in r.stderr
    _, cases = junit(xml)
    assert len(cases) == 2 and len([c for c in cases if c.find('error') is not None]) == 1


def test_truncated_capture(tmp_path):
    """A pcap header cut in the middle: tshark cannot read it."""
    bad = tmp_path / 'cut.pcap'
    bad.write_bytes(struct.pack('<IHH', 0xa1b2c3d4, 2, 4))
    r = run(bad)
    assert r.returncode == 2 and 'cannot analyse' in r.stderr


@pytest.mark.parametrize('args, message', [
    (['--expect', '(unclosed'], 'not a regular expression'),
    (['--allow-warning', 'qvpn.no_such_thing'], 'unknown qvpn expert info'),
    (['--max-time-to-tunnel', 'soon'], 'invalid float'),
    (['-o', 'nocolon'], 'PREF:VALUE'),
    ([], 'the following arguments are required'),
])
def test_usage_errors(args, message):
    r = run(REFERENCE, *args) if args else run()
    assert r.returncode == 2 and message in r.stderr


def test_plugin_dir_without_module(tmp_path):
    r = run(REFERENCE, '--plugin-dir', tmp_path, plugin=False)
    assert r.returncode == 2 and 'epan/qvpn.so' in r.stderr


def test_directory_without_captures(tmp_path):
    r = run(tmp_path)
    assert r.returncode == 2 and 'no capture file' in r.stderr


@pytest.mark.skipif(os.geteuid() != 0 or list(
    Path('/usr/lib/x86_64-linux-gnu/wireshark/plugins').glob('*/epan/qvpn.so')),
    reason='needs root and no system-wide qvpn')
def test_root_without_plugin_dir_says_why():
    """As root, tshark ignores WIRESHARK_PLUGIN_DIR and personal plugin folders."""
    env = dict(os.environ)
    env.pop('WIRESHARK_PLUGIN_DIR', None)
    r = subprocess.run(['/usr/bin/python3', str(CHECK), str(REFERENCE)], env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    assert r.returncode == 2
    assert 'running as root' in r.stderr and '--plugin-dir' in r.stderr


def test_invalid_display_filter():
    r = run(REFERENCE, '-Y', 'ip.addr ==')
    assert r.returncode == 2 and 'is invalid' in r.stderr
