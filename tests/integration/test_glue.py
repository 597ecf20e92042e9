"""Behaviour of the epan glue itself, on the captures of gen_glue_captures.py and a
public one: TLS ports, same-name fields, ICMP quotes, NULL ESP, passes and filters.
Captures and their tshark arguments are the cases of tests/manifest.toml."""
import pytest

from conftest import CASES, case_capture


def rows(out):
    return [l.split('\t') for l in out.splitlines()]


def fields(tshark, cap, names, extra=()):
    args = ['-r', cap, *extra, '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a']
    for n in names:
        args += ['-e', n]
    return rows(tshark.ok(args))


def vals(tshark, field):
    """{label: number} of a qvpn value_string field (labels come from the core)."""
    out = {}
    for line in tshark.ok(['-G', 'values']).splitlines():
        c = line.split('\t')
        if c[0] == 'V' and c[1] == field:
            out[c[3]] = c[2]
    return out


@pytest.fixture(scope='module')
def data(tshark):
    """(capture readable by tshark, case) of a manifest case."""
    return lambda name: (case_capture(tshark, CASES[name]), CASES[name])


def test_quickvpn_port_decoded_as_tls(tshark, data):
    cap, case = data('tls_60443')
    off = list(case.args)           # TLS heuristics off: the port registration alone
    # With the default qvpn.tls_ports (443,60443) TCP 60443 is TLS ...
    r = fields(tshark, cap, ['frame.number', 'tls.handshake.type', 'qvpn.session'], off)
    assert [x[1] for x in r[3:5]] == ['1', '2']
    assert all(x[2] for x in r), 'every frame of the login belongs to a qvpn session'
    # ... and without the port in the preference it is plain TCP.
    r = fields(tshark, cap, ['frame.number', 'tls.handshake.type'],
               off + ['-o', 'qvpn.tls_ports:443'])
    assert [x[1] for x in r] == [''] * 5


def test_sslv2_client_hello_seen(tshark, data):
    cap, _ = data('sslv2_hello')
    r = fields(tshark, cap, ['frame.number', 'tls.record.version', 'tls.handshake.type',
                             'qvpn.session', 'qvpn.step'])
    last = r[3]
    assert last[1] == '0x0002' and last[2] == '1'
    assert last[3], 'the SSLv2 ClientHello frame has a verdict'


def test_icmp_quote_is_not_traffic(tshark, data):
    cap, _ = data('icmp_quote')
    r = fields(tshark, cap, ['frame.number', 'isakmp.ispi', 'qvpn.session', 'qvpn.step',
                             'qvpn.ike.msg', 'qvpn.icmp'])
    assert r[0][1] and r[0][2], 'the IKE packet is analysed'
    assert r[1][1], 'Wireshark dissects the quoted ISAKMP header'
    # The error joins the session of the packet it quotes, as an ICMP error, never as IKE.
    assert r[1][2] == r[0][2], 'the ICMP error joins the MM1 session'
    assert r[1][3] == vals(tshark, 'qvpn.step')['ICMP error'], 'it is an ICMP error to qvpn'
    assert r[1][4] == '', 'not an IKE message'
    assert 'port unreachable' in r[1][5] and 'UDP 500' in r[1][5], r[1][5]


def test_null_esp_keeps_outer_addresses(tshark, data):
    cap, case = data('null_esp')
    esp = vals(tshark, 'qvpn.step')['ESP']
    r = fields(tshark, cap, ['frame.number', 'tcp.srcport', 'qvpn.step', 'qvpn.client',
                             'qvpn.gateway'], case.args)
    for x in r:
        assert x[1], 'Wireshark decodes the inner TCP'
        assert x[2] == esp, 'frame %s is ESP to qvpn, not the tunnelled TCP' % x[0]
        assert set(x[3:5]) - {''} <= {'10.1.1.2', '10.9.9.1'}, 'outer addresses only: %s' % x


def test_filter_by_label_and_passes(tshark, data):
    cap, _ = data('zeek-spicy-ipsec__ipsec')
    flt = ['-Y', 'qvpn.phase == "Policy activation"']
    one = tshark.ok(['-r', cap, *flt, '-T', 'fields', '-e', 'frame.number'])
    two = tshark.ok(['-2', '-r', cap, *flt, '-T', 'fields', '-e', 'frame.number'])
    assert one == two and len(one.split()) >= 6
    # Expert infos are there without a printed tree, identical in both passes.
    z1 = tshark.ok(['-q', '-r', cap, '-z', 'expert,chat'])
    z2 = tshark.ok(['-2', '-q', '-r', cap, '-z', 'expert,chat'])
    assert z1 == z2 and 'Tunnel up' in z1
    # The detail view (-V) shows the same top line on both passes.
    top = '[QuickVPN analysis: '      # generated, hence the brackets
    v1 = [l for l in tshark.ok(['-r', cap, '-V']).splitlines() if l.startswith(top)]
    v2 = [l for l in tshark.ok(['-2', '-r', cap, '-V']).splitlines() if l.startswith(top)]
    assert v1 == v2 and len(v1) == 27
    assert v1[0] == top + 'Session 1, Policy activation, IKE Main Mode MM1, MM_NO_STATE]'
