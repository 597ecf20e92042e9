#!/usr/bin/python3
"""Audit the cleartext evidence of the captures the truth manifest covers (issue 14).

For every tests/truth/<case>.toml (or the captures named with --capture) this reads the
capture with PLAIN tshark -- a throwaway HOME, so no personal plugin and never qvpn -- and
prints, per connection attempt of the truth file (per peer pair with --capture):

  offered / chosen   the IKE SA proposals of the first MM1/AM1/IKE_SA_INIT request and the
                     responder's choice, in the text form of the issue-14 contract
                     (IKEv1 "ENCR[-bits]/HASH/AUTH/GROUP/LIFEs", IKEv2
                     "ENCR alts/PRF alts/INTEG alts/DH alts"), and the chosen D-H group
  vendor IDs         per side, Wireshark's names (isakmp.vid_string) or the raw bytes
  NAT-D              the hashes recomputed with hashlib and compared with the payloads:
                     IKEv1 (RFC 3947) HASH(CKY-I | CKY-R | IP | Port) with the negotiated
                     hash, first NAT-D = destination, the others = source; IKEv2 (RFC 7296)
                     SHA1(SPIi | SPIr | IP | Port), notify 16388 source, 16389 destination.
                     A sender's source hash that matches none of the packet's source
                     address/port: the sender is behind NAT; a destination hash that does
                     not match the packet's destination: the receiver is (as seen at the
                     capture point)
  IP fragments       IKE/ESP messages reassembled from IP fragments (ip.fragment count)
  ICMP errors        ICMP/ICMPv6 errors and the packet they quote
  TLS                ClientHello / ServerHello versions and suites, alerts

    /usr/bin/python3 tests/truth/audit_evidence.py [CASE ...]
    /usr/bin/python3 tests/truth/audit_evidence.py --capture FILE [--capture FILE ...]

The facts come from Wireshark's own dissection and the RFCs' hash definitions only; the
truth files' `evidence`, `fields` and `must_expert` keys are written from this output.
"""
import collections
import hashlib
import ipaddress
import os
import subprocess
import sys
import tempfile
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

# --- names (the contract's text form; IANA numbers) -----------------------------------
GROUPS = {1: 'MODP768', 2: 'MODP1024', 5: 'MODP1536', 14: 'MODP2048', 15: 'MODP3072', 16: 'MODP4096',
          17: 'MODP6144', 18: 'MODP8192', 19: 'ECP256', 20: 'ECP384', 21: 'ECP521', 22: 'MODP1024-160',
          23: 'MODP2048-224', 24: 'MODP2048-256', 25: 'ECP192', 26: 'ECP224', 27: 'BP224', 28: 'BP256',
          29: 'BP384', 30: 'BP512', 31: 'Curve25519', 32: 'Curve448'}
V1_ENCR = {1: 'DES', 2: 'IDEA', 3: 'Blowfish', 4: 'RC5', 5: '3DES', 6: 'CAST', 7: 'AES-CBC', 8: 'Camellia-CBC'}
V1_HASH = {1: 'MD5', 2: 'SHA1', 3: 'Tiger', 4: 'SHA2-256', 5: 'SHA2-384', 6: 'SHA2-512'}
V1_AUTH = {1: 'PSK', 2: 'DSS-SIG', 3: 'RSA-SIG', 4: 'RSA-ENC', 5: 'RSA-REVENC', 9: 'ECDSA-SIG',
           64221: 'HYBRID-RSA', 64222: 'HYBRID-RSA', 65001: 'XAUTH-PSK', 65002: 'XAUTH-PSK',
           65003: 'XAUTH-DSS', 65004: 'XAUTH-DSS', 65005: 'XAUTH-RSA-SIG', 65006: 'XAUTH-RSA-SIG'}
V1_HASHLIB = {1: 'md5', 2: 'sha1', 4: 'sha256', 5: 'sha384', 6: 'sha512'}
V2_ENCR = {2: 'DES', 3: '3DES', 11: 'NULL', 12: 'AES-CBC', 13: 'AES-CTR', 14: 'AES-CCM-8', 15: 'AES-CCM-12',
           16: 'AES-CCM-16', 18: 'AES-GCM-8', 19: 'AES-GCM-12', 20: 'AES-GCM-16', 23: 'CAMELLIA-CBC',
           28: 'CHACHA20-POLY1305'}
