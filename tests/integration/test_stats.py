"""Statistics through real tshark: -z qvpn,sessions and -z qvpn,rtt.

- Each case's text tables equal tests/integration/expected/stats/<name>.txt, in
  one-pass tshark and with -2 (taps run on the last pass only; nothing counts twice).
- The JSON form gives, for every scenario, the verdict its captures/README.md line
  states (written here from that README, not from qvpn's output).
- The reference capture gives the issue's acceptance figures.

Regenerate the expected tables with tests/integration/regen.sh (QVPN_REGEN=1).
"""
import difflib
import json

import pytest

from conftest import HERE, repo_path

EXPECTED = HERE / 'expected' / 'stats'

CASES = {
    'reference': 'captures/quickvpn-reference.pcapng',
    'success_60443': 'captures/scenarios/success-60443.pcap',
    'success_nat_t': 'captures/scenarios/success-nat-t.pcapng',
    'psk_mismatch': 'captures/scenarios/psk-mismatch.pcap',
    'gateway_silent': 'captures/scenarios/gateway-silent.pcap',
    'p1_proposal_mismatch': 'captures/scenarios/p1-proposal-mismatch.pcap',
    'p2_failure': 'captures/scenarios/p2-failure.pcapng',
    'tls_login_refused': 'captures/scenarios/tls-login-refused.pcap',
    'esp_one_way': 'captures/scenarios/esp-one-way.pcap',
    'midflow_tunnel': 'captures/scenarios/midflow-tunnel.pcap',
    'many_clients': 'captures/scenarios/many-clients.pcap',
    'busy_client': 'captures/scenarios/busy-client.pcapng',
    'ikev2_success': 'captures/scenarios/ikev2-success.pcapng',
    'ikev2_auth_failed': 'captures/scenarios/ikev2-auth-failed.pcap',
    'reconnect': 'captures/scenarios/reconnect.pcapng',
    'public_strongswan_ipsec': 'captures/public/zeek-spicy-ipsec__ipsec.cap',
    'public_arkime_ikev2': 'captures/public/arkime__IKEv2.pcap',
}

# name -> list of (client, gateway, verdict) of the VPN sessions, in order, and the
# number of TLS-only attempts; from captures/README.md.
VERDICTS = {
    'reference': ([('213.16.33.141', '79.189.214.86', 'connected, torn down')], 0),
    'success_60443': ([('192.0.2.57', '198.51.100.20', 'connected, torn down')], 0),
    'success_nat_t': ([('192.168.1.34', '203.0.113.5', 'connected, torn down')], 0),
    'psk_mismatch': ([('192.0.2.66', '198.51.100.21',
                       'stalled in MM_KEY_EXCH: pre-shared key mismatch?')], 0),
    'gateway_silent': ([('192.0.2.71', '198.51.100.22',
                         'stalled in MM_NO_STATE: gateway not answering?')], 0),
    'p1_proposal_mismatch': ([('192.0.2.75', '198.51.100.23',
                               'refused by peer: NO-PROPOSAL-CHOSEN')], 0),
    'p2_failure': ([('192.0.2.80', '198.51.100.24', 'phase 2 failed: QM_IDLE but no ESP')], 0),
    'tls_login_refused': ([], 1),
    'esp_one_way': ([('192.0.2.95', '198.51.100.26',
                      'ESP one way only (encaps only): return path broken?')], 0),
    'midflow_tunnel': ([('203.0.113.200', '198.51.100.77', 'tunnel seen mid-flow, torn down')], 0),
    'ikev2_success': ([('192.0.2.88', '198.51.100.60', 'connected, torn down')], 0),
    'ikev2_auth_failed': ([('192.0.2.89', '198.51.100.61',
                            'IKE_AUTH refused: authentication failed?')], 0),
    'reconnect': ([('192.0.2.140', '198.51.100.30', 'connected, torn down'),
                   ('192.0.2.140', '198.51.100.30', 'connected')], 0),
    'busy_client': ([('203.0.113.77', '198.51.100.40', 'connected, torn down')], 14),
}


def capture(tshark, rel):
    path = repo_path(rel)
    if not path.exists():
        pytest.skip('capture %s not present' % rel)
    return tshark.readable(path)


