"""Issue 14's scenarios against stock tshark 4.0 and the RFCs, independent of the generator.

    /usr/bin/python3 -m pytest tests/captures/test_evidence_scenarios.py

The truth files of these scenarios (tests/truth/<name>.toml) name the evidence qvpn must
show: offered/chosen suites, NAT, IP fragments, ICMP errors, TLS offers.  Here every such
value is rebuilt from Wireshark's own dissection and the RFCs -- NAT-D hashes recomputed
(RFC 3947 3.2, RFC 7296 2.23) from the cookies/SPIs and the addresses and ports the
packet carries, suite texts from the SA payload's transform IDs and attributes, fragment
offsets and IDs, the packet an ICMP error quotes -- and compared with the truth file.
"""
import hashlib
import ipaddress
import struct
import tomllib
import xml.etree.ElementTree as ET

import pytest

from test_captures import CAPTURES, REPO, TSHARK, tshark, tshark_env  # noqa: F401

pytestmark = pytest.mark.skipif(TSHARK is None, reason='tshark not installed')

TRUTH = REPO / 'tests' / 'truth'
NAMES = ['proposal-refused-legacy', 'proposal-unanswered-ikev2', 'invalid-ke-retry', 'nat-t-ok', 'nat-t-blocked',
         'nat-raw-esp', 'nat-rebinding', 'ike-fragments-lost', 'icmp-port-unreachable', 'icmp-esp-prohibited',
         'tls-legacy-hello-refused']

# IANA names in the contract's spelling (evidence-vocab.md): IKEv1 attribute values
# (RFC 2409 appendix A) and IKEv2 transform IDs (RFC 7296 3.3.2)
V1_ENC = {1: 'DES', 5: '3DES', 7: 'AES-CBC'}
V1_HASH = {1: 'MD5', 2: 'SHA1', 4: 'SHA2-256'}
V1_AUTH = {1: 'PSK', 3: 'RSA-SIG', 65001: 'XAUTH-PSK'}
GROUP = {1: 'MODP768', 2: 'MODP1024', 5: 'MODP1536', 14: 'MODP2048', 19: 'ECP256', 20: 'ECP384', 31: 'Curve25519'}
V2_ENCR = {3: '3DES', 12: 'AES-CBC', 20: 'AES-GCM-16'}
V2_PRF = {1: 'PRF-HMAC-MD5', 2: 'PRF-HMAC-SHA1', 5: 'PRF-HMAC-SHA2-256'}
V2_INTEG = {1: 'HMAC-MD5-96', 2: 'HMAC-SHA1-96', 12: 'HMAC-SHA2-256-128'}


def truth(name):
    with open(TRUTH / (name + '.toml'), 'rb') as fh:
        return tomllib.load(fh)


def capture(name):
    return str(REPO / truth(name)['capture'])


def frames_of(spec):
    out = []
    for item in str(spec).split(','):
        a, _, b = item.partition('-')
        out += list(range(int(a), int(b or a) + 1))
    return out


def field_frames(t, field):
    """{frame: value} of one qvpn field in the truth file's `fields`."""
    out = {}
    for spec, fields in t['attempt'][0].get('fields', {}).items():
        if field in fields:
            for n in frames_of(spec):
                out[n] = fields[field]
    return out


@pytest.fixture(scope='module')
def pdml(tshark_env):
    cache = {}

    def get(name):
        if name not in cache:
            xml = tshark(tshark_env, '-r', capture(name), '-T', 'pdml')
            cache[name] = {int(p.find("proto[@name='geninfo']/field[@name='num']").get('show')): p
                           for p in ET.fromstring(xml).iter('packet')}
        return cache[name]
    return get


def fields(elem, name):
    return [f.get('show') for f in elem.iter('field') if f.get('name') == name]


def first(elem, name):
    v = fields(elem, name)
    return v[0] if v else None

# ----------------------------------------------------------------------------- suites


def transforms(prop):
    return [f for f in prop if f.get('name') == 'isakmp.typepayload'
            and f.get('showname', '').startswith('Payload: Transform')]


