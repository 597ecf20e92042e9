"""The module loads from the build tree and registers what the README promises."""
import re

from conftest import REPO

# Every qvpn.* field: abbreviation -> type.
FIELDS = {
    'qvpn.session': 'FT_UINT32',
    'qvpn.client': 'FT_IPv4',
    'qvpn.gateway': 'FT_IPv4',
    'qvpn.client6': 'FT_IPv6',
    'qvpn.gateway6': 'FT_IPv6',
    'qvpn.phase': 'FT_UINT8',
    'qvpn.step': 'FT_UINT8',
    'qvpn.ike.msg': 'FT_UINT8',
    'qvpn.ike.state': 'FT_UINT8',
    'qvpn.response_in': 'FT_FRAMENUM',
    'qvpn.response_to': 'FT_FRAMENUM',
    'qvpn.rtt.kind': 'FT_UINT8',
    'qvpn.rtt.tcp': 'FT_RELATIVE_TIME',
    'qvpn.rtt.tls': 'FT_RELATIVE_TIME',
    'qvpn.rtt.ike': 'FT_RELATIVE_TIME',
    'qvpn.time_to_tunnel': 'FT_RELATIVE_TIME',
    'qvpn.retransmission_of': 'FT_FRAMENUM',
    'qvpn.evidence': 'FT_UINT8',
    'qvpn.ike.offered': 'FT_STRING',
    'qvpn.ike.chosen': 'FT_STRING',
    'qvpn.ike.dh_group': 'FT_UINT16',
    'qvpn.ike.vendor': 'FT_STRING',
    'qvpn.client.software': 'FT_STRING',
    'qvpn.gateway.software': 'FT_STRING',
    'qvpn.nat': 'FT_UINT8',
    'qvpn.ip_fragments': 'FT_UINT8',
    'qvpn.icmp': 'FT_STRING',
    'qvpn.tls.offered': 'FT_STRING',
    'qvpn.tls.chosen': 'FT_STRING',
    # with keys (issue 15)
    'qvpn.decrypted.notify': 'FT_STRING',
    'qvpn.ts.i': 'FT_STRING',
    'qvpn.ts.r': 'FT_STRING',
    'qvpn.p2.proposal': 'FT_STRING',
    'qvpn.p2.spi': 'FT_UINT32',
    'qvpn.p2.pfs': 'FT_UINT16',
    'qvpn.child_sa': 'FT_STRING',
    'qvpn.delete': 'FT_STRING',
    'qvpn.dpd': 'FT_STRING',
    'qvpn.dpd.seq': 'FT_UINT32',
    'qvpn.xauth': 'FT_STRING',
    'qvpn.cfg.address': 'FT_STRING',
    'qvpn.cfg.split': 'FT_STRING',
    'qvpn.identity': 'FT_STRING',
    'qvpn.inner': 'FT_STRING',
    'qvpn.esp.ts': 'FT_STRING',
}

# One expert info per qvpn_finding (a new finding must be added here, and to the README).
EXPERT = [
    'qvpn.rst_after_alert', 'qvpn.mm_stall', 'qvpn.qm_stall', 'qvpn.ike_retransmission',
    'qvpn.ike_notify', 'qvpn.tls_alert', 'qvpn.esp_one_way', 'qvpn.tunnel_up',
    'qvpn.session_cap', 'qvpn.ike_auth_failed', 'qvpn.ike_refused', 'qvpn.ike_redirect',
    'qvpn.ike_renegotiation', 'qvpn.rst_after_close', 'qvpn.legacy_crypto',
    'qvpn.proposal_refused', 'qvpn.nat_detected', 'qvpn.nat_raw_esp', 'qvpn.natt_blocked',
    'qvpn.nat_rebinding', 'qvpn.ip_fragmented', 'qvpn.fragments_lost', 'qvpn.esp_fragmented',
    'qvpn.icmp_error', 'qvpn.tls_legacy_hello', 'qvpn.sa_deleted', 'qvpn.xauth_failed',
    'qvpn.inner_no_reply',
]

