"""A capture under construction: packets, hosts, and writing in timestamp order."""
import random

from . import net
from .net import Pkt, Host, us, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ESP, IPPROTO_AH
from .pcapio import open_writer


class Capture:
    def __init__(self, name, site, seed, t0_us):
        self.name = name
        self.site = site
        self.rng = random.Random(seed)
        self.t0 = t0_us
        self.pkts = []

    # ------------------------------------------------------------------ hosts
    def host(self, name, ip, ttl, mac=None, local=False, ipid_step=(1, 1), ipid=None):
        h = Host(name, ip, ttl, self.rng.randrange(0x10000) if ipid is None else ipid,
                 self.rng, mac, ipid_step)
        if local:
            self.site.add_local(h)
        return h

    # ------------------------------------------------------------------ packets
    def ts(self, t):
        return self.t0 + us(t)

    def add(self, p):
        p.order = len(self.pkts)
        self.pkts.append(p)
        return p

    def udp(self, t, src, dst, sport, dport, payload, tags=(), df=False, zero_csum=False):
        l4 = net.udp_segment(src, dst, sport, dport, payload, zero_csum)
        return self.add(Pkt(self.ts(t), src, dst, IPPROTO_UDP, l4, df=df, tags=tags))

    def icmp_echo(self, t, src, dst, kind, ident, seqno, payload, tags=()):
        l4 = net.icmp_echo(kind, ident, seqno, payload)
        return self.add(Pkt(self.ts(t), src, dst, IPPROTO_ICMP, l4, tags=tags))

    def esp(self, t, src, dst, payload, tags=()):
        return self.add(Pkt(self.ts(t), src, dst, IPPROTO_ESP, payload, tags=tags))

    def ah(self, t, src, dst, payload, tags=()):
        return self.add(Pkt(self.ts(t), src, dst, IPPROTO_AH, payload, tags=tags))

    def arp(self, t, op, sender_mac, sender_ip, target_mac, target_ip, dst_mac, tags=()):
        body = net.arp(op, sender_mac, sender_ip, target_mac, target_ip)
        return self.add(Pkt(self.ts(t), raw=(dst_mac, sender_mac, 0x0806, body), tags=tags))

    # ------------------------------------------------------------------ output
    def frames(self):
        """(ts_us, frame bytes, tags) in capture order."""
        self.pkts.sort(key=lambda p: (p.ts, p.order))
        for p in self.pkts:
            yield p.ts, self.site.materialize(p), p.tags

    def write(self, path, fmt):
        """Write the file; return {tag: [frame numbers]}."""
        keys = {}
        with open(path, 'wb') as f:
            w = open_writer(f, fmt)
            for n, (ts, frame, tags) in enumerate(self.frames(), 1):
                w.write(ts, frame)
                for tag in tags:
                    keys.setdefault(tag, []).append(n)
        return keys