V2_PRF = {1: 'PRF-HMAC-MD5', 2: 'PRF-HMAC-SHA1', 4: 'PRF-AES128-XCBC', 5: 'PRF-HMAC-SHA2-256',
          6: 'PRF-HMAC-SHA2-384', 7: 'PRF-HMAC-SHA2-512', 8: 'PRF-AES128-CMAC'}
V2_INTEG = {1: 'HMAC-MD5-96', 2: 'HMAC-SHA1-96', 5: 'AES-XCBC-96', 8: 'AES-CMAC-96', 12: 'HMAC-SHA2-256-128',
            13: 'HMAC-SHA2-384-192', 14: 'HMAC-SHA2-512-256'}
ICMP4 = {(3, 0): 'net unreachable', (3, 1): 'host unreachable', (3, 2): 'protocol unreachable',
         (3, 3): 'port unreachable', (3, 4): 'fragmentation needed', (3, 9): 'administratively prohibited',
         (3, 10): 'administratively prohibited', (3, 13): 'administratively prohibited',
         (11, 0): 'time exceeded (TTL)', (11, 1): 'time exceeded (reassembly)'}
ICMP6 = {(1, 0): 'no route', (1, 1): 'administratively prohibited', (1, 3): 'address unreachable',
         (1, 4): 'port unreachable', (2, 0): 'packet too big', (3, 0): 'time exceeded (hop limit)',
         (3, 1): 'time exceeded (reassembly)'}
# Vendor ID names (Wireshark's) that name an implementation -> the word an engineer uses
SOFTWARE = [('MS NT5 ISAKMPOAKLEY', 'Microsoft Windows'), ('strongSwan', 'strongSwan'),
            ('Openswan', 'Openswan'), ('Libreswan', 'Libreswan'), ('KAME/racoon', 'racoon'),
            ('racoon', 'racoon'), ('Fortigate', 'FortiGate'), ('Netscreen', 'Juniper NetScreen'),
            ('Palo Alto', 'Palo Alto'), ('Check Point', 'Check Point'), ('SonicWall', 'SonicWall'),
            ('Cisco VPN Concentrator', 'Cisco VPN 3000'), ('Cisco IOS', 'Cisco IOS'),
            ('FLEXVPN', 'Cisco FlexVPN'), ('Cisco VPN Revision', 'Cisco IOS'), ('CISCO-UNITY', 'Cisco Unity'),
            ('Cisco Copyright', 'Cisco')]


def cmdline(cap, args):
    return 'tshark -r %s %s' % (cap, ' '.join(args))