def v1_text(tr):
    enc = V1_ENC[int(first(tr, 'isakmp.ike.attr.encryption_algorithm'))]
    bits = first(tr, 'isakmp.ike.attr.key_length')
    life = [f.get('show') for f in tr.iter('field') if f.get('name', '').startswith('isakmp.ike.attr.life_duration')]
    text = '%s%s/%s/%s/%s' % (enc, '-' + bits if bits else '',
                              V1_HASH[int(first(tr, 'isakmp.ike.attr.hash_algorithm'))],
                              V1_AUTH[int(first(tr, 'isakmp.ike.attr.authentication_method'))],
                              GROUP[int(first(tr, 'isakmp.ike.attr.group_description'))])
    return text + ('/%ss' % life[0] if life else '')


def v2_text(prop):
    alts = {1: [], 2: [], 3: [], 4: []}
    for tr in transforms(prop):
        ttype = int(first(tr, 'isakmp.tf.type'))
        if ttype == 1:
            bits = first(tr, 'isakmp.ike2.attr.key_length')
            alts[1].append(V2_ENCR[int(first(tr, 'isakmp.tf.id.encr'))] + ('-' + bits if bits else ''))
        elif ttype == 2:
            alts[2].append(V2_PRF[int(first(tr, 'isakmp.tf.id.prf'))])
        elif ttype == 3:
            alts[3].append(V2_INTEG[int(first(tr, 'isakmp.tf.id.integ'))])
        elif ttype == 4:
            alts[4].append(GROUP[int(first(tr, 'isakmp.tf.id.dh'))])
    return '/'.join(','.join(alts[k]) for k in (1, 2, 3, 4) if alts[k])


def sa_text(pkt):
    """The suites of the frame's SA payload in the contract's text form, or None."""
    isakmp = pkt.find("proto[@name='isakmp']")
    if isakmp is None:
        return None
    props = [f for f in isakmp.iter('field') if f.get('name') == 'isakmp.typepayload'
             and f.get('showname', '').startswith('Payload: Proposal')]
    if not props:
        return None
    if first(isakmp, 'isakmp.version') == '0x20':
        return '; '.join(v2_text(p) for p in props)
    return '; '.join(v1_text(tr) for p in props for tr in transforms(p))


@pytest.mark.parametrize('name', NAMES)
def test_offered_and_chosen_are_what_wireshark_shows(pdml, name):
    t, pk = truth(name), pdml(name)
    a = t['attempt'][0]
    for field in ('qvpn.ike.offered', 'qvpn.ike.chosen'):
        for n, want in field_frames(t, field).items():
            assert sa_text(pk[n]) == want, '%s frame %d: %s' % (name, n, field)
    suites = [(n, sa_text(p)) for n, p in sorted(pk.items()) if n >= a['first_frame'] and sa_text(p)]
    ev = a.get('evidence', {})
    if 'offered' in ev:
        assert suites[0][1] == ev['offered'], name
    if 'chosen' in ev:
        assert suites[-1][1] == ev['chosen'], name
    if 'dh_group' in ev:
        parts = ev['chosen'].split('/')
        assert GROUP[ev['dh_group']] == (parts[3] if len(parts) == 5 else parts[-1]), name

# ----------------------------------------------------------------------------- NAT-D


def natd(pkt):
    """(from the message's sender: its source hash matches, the destination hash matches)
    recomputed from what the packet carries, or None without NAT-D."""
    isakmp = pkt.find("proto[@name='isakmp']")
    if isakmp is None:
        return None
    ip = pkt.find("proto[@name='ip']")
    udp = pkt.find("proto[@name='udp']")
    src, dst = ipaddress.ip_address(first(ip, 'ip.src')).packed, ipaddress.ip_address(first(ip, 'ip.dst')).packed
    sport, dport = int(first(udp, 'udp.srcport')), int(first(udp, 'udp.dstport'))
    spis = bytes.fromhex(first(isakmp, 'isakmp.ispi').replace(':', '')) + \
        bytes.fromhex(first(isakmp, 'isakmp.rspi').replace(':', ''))

    def h(fn, addr, port):
        return fn(spis + addr + struct.pack('!H', port)).digest().hex()
    v1 = [x.replace(':', '') for x in fields(isakmp, 'isakmp.ike.nat_hash')]
    if v1:
        fn = hashlib.sha1 if len(v1[0]) == 40 else hashlib.md5
        return any(x == h(fn, src, sport) for x in v1[1:]), v1[0] == h(fn, dst, dport)
    types, data = fields(isakmp, 'isakmp.notify.msgtype'), fields(isakmp, 'isakmp.notify.data')
    nd = {int(ty): d.replace(':', '') for ty, d in zip(types, data) if int(ty) in (16388, 16389)}
    if not nd:
        return None
    return nd[16388] == h(hashlib.sha1, src, sport), nd[16389] == h(hashlib.sha1, dst, dport)


