"""Link, network and transport layers: hosts, the capture site, packets, TCP.

A capture is a list of Pkt records (timestamp + IP endpoints + a finished L4
segment).  The IP header and the Ethernet header are built only when the file is
written, in timestamp order, so each host's IP ID counter advances in the order
its packets appear on the wire.  L4 checksums do not depend on the IP ID, so they
are computed when the segment is built.
"""
import array
import struct
import sys

IPPROTO_ICMP = 1
IPPROTO_TCP = 6
IPPROTO_UDP = 17
IPPROTO_ESP = 50
IPPROTO_AH = 51

TH_FIN, TH_SYN, TH_RST, TH_PSH, TH_ACK = 0x01, 0x02, 0x04, 0x08, 0x10

_LITTLE = sys.byteorder == 'little'


def csum(data):
    """RFC 1071 Internet checksum."""
    if len(data) & 1:
        data += b'\0'
    s = sum(array.array('H', data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    if _LITTLE:
        s = ((s & 0xff) << 8) | (s >> 8)
    return (~s) & 0xffff


def ip4(s):
    return bytes(int(x) for x in s.split('.'))


def mac(s):
    return bytes(int(x, 16) for x in s.split(':'))


def us(seconds):
    """Seconds (float) -> integer microseconds."""
    return int(round(seconds * 1e6))


BROADCAST_MAC = b'\xff' * 6


class Host:
    """An IPv4 endpoint as seen from the capture point.

    ttl:  TTL of its packets as they arrive at the capture point (initial TTL
          minus the hops in between).
    ipid_step: (lo, hi) increment of its IP ID counter per packet; (1, 1) for
          the capturing host (all its packets are seen), larger for remote hosts
          that also talk to others.
    """

    __slots__ = ('name', 'ip', 'ipb', 'mac', 'ttl', 'ipid', 'ipid_step', 'rng')

    def __init__(self, name, ip, ttl, ipid, rng, mac_addr=None, ipid_step=(1, 1)):
        self.name = name
        self.ip = ip
        self.ipb = ip4(ip)
        self.mac = mac(mac_addr) if isinstance(mac_addr, str) else mac_addr
        self.ttl = ttl
        self.ipid = ipid & 0xffff
        self.ipid_step = ipid_step
        self.rng = rng

    def next_ipid(self):
        v = self.ipid
        lo, hi = self.ipid_step
        self.ipid = (self.ipid + (lo if lo == hi else self.rng.randint(lo, hi))) & 0xffff
        return v


class Site:
    """The LAN segment the capture was taken on.

    Local hosts carry their own MAC; every other address is reached through the
    router, so its frames carry the router's MAC.  Frames shorter than 60 bytes
    are padded, except those sent by the capturing host itself (the capture sees
    them before the NIC pads them).
    """

    def __init__(self, net, masklen, router_mac, capture_mac=None):
        self.net = int.from_bytes(ip4(net), 'big')
        self.mask = (0xffffffff << (32 - masklen)) & 0xffffffff
        self.router_mac = mac(router_mac)
        self.capture_mac = mac(capture_mac) if capture_mac else None
        self.local = {}

    def add_local(self, host):
        self.local[host.ipb] = host.mac
        return host

    def is_local(self, ipb):
        return (int.from_bytes(ipb, 'big') & self.mask) == self.net

    def mac_of(self, ipb):
        if ipb[0] >= 224 and ipb[0] < 240:
            return b'\x01\x00\x5e' + bytes([ipb[1] & 0x7f, ipb[2], ipb[3]])
        if ipb == b'\xff\xff\xff\xff' or (int.from_bytes(ipb, 'big') | self.mask) == 0xffffffff:
            return BROADCAST_MAC
        m = self.local.get(ipb)
        if m is not None:
            return m
        return self.router_mac

    def frame(self, dst_mac, src_mac, ethertype, payload):
        f = dst_mac + src_mac + struct.pack('!H', ethertype) + payload
        if len(f) < 60 and src_mac != self.capture_mac:
            f += b'\0' * (60 - len(f))
        return f

    def materialize(self, p):
        if p.raw is not None:
            return self.frame(p.raw[0], p.raw[1], p.raw[2], p.raw[3])
        src, dst = p.src, p.dst
        if p.quote is not None:           # an ICMP error: its body quotes a packet written before
            p.l4 = p.quote.build(p.quote.pkt.hdr, p.quote.pkt.l4)
        total = 20 + len(p.l4)
        flags = 0x4000 if p.df else 0
        if p.frag is not None:            # one IPv4 fragment: the datagram's shared ID, offset, MF
            if p.frag.ipid is None:
                p.frag.ipid = src.next_ipid()
            ipid = p.frag.ipid
            flags |= (0x2000 if p.frag_mf else 0) | (p.frag_off >> 3)
        else:
            ipid = src.next_ipid()
        hdr = struct.pack('!BBHHHBBH4s4s', 0x45, p.tos, total, ipid, flags,
                          src.ttl, p.proto, 0, src.ipb, dst.ipb)
        c = csum(hdr)
        hdr = hdr[:10] + struct.pack('!H', c) + hdr[12:]
        p.hdr = hdr
        return self.frame(self.mac_of(dst.ipb), self.mac_of(src.ipb), 0x0800, hdr + p.l4)


class Pkt:
    """frag / frag_off / frag_mf: an IPv4 fragment (frag is the datagram's FragGroup,
    frag_off the byte offset of l4 in the datagram); quote: an ICMP error whose body is
    built, when written, from the IP header and payload of the packet it quotes.
    hdr: the IP header as written."""
    __slots__ = ('ts', 'src', 'dst', 'proto', 'l4', 'df', 'tos', 'tags', 'raw', 'order',
                 'frag', 'frag_off', 'frag_mf', 'quote', 'hdr')

    def __init__(self, ts, src=None, dst=None, proto=0, l4=b'', df=False, tags=(), raw=None, tos=0):
        self.ts = ts
        self.src = src
        self.dst = dst
        self.proto = proto
        self.l4 = l4
        self.df = df
        self.tos = tos
        self.tags = tags
        self.raw = raw
        self.order = 0
        self.frag = None
        self.frag_off = 0
        self.frag_mf = False
        self.quote = None
        self.hdr = None


class FragGroup:
    """The fragments of one IPv4 datagram share the ID the first one written takes."""
    __slots__ = ('ipid',)

    def __init__(self):
        self.ipid = None


class Quote:
    """What an ICMP error quotes: pkt (a Pkt written earlier) and build(hdr, l4) -> the
    ICMP message, given the quoted packet's IP header and payload as written."""
    __slots__ = ('pkt', 'build')

    def __init__(self, pkt, build):
        self.pkt = pkt
        self.build = build


def udp_segment(src, dst, sport, dport, payload, zero_csum=False):
    ulen = 8 + len(payload)
    seg = struct.pack('!HHHH', sport, dport, ulen, 0) + payload
    if zero_csum:
        return seg
    c = csum(src.ipb + dst.ipb + struct.pack('!BBH', 0, IPPROTO_UDP, ulen) + seg) or 0xffff
    return seg[:6] + struct.pack('!H', c) + seg[8:]


def tcp_segment(src, dst, sport, dport, seq, ack, flags, win, payload=b'', opts=b''):
    hl = 20 + len(opts)
    assert hl % 4 == 0
    seg = struct.pack('!HHIIBBHHH', sport, dport, seq & 0xffffffff, ack & 0xffffffff,
                      (hl // 4) << 4, flags, win, 0, 0) + opts + payload
    c = csum(src.ipb + dst.ipb + struct.pack('!BBH', 0, IPPROTO_TCP, len(seg)) + seg)
    return seg[:16] + struct.pack('!H', c) + seg[18:]


def ipv4_packet(src_ip, dst_ip, proto, ipid, ttl, l4, df=False):
    """A whole IPv4 packet (for the inner packet of a tunnel); l4 is finished."""
    hdr = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(l4), ipid & 0xffff, 0x4000 if df else 0,
                      ttl, proto, 0, ip4(src_ip), ip4(dst_ip))
    return hdr[:10] + struct.pack('!H', csum(hdr)) + hdr[12:] + l4


def icmp_echo(kind, ident, seq, payload):
    """kind 8 = request, 0 = reply."""
    m = struct.pack('!BBHHH', kind, 0, 0, ident, seq) + payload
    return m[:2] + struct.pack('!H', csum(m)) + m[4:]


def arp(op, sha, spa, tha, tpa):
    return struct.pack('!HHBBH6s4s6s4s', 1, 0x0800, 6, 4, op, sha, ip4(spa), tha, ip4(tpa))


MSS_OPT_1460 = struct.pack('!BBH', 2, 4, 1460)


class TcpConn:
    """One TCP connection; keeps both sides' sequence numbers consistent.

    Segments are emitted in time order.  ack defaults to everything the other
    side has sent so far.
    """

    def __init__(self, cap, cli, srv, cport, sport, isn_c, isn_s, win_c=65535, win_s=5840,
                 df_c=True, df_s=True):
        self.cap = cap
        self.h = {True: cli, False: srv}
        self.port = {True: cport, False: sport}
        self.nxt = {True: isn_c, False: isn_s}
        self.isn = {True: isn_c, False: isn_s}
        self.win = {True: win_c, False: win_s}
        self.df = {True: df_c, False: df_s}

    def rel(self, from_client):
        return (self.nxt[from_client] - self.isn[from_client]) & 0xffffffff

    def seg(self, t, from_client, flags, payload=b'', opts=b'', win=None, ack=None, tags=()):
        s = from_client
        if win is not None:
            self.win[s] = win
        seq = self.nxt[s]
        if ack is None:
            ack = self.nxt[not s] if flags & TH_ACK else 0
        w = 0 if (flags & TH_RST and not flags & TH_ACK) else self.win[s]
        l4 = tcp_segment(self.h[s], self.h[not s], self.port[s], self.port[not s], seq, ack,
                         flags, w, payload, opts)
        self.nxt[s] = (seq + len(payload) + (1 if flags & (TH_SYN | TH_FIN) else 0)) & 0xffffffff
        self.cap.add(Pkt(self.cap.ts(t), self.h[s], self.h[not s], IPPROTO_TCP, l4,
                         df=self.df[s], tags=tags))
        return t

    def syn(self, t, tags=()):
        return self.seg(t, True, TH_SYN, opts=MSS_OPT_1460, tags=tags)

    def synack(self, t, tags=()):
        return self.seg(t, False, TH_SYN | TH_ACK, opts=MSS_OPT_1460, tags=tags)

    def ack(self, t, from_client, win=None, tags=()):
        return self.seg(t, from_client, TH_ACK, win=win, tags=tags)

    def data(self, t, from_client, payload, win=None, tags=(), mss=1460, gap=0.000012):
        """Send payload, split at the MSS; PSH on the last segment."""
        off = 0
        while off < len(payload):
            chunk = payload[off:off + mss]
            off += len(chunk)
            last = off >= len(payload)
            self.seg(t, from_client, TH_ACK | (TH_PSH if last else 0), chunk, win=win, tags=tags)
            if not last:
                t += gap
        return t

    def fin(self, t, from_client, win=None, tags=()):
        return self.seg(t, from_client, TH_FIN | TH_ACK, win=win, tags=tags)

    def rst(self, t, from_client, with_ack=False, tags=()):
        return self.seg(t, from_client, TH_RST | (TH_ACK if with_ack else 0), tags=tags)
