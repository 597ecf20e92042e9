"""Issue 15: the keyed IKEv1 captures decrypt with stock tshark 4.0 and their key tables.

    /usr/bin/python3 -m pytest tests/captures/test_keys_v1.py

For every capture with `<capture>.ikev1_decryption_table` beside it (the generated v1-*
scenarios, wireshark__ikev1-bug-12610): tshark run with the table's rows as
`-o uat:ikev1_decryption_table:<row>` (and `.esp_sa` rows with ESP decryption and its
authentication check on) must show, on every IKEv1 E-flag message, the decrypted payload
chain -- payloads, no Malformed, no expert error or warning -- and, in the generated ones,
the RFC 2409 5.3 padding after the chain (zeros, then their count).  The one exception is
said by its scenario: v1-psk-mismatch-keys ships the gateway's key, so the client's MM5
(encrypted with the other key) decrypts to noise.  Every ESP packet of a capture with
`.esp_sa` decrypts (inner IPv4) and its HMAC-SHA-1-96 ICV checks.  And what each
scenario says it carries is what Wireshark reads: the notify types, the XAUTH status, the
Mode Config values, the DPD sequence numbers, the Delete payloads.
"""
import json

import pytest

from test_captures import CAPTURES, TSHARK, tshark, tshark_env  # noqa: F401

pytestmark = pytest.mark.skipif(TSHARK is None, reason='tshark not installed')

KEYFRAMES = json.loads((CAPTURES / 'scenarios' / 'keyframes.json').read_text())
KEYED = sorted(p for p in list((CAPTURES / 'scenarios').iterdir()) + list((CAPTURES / 'public').iterdir())
               if p.name.endswith('.ikev1_decryption_table'))
# frames that cannot decrypt with the table, by the scenario's design: tag -> why
NOISE = {'v1-psk-mismatch-keys': ('s1.mm5', 's1.mm5.retx')}
FIELDS = ['frame.number', 'isakmp.flag_e', 'isakmp.exchangetype', 'isakmp.typepayload', 'isakmp.extradata',
          'isakmp.notify.msgtype', 'isakmp.notify.data.dpd.are_you_there',
          'isakmp.notify.data.dpd.are_you_there_ack', 'isakmp.cfg.type', 'isakmp.cfg.attr.xauth.status',
          'isakmp.cfg.attr.internal_ip4_address', 'isakmp.cfg.attr.type', 'isakmp.cfg.attr.value',
          'isakmp.delete.protoid', 'isakmp.delete.spi', 'esp.spi', 'esp.icv_good', 'ip.src', 'ip.dst',
          '_ws.malformed', '_ws.expert.severity']


def severe(severities):
    """An expert info of Warning (0x00600000) or Error (0x00800000) severity."""
    return any(int(v, 0) >= 0x00600000 for v in severities.split('|') if v)


def rows_of(path):
    out = []
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith('#'):
            out.append(line.strip())
    return out


def keyed_args(capture):
    args = []
    for row in rows_of(capture.parent / (capture.name + '.ikev1_decryption_table')):
        args += ['-o', 'uat:ikev1_decryption_table:' + row]
    esp = capture.parent / (capture.name + '.esp_sa')
    if esp.exists():
        args += ['-o', 'esp.enable_encryption_decode:TRUE', '-o', 'esp.enable_authentication_check:TRUE']
        for row in rows_of(esp):
            args += ['-o', 'uat:esp_sa:' + row]
    return args


def dissect(env, capture):
    args = keyed_args(capture) + ['-r', str(capture), '-T', 'fields', '-E', 'separator=;', '-E', 'occurrence=a',
                                  '-E', 'aggregator=|']
    for f in FIELDS:
        args += ['-e', f]
    return {int(v[0]): dict(zip(FIELDS, v)) for v in (l.split(';') for l in tshark(env, *args).splitlines())}


def case_name(table):
    return table.name[:-len('.ikev1_decryption_table')].split('.')[0]


@pytest.fixture(scope='module')
def dissected(tshark_env):
    return {case_name(t): dissect(tshark_env, t.parent / t.name[:-len('.ikev1_decryption_table')]) for t in KEYED}


def test_there_are_keyed_captures():
    names = {case_name(t) for t in KEYED}
    assert {'v1-qm-invalid-id', 'v1-qm-no-proposal', 'v1-psk-mismatch-keys', 'v1-xauth-modecfg',
            'v1-xauth-failed', 'v1-rekey', 'wireshark__ikev1-bug-12610'} <= names