def nat_value(pkt, client):
    """The contract's qvpn.nat: 1 client behind NAT, 2 gateway, 3 both, 0 none."""
    src_ok, dst_ok = natd(pkt)
    from_client = first(pkt.find("proto[@name='ip']"), 'ip.src') == client
    cli_ok, gw_ok = (src_ok, dst_ok) if from_client else (dst_ok, src_ok)
    return (0 if cli_ok else 1) | (0 if gw_ok else 2)


@pytest.mark.parametrize('name', NAMES)
def test_nat_detection_recomputed(pdml, name):
    t, pk = truth(name), pdml(name)
    a = t['attempt'][0]
    for n, want in field_frames(t, 'qvpn.nat').items():
        assert natd(pk[n]) is not None and nat_value(pk[n], a['client']) == want, '%s frame %d' % (name, n)
    values = [nat_value(p, a['client']) for n, p in sorted(pk.items()) if n >= a['first_frame'] and natd(p)]
    want = a.get('evidence', {}).get('nat')
    if want is not None:
        seen = 0
        for v in values:
            seen |= v
        assert ['none', 'client', 'gateway', 'both'][seen] == want, (name, values)
    elif values:
        pytest.fail('%s: NAT-D seen (%s) but the truth names no nat' % (name, values))

# ----------------------------------------------------------------------------- fragments


def test_ike_auth_in_ip_fragments(tshark_env):
    out = tshark(tshark_env, '-r', capture('ike-fragments-lost'), '-Y', 'ip.flags.mf == 1 || ip.frag_offset > 0',
                 '-T', 'fields', '-e', 'frame.number', '-e', 'ip.id', '-e', 'ip.flags.mf', '-e', 'ip.frag_offset',
                 '-e', 'ip.len', '-e', 'isakmp.exchangetype', '-e', 'isakmp.length', '-e', 'udp.dstport')
    groups = {}
    for line in out.splitlines():
        f = line.split('\t')
        groups.setdefault(f[1], []).append(f)
    assert len(groups) == 4, 'the IKE_AUTH and 3 resends, one IP ID each'
    last = []
    for frags in groups.values():
        # MF, offset (8-byte units), IP total length
        assert [(r[2], r[3], r[4]) for r in frags] == [('1', '0', '1500'), ('1', '185', '1500'), ('0', '370', '540')]
        assert frags[-1][5] == '35' and frags[-1][6] == '3468' and frags[-1][7] == '4500'
        last.append(int(frags[-1][0]))
    assert sorted(last) == sorted(field_frames(truth('ike-fragments-lost'), 'qvpn.ip_fragments'))
    assert truth('ike-fragments-lost')['attempt'][0]['evidence']['ip_fragmented'] == len(last)
    frag_supported = tshark(tshark_env, '-r', capture('ike-fragments-lost'), '-Y', 'isakmp.notify.msgtype == 16430')
    assert frag_supported == '', 'no IKEV2_FRAGMENTATION_SUPPORTED'

# ----------------------------------------------------------------------------- ICMP


ICMP_TEXT = {3: 'port unreachable', 13: 'administratively prohibited'}


