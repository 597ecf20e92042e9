#!/usr/bin/python3
"""Hostile and awkward captures for tests/robust, byte for byte reproducible.

    /usr/bin/python3 captures/regress/gen_hostile.py                # the committed files
    /usr/bin/python3 captures/regress/gen_hostile.py --out DIR      # elsewhere
    /usr/bin/python3 captures/regress/gen_hostile.py --flood N --out FILE.pcap
                                                     # MM1 from N spoofed sources (big:
                                                     # generated at test time, not committed)
    /usr/bin/python3 captures/regress/gen_hostile.py --random N --seed S --out FILE.pcap
                                                     # random frames aimed at qvpn (fuzzing)

Everything derives from captures/quickvpn-reference.pcapng (the canonical QuickVPN
connection) or is built here from fixed numbers: no randomness, no clock.  Each
capture is described in captures/regress/README.md; the crash regressions found by
fuzzing (named <what>-<symptom>) are written here too when they can be generated.
"""
import argparse
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, '..', 'quickvpn-reference.pcapng')

LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113
LINKTYPE_LINUX_SLL2 = 276

ETH_IPV4, ETH_IPV6, ETH_ARP, ETH_VLAN, ETH_QINQ = 0x0800, 0x86dd, 0x0806, 0x8100, 0x88a8
IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ESP = 6, 17, 50

# The reference connection's peers (MISSION.md).
CLIENT = bytes([213, 16, 33, 141])
GATEWAY = bytes([79, 189, 214, 86])


# ---------------------------------------------------------------- files

def read_pcapng(path):
    """[(ts_us, frame)] of a little-endian pcapng with microsecond interfaces."""
    out = []
    with open(path, 'rb') as f:
        data = f.read()
    off = 0
    while off + 12 <= len(data):
        btype, blen = struct.unpack_from('<II', data, off)
        if btype == 6:      # EPB
            _, hi, lo, caplen, _ = struct.unpack_from('<IIIII', data, off + 8)
            out.append(((hi << 32) | lo, data[off + 28:off + 28 + caplen]))
        off += blen
    return out


def _opt(code, value):
    return struct.pack('<HH', code, len(value)) + value + b'\0' * ((-len(value)) % 4)