PREFS = {
    'qvpn.tls_ports': '443,60443',
    'qvpn.gateways': '',
    'qvpn.stall_timeout': '10',
    'qvpn.esp_one_way_packets': '10',
    'qvpn.esp_one_way_seconds': '5',
    'qvpn.logout_window': '30',
    'qvpn.max_sessions': '10000',
    'qvpn.note_legacy_crypto': 'TRUE',
}


def project_version():
    m = re.search(r'project\(\s*qvpn\s+VERSION\s+([0-9.]+)', (REPO / 'CMakeLists.txt').read_text())
    return m.group(1)


def test_plugin_listed(tshark):
    out = tshark.ok(['-G', 'plugins'])
    rows = [l.split('\t') for l in out.splitlines()]
    qvpn = [r for r in rows if r[0].strip() == 'qvpn.so']
    assert qvpn, 'qvpn.so not in tshark -G plugins:\n' + out
    assert qvpn[0][1].strip() == project_version()
    assert qvpn[0][3].strip().endswith('/%s/epan/qvpn.so' % tshark.major_minor)


def test_protocol_registered(tshark):
    out = tshark.ok(['-G', 'protocols'])
    assert 'QuickVPN analysis\tQuickVPN\tqvpn' in out.splitlines()


def test_fields_registered_with_blurbs(tshark):
    out = tshark.ok(['-G', 'fields'])
    got = {}
    for line in out.splitlines():
        cols = line.split('\t')
        if cols[0] == 'F' and len(cols) >= 5 and cols[4] == 'qvpn':
            got[cols[2]] = cols
    for abbrev, ftype in FIELDS.items():
        assert abbrev in got, '%s not registered' % abbrev
        cols = got[abbrev]
        assert cols[3] == ftype, '%s is %s, not %s' % (abbrev, cols[3], ftype)
        assert len(cols) >= 8 and cols[7].strip(), '%s has no blurb' % abbrev
    for name in EXPERT:
        assert name in got, 'expert info %s not registered' % name
    unknown = set(got) - set(FIELDS) - set(EXPERT)
    assert not unknown, 'fields not covered by this test: %s' % sorted(unknown)


def test_value_strings_from_core(tshark):
    vals = {}
    for line in tshark.ok(['-G', 'values']).splitlines():
        cols = line.split('\t')
        if cols[0] == 'V' and cols[1].startswith('qvpn.'):
            vals.setdefault(cols[1], {})[int(cols[2])] = cols[3]
    assert vals['qvpn.phase'][2] == 'Policy activation'
    assert vals['qvpn.ike.state'][1] == 'MM_NO_STATE'
    assert 'MM3' in vals['qvpn.ike.msg'].values()
    assert set(vals) >= {'qvpn.phase', 'qvpn.step', 'qvpn.ike.msg', 'qvpn.ike.state',
                         'qvpn.rtt.kind'}


def test_preferences_and_defaults(tshark):
    out = tshark.ok(['-G', 'defaultprefs'])
    prefs = {}
    for line in out.splitlines():
        m = re.match(r'^#?(qvpn\.[a-z_]+):\s*(.*)$', line)
        if m:
            prefs[m.group(1)] = m.group(2).strip()
    assert prefs == PREFS


def test_only_plugin_symbols_exported(tshark):
    import shutil
    import subprocess
    nm = shutil.which('nm')
    if not nm:
        import pytest
        pytest.skip('nm not found')
    out = subprocess.run([nm, '-D', '--defined-only', str(tshark.module)],
                         stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout
    syms = {l.split()[-1] for l in out.splitlines() if l.strip()}
    syms -= {'_init', '_fini', '__bss_start', '_edata', '_end'}
    assert syms <= {'plugin_version', 'plugin_want_major', 'plugin_want_minor',
                    'plugin_register', 'plugin_describe'}, syms
    assert {'plugin_version', 'plugin_want_major', 'plugin_want_minor', 'plugin_register'} <= syms