@pytest.mark.parametrize('name', ['icmp-port-unreachable', 'icmp-esp-prohibited'])
def test_icmp_errors_quote_the_packet_before(tshark_env, name):
    cols = ['frame.number', 'ip.src', 'ip.dst', 'ip.id', 'ip.ttl', 'ip.proto', 'icmp.type', 'icmp.code',
            'icmp.checksum.status', 'ip.checksum.status', 'udp.srcport', 'esp.spi', 'esp.sequence']
    args = ['-r', capture(name), '-o', 'ip.check_checksum:TRUE',
            '-Y', 'ip.addr == %s' % truth(name)['attempt'][0]['gateway'],
            '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=;']
    for c in cols:
        args += ['-e', c]
    rows = [dict(zip(cols, line.split('\t'))) for line in tshark(tshark_env, *args).splitlines()]
    t = truth(name)
    want = field_frames(t, 'qvpn.icmp')
    seen = {}
    for i, r in enumerate(rows):
        if r['icmp.type'] != '3':
            continue
        code = int(r['icmp.code'])
        outer_src, inner_src = r['ip.src'].split(';')
        inner_id, inner_ttl = r['ip.id'].split(';')[1], int(r['ip.ttl'].split(';')[1])
        assert outer_src == t['attempt'][0]['gateway'] and inner_src == t['attempt'][0]['client']
        assert r['icmp.checksum.status'] == '1' and r['ip.checksum.status'].split(';') == ['1', '1']
        quoted = [q for q in rows[:i] if q['ip.id'] == inner_id and q['ip.src'] == inner_src]
        assert quoted, 'frame %s quotes no earlier packet' % r['frame.number']
        q = quoted[-1]
        assert inner_ttl == int(q['ip.ttl']) - 12
        assert r['ip.proto'].split(';')[1] == q['ip.proto']
        if code == 13:
            assert r['esp.spi'] == q['esp.spi'] and r['esp.sequence'] == q['esp.sequence']
        else:
            assert r['udp.srcport'].split(';')[-1] == q['udp.srcport'] == '500'
        seen[int(r['frame.number'])] = ICMP_TEXT[code]
    assert seen == want
    assert t['attempt'][0]['evidence']['icmp'] == list(seen.values())[0]

# ----------------------------------------------------------------------------- IKEv2 INVALID_KE


def test_invalid_ke_asks_for_the_group_the_retry_uses(tshark_env):
    out = tshark(tshark_env, '-r', capture('invalid-ke-retry'), '-Y', 'isakmp.exchangetype == 34', '-T', 'fields',
                 '-e', 'frame.number', '-e', 'isakmp.ispi', '-e', 'isakmp.rspi', '-e', 'isakmp.key_exchange.dh_group',
                 '-e', 'isakmp.notify.msgtype', '-e', 'isakmp.notify.data.accepted_dh_group')
    rows = [line.split('\t') for line in out.splitlines()]
    assert [r[0] for r in rows] == ['5', '6', '7', '8']
    assert len({r[1] for r in rows}) == 1, 'one SPIi'
    assert rows[0][3] == '19' and rows[1][4] == '17' and rows[1][5] == '14' and rows[1][2] == '0000000000000000'
    assert rows[2][3] == '14' and rows[3][3] == '14'
    assert field_frames(truth('invalid-ke-retry'), 'qvpn.ike.dh_group') == {6: 14, 8: 14}

# ----------------------------------------------------------------------------- Vendor IDs, TLS


def test_vendor_ids_name_the_peers(tshark_env):
    out = tshark(tshark_env, '-r', capture('nat-t-ok'), '-Y', 'isakmp.vid_string', '-T', 'fields',
                 '-e', 'frame.number', '-e', 'isakmp.vid_bytes', '-e', 'isakmp.vid_string')
    rows = {int(line.split('\t')[0]): line.split('\t')[1:] for line in out.splitlines()}
    mm1 = rows[20]
    assert '1e2b516905991c7d7c96fcbfb587e46100000008' in mm1[0].split(',') and 'MS NT5 ISAKMPOAKLEY' in mm1[1]
    assert 'RFC 3947' in mm1[1] and 'MS-Negotiation Discovery Capable' in mm1[1]
    assert 'CISCO-UNITY' in rows[23][1] and 'RFC 3706 DPD' in rows[23][1]
    out = tshark(tshark_env, '-r', capture('invalid-ke-retry'), '-Y', 'frame.number == 8', '-T', 'fields',
                 '-e', 'isakmp.vid_bytes')
    assert b'CISCO-DELETE-REASON'.hex() in out.replace(':', '')


def test_legacy_hello_offers_only_rc4_des_3des(tshark_env):
    path = capture('tls-legacy-hello-refused')
    out = tshark(tshark_env, '-r', path, '-Y', 'frame.number == 6', '-V')
    specs = [line.strip() for line in out.splitlines() if line.strip().startswith('Cipher Spec:')]
    assert len(specs) == 11 and 'SSLv2 Record Layer: Client Hello' in out and 'Version: TLS 1.0' in out
    assert all(('RC4' in s or 'DES' in s) and 'AES' not in s for s in specs), specs
    alert = tshark(tshark_env, '-r', path, '-Y', 'frame.number == 7', '-T', 'fields',
                   '-e', 'tls.alert_message.level', '-e', 'tls.alert_message.desc')
    assert alert.split() == ['2', '40']

