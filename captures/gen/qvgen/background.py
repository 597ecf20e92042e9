"""Unrelated traffic: DNS, NetBIOS name service, SSDP, ARP, pings, HTTPS browsing."""
import struct

from . import tls
from .net import TcpConn, BROADCAST_MAC, ip4

# ----------------------------------------------------------------------- payloads


def dns_name(qname):
    return b''.join(bytes([len(p)]) + p.encode() for p in qname.split('.')) + b'\0'


def dns_query(txid, qname, qtype=1):
    return struct.pack('!HHHHHH', txid, 0x0100, 1, 0, 0, 0) + dns_name(qname) + struct.pack('!HH', qtype, 1)


def dns_response(txid, qname, addrs, ttl=300, qtype=1):
    q = dns_name(qname) + struct.pack('!HH', qtype, 1)
    ans = b''
    for a in addrs:
        ans += struct.pack('!HHHIH', 0xc00c, 1, 1, ttl, 4) + ip4(a)
    return struct.pack('!HHHHHH', txid, 0x8180, 1, len(addrs), 0, 0) + q + ans


def nb_encode(nbname, suffix):
    raw = nbname.upper().ljust(15)[:15].encode() + bytes([suffix])
    enc = bytes(b for c in raw for b in (0x41 + (c >> 4), 0x41 + (c & 0xf)))
    return b'\x20' + enc + b'\0'


def nbns_query(txid, nbname, suffix=0x20):
    return (struct.pack('!HHHHHH', txid, 0x0110, 1, 0, 0, 0) + nb_encode(nbname, suffix)
            + struct.pack('!HH', 0x20, 1))


def nbns_register(txid, nbname, ip, suffix=0x00):
    """Broadcast name registration (NB record with the host's address)."""
    return (struct.pack('!HHHHHH', txid, 0x2910, 1, 0, 0, 1) + nb_encode(nbname, suffix)
            + struct.pack('!HH', 0x20, 1) + b'\xc0\x0c' + struct.pack('!HHIHH', 0x20, 1, 300000, 6, 0)
            + ip4(ip))


SSDP_MSEARCH = (b'M-SEARCH * HTTP/1.1\r\nHost:239.255.255.250:1900\r\n'
                b'ST:urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n'
                b'Man:"ssdp:discover"\r\nMX:3\r\n\r\n')


def ssdp_notify(ip, uuid):
    return ('NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\n'
            'LOCATION: http://%s:2869/upnphost/udhisapi.dll?content=uuid:%s\r\n'
            'NT: upnp:rootdevice\r\nNTS: ssdp:alive\r\nSERVER: Microsoft-Windows-NT/5.1 UPnP/1.0 UPnP-Device-Host/1.0\r\n'
            'USN: uuid:%s::upnp:rootdevice\r\n\r\n' % (ip, uuid, uuid)).encode()


PING_PAYLOAD = b'abcdefghijklmnopqrstuvwabcdefghi'   # Windows ping.exe, 32 bytes

# ----------------------------------------------------------------------- the LAN's chatter