def write_pcap(path, frames, linktype=LINKTYPE_ETHERNET, nsec=False, snaplen=262144):
    """frames: [(ts_us, bytes)] (or ts_ns with nsec=True)."""
    magic = 0xa1b23c4d if nsec else 0xa1b2c3d4
    div = 1000000000 if nsec else 1000000
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', magic, 2, 4, 0, 0, snaplen, linktype))
        for ts, frame in frames:
            n = min(len(frame), snaplen)
            f.write(struct.pack('<IIII', (ts // div) & 0xffffffff, ts % div, n, len(frame)))
            f.write(frame[:n])


def write_pcapng(path, frames, linktype=LINKTYPE_ETHERNET, tsresol=6, tsoffset=None,
                 raw_ts=False):
    """frames: [(ts, bytes)], ts in units of 10^-tsresol s (raw 64-bit if raw_ts)."""
    def block(f, btype, body):
        total = 12 + len(body)
        f.write(struct.pack('<II', btype, total) + body + struct.pack('<I', total))
    with open(path, 'wb') as f:
        block(f, 0x0A0D0D0A, struct.pack('<IHHq', 0x1A2B3C4D, 1, 0, -1) +
              _opt(4, b'qvpn captures/regress/gen_hostile.py') + _opt(0, b''))
        opts = _opt(2, b'eth0') + _opt(9, bytes([tsresol]))
        if tsoffset is not None:
            opts += _opt(14, struct.pack('<q', tsoffset))
        block(f, 1, struct.pack('<HHI', linktype, 0, 262144) + opts + _opt(0, b''))
        for ts, frame in frames:
            ts &= 0xffffffffffffffff
            pad = b'\0' * ((-len(frame)) % 4)
            block(f, 6, struct.pack('<IIIII', 0, ts >> 32, ts & 0xffffffff, len(frame),
                                    len(frame)) + frame + pad)


# ---------------------------------------------------------------- packets

def csum(data):
    if len(data) & 1:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def split_eth(frame):
    return frame[:6], frame[6:12], struct.unpack('!H', frame[12:14])[0], frame[14:]


def ip4_parts(payload):
    """(header, l4, proto, src, dst) of an IPv4 packet, trailing padding dropped."""
    ihl = (payload[0] & 15) * 4
    total = struct.unpack('!H', payload[2:4])[0]
    return payload[:ihl], payload[ihl:total], payload[9], payload[12:16], payload[16:20]


def l4_checksum(proto, l4, pseudo):
    """l4 with its TCP/UDP checksum recomputed over the given pseudo-header."""
    if proto == IPPROTO_TCP:
        at = 16
    elif proto == IPPROTO_UDP:
        at = 6
    else:
        return l4
    l4 = l4[:at] + b'\0\0' + l4[at + 2:]
    c = csum(pseudo + l4)
    if proto == IPPROTO_UDP and c == 0:
        c = 0xffff
    return l4[:at] + struct.pack('!H', c) + l4[at + 2:]


def ip4_packet(src, dst, proto, l4, ident=0, ttl=64):
    pseudo = src + dst + struct.pack('!BBH', 0, proto, len(l4))
    l4 = l4_checksum(proto, l4, pseudo)
    hdr = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(l4), ident & 0xffff, 0x4000, ttl,
                      proto, 0, src, dst)
    hdr = hdr[:10] + struct.pack('!H', csum(hdr)) + hdr[12:]
    return hdr + l4


def rewrite_ip4(frame, src=None, dst=None, l4=None):
    """The Ethernet/IPv4 frame with new addresses (or L4 bytes), checksums redone."""
    dmac, smac, et, payload = split_eth(frame)
    hdr, old_l4, proto, s, d = ip4_parts(payload)
    s, d = src or s, dst or d
    l4 = old_l4 if l4 is None else l4
    ident = struct.unpack('!H', hdr[4:6])[0]
    return dmac + smac + struct.pack('!H', et) + ip4_packet(s, d, proto, l4, ident, hdr[8])


def eth(dst, src, ethertype, payload):
    f = dst + src + struct.pack('!H', ethertype) + payload
    return f + b'\0' * max(0, 60 - len(f))


def udp(sport, dport, payload):
    return struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload


def tcp(sport, dport, seq, ack, flags, payload=b'', win=65535):
    return struct.pack('!HHIIBBHHH', sport, dport, seq, ack, 5 << 4, flags, win, 0, 0) + payload


def mac(n):
    return bytes([0x02, 0x00, 0x5e, (n >> 16) & 255, (n >> 8) & 255, n & 255])


GW_MAC = bytes.fromhex('0018f8c0ffee')


def reference():
    return read_pcapng(REFERENCE)


def is_ip4(frame):
    return len(frame) >= 34 and split_eth(frame)[2] == ETH_IPV4


def vpn_frames(frames):
    """Frames of the reference connection (TCP/UDP/ESP between client and gateway)."""
    out = []
    for ts, f in frames:
        if not is_ip4(f):
            continue
        _, _, proto, s, d = ip4_parts(split_eth(f)[3])
        if {s, d} == {CLIENT, GATEWAY} and proto in (IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ESP):
            out.append((ts, f))
    return out


# ---------------------------------------------------------------- link layers

def to_vlan(frame, vid=42, qinq=False):
    dmac, smac, et, payload = split_eth(frame)
    tags = struct.pack('!HH', ETH_VLAN, vid)
    if qinq:
        tags = struct.pack('!HH', ETH_QINQ, 100) + tags
    return dmac + smac + tags + struct.pack('!H', et) + payload


def outgoing(frame):
    """The capture was taken on the client: frames it sent are outgoing."""
    dmac, smac, et, payload = split_eth(frame)
    if et == ETH_IPV4:
        return payload[12:16] == CLIENT
    if et == ETH_ARP:
        return payload[14:18] == CLIENT
    return False


def to_sll(frame):
    dmac, smac, et, payload = split_eth(frame)
    pkttype = 4 if outgoing(frame) else 0
    return struct.pack('!HHH8sH', pkttype, 1, 6, smac + b'\0\0', et) + payload


def to_sll2(frame):
    dmac, smac, et, payload = split_eth(frame)
    pkttype = 4 if outgoing(frame) else 0
    return struct.pack('!HHIHBB8s', et, 0, 2, 1, pkttype, 6, smac + b'\0\0') + payload


def to_raw(frame):
    _, _, et, payload = split_eth(frame)
    if et != ETH_IPV4:
        return None
    hdr, l4, _, _, _ = ip4_parts(payload)
    return hdr + l4


def v6_of(a4):
    """2001:db8::a.b.c.d (documentation prefix)."""
    return bytes.fromhex('20010db8000000000000000000000000')[:12] + a4


def to_ipv6(frame):
    """The IPv4 packet re-addressed into IPv6, checksums redone; None if not TCP/UDP/ESP."""
    dmac, smac, et, payload = split_eth(frame)
    if et != ETH_IPV4:
        return None
    hdr, l4, proto, s, d = ip4_parts(payload)
    if proto not in (IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ESP):
        return None
    s6, d6 = v6_of(s), v6_of(d)
    pseudo = s6 + d6 + struct.pack('!IxxxB', len(l4), proto)
    l4 = l4_checksum(proto, l4, pseudo)
    ip6 = struct.pack('!IHBB16s16s', 6 << 28, len(l4), proto, hdr[8], s6, d6)
    return dmac + smac + struct.pack('!H', ETH_IPV6) + ip6 + l4


# ---------------------------------------------------------------- captures

def reference_variants():
    ref = reference()
    out = {}
    out['reference-vlan.pcap'] = ('pcap', LINKTYPE_ETHERNET, [(t, to_vlan(f)) for t, f in ref])
    out['reference-qinq.pcapng'] = ('pcapng', LINKTYPE_ETHERNET,
                                    [(t, to_vlan(f, 7, qinq=True)) for t, f in ref])
    out['reference-sll.pcap'] = ('pcap', LINKTYPE_LINUX_SLL, [(t, to_sll(f)) for t, f in ref])
    out['reference-sll2.pcapng'] = ('pcapng', LINKTYPE_LINUX_SLL2, [(t, to_sll2(f)) for t, f in ref])
    out['reference-rawip.pcap'] = ('pcap', LINKTYPE_RAW,
                                   [(t, r) for t, r in ((t, to_raw(f)) for t, f in ref) if r])
    out['reference-nsec.pcap'] = ('pcap-nsec', LINKTYPE_ETHERNET, [(t * 1000, f) for t, f in ref])
    out['reference-ipv6.pcapng'] = ('pcapng', LINKTYPE_ETHERNET,
                                    [(t, r) for t, r in ((t, to_ipv6(f)) for t, f in ref) if r])

    # Out of order and duplicated: every 6th frame swapped with its successor (in
    # file order; timestamps travel with their frames), every 5th frame twice.
    frames = list(ref)
    for i in range(0, len(frames) - 1, 6):
        frames[i], frames[i + 1] = frames[i + 1], frames[i]
    dup = []
    for i, (t, f) in enumerate(frames):
        dup.append((t, f))
        if i % 5 == 0:
            dup.append((t, f))
    out['reference-reorder-dup.pcap'] = ('pcap', LINKTYPE_ETHERNET, dup)

    # Timestamps going backwards: from the first IKE frame on, an hour earlier; every
    # 10th frame 2 s earlier than its neighbours.
    back = []
    first_ike = None
    for i, (t, f) in enumerate(ref):
        if first_ike is None and is_ip4(f) and f[23] == IPPROTO_UDP and f[36:38] == b'\x01\xf4':
            first_ike = i
        if first_ike is not None:
            t -= 3600 * 1000000
        if i % 10 == 0:
            t -= 2 * 1000000
        back.append((t, f))
    out['reference-time-backwards.pcapng'] = ('pcapng', LINKTYPE_ETHERNET, back)
    return out


def cookie_spi_reuse():
    """The reference connection three times over: from a second client behind another
    NAT, and from the first client to a second gateway, with the same ISAKMP cookies
    and ESP SPIs (IKE and ESP state must be keyed by the peers, not by cookie/SPI)."""
    vpn = vpn_frames(reference())
    client2 = bytes([198, 51, 100, 7])
    gateway2 = bytes([203, 0, 113, 9])
    frames = []
    for t, f in vpn:
        frames.append((t, f))
        _, _, _, s, d = ip4_parts(split_eth(f)[3])
        m = {CLIENT: client2}
        frames.append((t + 250, rewrite_ip4(f, m.get(s, s), m.get(d, d))))
        m = {GATEWAY: gateway2}
        frames.append((t + 500, rewrite_ip4(f, m.get(s, s), m.get(d, d))))
    return frames


def mm1_template():
    for _, f in reference():
        if is_ip4(f) and f[23] == IPPROTO_UDP and f[36:38] == b'\x01\xf4':
            _, l4, _, _, _ = ip4_parts(split_eth(f)[3])
            return l4[8:]           # the ISAKMP MM1 of the reference
    raise RuntimeError('no MM1 in the reference')


def mm1_flood(n, t0_us=1268732487000000):
    """MM1 to the gateway from n spoofed sources (10.0.0.0/8, then 100.64.0.0/10),
    each with its own cookie, 10 us apart."""
    isakmp = mm1_template()
    for i in range(n):
        k = i + 1
        src = bytes([10, (k >> 16) & 255, (k >> 8) & 255, k & 255]) if k < (1 << 24) \
            else bytes([100, 64 | ((k >> 16) & 63), (k >> 8) & 255, k & 255])
        cookie = struct.pack('!II', 0xf100d000 | (k >> 32), k & 0xffffffff)
        payload = cookie + isakmp[8:]
        pkt = ip4_packet(src, GATEWAY, IPPROTO_UDP, udp(500, 500, payload), ident=k)
        yield t0_us + 10 * i, eth(GW_MAC, mac(k), ETH_IPV4, pkt)


def tcp443_syn_flood(n, t0_us=1268732487000000):
    """SYNs to 443 from n sources: with qvpn.max_sessions below n the peer-pair table
    fills up (crashed: NULL pair in the TCP login, fixed in 24847a8)."""
    out = []
    for k in range(1, n + 1):
        src = bytes([198, 18, k >> 8, k & 255])
        pkt = ip4_packet(src, GATEWAY, IPPROTO_TCP, tcp(40000 + k, 443, 1000 * k, 0, 0x02), k)
        out.append((t0_us + 1000 * k, eth(GW_MAC, mac(k), ETH_IPV4, pkt)))
    return out


def far_future_frames():
    """The reference's VPN frames with timestamps around the year 300,000 (pcapng's
    64-bit microseconds): frame time in ns overflows int64 (fixed in the glue)."""
    base = 9467 * 10 ** 15          # us since 1970: ~year 300,000
    return [(base + (t - 1268732487000000), f) for t, f in vpn_frames(reference())]


def no_vpn():
    """Ordinary traffic with nothing of QuickVPN: DNS, HTTP, NTP, ICMP, ARP, TLS on
    8443, UDP 5000.  qvpn must add nothing."""
    a, b, dns = bytes([192, 168, 1, 10]), bytes([93, 184, 216, 34]), bytes([192, 168, 1, 1])
    ma, mr = mac(1), GW_MAC
    t = 1268732487000000
    out = []

    def add(dt, frame):
        nonlocal t
        t += dt
        out.append((t, frame))
    q = struct.pack('!HHHHHH', 0x1234, 0x0100, 1, 0, 0, 0) + b'\x07example\x03com\x00\x00\x01\x00\x01'
    r = struct.pack('!HHHHHH', 0x1234, 0x8180, 1, 1, 0, 0) + q[12:] + \
        b'\xc0\x0c\x00\x01\x00\x01\x00\x00\x0e\x10\x00\x04' + b
    add(0, eth(mr, ma, ETH_IPV4, ip4_packet(a, dns, IPPROTO_UDP, udp(53000, 53, q), 1)))
    add(20000, eth(ma, mr, ETH_IPV4, ip4_packet(dns, a, IPPROTO_UDP, udp(53, 53000, r), 2)))
    for port, isn in ((80, 5000), (8443, 9000)):
        add(1000, eth(mr, ma, ETH_IPV4, ip4_packet(a, b, IPPROTO_TCP, tcp(50000 + port, port, isn, 0, 0x02))))
        add(30000, eth(ma, mr, ETH_IPV4, ip4_packet(b, a, IPPROTO_TCP, tcp(port, 50000 + port, 7, isn + 1, 0x12))))
        add(200, eth(mr, ma, ETH_IPV4, ip4_packet(a, b, IPPROTO_TCP, tcp(50000 + port, port, isn + 1, 8, 0x10))))
        if port == 80:
            body = b'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n'
        else:
            hello = b'\x01\x00\x00\x2d\x03\x01' + bytes(32) + b'\x00\x00\x04\x00\x0a\x00\x05\x01\x00'
            body = b'\x16\x03\x01' + struct.pack('!H', len(hello)) + hello
        add(300, eth(mr, ma, ETH_IPV4, ip4_packet(a, b, IPPROTO_TCP, tcp(50000 + port, port, isn + 1, 8, 0x18, body))))
        add(30000, eth(ma, mr, ETH_IPV4, ip4_packet(b, a, IPPROTO_TCP, tcp(port, 50000 + port, 8, isn + 1 + len(body), 0x11))))
        add(200, eth(mr, ma, ETH_IPV4, ip4_packet(a, b, IPPROTO_TCP, tcp(50000 + port, port, isn + 1 + len(body), 9, 0x11))))
    ntp = bytes([0x23]) + bytes(47)
    add(5000, eth(mr, ma, ETH_IPV4, ip4_packet(a, bytes([162, 159, 200, 1]), IPPROTO_UDP, udp(123, 123, ntp))))
    add(5000, eth(mr, ma, ETH_IPV4, ip4_packet(a, b, IPPROTO_UDP, udp(40000, 5000, b'hello'))))
    icmp = struct.pack('!BBHHH', 8, 0, 0, 1, 1) + b'abcdefgh'
    icmp = icmp[:2] + struct.pack('!H', csum(icmp)) + icmp[4:]
    add(5000, eth(mr, ma, ETH_IPV4, ip4_packet(a, b, 1, icmp)))
    arp = struct.pack('!HHBBH6s4s6s4s', 1, ETH_IPV4, 6, 4, 1, ma, a, bytes(6), dns)
    add(5000, eth(b'\xff' * 6, ma, ETH_ARP, arp))
    return out


def ike_exchange(frame):
    """ISAKMP exchange type of a UDP 500 frame, else None."""
    if not is_ip4(frame):
        return None
    _, l4, proto, _, _ = ip4_parts(split_eth(frame)[3])
    if proto != IPPROTO_UDP or l4[2:4] != b'\x01\xf4' or len(l4) < 8 + 28:
        return None
    return l4[8 + 18]


def stall_after_mm4(silence_s=7):
    """The reference's MM1..MM4, then silence, then a NAT-T keepalive of the pair
    silence_s later: a phase-1 stall by the clock (qvpn.stall_timeout) and by
    nothing else (no retransmission).  Not an IKE message: a stall is never claimed
    on one, whose answer may still come."""
    ike = [(t, f) for t, f in vpn_frames(reference()) if ike_exchange(f) is not None]
    mm = [(t, f) for t, f in ike if ike_exchange(f) == 2][:4]
    keepalive = rewrite_ip4(mm[0][1], l4=udp(4500, 4500, b'\xff'))
    return mm + [(mm[-1][0] + silence_s * 1000000, keepalive)]


def random_vpn(n, seed):
    """n random frames aimed at qvpn's inputs: ISAKMP on UDP 500/4500 (pooled cookies,
    message IDs and exchange types, random flags, lengths and payload chains), TLS
    records on TCP 443/60443 (random flags, content and handshake types, alerts),
    ESP and NAT-T keepalives, IPv4 and IPv6, among four peers so that the state
    machines meet each other.  A randpkt whose packets reach qvpn."""
    import random
    rng = random.Random(seed)
    v4 = [CLIENT, GATEWAY, bytes([198, 51, 100, 7]), bytes([203, 0, 113, 9])]
    cookies = [bytes([0xc0, 0, 0, 0, 0, 0, 0, k]) for k in range(1, 4)] + [bytes(8)]
    exch = [2, 2, 4, 5, 32, 32, 34, 35, 36, 37, 6, 0, 255]
    t = 1268732487000000
    frames = []

    def rbytes(k):
        return bytes(rng.getrandbits(8) for _ in range(k))

    def payload_chain():
        body, nxt = b'', 0
        for _ in range(rng.randint(0, 5)):
            ptype = rng.choice([1, 4, 5, 8, 10, 11, 12, 13, 20, 33, 34, 35, 40, 41, 46, 48, 53,
                                rng.getrandbits(8)])
            data = rbytes(rng.randint(0, 40))
            if ptype in (11, 41) and rng.random() < 0.7:        # Notify with a type
                data = struct.pack('!IBBH', 1, 1, 0, rng.choice([14, 18, 23, 24, 16390,
                                                                 rng.getrandbits(16)])) + data
            length = len(data) + 4 if rng.random() < 0.9 else rng.getrandbits(16)
            body = struct.pack('!BBH', nxt, 0, length & 0xffff) + data + body
            nxt = ptype
        return nxt, body

    for i in range(n):
        t += rng.randint(0, 3000000)
        a, b = rng.sample(v4, 2)
        six = rng.random() < 0.2
        kind = rng.random()
        if kind < 0.45:
            first, body = payload_chain()
            hdr = rng.choice(cookies) + rng.choice(cookies) + bytes([
                first, rng.choice([0x10, 0x20, 0x10, 0x20, rng.getrandbits(8)]),
                rng.choice(exch), rng.choice([0, 1, 8, 0x20, 0x28, rng.getrandbits(8)])])
            msgid = rng.choice([0, 0, 1, 2, rng.getrandbits(32)])
            length = 28 + len(body) if rng.random() < 0.85 else rng.getrandbits(32)
            isakmp = hdr + struct.pack('!II', msgid, length) + body
            if rng.random() < 0.3:
                sport = dport = 4500
                isakmp = b'\0\0\0\0' + isakmp
            else:
                sport = dport = 500
            proto, l4 = IPPROTO_UDP, udp(sport, dport, isakmp)
        elif kind < 0.75:
            recs = b''
            for _ in range(rng.randint(0, 3)):
                ct = rng.choice([20, 21, 22, 23, rng.getrandbits(8)])
                if ct == 22:
                    frag = bytes([rng.choice([1, 2, 11, 14, 16, 20, rng.getrandbits(8)])]) + rbytes(rng.randint(0, 60))
                elif ct == 21:
                    frag = bytes([rng.choice([1, 2, rng.getrandbits(8)]), rng.getrandbits(8)])
                else:
                    frag = rbytes(rng.randint(0, 60))
                ln = len(frag) if rng.random() < 0.9 else rng.getrandbits(16)
                recs += bytes([ct, 3, rng.choice([0, 1, 3])]) + struct.pack('!H', ln) + frag
            port = rng.choice([443, 60443])
            cport = rng.choice([3859, 3862])
            sp, dp = (cport, port) if rng.random() < 0.5 else (port, cport)
            flags = rng.choice([0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x14, rng.getrandbits(8)])
            proto, l4 = IPPROTO_TCP, tcp(sp, dp, rng.getrandbits(32), rng.getrandbits(32),
                                         flags, recs)
        elif kind < 0.95:
            spi = rng.choice([0x8316d0a3, 0x2b28e6ae, 0, rng.getrandbits(32)])
            proto, l4 = IPPROTO_ESP, struct.pack('!II', spi, rng.getrandbits(32)) + rbytes(rng.randint(0, 64))
        else:
            proto, l4 = IPPROTO_UDP, udp(4500, 4500, b'\xff')
        if six:
            s6, d6 = v6_of(a), v6_of(b)
            l4 = l4_checksum(proto, l4, s6 + d6 + struct.pack('!IxxxB', len(l4), proto))
            pkt = struct.pack('!IHBB16s16s', 6 << 28, len(l4), proto, 64, s6, d6) + l4
            frames.append((t, eth(GW_MAC, mac(i), ETH_IPV6, pkt)))
        else:
            frames.append((t, eth(GW_MAC, mac(i), ETH_IPV4, ip4_packet(a, b, proto, l4, i))))
    return frames


def committed():
    """name -> (format, linktype, frames[, options])"""
    out = reference_variants()
    out['cookie-spi-reuse.pcap'] = ('pcap', LINKTYPE_ETHERNET, cookie_spi_reuse())
    out['no-vpn.pcapng'] = ('pcapng', LINKTYPE_ETHERNET, no_vpn())
    out['stall-7s-after-mm4.pcap'] = ('pcap', LINKTYPE_ETHERNET, stall_after_mm4())
    out['mm1-flood-300.pcap'] = ('pcap', LINKTYPE_ETHERNET, list(mm1_flood(300)))
    out['tcp443-syn-flood-pair-cap-null-deref.pcap'] = ('pcap', LINKTYPE_ETHERNET,
                                                        tcp443_syn_flood(16))
    out['far-future-timestamp-ns-overflow.pcapng'] = ('pcapng', LINKTYPE_ETHERNET,
                                                      far_future_frames())
    return out


def write(path, fmt, linktype, frames):
    if fmt == 'pcap':
        write_pcap(path, frames, linktype)
    elif fmt == 'pcap-nsec':
        write_pcap(path, frames, linktype, nsec=True)
    elif fmt == 'pcapng':
        write_pcapng(path, frames, linktype)
    else:
        raise ValueError(fmt)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default=HERE)
    ap.add_argument('--flood', type=int, metavar='N',
                    help='write only an MM1 flood from N sources to --out (a file)')
    ap.add_argument('--random', type=int, metavar='N',
                    help='write only N random IKE/TLS/ESP frames to --out (a file)')
    ap.add_argument('--seed', type=int, default=1, help='seed of --random')
    args = ap.parse_args()
    if args.flood:
        write_pcap(args.out, mm1_flood(args.flood))
        return 0
    if args.random:
        write_pcap(args.out, random_vpn(args.random, args.seed))
        return 0
    os.makedirs(args.out, exist_ok=True)
    for name, (fmt, linktype, frames) in sorted(committed().items()):
        write(os.path.join(args.out, name), fmt, linktype, frames)
    return 0


if __name__ == '__main__':
    sys.exit(main())
