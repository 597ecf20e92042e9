"""Statistics through real tshark: -z qvpn,sessions and -z qvpn,rtt.

- Each stats_golden case of tests/manifest.toml: its text tables equal
  tests/integration/expected/stats/<name>.txt, in one-pass tshark and with -2 (taps
  run on the last pass only; nothing counts twice).
- The JSON form gives, for every case with verdicts in the manifest, those VPN
  sessions in order and that many TLS-only attempts (the manifest's verdicts are
  written from captures/README.md, not from qvpn's output).
- The reference capture gives the issue's acceptance figures.

Regenerate the expected tables with tests/integration/regen.sh (QVPN_REGEN=1).
"""
import difflib
import json

import pytest

from conftest import CASES, case_capture, case_params

REFERENCE = CASES['quickvpn-reference']
MANY_CLIENTS = CASES['many-clients']


def tables(tshark, cap, two_pass, extra=()):
    args = ['-q', '-n', '-r', cap, *extra, '-z', 'qvpn,rtt', '-z', 'qvpn,sessions']
    if two_pass:
        args.insert(0, '-2')
    return tshark.ok(args)


def sessions_json(tshark, cap, flt=None, args=()):
    z = 'qvpn,sessions,json' + (',' + flt if flt else '')
    out = tshark.ok(['-q', '-n', '-r', cap, *args, '-z', z])
    line = next(l for l in out.splitlines() if l.startswith('{"qvpn_sessions"'))
    return json.loads(line)['qvpn_sessions']


@pytest.mark.parametrize('case', case_params(c for c in CASES.values() if c.stats_golden))
def test_tables_golden(tshark, regen, case):
    cap = case_capture(tshark, case)
    one = tables(tshark, cap, False, case.args)
    two = tables(tshark, cap, True, case.args)
    assert one == two, 'one-pass and -2 statistics differ:\n' + ''.join(
        difflib.unified_diff(one.splitlines(True), two.splitlines(True), 'one-pass', '-2'))
    path = case.expected_stats
    if regen:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(one)
        return
    assert path.exists(), 'no %s: run tests/integration/regen.sh %s' % (path, case.name)
    want = path.read_text()
    assert one == want, ''.join(difflib.unified_diff(
        want.splitlines(True), one.splitlines(True), str(path), 'tshark'))


@pytest.mark.parametrize('case', case_params(c for c in CASES.values() if c.verdicts is not None))
def test_scenario_verdicts(tshark, case):
    st = sessions_json(tshark, case_capture(tshark, case), args=case.args)
    vpn = [(s['client'], s['gateway'], s['verdict']) for s in st['sessions'] if not s['tls_only']]
    tls_only = [s for s in st['sessions'] if s['tls_only']]
    assert vpn == list(case.verdicts)
    assert len(tls_only) == case.tls_only
    assert not st['session_cap_hit']


def test_many_clients_verdicts(tshark):
    st = sessions_json(tshark, case_capture(tshark, MANY_CLIENTS))
    vpn = [s for s in st['sessions'] if not s['tls_only']]
    assert len(vpn) == 20
    verdicts = [s['verdict'] for s in vpn]
    assert verdicts.count('stalled in MM_KEY_EXCH: pre-shared key mismatch?') == 1
    # c14's NO-PROPOSAL-CHOSEN, with the Windows client's offer (the scenario's MM1)
    assert sum(v.startswith('refused by peer: NO-PROPOSAL-CHOSEN (offered: 3DES/SHA1/PSK/')
               for v in verdicts) == 1
    assert sum(v.startswith('connected') for v in verdicts) == 18
    assert all(s['gateway'] == '198.51.100.10' for s in vpn)
    nat = [s for s in vpn if 4500 in s['udp_ports']]
    assert len(nat) == 3


def test_reference_acceptance(tshark):
    cap = case_capture(tshark, REFERENCE)
    rtt = tables(tshark, cap, False)
    for value in ('0.097437', '0.486430', '0.101476', '0.565257', '0.090260', '0.124581'):
        assert value in rtt, value
    st = sessions_json(tshark, cap)
    (s,) = st['sessions']
    assert (s['client'], s['gateway']) == ('213.16.33.141', '79.189.214.86')
    assert s['verdict'] == 'connected, torn down'
    assert s['phases'] == ['Connection', 'Policy activation', 'Network verification', 'Teardown']
    assert s['ike_state'] == 'QM_IDLE'
    assert s['time_to_tunnel'] == pytest.approx(12.230442, abs=1e-6)
    esp = {(e['spi'], e['direction']): e['packets'] for e in s['esp']}
    assert esp == {('0x8316d0a3', 'client->gateway'): 2, ('0x2b28e6ae', 'gateway->client'): 1}
    assert s['tcp_ports'] == [443] and s['udp_ports'] == [500]


def test_filter_restricts(tshark):
    cap = case_capture(tshark, MANY_CLIENTS)
    st = sessions_json(tshark, cap, 'ip.addr==203.0.113.224')
    assert st['filter'] == 'ip.addr==203.0.113.224'
    assert [s['verdict'] for s in st['sessions']] == [
        'stalled in MM_KEY_EXCH: pre-shared key mismatch?']


def test_rtt_json_and_tree(tshark):
    cap = case_capture(tshark, REFERENCE)
    out = tshark.ok(['-q', '-r', cap, '-z', 'qvpn,rtt,json'])
    doc = json.loads(next(l for l in out.splitlines() if l.startswith('{"qvpn_rtt"')))
    kinds = {k['kind']: k for k in doc['qvpn_rtt']['all']}
    assert kinds['IKE MM1->MM2']['max'] == pytest.approx(0.097437, abs=1e-6)
    assert kinds['IKE MM1->MM2']['max_frame'] == 154
    assert kinds['TCP SYN->SYN/ACK']['count'] == 2
    tree = tshark.ok(['-q', '-r', cap, '-z', 'qvpn_rtt,tree'])
    assert 'QuickVPN/Handshake RTT' in tree
    assert 'IKE MM3->MM4' in tree and '486.43' in tree


@pytest.mark.parametrize('case', case_params(CASES.values()))
def test_one_verdict_text_and_json(tshark, case):
    """One derivation of a session's verdict: the text table and the JSON print the same
    facts (qvpn_facts_verdict), session by session, on every case of the manifest; that
    the engine's facts are the fold of its verdicts is asserted by the unit tests and the
    fuzz harness (tests/unit/test_engine.c, tests/fuzz/fuzz_engine.c)."""
    cap = case_capture(tshark, case)
    out = tshark.ok(['-q', '-n', '-r', cap, *case.args, '-z', 'qvpn,sessions',
                     '-z', 'qvpn,sessions,json'])
    line = next(l for l in out.splitlines() if l.startswith('{"qvpn_sessions"'))
    sessions = json.loads(line)['qvpn_sessions']['sessions']
    rows = {}
    for l in out.splitlines():
        head = l[:6]
        if len(l) > 6 and head[:4].strip().isdigit() and head[4:6] == '  ':
            rows[int(head[:4])] = l
    assert sorted(rows) == sorted(s['session'] for s in sessions)
    for s in sessions:
        assert rows[s['session']].endswith('  ' + s['verdict']), (s['session'], s['verdict'])