class Lan:
    """Background generator for one capture site.

    me:        the capturing host (or None for a mirror-port capture)
    router:    the local router host (for ARP)
    neighbors: local hosts that broadcast (NBNS, SSDP, ARP)
    dns:       DNS server host; remote: hosts to ping / resolve
    """

    NAMES = ['time.windows.com', 'www.msftncsi.com', 'update.microsoft.com', 'www.google.com',
             'download.windowsupdate.com', 'crl.microsoft.com', 'www.cisco.com', 'mail.example.net',
             'news.example.org', 'ocsp.verisign.com', 'www.linksys.com', 'sb.google.com']

    def __init__(self, cap, me, router, neighbors, dns, remote):
        self.cap, self.me, self.router = cap, me, router
        self.neighbors, self.dns, self.remote = neighbors, dns, remote
        self.rng = cap.rng
        self.ping_seq = 0x1000 + self.rng.randrange(0x100)
        self.sport = 1025 + self.rng.randrange(2000)

    def unit_sizes(self):
        return {'nbns_query': 1, 'nbns_register': 1, 'ssdp_msearch': 1, 'ssdp_notify': 1,
                'arp_neighbor': 1, 'dns': 2, 'ping': 2, 'arp_router': 2}

    def emit(self, kind, t, dt=None):
        """Emit one unit at t; dt is the spacing inside a two-packet unit."""
        r, cap = self.rng, self.cap
        if dt is None:
            dt = r.uniform(0.02, 0.09)
        if kind == 'nbns_query':
            n = r.choice(self.neighbors)
            cap.udp(t, n, self._bcast(), 137, 137, nbns_query(r.randrange(0x10000), r.choice(
                ['WORKGROUP', 'FILESRV', 'PRINTER01', 'ISATAP', 'WPAD', 'KASIA-PC', 'BIURO'])))
        elif kind == 'nbns_register':
            n = r.choice(self.neighbors)
            cap.udp(t, n, self._bcast(), 137, 137, nbns_register(r.randrange(0x10000), 'PC-%s' % n.ip.split('.')[-1], n.ip))
        elif kind == 'ssdp_msearch':
            n = r.choice(self.neighbors)
            cap.udp(t, n, self._ssdp(), 1024 + r.randrange(30000), 1900, SSDP_MSEARCH)
        elif kind == 'ssdp_notify':
            n = r.choice(self.neighbors)
            uuid = '%08x-%04x-4a3b-9c1d-%012x' % (int.from_bytes(n.ipb, 'big'), 0x1b2c, int.from_bytes(n.mac, 'big'))
            cap.udp(t, n, self._ssdp(), 1900, 1900, ssdp_notify(n.ip, uuid))
        elif kind == 'arp_neighbor':
            n = r.choice(self.neighbors)
            others = [x for x in self.neighbors + [self.router] if x is not n]
            tgt = r.choice(others)
            cap.arp(t, 1, n.mac, n.ip, b'\0' * 6, tgt.ip, BROADCAST_MAC)
        elif kind == 'arp_router':
            me = self.me
            cap.arp(t, 1, me.mac, me.ip, b'\0' * 6, self.router.ip, BROADCAST_MAC)
            cap.arp(t + dt * 0.02, 2, self.router.mac, self.router.ip, me.mac, me.ip, me.mac)
        elif kind == 'dns':
            qn = r.choice(self.NAMES)
            txid = r.randrange(0x10000)
            sp = self._port()
            addrs = self._resolve(qn)
            src = self.me or r.choice(self.neighbors)
            cap.udp(t, src, self.dns, sp, 53, dns_query(txid, qn))
            cap.udp(t + dt, self.dns, src, 53, sp, dns_response(txid, qn, addrs))
        elif kind == 'ping':
            src = self.me or r.choice(self.neighbors)
            dst = r.choice(self.remote)
            self.ping_seq += 1
            cap.icmp_echo(t, src, dst, 8, 0x0200, self.ping_seq, PING_PAYLOAD)
            cap.icmp_echo(t + dt, dst, src, 0, 0x0200, self.ping_seq, PING_PAYLOAD)
        else:
            raise ValueError(kind)

    def _resolve(self, qname):
        """The same answer for a name every time it is asked."""
        if not hasattr(self, '_dns_cache'):
            self._dns_cache = {}
        if qname not in self._dns_cache:
            r = self.rng
            self._dns_cache[qname] = ['%d.%d.%d.%d' % (r.choice([64, 65, 66, 72, 74, 173, 207, 209]), r.randrange(256),
                                                       r.randrange(256), r.randrange(1, 255))
                                      for _ in range(r.choice([1, 1, 2]))]
        return self._dns_cache[qname]

    def _bcast(self):
        if not hasattr(self, '_bcast_host'):
            self._bcast_host = self.cap.host('bcast', self._bcast_ip(), 128)
        return self._bcast_host

    def _bcast_ip(self):
        net = self.cap.site.net | (~self.cap.site.mask & 0xffffffff)
        return '.'.join(str(b) for b in net.to_bytes(4, 'big'))

    def _ssdp(self):
        if not hasattr(self, '_ssdp_host'):
            self._ssdp_host = self.cap.host('ssdp', '239.255.255.250', 1)
        return self._ssdp_host

    def _port(self):
        self.sport += 1
        if self.sport > 5000:
            self.sport = 1025
        return self.sport

    KINDS = ['nbns_query', 'nbns_query', 'ssdp_msearch', 'ssdp_notify', 'arp_neighbor', 'arp_neighbor',
             'dns', 'dns', 'dns', 'ping']

    def fill(self, ta, tb, count, kinds=None):
        """Exactly `count` packets with times strictly inside (ta, tb)."""
        if count <= 0:
            return
        r = self.rng
        kinds = kinds or self.KINDS
        sizes = self.unit_sizes()
        units = []
        left = count
        while left:
            k = r.choice(kinds)
            if sizes[k] > left:
                continue
            units.append(k)
            left -= sizes[k]
        span = tb - ta
        lo, hi = ta + min(span * 0.01, 0.002), tb - min(span * 0.01, 0.002)
        starts = sorted(r.uniform(lo, hi) for _ in units)
        for k, t in zip(units, starts):
            if sizes[k] == 2:
                dt = min(r.uniform(0.004, 0.06), (hi - t) * 0.5)
                self.emit(k, t, max(dt, 2e-6))
            else:
                self.emit(k, t)