@pytest.mark.parametrize('name', sorted(case_name(t) for t in KEYED))
def test_every_encrypted_message_decrypts(dissected, name):
    rows = dissected[name]
    ev = KEYFRAMES.get(name, {}).get('events', {})
    noise = {n for tag in NOISE.get(name, ()) for n in ev.get(tag, [])}
    enc = [n for n, f in rows.items() if f['isakmp.flag_e'] in ('1', 'True')]
    assert enc, 'no E-flag message'
    bad = []
    for n in enc:
        f = rows[n]
        if n in noise:
            continue
        if not f['isakmp.typepayload'] or f['_ws.malformed'] or severe(f['_ws.expert.severity']):
            bad.append((n, f['isakmp.typepayload'], f['_ws.malformed'], f['_ws.expert.severity']))
            continue
        if name in KEYFRAMES:                 # generated: RFC 2409 5.3 padding after the chain
            pad = bytes.fromhex(f['isakmp.extradata'])
            if not pad or pad[-1] != len(pad) - 1 or any(pad[:-1]):
                bad.append((n, 'padding', f['isakmp.extradata']))
    assert not bad, '%s: E-flag frames that do not decrypt cleanly: %s' % (name, bad)
    if noise:                                 # and the ones that cannot, do not
        assert all(n in enc for n in noise)


@pytest.mark.parametrize('name', sorted(case_name(t) for t in KEYED
                                        if (t.parent / t.name.replace('.ikev1_decryption_table', '.esp_sa')).exists()))
def test_every_esp_packet_decrypts(dissected, name):
    esp = {n: f for n, f in dissected[name].items() if f['esp.spi']}
    assert len(esp) >= 8
    bad = [n for n, f in esp.items() if f['esp.icv_good'] not in ('1', 'True') or len(f['ip.src'].split('|')) != 2]
    assert not bad, '%s: ESP frames not decrypted or with a bad ICV: %s' % (name, bad)


def on(rows, ev, tag, field):
    return [rows[n][field] for n in ev[tag]]


def test_what_the_scenarios_say(dissected):
    """The decrypted content the truth files rely on."""
    def ev(name):
        return KEYFRAMES[name]['events']
    r, e = dissected['v1-qm-invalid-id'], ev('v1-qm-invalid-id')
    assert on(r, e, 's1.qm_refused', 'isakmp.notify.msgtype') == ['18']          # INVALID-ID-INFORMATION
    assert on(r, e, 's1.info.client', 'isakmp.delete.protoid') == ['1']
    r, e = dissected['v1-qm-no-proposal'], ev('v1-qm-no-proposal')
    assert on(r, e, 's1.qm_refused', 'isakmp.notify.msgtype') == ['14']          # NO-PROPOSAL-CHOSEN
    assert '4' in on(r, e, 's1.qm1', 'isakmp.typepayload')[0].split('|')          # KE: PFS
    r, e = dissected['v1-psk-mismatch-keys'], ev('v1-psk-mismatch-keys')
    assert on(r, e, 's1.mm5_refused', 'isakmp.notify.msgtype') == ['16'] * 3     # PAYLOAD-MALFORMED
    r, e = dissected['v1-xauth-modecfg'], ev('v1-xauth-modecfg')
    assert on(r, e, 's1.xauth.set', 'isakmp.cfg.attr.xauth.status') == ['1']
    assert on(r, e, 's1.cfg.reply', 'isakmp.cfg.attr.internal_ip4_address') == ['10.10.10.5']
    assert '0a000000ffffff00000000000000' in on(r, e, 's1.cfg.reply', 'isakmp.cfg.attr.value')[0]
    req, ack = on(r, e, 's1.dpd.req', 'isakmp.notify.data.dpd.are_you_there'), \
        on(r, e, 's1.dpd.ack', 'isakmp.notify.data.dpd.are_you_there_ack')
    assert req == ack and len(req) == 2 and int(req[1]) == int(req[0]) + 1
    assert on(r, e, 's1.info.client', 'isakmp.delete.protoid') == ['3', '1']
    assert len(on(r, e, 's1.info.client', 'isakmp.delete.spi')[0].split('|')) == 2
    r, e = dissected['v1-xauth-failed'], ev('v1-xauth-failed')
    assert on(r, e, 's1.xauth.set', 'isakmp.cfg.attr.xauth.status') == ['0']
    assert on(r, e, 's1.info.gateway', 'isakmp.delete.protoid') == ['1']
    r, e = dissected['v1-rekey'], ev('v1-rekey')
    deleted = set(on(r, e, 's1.rekey.delete', 'isakmp.delete.spi')[0].split('|'))
    old = {r[n]['esp.spi'] for n in e['s1.esp.out'] + e['s1.esp.in']}
    new = {r[n]['esp.spi'] for n in e['s1.rekey.esp.out'] + e['s1.rekey.esp.in']}
    assert len(old) == 2 and len(new) == 2 and not old & new
    assert {'0x' + s for s in deleted} == old
    r = dissected['wireshark__ikev1-bug-12610']
    assert r[10]['isakmp.cfg.attr.xauth.status'] == '1' and r[13]['isakmp.cfg.attr.internal_ip4_address'] == '10.1.1.1'
