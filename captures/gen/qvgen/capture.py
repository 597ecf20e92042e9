"""A capture under construction: packets, hosts, and writing in timestamp order."""
import os
import random
import struct

from . import net
from .net import Pkt, Host, FragGroup, Quote, us, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ESP, IPPROTO_AH
from .pcapio import open_writer


class Capture:
    def __init__(self, name, site, seed, t0_us):
        self.name = name
        self.site = site
        self.rng = random.Random(seed)
        self.t0 = t0_us
        self.pkts = []
        # Wireshark key tables written beside the capture: {'esp_sa': [row, ...],
        # 'ikev2_decryption_table': [...]} -> <capture>.esp_sa, ... (keyed scenarios)
        self.key_tables = {}

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

    def udp_fragmented(self, t, src, dst, sport, dport, payload, tags=(), last_tags=(), mtu=1500, gap=0.00002,
                       zero_csum=False, drop_last=False):
        """One UDP datagram in IPv4 fragments of at most `mtu` bytes (RFC 791: 8-byte
        offset units, MF on all but the last, one ID).  tags on every fragment written,
        last_tags on the last one as well (where Wireshark reassembles).  drop_last: the
        last fragment never reaches the capture point.  Returns the fragments written."""
        l4 = net.udp_segment(src, dst, sport, dport, payload, zero_csum)
        per = (mtu - 20) // 8 * 8
        group = FragGroup()
        out = []
        for off in range(0, len(l4), per):
            last = off + per >= len(l4)
            if last and drop_last:
                break
            p = Pkt(self.ts(t), src, dst, IPPROTO_UDP, l4[off:off + per],
                    tags=tuple(tags) + (tuple(last_tags) if last else ()))
            p.frag, p.frag_off, p.frag_mf = group, off, not last
            out.append(self.add(p))
            t += gap
        return out

    def icmp_error(self, t, src, dst, icmp_type, code, quoted, ttl_drop=0, mtu=0, tags=()):
        """ICMP error (RFC 792) from src to dst quoting the IP header and the first 8
        bytes of the packet `quoted` (a Pkt of this capture, earlier in time) as src
        received it: TTL lowered by ttl_drop (the hops in between), header checksum
        recomputed.  mtu: the next-hop MTU of a fragmentation-needed error (RFC 1191)."""
        def build(hdr, l4):
            h = bytearray(hdr)
            h[8] = (h[8] - ttl_drop) & 0xff
            h[10:12] = b'\0\0'
            h[10:12] = struct.pack('!H', net.csum(bytes(h)))
            m = struct.pack('!BBHHH', icmp_type, code, 0, 0, mtu) + bytes(h) + l4[:8]
            return m[:2] + struct.pack('!H', net.csum(m)) + m[4:]
        p = Pkt(self.ts(t), src, dst, IPPROTO_ICMP, b'', tags=tags)
        p.quote = Quote(quoted, build)
        return self.add(p)

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
        """Write the file (and its key tables, if any); return {tag: [frame numbers]}."""
        keys = {}
        with open(path, 'wb') as f:
            w = open_writer(f, fmt)
            for n, (ts, frame, tags) in enumerate(self.frames(), 1):
                w.write(ts, frame)
                for tag in tags:
                    keys.setdefault(tag, []).append(n)
        for table, rows in sorted(self.key_tables.items()):
            with open('%s.%s' % (path, table), 'w') as f:
                f.write('# %s keys of %s (captures/gen, seeded): one Wireshark UAT row a line\n'
                        % (table, os.path.basename(path)))
                f.write(''.join(row + '\n' for row in rows))
        return keys