def tables(tshark, cap, two_pass, extra=()):
    args = ['-q', '-n', '-r', cap, *extra, '-z', 'qvpn,rtt', '-z', 'qvpn,sessions']
    if two_pass:
        args.insert(0, '-2')
    return tshark.ok(args)


def sessions_json(tshark, cap, flt=None):
    z = 'qvpn,sessions,json' + (',' + flt if flt else '')
    out = tshark.ok(['-q', '-n', '-r', cap, '-z', z])
    line = next(l for l in out.splitlines() if l.startswith('{"qvpn_sessions"'))
    return json.loads(line)['qvpn_sessions']


@pytest.mark.parametrize('name', sorted(CASES))
def test_tables_golden(tshark, regen, name):
    cap = capture(tshark, CASES[name])
    one = tables(tshark, cap, False)
    two = tables(tshark, cap, True)
    assert one == two, 'one-pass and -2 statistics differ:\n' + ''.join(
        difflib.unified_diff(one.splitlines(True), two.splitlines(True), 'one-pass', '-2'))
    path = EXPECTED / (name + '.txt')
    if regen:
        EXPECTED.mkdir(parents=True, exist_ok=True)
        path.write_text(one)
        return
    assert path.exists(), 'no %s: run tests/integration/regen.sh' % path
    want = path.read_text()
    assert one == want, ''.join(difflib.unified_diff(
        want.splitlines(True), one.splitlines(True), str(path), 'tshark'))


@pytest.mark.parametrize('name', sorted(VERDICTS))
def test_scenario_verdicts(tshark, name):
    want_vpn, want_tls_only = VERDICTS[name]
    st = sessions_json(tshark, capture(tshark, CASES[name]))
    vpn = [(s['client'], s['gateway'], s['verdict']) for s in st['sessions'] if not s['tls_only']]
    tls_only = [s for s in st['sessions'] if s['tls_only']]
    assert vpn == want_vpn
    assert len(tls_only) == want_tls_only
    assert not st['session_cap_hit']


def test_many_clients_verdicts(tshark):
    st = sessions_json(tshark, capture(tshark, CASES['many_clients']))
    vpn = [s for s in st['sessions'] if not s['tls_only']]
    assert len(vpn) == 20
    verdicts = [s['verdict'] for s in vpn]
    assert verdicts.count('stalled in MM_KEY_EXCH: pre-shared key mismatch?') == 1
    assert verdicts.count('refused by peer: NO-PROPOSAL-CHOSEN') == 1
    assert sum(v.startswith('connected') for v in verdicts) == 18
    assert all(s['gateway'] == '198.51.100.10' for s in vpn)
    nat = [s for s in vpn if 4500 in s['udp_ports']]
    assert len(nat) == 3


def test_reference_acceptance(tshark):
    cap = capture(tshark, CASES['reference'])
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
    cap = capture(tshark, CASES['many_clients'])
    st = sessions_json(tshark, cap, 'ip.addr==203.0.113.224')
    assert st['filter'] == 'ip.addr==203.0.113.224'
    assert [s['verdict'] for s in st['sessions']] == [
        'stalled in MM_KEY_EXCH: pre-shared key mismatch?']


def test_rtt_json_and_tree(tshark):
    cap = capture(tshark, CASES['reference'])
    out = tshark.ok(['-q', '-r', cap, '-z', 'qvpn,rtt,json'])
    doc = json.loads(next(l for l in out.splitlines() if l.startswith('{"qvpn_rtt"')))
    kinds = {k['kind']: k for k in doc['qvpn_rtt']['all']}
    assert kinds['IKE MM1->MM2']['max'] == pytest.approx(0.097437, abs=1e-6)
    assert kinds['IKE MM1->MM2']['max_frame'] == 154
    assert kinds['TCP SYN->SYN/ACK']['count'] == 2
    tree = tshark.ok(['-q', '-r', cap, '-z', 'qvpn_rtt,tree'])
    assert 'QuickVPN/Handshake RTT' in tree
    assert 'IKE MM3->MM4' in tree and '486.43' in tree
