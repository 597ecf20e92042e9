"""Keyed captures (issue 15) against stock tshark 4.0 given their keys.

    /usr/bin/python3 -m pytest tests/captures/test_keyed_captures.py

A capture with Wireshark key tables beside it (<capture>.ikev2_decryption_table,
<capture>.esp_sa, <capture>.ikev1_decryption_table) is read with every row given as
-o uat:<table>:<row>: every IKEv2 SK payload must decrypt with a correct integrity checksum,
every ESP packet must decrypt with a correct ICV, nothing is malformed, and in the generated
ones every inner IPv4/ICMP/TCP/UDP checksum is right.  The decrypted payloads of the keyed
scenarios are the ones the generator meant (captures/gen/qvgen/scenarios_keys_v2.py).
"""
import json

import pytest

from test_captures import CAPTURES, TSHARK, tshark, tshark_env  # noqa: F401

pytestmark = pytest.mark.skipif(TSHARK is None, reason='tshark not installed')

TABLES = ('ikev1_decryption_table', 'ikev2_decryption_table', 'esp_sa')


def keyed_captures():
    out = []
    for folder in (CAPTURES / 'scenarios', CAPTURES / 'public'):
        for t in sorted(folder.glob('*.*')):
            if t.suffix[1:] in TABLES:
                cap = t.with_suffix('')
                if cap not in out:
                    out.append(cap)
    return out


def key_args(cap):
    args = []
    for table in TABLES:
        path = cap.parent / ('%s.%s' % (cap.name, table))
        if path.is_file():
            for row in path.read_text().splitlines():
                if row.strip() and not row.startswith('#'):
                    args += ['-o', 'uat:%s:%s' % (table, row.strip())]
            if table == 'esp_sa':
                args += ['-o', 'esp.enable_encryption_decode:TRUE', '-o', 'esp.enable_authentication_check:TRUE']
    return args


CHECKSUMS = ['-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE']


def frames(env, cap, dfilter, extra=()):
    out = tshark(env, '-r', str(cap), *key_args(cap), *extra, '-Y', dfilter, '-T', 'fields', '-e', 'frame.number')
    return [int(x) for x in out.split()]


def test_there_are_keyed_captures():
    names = {c.name for c in keyed_captures()}
    assert {'ikev2-rekey-delete.pcapng', 'tunnel-inner-no-reply.pcap', 'wireshark__esp-bug-12671.pcapng.gz',
            'wireshark__ikev2-decrypt-aes256gcm16.pcap'} <= names, names


def ikev2_or_esp_keyed():
    """The keyed captures with IKEv2 or ESP keys; IKEv1-only ones (the v1-* scenarios,
    wireshark__ikev1-bug-12610) are checked by test_keys_v1.py."""
    return [c for c in keyed_captures()
            if any((c.parent / ('%s.%s' % (c.name, t))).is_file()
                   for t in ('ikev2_decryption_table', 'esp_sa'))]


@pytest.mark.parametrize('cap', ikev2_or_esp_keyed(), ids=lambda c: c.name)
def test_keys_open_everything(tshark_env, cap):
    generated = cap.parent.name == 'scenarios'
    sk = frames(tshark_env, cap, 'isakmp.version == 0x20 && isakmp.nextpayload == 46')
    assert frames(tshark_env, cap, 'isakmp.nextpayload == 46 && !isakmp.enc.decrypted') == []
    assert frames(tshark_env, cap, '_ws.expert.message contains "Integrity Checksum Data is incorrect"') == []
    esp = frames(tshark_env, cap, 'esp')
    assert frames(tshark_env, cap, 'esp && !(esp.decrypted_data && esp.icv_good == 1)') == []
    assert sk or esp
    bad = frames(tshark_env, cap, '_ws.malformed || _ws.expert.severity == error', CHECKSUMS if generated else ())
    assert bad == [], 'malformed or expert error with the keys: %s' % bad
    if generated:
        assert sk or not (cap.parent / ('%s.ikev2_decryption_table' % cap.name)).is_file(), \
            'a scenario keyed for IKEv2 has SK payloads'
        checks = 'ip.checksum.status == "Bad" || icmp.checksum.status == "Bad" || tcp.checksum.status == "Bad" ' \
                 '|| udp.checksum.status == "Bad"'
        assert frames(tshark_env, cap, checks, CHECKSUMS) == []


def decrypted(env, name):
    k = json.loads((CAPTURES / 'scenarios' / 'keyframes.json').read_text())[name]
    cap = CAPTURES / k['file']
    out = tshark(env, '-r', str(cap), *key_args(cap), '-T', 'fields', '-E', 'separator=;', '-E', 'occurrence=a',
                 '-e', 'frame.number', '-e', 'isakmp.notify.msgtype', '-e', 'isakmp.delete.spi', '-e', 'isakmp.prop.protoid',
                 '-e', 'isakmp.ts.type', '-e', 'icmp.type', '-e', 'tcp.flags.syn', '-e', 'ip.src', '-e', 'ip.dst')
    rows = {int(r[0]): r[1:] for r in (l.split(';') for l in out.splitlines())}
    return k['events'], rows


def test_keyed_scenarios_say_what_they_mean(tshark_env):
    ev, rows = decrypted(tshark_env, 'ikev2-auth-failed-keys')
    assert rows[ev['s1.auth.resp'][0]][0] == '24'                            # AUTHENTICATION_FAILED
    ev, rows = decrypted(tshark_env, 'ikev2-ts-unacceptable')
    assert rows[ev['s1.auth.resp'][0]][0] == '38'                            # TS_UNACCEPTABLE
    assert rows[ev['s1.auth.req'][0]][3] == '7,7'                            # TSi, TSr: IPv4 ranges
    ev, rows = decrypted(tshark_env, 'ikev2-child-no-proposal')
    assert rows[ev['s1.child.resp'][0]][0] == '14'                           # NO_PROPOSAL_CHOSEN
    ev, rows = decrypted(tshark_env, 'ikev2-rekey-delete')
    assert '16393' in rows[ev['s1.rekey.req'][0]][0].split(',')              # REKEY_SA
    assert rows[ev['s1.del_child.info.req'][0]][1] != ''                     # D(ESP, SPI)
    assert rows[ev['s1.del_ike.info.req'][0]][1] == ''                       # D(IKE): no SPI
    assert all(rows[n][0] == '' and rows[n][1] == '' for n in ev['s1.live_gw.info.req'] + ev['s1.live_cli.info.req'])
    ev, rows = decrypted(tshark_env, 'tunnel-inner-no-reply')
    out_inner = [rows[n] for n in ev['s1.esp.out']]
    back_inner = [rows[n] for n in ev['s1.esp.in']]
    requests = [r for r in out_inner if r[7].endswith('10.0.0.5')]
    assert len(requests) == 30 and {r[4] for r in requests} == {'8', ''}     # 25 echo requests, 5 SYNs
    assert all(r[7].endswith('192.168.5.10') and r[4].endswith('8') for r in back_inner)   # only requests come back