def tshark_pdml(cap, extra, dfilter):
    """Plain tshark (a fresh HOME and config dir: no personal plugin, no qvpn)."""
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=home, TZ='UTC', WIRESHARK_CONFIG_DIR=home)
        env.pop('WIRESHARK_PLUGIN_DIR', None)
        r = subprocess.run(['tshark', '-r', str(cap), *extra, '-T', 'pdml', '-Y', dfilter], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    out = r.stdout
    if '</pdml>' not in out:            # a capture cut short (fuzz): close the document
        out = out[:out.rfind('</packet>') + len('</packet>')] + '</pdml>\n' if '</packet>' in out else '<pdml/>'
    return ET.fromstring(out)


FILTER = ('isakmp || icmp.type == 3 || icmp.type == 11 || icmpv6.type == 1 || icmpv6.type == 2 '
          '|| icmpv6.type == 3 || tls.handshake.type == 1 || tls.handshake.type == 2 || tls.alert_message '
          '|| ip.flags.mf == 1 || ip.frag_offset > 0 || ipv6.fragment || (esp && ip.fragment)')


def fields(elem, name):
    return [f for f in elem.iter('field') if f.get('name') == name]


def first(elem, name, attr='show'):
    for f in elem.iter('field'):
        if f.get('name') == name:
            return f.get(attr)
    return None


def raw(f):
    return bytes.fromhex(f.get('value') or f.get('show', '').replace(':', ''))


def showname_value(f):
    s = f.get('showname', '')
    return s.split(': ', 1)[1] if ': ' in s else s


# --- one packet ------------------------------------------------------------------------


def top_protos(pkt):
    return [p for p in pkt if p.tag == 'proto']


def parse_packet(pkt):
    d = {'ike': [], 'icmp': None, 'tls': [], 'frag': None, 'esp': False}
    for p in top_protos(pkt):
        n = p.get('name')
        if n == 'frame':
            d['num'] = int(first(p, 'frame.number'))
            d['time'] = float(first(p, 'frame.time_relative'))
        elif n in ('ip', 'ipv6') and 'src' not in d:
            d['src'] = str(ipaddress.ip_address(first(p, n + '.src')))
            d['dst'] = str(ipaddress.ip_address(first(p, n + '.dst')))
            if n == 'ip':
                mf, off = first(p, 'ip.flags.mf'), first(p, 'ip.frag_offset')
                count = len(fields(p, 'ip.fragment'))
                d['frag'] = {'mf': mf == '1', 'off': int(off or 0), 'count': count,
                             'in': first(p, 'ip.reassembled_in')}
            else:
                count = len(fields(p, 'ipv6.fragment'))
                d['frag'] = {'mf': first(p, 'ipv6.fragment.more') == '1',
                             'off': int(first(p, 'ipv6.fragment.offset') or 0), 'count': count,
                             'in': first(p, 'ipv6.reassembled_in')}
        elif n in ('udp', 'tcp') and 'sport' not in d:
            d['l4'] = n
            d['sport'], d['dport'] = int(first(p, n + '.srcport')), int(first(p, n + '.dstport'))
        elif n == 'isakmp':
            d['ike'].append(parse_ike(p))
        elif n == 'esp':
            d['esp'] = True
        elif n in ('icmp', 'icmpv6'):
            d['icmp'] = parse_icmp(p, n)
        elif n == 'tls':
            d['tls'].extend(parse_tls(p))
    return d


def parse_icmp(p, n):
    t, c = int(first(p, n + '.type')), int(first(p, n + '.code'))
    name = (ICMP4 if n == 'icmp' else ICMP6).get((t, c))
    if name is None:
        return None
    q = {'type': t, 'code': c, 'name': name, 'v6': n == 'icmpv6'}
    inner = [x for x in p.iter('proto') if x is not p]
    for x in inner:
        xn = x.get('name')
        if xn in ('ip', 'ipv6') and 'src' not in q:
            q['src'], q['dst'] = first(x, xn + '.src'), first(x, xn + '.dst')
            q['proto'] = first(x, 'ip.proto') if xn == 'ip' else first(x, 'ipv6.nxt')
        elif xn in ('udp', 'tcp') and 'sport' not in q:
            q['l4'] = xn.upper()
            q['sport'], q['dport'] = int(first(x, xn + '.srcport')), int(first(x, xn + '.dstport'))
        elif xn == 'esp':
            q['l4'] = q.get('l4') or 'ESP'
    if 'l4' not in q and q.get('proto') == '50':
        q['l4'] = 'ESP'
    return q


def parse_tls(p):
    out = []
    for rec in fields(p, 'tls.handshake'):
        ht = first(rec, 'tls.handshake.type')
        if ht not in ('1', '2'):
            continue
        ver = first(rec, 'tls.handshake.version', 'showname') or ''
        ver = ver.split(': ', 1)[-1].split(' (')[0]
        sv = [showname_value(f).split(' (')[0] for f in fields(rec, 'tls.handshake.extensions.supported_version')]
        suites = [showname_value(f).split(' (')[0] for f in fields(rec, 'tls.handshake.ciphersuite')]
        out.append({'hello': 'client' if ht == '1' else 'server', 'version': ver, 'supported': sv,
                    'suites': suites})
    for f in fields(p, 'ssl.handshake.cipherspec') + fields(p, 'tls.handshake.cipherspec'):
        pass
    v2 = fields(p, 'tls.handshake.cipherspec')
    if v2:
        out.append({'hello': 'client', 'version': 'SSLv2 format', 'supported': [],
                    'suites': [showname_value(f).split(' (')[0] for f in v2]})
    for f in fields(p, 'tls.alert_message'):
        lvl = first(f, 'tls.alert_message.level', 'showname') or ''
        desc = first(f, 'tls.alert_message.desc', 'showname') or ''
        if desc:
            out.append({'alert': desc.split(': ', 1)[-1], 'level': lvl.split(': ', 1)[-1]})
    return out


def payloads(elem):
    """The payload subtrees directly under elem (ISAKMP payloads nest: SA > P > T)."""
    return [f for f in elem if f.tag == 'field' and f.get('name') == 'isakmp.typepayload']


def parse_ike(p):
    ver = first(p, 'isakmp.version') or ''
    m = {'ver': 2 if ver.startswith('0x2') else 1, 'exch': int(first(p, 'isakmp.exchangetype') or 0),
         'ispi': (first(p, 'isakmp.ispi') or '').replace(':', ''),
         'rspi': (first(p, 'isakmp.rspi') or '').replace(':', ''),
         'resp': first(p, 'isakmp.flag_r') == '1', 'enc': first(p, 'isakmp.flag_e') == '1',
         'init': first(p, 'isakmp.flag_i') == '1',
         'props': [], 'vids': [], 'natd': [], 'notify': [], 'ke': None, 'length': first(p, 'isakmp.length')}
    for pl in payloads(p):
        t = int(pl.get('show'))
        if t in (1, 33):
            for prop in payloads(pl):
                protoid = first(prop, 'isakmp.prop.protoid')
                m['props'].append({'protoid': int(protoid or 0), 'transforms': [parse_transform(tr) for tr in payloads(prop)]})
        elif t in (13, 43):
            b, s = first(pl, 'isakmp.vid_bytes'), first(pl, 'isakmp.vid_string')
            m['vids'].append(((b or '').replace(':', ''), (s or '').strip()))
        elif t in (20, 130):
            h = fields(pl, 'isakmp.ike.nat_hash')
            if h:
                m['natd'].append(raw(h[0]))
        elif t in (11, 41):
            mt = first(pl, 'isakmp.notify.msgtype')
            data = fields(pl, 'isakmp.notify.data')
            m['notify'].append((int(mt or 0), raw(data[0]) if data else b'',
                                (first(pl, 'isakmp.notify.msgtype', 'showname') or '').split(': ', 1)[-1]))
        elif t in (34,):
            g = first(pl, 'isakmp.key_exchange.dh_group')
            m['ke'] = int(g) if g else None
    return m


def parse_transform(tr):
    t = {}
    for f in tr.iter('field'):
        n = f.get('name')
        v = f.get('show')
        if n == 'isakmp.ike.attr.encryption_algorithm':
            t['encr'] = int(v)
        elif n in ('isakmp.ike.attr.key_length', 'isakmp.ike2.attr.key_length'):
            t['keylen'] = int(v)
        elif n == 'isakmp.ike.attr.hash_algorithm':
            t['hash'] = int(v)
        elif n == 'isakmp.ike.attr.authentication_method':
            t['auth'] = int(v)
        elif n == 'isakmp.ike.attr.group_description':
            t['group'] = int(v)
        elif n == 'isakmp.ike.attr.life_type':
            t['_lt'] = int(v)
        elif n == 'isakmp.ike.attr.life_duration' and t.get('_lt') == 1:
            t['life'] = int(v)
        elif n == 'isakmp.tf.type':
            t['type'] = int(v)
        elif n.startswith('isakmp.tf.id.'):
            t['id'] = int(v)
    return t


# --- text forms --------------------------------------------------------------------------


def v1_suite(t):
    e = V1_ENCR.get(t.get('encr'), 'ENCR%s' % t.get('encr'))
    if 'keylen' in t:
        e += '-%d' % t['keylen']
    parts = [e, V1_HASH.get(t.get('hash'), 'HASH%s' % t.get('hash')),
             V1_AUTH.get(t.get('auth'), 'AUTH%s' % t.get('auth')),
             GROUPS.get(t.get('group'), 'GROUP%s' % t.get('group'))]
    if 'life' in t:
        parts.append('%ds' % t['life'])
    return '/'.join(parts)


def v2_suite(prop):
    alts = collections.defaultdict(list)
    for t in prop['transforms']:
        ty = t.get('type')
        if ty == 1:
            name = V2_ENCR.get(t.get('id'), 'ENCR%s' % t.get('id'))
            if 'keylen' in t:
                name += '-%d' % t['keylen']
        elif ty == 2:
            name = V2_PRF.get(t.get('id'), 'PRF%s' % t.get('id'))
        elif ty == 3:
            name = V2_INTEG.get(t.get('id'), 'INTEG%s' % t.get('id'))
        elif ty == 4:
            name = GROUPS.get(t.get('id'), 'GROUP%s' % t.get('id'))
        else:
            continue
        if name not in alts[ty]:
            alts[ty].append(name)
    return '/'.join(','.join(alts[ty]) for ty in (1, 2, 3, 4) if alts[ty])


def suites(m):
    """An IKE message's SA payload -> list of suite texts (IKE SA proposals only)."""
    if m['ver'] == 1:
        return [v1_suite(t) for p in m['props'] if p['protoid'] in (1, 0) for t in p['transforms']]
    return [v2_suite(p) for p in m['props'] if p['protoid'] == 1]


def chosen_group(m):
    if m['ver'] == 1:
        ts = [t for p in m['props'] for t in p['transforms']]
        return ts[0].get('group') if ts else None
    for p in m['props']:
        for t in p['transforms']:
            if t.get('type') == 4:
                return t.get('id')
    return m.get('ke')


def software(vids):
    names = []
    for _, s in vids:
        for key, word in SOFTWARE:
            if key.lower() in s.lower():
                names.append(word)
                break
    return names


# --- NAT-D --------------------------------------------------------------------------------


def addr_bytes(a):
    return ipaddress.ip_address(a).packed


def natd_v1(hashalg, ispi, rspi, ip, port):
    h = hashlib.new(hashalg)
    h.update(bytes.fromhex(ispi) + bytes.fromhex(rspi) + addr_bytes(ip) + port.to_bytes(2, 'big'))
    return h.digest()


def natd_v2(ispi, rspi, ip, port):
    return hashlib.sha1(bytes.fromhex(ispi) + bytes.fromhex(rspi) + addr_bytes(ip) + port.to_bytes(2, 'big')).digest()


def natd_check(pkt, m, hashalg):
    """-> (src_ok, dst_ok, how) for one IKE message with NAT-D, or None.  src_ok False:
    the sender is behind NAT; dst_ok False: the receiver is (seen at the capture point)."""
    src, dst, sp, dp = pkt['src'], pkt['dst'], pkt.get('sport'), pkt.get('dport')
    if sp is None:
        return None
    if m['ver'] == 1:
        if not m['natd'] or hashalg is None:
            return None
        dst_h, src_hs = m['natd'][0], m['natd'][1:]
        ok_dst = dst_h == natd_v1(hashalg, m['ispi'], m['rspi'], dst, dp)
        ok_src = any(h == natd_v1(hashalg, m['ispi'], m['rspi'], src, sp) for h in src_hs)
        return ok_src, ok_dst, 'RFC 3947 %s' % hashalg
    srcs = [d for t, d, _ in m['notify'] if t == 16388]
    dsts = [d for t, d, _ in m['notify'] if t == 16389]
    if not srcs and not dsts:
        return None
    ok_src = any(h == natd_v2(m['ispi'], m['rspi'], src, sp) for h in srcs) if srcs else None
    ok_dst = any(h == natd_v2(m['ispi'], m['rspi'], dst, dp) for h in dsts) if dsts else None
    return ok_src, ok_dst, 'RFC 7296 SHA1'


# --- one capture ---------------------------------------------------------------------------


def audit_capture(cap, extra=(), attempts=None):
    """-> {attempt key: findings}.  attempts: the truth file's [[attempt]] tables (None:
    one group per peer pair)."""
    root = tshark_pdml(REPO / cap if not Path(cap).is_absolute() else cap, list(extra), FILTER)
    pkts = [parse_packet(p) for p in root.iter('packet')]
    pkts = [p for p in pkts if 'num' in p]
    groups = group_attempts(pkts, attempts)
    return {k: findings(v, cl) for k, (v, cl) in groups.items()}


def group_attempts(pkts, attempts):
    groups = collections.OrderedDict()
    if not attempts:
        for p in pkts:
            if 'src' not in p:
                continue
            pair = p['src'], p['dst']
            if p['icmp'] and p['icmp'].get('src'):
                pair = p['icmp']['src'], p['icmp']['dst']
            key = ' <-> '.join(sorted(pair))
            groups.setdefault(key, ([], None))[0].append(p)
        return groups
    ats = []
    for i, a in enumerate(attempts):
        ats.append((str(a.get('id', i + 1)), a['client'], a['gateway'], int(a['first_frame']), a.get('last_frame')))
    by_pair = collections.defaultdict(list)
    for at in ats:
        by_pair[frozenset((str(ipaddress.ip_address(at[1])), str(ipaddress.ip_address(at[2]))))].append(at)
    spans = {}
    for pair, lst in by_pair.items():
        lst.sort(key=lambda x: x[3])
        for j, at in enumerate(lst):
            last = at[4] if at[4] is not None else (lst[j + 1][3] - 1 if j + 1 < len(lst) else 10 ** 9)
            spans[at[0]] = (pair, at[3], int(last), str(ipaddress.ip_address(at[1])))
    for at in ats:
        groups[at[0]] = ([], spans[at[0]][3])
    for p in pkts:
        if 'src' not in p:
            continue
        pair = frozenset((p['src'], p['dst']))
        if p['icmp'] and p['icmp'].get('src'):        # an ICMP error joins the quoted packet's pair
            pair = frozenset((str(ipaddress.ip_address(p['icmp']['src'])), str(ipaddress.ip_address(p['icmp']['dst']))))
        for aid, (apair, f0, f1, _) in spans.items():
            if apair == pair and f0 <= p['num'] <= f1:
                groups[aid][0].append(p)
    return groups


def findings(pkts, client):
    """Everything the packets of one attempt show in the clear."""
    f = collections.OrderedDict()
    sas = collections.OrderedDict()        # ispi -> {initiator, hashalg, ...}
    offered = chosen = None
    frames = collections.defaultdict(dict)
    vids = {'client': [], 'gateway': []}
    nat = {'client': None, 'gateway': None}
    natd_frames = []
    for p in pkts:
        for m in p['ike']:
            sa = sas.setdefault(m['ispi'], {'init': p['src'], 'hash': None, 'ver': m['ver']})
            side = 'client' if (client is None and p['src'] == sa['init']) or p['src'] == client else 'gateway'
            for v in m['vids']:
                if v not in vids[side]:
                    vids[side].append(v)
            from_init = m['init'] if m['ver'] == 2 else p['src'] == sa['init']
            phase1 = (m['ver'] == 1 and m['exch'] in (2, 4)) or (m['ver'] == 2 and m['exch'] == 34)
            if phase1 and m['props'] and suites(m):
                if from_init:       # IKEv2: the I flag (ndpi frame 207 is a request with R set)
                    frames[p['num']]['offered'] = '; '.join(suites(m))
                    if offered is None:
                        offered = frames[p['num']]['offered']
                else:
                    frames[p['num']]['chosen'] = '; '.join(suites(m))
                    frames[p['num']]['dh_group'] = chosen_group(m)
                    if chosen is None:
                        chosen = (frames[p['num']]['chosen'], chosen_group(m), p['num'])
                    if m['ver'] == 1:
                        ts = [t for pr in m['props'] for t in pr['transforms']]
                        sa['hash'] = V1_HASHLIB.get(ts[0].get('hash')) if ts else None
            for t, d, name in m['notify']:
                if t in (14, 17, 16, 24, 7, 9, 43, 34, 35, 36, 38, 11, 4):   # errors, v1 and v2
                    frames[p['num']].setdefault('notify', []).append(name)
                if t == 17 and len(d) >= 2:
                    frames[p['num']]['invalid_ke_group'] = int.from_bytes(d[:2], 'big')
                if t == 16430:
                    frames[p['num']]['ikev2_frag_supported'] = True
            if m['vids']:
                frames[p['num']]['vids'] = [s or b for b, s in m['vids']]
            if m['ver'] == 1 and m['natd'] and sa['hash'] is None and m['rspi'] != '0' * 16:
                # NAT-D before a chosen transform was seen (capture starts late): try them all
                for alg in ('sha1', 'md5', 'sha256', 'sha384', 'sha512'):
                    r = natd_check(p, m, alg)
                    if r and (r[0] or r[1]):
                        sa['hash'] = alg
                        break
            r = natd_check(p, m, sa['hash'])
            if r:
                sender = 'client' if p['src'] == client else 'gateway'
                receiver = 'gateway' if sender == 'client' else 'client'
                ok_src, ok_dst, how = r
                behind = []
                if ok_src is False:
                    behind.append(sender)
                if ok_dst is False:
                    behind.append(receiver)
                for who, ok in ((sender, ok_src), (receiver, ok_dst)):
                    if ok is not None:
                        nat[who] = (nat[who] or False) or not ok
                v = (1 if 'client' in behind else 0) | (2 if 'gateway' in behind else 0)
                frames[p['num']]['nat'] = v
                frames[p['num']]['natd'] = 'src %s, dst %s (%s)' % (
                    {True: 'ok', False: 'MISMATCH', None: '-'}[ok_src], {True: 'ok', False: 'MISMATCH', None: '-'}[ok_dst], how)
                natd_frames.append(p['num'])
        fr = p.get('frag')
        if fr and fr['count'] > 1 and (p['ike'] or p['esp']):
            frames[p['num']]['ip_fragments'] = fr['count']
        if p['icmp']:
            q = p['icmp']
            frames[p['num']]['icmp'] = '%s (ICMP%s %d/%d) quoting %s %s:%s -> %s:%s' % (
                q['name'], 'v6' if q['v6'] else '', q['type'], q['code'], q.get('l4', 'proto %s' % q.get('proto')),
                q.get('src'), q.get('sport', ''), q.get('dst'), q.get('dport', ''))
        for t in p['tls']:
            if 'alert' in t:
                frames[p['num']].setdefault('tls_alert', []).append('%s %s' % (t['level'], t['alert']))
            else:
                txt = '%s%s: %s' % (t['version'], (' (supported_versions %s)' % ', '.join(t['supported']))
                                    if t['supported'] else '', ', '.join(t['suites']))
                frames[p['num']]['tls_' + t['hello']] = txt
    f['offered'] = offered
    f['chosen'] = chosen[0] if chosen else None
    f['dh_group'] = chosen[1] if chosen else None
    f['client_vids'] = [s or b for b, s in vids['client']]
    f['gateway_vids'] = [s or b for b, s in vids['gateway']]
    f['client_software'] = software(vids['client'])
    f['gateway_software'] = software(vids['gateway'])
    if nat['client'] is None and nat['gateway'] is None:
        f['nat'] = None
    else:
        f['nat'] = {(False, False): 'none', (True, False): 'client', (False, True): 'gateway',
                    (True, True): 'both'}[(bool(nat['client']), bool(nat['gateway']))]
    f['natd_frames'] = natd_frames
    f['ip_fragmented'] = sum(1 for fr in frames.values() if 'ip_fragments' in fr)
    icmps = [fr['icmp'] for fr in frames.values() if 'icmp' in fr]
    f['icmp'] = icmps[0] if icmps else None
    hellos = [(n, fr) for n, fr in frames.items() if 'tls_client' in fr]
    f['tls_offered'] = hellos[0][1]['tls_client'] if hellos else None
    sh = [(n, fr) for n, fr in frames.items() if 'tls_server' in fr]
    f['tls_chosen'] = sh[0][1]['tls_server'] if sh else None
    f['frames'] = frames
    return f


# --- output -----------------------------------------------------------------------------


def report(name, cap, extra, res):
    print('== %s (%s)' % (name, cap))
    print('   source: %s' % cmdline(cap, list(extra) + ['-T', 'pdml', '-Y', "'%s'" % FILTER]))
    for key, f in res.items():
        print('  attempt %s' % key)
        for k in ('offered', 'chosen', 'dh_group', 'client_software', 'gateway_software', 'nat',
                  'ip_fragmented', 'icmp', 'tls_offered', 'tls_chosen'):
            v = f[k]
            if v not in (None, [], 0) or k in ('nat',):
                print('    %-17s %s' % (k, v if not isinstance(v, str) or len(v) < 400 else v[:400] + '...'))
        if f['client_vids'] or f['gateway_vids']:
            print('    %-17s client: %s' % ('vendor IDs', '; '.join(f['client_vids']) or '-'))
            print('    %-17s gateway: %s' % ('', '; '.join(f['gateway_vids']) or '-'))
        for n, fr in sorted(f['frames'].items()):
            items = ['%s=%s' % (k, v if not isinstance(v, str) or len(v) < 160 else v[:160] + '...')
                     for k, v in fr.items() if k not in ('vids',)]
            if items:
                print('    frame %-6d %s' % (n, '; '.join(items)))


def main(argv):
    caps = []
    args = list(argv)
    while '--capture' in args:
        i = args.index('--capture')
        caps.append(args[i + 1])
        del args[i:i + 2]
    if caps:
        for c in caps:
            report(Path(c).stem, c, (), audit_capture(Path(c).resolve()))
        return 0
    files = sorted(HERE.glob('*.toml'))
    files = [f for f in files if f.name != 'known_wrong.toml' and (not args or f.stem in args)]
    for path in files:
        with open(path, 'rb') as fh:
            case = tomllib.load(fh)
        extra = case.get('tshark_args', [])
        res = audit_capture(case['capture'], extra, case.get('attempt', []))
        report(path.stem, case['capture'], extra, res)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