# ----------------------------------------------------------------------- HTTPS browsing


def https_session(cap, cli, srv, cport, t, rtt, sni, cert, tags=(), req_sizes=(420,), resp_sizes=(2900,),
                  client_vantage=True):
    """An ordinary TLS 1.2 HTTPS session (ECDHE-RSA-AES128-GCM) to a web server."""
    r = cap.rng
    c = TcpConn(cap, cli, srv, cport, 443, r.getrandbits(32), r.getrandbits(32),
                win_c=64240, win_s=65160)

    def rt(x):   # time of a server packet answering a client packet at x
        return x + (rtt if client_vantage else 0) + r.uniform(0.0002, 0.002)

    def ct(x):
        return x + (0 if client_vantage else rtt) + r.uniform(0.00005, 0.0004)
    c.syn(t, tags=tags)
    t = rt(t); c.synack(t, tags=tags)
    t = ct(t); c.ack(t, True, tags=tags)
    t += 0.0004; c.data(t, True, tls.client_hello_tls12(r, sni), tags=tags)
    t = rt(t) + 0.001; t = c.data(t, False, tls.server_flight_tls12(r, cert), tags=tags)
    t = ct(t) + 0.002; c.data(t, True, tls.client_finish_tls12(r), tags=tags)
    t = rt(t); c.data(t, False, tls.server_finish_tls12(r), tags=tags)
    for q, a in zip(req_sizes, resp_sizes):
        t = ct(t) + 0.001; c.data(t, True, tls.gcm_record(r, tls.CT_APPDATA, q), tags=tags)
        t = rt(t) + r.uniform(0.005, 0.05)
        rec = tls.gcm_record(r, tls.CT_APPDATA, a)
        t = c.data(t, False, rec, tags=tags, gap=0.00008)
        t = ct(t); c.ack(t, True, tags=tags)
    t += r.uniform(0.5, 3.0)
    c.data(t, True, tls.gcm_record(r, tls.CT_ALERT, 2), tags=tags)
    t += 0.0001; c.fin(t, True, tags=tags)
    t = rt(t); c.fin(t, False, tags=tags)
    t = ct(t); c.ack(t, True, tags=tags)
    return t


def web_cert(rng, cn):
    return tls.certificate(rng, [('CN', cn)],
                           [('C', 'US'), ('O', 'Example Trust Services'), ('CN', 'Example TLS RSA CA 2009')],
                           '090601000000Z', '110601000000Z', key_bits=2048, sig='sha1',
                           v3_ext=[tls.ext_san([cn])])
