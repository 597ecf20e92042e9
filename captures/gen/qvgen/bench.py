"""Bench mode: one large capture of N QuickVPN sessions, written as a stream.

The capture is taken next to four gateways (mirror port, like many-clients).
Session i starts at about 2*i seconds and lasts about two minutes: TLS login,
IKEv1 Main + Quick Mode, ~115 s of ESP (a ping both ways every 0.5 s plus a
short download), a verification TLS session, teardown and logout: about 520
frames, mostly ESP.  Some sessions fail (PSK mismatch, silent gateway, refused
login, phase-2 failure) and one in nine is behind NAT (UDP 4500).  Background
(DNS, ARP, NBNS, HTTPS of other hosts) is generated per 60-second window.

Each session and each window is built from its own seed only when the merge
reaches its start time, and is dropped once written, so memory stays flat: the
output of --bench 2000 (about 1.05 million frames) is never held in memory.
"""
import heapq
import random

from . import quickvpn as qv
from . import ike
from .background import Lan, https_session, web_cert
from .capture import Capture
from .net import Site
from .pcapio import open_writer
from .scenarios import epoch_us, WEB

SPACING = 2.0          # seconds between session starts
WINDOW = 60.0          # background window


class World:
    def __init__(self):
        self.site = Site('198.51.100.0', 24, '00:1b:0d:5a:00:01')
        self.t0 = epoch_us(2012, 9, 3, 7, 0, 0, 250000)
        root = Capture('bench', self.site, 424242, self.t0)
        r = root.rng
        self.gws = [root.host('gw%d' % k, '198.51.100.%d' % (10 + k), 64, mac='00:1a:70:99:10:%02x' % (0x10 + k),
                              local=True, ipid_step=(1, 2)) for k in range(4)]
        self.router = root.host('router', '198.51.100.1', 255, mac='00:1b:0d:5a:00:01', local=True, ipid_step=(1, 50))
        self.dmz = [root.host('dmz%d' % i, '198.51.100.%d' % i, 64, mac='52:54:00:%02x:%02x:%02x' % (i, i, i),
                              local=True, ipid_step=(1, 5)) for i in (20, 21, 22, 23)]
        self.dns = root.host('dns', '198.51.100.2', 64, mac='52:54:00:02:02:02', local=True, ipid_step=(1, 40))
        self.remote = [root.host('rem', '192.0.2.250', 50, ipid_step=(1, 200))]
        self.web = [root.host('web%d' % i, '203.0.113.%d' % (240 - i), 50, ipid_step=(1, 300)) for i in range(8)]
        self.web_certs = [web_cert(r, n) for n in WEB[:8]]
        self.cert = qv.gateway_cert(r)


def client_ip(i):
    """Unique per session (up to 4 million): 100.64.0.0/10, shared address space."""
    return '100.%d.%d.%d' % (64 + i // (254 * 256), (i // 254) % 256, 1 + i % 254)


def session(world, i):
    cap = Capture('s%d' % i, world.site, 1000003 + 7919 * i, world.t0)
    r = cap.rng
    natted = i % 9 == 4
    cli = cap.host('c%d' % i, client_ip(i), 128 - r.randint(8, 20), ipid_step=(1, 4))
    p = qv.Peer(cap, cli, world.gws[i % 4], r.uniform(0.02, 0.14), 'gateway', cert=world.cert, nat_t=natted,
                cport500=r.randrange(49152, 65500) if natted else 500,
                cport4500=r.randrange(49152, 65500) if natted else 4500)
    start = 1.0 + i * SPACING + r.uniform(0.0, 1.5)
    tag = 's%d' % i
    if i % 37 == 36:
        t = qv.tls_session(p, start, tag + '.login')
        qv.main_mode(p, t + r.uniform(6, 9), tag, stop_after=4)
    elif i % 53 == 52:
        t = qv.tls_session(p, start, tag + '.login')
        qv.main_mode(p, t + r.uniform(6, 9), tag, stop_after=1)
    elif i % 71 == 70:
        qv.tls_session(p, start, tag + '.login', refused=True, hello='tls10')
    elif i % 97 == 96:
        t = qv.tls_session(p, start, tag + '.login')
        t = qv.main_mode(p, t + r.uniform(6, 9), tag)
        qv.quick_mode(p, t, tag, no_answer_retx=qv.WINDOWS_RETX)
    else:
        qv.success(p, start, tag, esp_secs=r.uniform(108.0, 122.0), interval=0.5, bulk=1)
    return start, cap


def window(world, j):
    cap = Capture('w%d' % j, world.site, 5000011 + 104729 * j, world.t0)
    r = cap.rng
    ta, tb = j * WINDOW, (j + 1) * WINDOW
    lan = Lan(cap, None, world.router, world.dmz, world.dns, world.remote)
    lan.emit('arp_neighbor', ta)
    lan.fill(ta, tb, 38, kinds=['arp_neighbor', 'dns', 'dns', 'ping', 'nbns_query'])
    for _ in range(2):
        s = r.randrange(8)
        https_session(cap, r.choice(world.dmz), world.web[s], r.randrange(32768, 60999), r.uniform(ta, tb - 8.0),
                      r.uniform(0.01, 0.06), WEB[s], world.web_certs[s], req_sizes=[r.randint(300, 600)],
                      resp_sizes=[r.randint(500, 6000)], client_vantage=False)
    return ta, cap


def write(path, n, fmt):
    """Write N sessions + background to path; returns the number of frames."""
    world = World()
    duration = 1.0 + n * SPACING + 140.0
    nwin = int(duration // WINDOW) + 1
    # sources in start order: (start, kind, index); both are built lazily
    starts = []
    for i in range(n):
        starts.append((1.0 + i * SPACING, 0, i))
    for j in range(nwin):
        starts.append((j * WINDOW, 1, j))
    starts.sort()
    heap = []
    nxt = 0
    count = 0
    with open(path, 'wb', buffering=1 << 20) as f:
        w = open_writer(f, fmt)

        def admit(k):
            _, kind, idx = starts[k]
            _, cap = (session if kind == 0 else window)(world, idx)
            cap.pkts.sort(key=lambda p: (p.ts, p.order))
            it = iter(cap.pkts)
            first = next(it, None)
            if first is not None:
                heapq.heappush(heap, (first.ts, k, first.order, first, it))

        while nxt < len(starts) or heap:
            # a source never sends before its nominal start, so admit all that may
            while nxt < len(starts) and (not heap or world.t0 + int(starts[nxt][0] * 1e6) <= heap[0][0]):
                admit(nxt)
                nxt += 1
            ts, k, order, p, it = heapq.heappop(heap)
            w.write(ts, world.site.materialize(p))
            count += 1
            q = next(it, None)
            if q is not None:
                heapq.heappush(heap, (q.ts, k, q.order, q, it))
    return count
