"""The scenario corpus: one small capture per failure pattern (captures/scenarios/).

Each function returns a Capture; SCENARIOS lists (name, format, function).
Addresses are from the documentation ranges (192.0.2.0/24, 198.51.100.0/24,
203.0.113.0/24) or private ranges.  Seeds and start dates are fixed per scenario.
"""
import calendar
import struct

from . import quickvpn as qv
from . import ike
from . import net as netl
from .background import Lan, https_session, web_cert, dns_query, dns_response
from .capture import Capture
from .net import Site


def epoch_us(y, mo, d, h, mi, s, micro):
    return calendar.timegm((y, mo, d, h, mi, s)) * 1000000 + micro


def rand_mac(r, oui):
    return oui + ':' + ':'.join('%02x' % r.randrange(256) for _ in range(3))


def client_capture(name, seed, t0, client_ip, router_ip, gw_ip, rtt, port=443, nat_t=False,
                   gw_ttl=52, neighbors=(23, 57, 130, 201), dns_ip='192.0.2.53', v2=False):
    """A capture taken with Wireshark on the client PC (client on a /24 LAN)."""
    import random
    mr = random.Random(seed * 7 + 1)
    client_mac = rand_mac(mr, '00:1e:4f')     # Dell
    router_mac = rand_mac(mr, '00:18:39')     # Cisco-Linksys
    net = '.'.join(client_ip.split('.')[:3]) + '.0'
    site = Site(net, 24, router_mac, capture_mac=client_mac)
    cap = Capture(name, site, seed, t0)
    r = cap.rng
    cli = cap.host('client', client_ip, 128, mac=client_mac, local=True)
    router = cap.host('router', router_ip, 64, mac=router_mac, local=True, ipid_step=(1, 20))
    gw = cap.host('gateway', gw_ip, gw_ttl, ipid_step=(1, 3))
    prefix = net.rsplit('.', 1)[0]
    nbs = [cap.host('n%d' % i, '%s.%d' % (prefix, i), 128, local=True, ipid_step=(1, 30),
                    mac=rand_mac(mr, '00:0c:29')) for i in neighbors]
    dns = cap.host('dns', dns_ip, 58, ipid_step=(1, 80))
    remote = [cap.host('r1', '198.51.100.201', 55, ipid_step=(1, 200)),
              cap.host('r2', '203.0.113.201', 47, ipid_step=(1, 200))]
    lan = Lan(cap, cli, router, nbs, dns, remote)
    peer = qv.Peer(cap, cli, gw, rtt, 'client', port=port, nat_t=nat_t, cert=qv.gateway_cert(r), v2=v2)
    return cap, peer, lan


def jit(cap, t, spread=0.45):
    """A start time that is not a round number."""
    return t + cap.rng.uniform(0.0, spread)


def background(lan, t_end, per_second=0.5, start=0.0):
    lan.emit('arp_router', start) if lan.me else None
    lan.fill(start, t_end, max(2, int((t_end - start) * per_second)))

# ---------------------------------------------------------------------- successes


def success_60443():
    cap, p, lan = client_capture('success-60443', 6044301, epoch_us(2011, 4, 12, 8, 15, 42, 118204),
                                 '192.0.2.57', '192.0.2.1', '198.51.100.20', rtt=0.042, port=60443)
    t = qv.success(p, jit(cap, 1.3), 's1', esp_secs=24.0, esp_before_qm3=True)
    background(lan, t + 1.5)
    return cap


def success_nat_t():
    cap, p, lan = client_capture('success-nat-t', 4500001, epoch_us(2011, 6, 3, 19, 4, 7, 550123),
                                 '192.168.1.34', '192.168.1.1', '203.0.113.5', rtt=0.061, nat_t=True,
                                 neighbors=(20, 35, 102))
    t = qv.success(p, jit(cap, 0.8), 's1', esp_secs=46.0, bulk=2)
    background(lan, t + 1.2)
    return cap


def reconnect():
    cap, p, lan = client_capture('reconnect', 7070001, epoch_us(2012, 1, 23, 10, 31, 5, 7311),
                                 '192.0.2.140', '192.0.2.1', '198.51.100.30', rtt=0.038)
    t = qv.success(p, jit(cap, 1.1), 's1', esp_secs=20.0, end='teardown')
    p.new_sa()
    t = qv.success(p, jit(cap, t + 60.2), 's2', esp_secs=18.0, end='up', verify_tls=False)
    background(lan, t + 1.0, per_second=0.35)
    return cap

# ---------------------------------------------------------------------- IKEv1 failures


def psk_mismatch():
    cap, p, lan = client_capture('psk-mismatch', 1111001, epoch_us(2011, 9, 14, 16, 44, 2, 904411),
                                 '192.0.2.66', '192.0.2.1', '198.51.100.21', rtt=0.048)
    t = qv.tls_session(p, jit(cap, 0.9), 's1.login')
    t = qv.main_mode(p, jit(cap, t + 7.4), 's1', stop_after=4)     # MM5 never answered
    background(lan, t + 6.0)
    return cap


def gateway_silent():
    cap, p, lan = client_capture('gateway-silent', 2222001, epoch_us(2011, 10, 2, 9, 12, 55, 310007),
                                 '192.0.2.71', '192.0.2.1', '198.51.100.22', rtt=0.051)
    t = qv.tls_session(p, jit(cap, 1.4), 's1.login')
    t = qv.main_mode(p, jit(cap, t + 8.1), 's1', stop_after=1)     # MM1 never answered (UDP 500 blocked)
    background(lan, t + 6.0)
    return cap


def p1_proposal_mismatch():
    cap, p, lan = client_capture('p1-proposal-mismatch', 3333001, epoch_us(2011, 11, 21, 13, 1, 40, 61552),
                                 '192.0.2.75', '192.0.2.1', '198.51.100.23', rtt=0.044)
    r = cap.rng
    t = qv.tls_session(p, jit(cap, 1.0), 's1.login')
    t = jit(cap, t + 7.9)
    p.ike(t, True, ike.mm1(p.ic, qv.CLIENT_VIDS), 's1.mm1')
    t = p.gw_at(t, r.uniform(0.002, 0.004))
    p.ike(t, False, ike.info_notify_cleartext(p.ic, b'\0' * 8, 14), 's1.notify')
    background(lan, t + 8.0)
    return cap


def p2_failure():
    cap, p, lan = client_capture('p2-failure', 4444001, epoch_us(2011, 12, 5, 11, 27, 13, 498250),
                                 '192.0.2.80', '192.0.2.1', '198.51.100.24', rtt=0.047)
    t = qv.tls_session(p, jit(cap, 1.2), 's1.login')
    t = qv.main_mode(p, jit(cap, t + 6.8), 's1')
    t = qv.quick_mode(p, t, 's1', no_answer_retx=qv.WINDOWS_RETX)   # QM1 never answered
    background(lan, t + 6.0)
    return cap

# ---------------------------------------------------------------------- TLS failure


def tls_login_refused():
    cap, p, lan = client_capture('tls-login-refused', 5555001, epoch_us(2012, 2, 8, 7, 55, 31, 220918),
                                 '192.0.2.90', '192.0.2.1', '198.51.100.25', rtt=0.039)
    t = qv.tls_session(p, jit(cap, 1.6), 's1.login', refused=True, hello='tls10')
    background(lan, t + 5.0)
    return cap

# ---------------------------------------------------------------------- ESP problems


def esp_one_way():
    cap, p, lan = client_capture('esp-one-way', 6666001, epoch_us(2012, 3, 19, 15, 8, 9, 774310),
                                 '192.0.2.95', '192.0.2.1', '198.51.100.26', rtt=0.052)
    t = qv.tls_session(p, jit(cap, 1.1), 's1.login')
    t = qv.main_mode(p, jit(cap, t + 7.2), 's1')
    t = qv.quick_mode(p, t, 's1')
    t0 = t + 0.9
    qv.esp_traffic(p, t0, t0 + 29.5, 's1', replies=False, bulk=0)     # 30 pings, no answer
    background(lan, t0 + 31.0)
    return cap


def midflow_tunnel():
    """tcpdump on the gateway's upstream router, filtered to the two peers:
    starts with the tunnel already up (ESP both ways), ends with the teardown
    and the logout TLS session."""
    site = Site('198.51.100.0', 24, '00:1b:0d:11:22:01')
    cap = Capture('midflow-tunnel', site, 8888001, epoch_us(2012, 4, 27, 22, 13, 48, 803141))
    r = cap.rng
    gw = cap.host('gateway', '198.51.100.77', 64, mac='00:1a:70:4e:9b:12', local=True, ipid_step=(1, 3))
    cli = cap.host('client', '203.0.113.200', 113, ipid_step=(1, 6))
    p = qv.Peer(cap, cli, gw, 0.071, 'gateway', cert=qv.gateway_cert(r))
    p.seq_out, p.seq_in = 18211, 17940
    t = qv.esp_traffic(p, jit(cap, 0.0), 38.0, 's1', lost=0, bulk=2)
    t = qv.teardown(p, jit(cap, t + 0.9), 's1')
    qv.tls_session(p, t + 0.055, 's1.logout')
    return cap

# ---------------------------------------------------------------------- IKEv2


def ikev2_success():
    cap, p, lan = client_capture('ikev2-success', 9191001, epoch_us(2012, 5, 14, 12, 0, 17, 432001),
                                 '192.0.2.88', '192.0.2.1', '198.51.100.60', rtt=0.043, v2=True)
    r = cap.rng
    t = qv.tls_session(p, jit(cap, 1.0), 's1.login')
    t = qv.ikev2_exchange(p, jit(cap, t + 6.3), 's1')
    t0 = p.cli_at(t, 0.3)
    t1 = t0 + 20.0
    qv.esp_traffic(p, t0, t1, 's1', lost=0, bulk=1)
    t = qv.ikev2_delete(p, t1 + r.uniform(1.0, 2.0), 's1')
    t = qv.tls_session(p, t + 0.05, 's1.logout')
    background(lan, t + 1.5)
    return cap


def ikev2_auth_failed():
    cap, p, lan = client_capture('ikev2-auth-failed', 9292001, epoch_us(2012, 5, 14, 12, 41, 3, 90412),
                                 '192.0.2.89', '192.0.2.1', '198.51.100.61', rtt=0.046, v2=True)
    t = qv.tls_session(p, jit(cap, 1.3), 's1.login')
    t = qv.ikev2_exchange(p, jit(cap, t + 6.6), 's1', auth_fail=True)
    background(lan, t + 20.0)          # the client gives up: nothing more to the gateway
    return cap

# ---------------------------------------------------------------------- crowds


WEB = ['www.example.com', 'www.example.net', 'www.example.org', 'mail.example.com', 'news.example.net',
       'shop.example.org', 'maps.example.com', 'cdn.example.net', 'login.example.org', 'static.example.com',
       'api.example.net', 'blog.example.org', 'video.example.com', 'docs.example.net']


def busy_client():
    """A client PC browsing HTTPS (14 sessions to 14 servers) before, during and
    after one QuickVPN connection."""
    cap, p, lan = client_capture('busy-client', 1212001, epoch_us(2012, 6, 6, 9, 3, 44, 601232),
                                 '203.0.113.77', '203.0.113.1', '198.51.100.40', rtt=0.049)
    r = cap.rng
    servers = [cap.host('web%d' % i, '192.0.2.%d' % (10 + i), r.choice([50, 52, 54, 115, 117, 241]),
                        ipid_step=(1, 300)) for i in range(len(WEB))]
    certs = [web_cert(r, n) for n in WEB]
    t_vpn = jit(cap, 14.0)
    t_end = qv.success(p, t_vpn, 's1', esp_secs=30.0)
    starts = [0.6, 2.9, 5.2, 8.8, 11.5,                 # before
              t_vpn + 3.0, t_vpn + 12.5, t_vpn + 19.0, t_vpn + 24.0, t_vpn + 31.0, t_vpn + 38.0,
              t_end + 1.5, t_end + 4.0, t_end + 7.5]    # during, after
    sport = 3100
    last = t_end
    for i, (ts, host) in enumerate(zip(starts, servers)):
        ts = jit(cap, ts, 0.3)
        txid = r.randrange(0x10000)
        lan.cap.udp(ts, p.cli, lan.dns, 1030 + i, 53, dns_query(txid, WEB[i]))
        tr = ts + r.uniform(0.01, 0.04)
        lan.cap.udp(tr, lan.dns, p.cli, 53, 1030 + i,
                    dns_response(txid, WEB[i], [host.ip]))
        sport += r.randint(1, 4)
        n = r.choice([1, 2, 3])
        last = max(last, https_session(cap, p.cli, host, sport, tr + 0.001, r.uniform(0.02, 0.11), WEB[i],
                                       certs[i], tags=('web%d' % i,),
                                       req_sizes=[r.randint(300, 700) for _ in range(n)],
                                       resp_sizes=[r.randint(400, 9000) for _ in range(n)]))
    background(lan, last + 1.0, per_second=0.3)
    return cap


def many_clients():
    """tcpdump on a mirror port next to one gateway: 20 QuickVPN clients connecting
    at overlapping times, amid DNS, ARP and HTTPS of other hosts on the segment.
    Client c06 fails with a pre-shared-key mismatch (MM5 retransmitted), client
    c14 with a phase-1 proposal mismatch (NO-PROPOSAL-CHOSEN); c03, c10 and c17
    are behind NAT (NAT-T, UDP 4500)."""
    site = Site('198.51.100.0', 24, '00:1b:0d:5a:00:01')
    cap = Capture('many-clients', site, 2020001, epoch_us(2012, 7, 2, 8, 0, 3, 114097))
    r = cap.rng
    gw = cap.host('gateway', '198.51.100.10', 64, mac='00:1a:70:99:10:10', local=True, ipid_step=(1, 2))
    router = cap.host('router', '198.51.100.1', 255, mac='00:1b:0d:5a:00:01', local=True, ipid_step=(1, 50))
    dmz = [cap.host('dmz%d' % i, '198.51.100.%d' % i, 64, mac='52:54:00:%02x:%02x:%02x' % (i, i, i),
                    local=True, ipid_step=(1, 5)) for i in (20, 21, 22, 23)]
    dns = cap.host('dns', '198.51.100.2', 64, mac='52:54:00:02:02:02', local=True, ipid_step=(1, 40))
    remote = [cap.host('rem', '192.0.2.250', 50, ipid_step=(1, 200))]
    lan = Lan(cap, None, router, dmz, dns, remote)
    cert = qv.gateway_cert(r)
    addrs = r.sample(range(2, 250), 20)
    t_last = 0.0
    for i in range(20):
        tag = 'c%02d' % i
        natted = i in (3, 10, 17)
        ip = ('192.0.2.%d' if i % 2 else '203.0.113.%d') % addrs[i]
        cli = cap.host(tag, ip, 128 - r.randint(9, 19) - (1 if natted else 0), ipid_step=(1, 4))
        p = qv.Peer(cap, cli, gw, r.uniform(0.025, 0.13), 'gateway', cert=cert, nat_t=natted,
                    cport500=r.randrange(49152, 65500) if natted else 500,
                    cport4500=r.randrange(49152, 65500) if natted else 4500)
        t = 1.0 + i * 5.5 + r.uniform(0.0, 3.0)
        if i == 6:
            t = qv.tls_session(p, t, tag + '.login')
            t = qv.main_mode(p, t + r.uniform(6, 9), tag, stop_after=4)
        elif i == 14:
            t = qv.tls_session(p, t, tag + '.login')
            t += r.uniform(6, 9)
            p.ike(t, True, ike.mm1(p.ic, qv.CLIENT_VIDS), tag + '.mm1')
            t += r.uniform(0.002, 0.004)
            p.ike(t, False, ike.info_notify_cleartext(p.ic, b'\0' * 8, 14), tag + '.notify')
        else:
            t = qv.success(p, t, tag, esp_secs=r.uniform(30.0, 70.0), end='teardown' if i % 2 == 0 else 'up',
                           verify_tls=(i % 3 == 0), bulk=r.choice([0, 1]))
        t_last = max(t_last, t)
    t_end = t_last + 2.0
    # the segment's other traffic: DNS, ARP, NBNS and HTTPS from the DMZ hosts
    lan.fill(0.0, t_end, int(t_end * 0.8), kinds=['arp_neighbor', 'dns', 'dns', 'ping', 'nbns_query'])
    servers = [cap.host('web%d' % i, '203.0.113.%d' % (240 - i), 50, ipid_step=(1, 300)) for i in range(8)]
    certs = [web_cert(r, n) for n in WEB[:8]]
    for k in range(16):
        h = r.choice(dmz)
        s = r.randrange(8)
        https_session(cap, h, servers[s], 40000 + k * 7, r.uniform(1.0, t_end - 12.0), r.uniform(0.01, 0.06),
                      WEB[s], certs[s], req_sizes=[r.randint(300, 600)], resp_sizes=[r.randint(500, 6000)],
                      client_vantage=False)
    return cap


# ---------------------------------------------------------------------- issue 13: what must not be a failure,
# and failures that must be seen (rekey, DPD, collision, redirect, fragments, retry,
# Quick Mode refused, capture cut short, one-way capture point, AH)


def rekey_live_tunnel():
    """IKEv2 tunnel passing ESP; the client rekeys the child SA (CREATE_CHILD_SA with
    PFS, new SPIs), deletes the old one (INFORMATIONAL, SK{D}) and the traffic goes on
    on the new SPIs until the capture ends."""
    cap, p, lan = client_capture('rekey-live-tunnel', 9393001, epoch_us(2012, 8, 20, 14, 7, 31, 220417),
                                 '192.0.2.91', '192.0.2.1', '198.51.100.62', rtt=0.044, v2=True)
    r = cap.rng
    t = qv.tls_session(p, jit(cap, 1.1), 's1.login')
    t = qv.ikev2_exchange(p, jit(cap, t + 6.5), 's1')
    t0 = p.cli_at(t, 0.3)
    t1 = t0 + 30.0
    qv.esp_traffic(p, t0, t1, 's1', lost=0, bulk=1)
    t, _old = qv.ikev2_rekey_child(p, t1 + r.uniform(0.1, 0.3), 's1', 2)
    qv.ikev2_delete_child(p, p.cli_at(t, r.uniform(0.004, 0.009)), 's1', 3)
    t2 = t1 + 0.6
    qv.esp_traffic(p, t2, t2 + 30.0, 's1', lost=0, bulk=1)
    background(lan, t2 + 31.0)
    return cap


def dpd_live_tunnel():
    """strongSwan road warrior (IKEv1, Main Mode + Quick Mode) to a Cisco IOS gateway
    with `crypto isakmp keepalive 10 periodic`: an encrypted R-U-THERE from the
    gateway every 10 s, each answered by an R-U-THERE-ACK, while ESP flows both ways."""
    cap, p, lan = client_capture('dpd-live-tunnel', 9494001, epoch_us(2012, 9, 4, 9, 52, 11, 604211),
                                 '192.0.2.97', '192.0.2.1', '198.51.100.64', rtt=0.039, gw_ttl=249)
    r = cap.rng
    t = qv.main_mode(p, jit(cap, 2.0), 's1', cvids=qv.STRONGSWAN_VIDS, gvids=qv.CISCO_IOS_VIDS,
                     transforms=[(5, 2, 1, 2)])
    t_p1 = t
    t = qv.quick_mode(p, t, 's1')
    t0 = p.cli_at(t, r.uniform(0.2, 0.4))
    t1 = t0 + 62.0
    qv.esp_traffic(p, t0, t1, 's1', lost=0, bulk=2)
    td = t_p1 + 10.0 + r.uniform(-0.002, 0.002)     # the gateway's keepalive timer, from its MM6
    while td < t1:
        qv.dpd(p, td, 's1')
        td += 10.0 * r.uniform(0.9998, 1.0002)
    background(lan, t1 + 1.0)
    return cap


def ike_sa_collision():
    """tcpdump on the outside of a strongSwan site-to-site gateway (198.51.100.50):
    traffic on both LANs makes both peers initiate at once.  Its MM1 and the Cisco IOS
    peer's MM1 (another initiator cookie) cross 3 ms apart; each answers the other's
    with MM2.  The Cisco drops its own half-open exchange (no MM3, no resend) and
    completes the strongSwan one; Quick Mode on it, ESP both ways to the end."""
    site = Site('198.51.100.0', 24, '00:1b:0d:5c:20:01', capture_mac='52:54:00:4a:11:50')
    cap = Capture('ike-sa-collision', site, 9595001, epoch_us(2012, 9, 27, 3, 14, 52, 80233))
    r = cap.rng
    a = cap.host('strongswan', '198.51.100.50', 64, mac='52:54:00:4a:11:50', local=True)
    router = cap.host('router', '198.51.100.1', 255, mac='00:1b:0d:5c:20:01', local=True, ipid_step=(1, 50))
    nb = cap.host('dmz', '198.51.100.51', 64, mac='52:54:00:4a:11:51', local=True, ipid_step=(1, 5))
    b = cap.host('cisco', '203.0.113.60', 246, ipid_step=(1, 3))
    dns = cap.host('dns', '192.0.2.53', 58, ipid_step=(1, 80))
    remote = [cap.host('r1', '203.0.113.201', 47, ipid_step=(1, 200))]
    lan = Lan(cap, a, router, [nb], dns, remote)
    p = qv.Peer(cap, a, b, 0.031, 'client')
    ike1 = [(5, 2, 1, 2)]                       # 3DES, SHA-1, pre-shared key, group 2 on both
    lan.emit('dns', r.uniform(0.1, 0.6))
    t = jit(cap, 3.0)
    t_mm1 = t
    t = qv.main_mode(p, t, 's1', cvids=qv.STRONGSWAN_VIDS, gvids=qv.CISCO_IOS_VIDS, transforms=ike1)
    # the Cisco's own Main Mode, sent before the strongSwan MM1 reached it
    ic_b, rc_b = r.randbytes(8), r.randbytes(8)
    tb = t_mm1 + r.uniform(0.0025, 0.0031)
    p.ike(tb, False, ike.mm1(ic_b, qv.CISCO_IOS_VIDS, ike1), 's1.peer.mm1')
    p.ike(tb + r.uniform(0.0018, 0.0024), True, ike.mm2(ic_b, rc_b, qv.STRONGSWAN_VIDS, ike1), 's1.peer.mm2')
    t = qv.quick_mode(p, t, 's1')
    t0 = p.cli_at(t, r.uniform(0.1, 0.3))
    t1 = t0 + 40.0
    qv.esp_traffic(p, t0, t1, 's1', lost=0, bulk=2, interval=2.0)
    lan.fill(0.0, t1 + 1.0, int((t1 + 1.0) * 0.4), kinds=['dns', 'dns', 'ping', 'arp_neighbor'])
    return cap


def ikev2_redirect():
    """strongSwan road warrior to a gateway cluster with RFC 5685 redirection: the
    first gateway answers IKE_SA_INIT with only N(REDIRECT) naming 198.51.100.71
    (responder SPI zero); the client starts a new IKE SA there (N(REDIRECTED_FROM)),
    IKE_AUTH succeeds, ESP both ways until the capture ends."""
    cap, p, lan = client_capture('ikev2-redirect', 9696001, epoch_us(2012, 10, 9, 7, 41, 26, 513370),
                                 '192.0.2.101', '192.0.2.1', '198.51.100.70', rtt=0.036, v2=True)
    r = cap.rng
    gw2 = cap.host('gateway2', '198.51.100.71', 52, ipid_step=(1, 3))
    p2 = qv.Peer(cap, p.cli, gw2, 0.037, 'client', v2=True)
    t = jit(cap, 2.5)
    ispi, ni = r.randbytes(8), r.randbytes(32)
    p.ike(t, True, ike.ike_sa_init(r, ispi, b'\0' * 8, False, vids=(), nonce=ni,
                                   notifies=[(ike.N_REDIRECT_SUPPORTED, b'')],
                                   natd=qv.natd_v2_pair(p, ispi, b'\0' * 8, True)), 's1.sa_init.req')
    t = p.gw_at(t, r.uniform(0.001, 0.002))
    p.ike(t, False, ike.ike_sa_init_redirect(ispi, gw2.ipb, ni), 's1.redirect')
    t = p2.cli_at(t, r.uniform(0.002, 0.004))
    t = qv.ikev2_exchange(p2, t, 's2', vids=(), init_notifies=[(ike.N_REDIRECTED_FROM, ike.gw_ident_ipv4(p.gw.ipb))])
    t0 = p2.cli_at(t, 0.25)
    t1 = t0 + 30.0
    qv.esp_traffic(p2, t0, t1, 's2', lost=0, bulk=1)
    background(lan, t1 + 1.0)
    return cap


def ikev2_fragments():
    """IKEv2 with certificates and IKEv2 fragmentation (RFC 7383): both announce
    IKEV2_FRAGMENTATION_SUPPORTED, the IKE_AUTH request goes as 3 SKF fragments and
    the response as 2 (one message ID each, fragment numbers 1..n), nothing resent;
    ESP both ways, delete pair, logout."""
    cap, p, lan = client_capture('ikev2-fragments', 9797001, epoch_us(2012, 10, 22, 18, 3, 9, 771254),
                                 '192.0.2.93', '192.0.2.1', '198.51.100.63', rtt=0.047, v2=True)
    r = cap.rng
    t = qv.tls_session(p, jit(cap, 1.2), 's1.login')
    t = qv.ikev2_exchange(p, jit(cap, t + 6.4), 's1', fragments=True)
    t0 = p.cli_at(t, 0.3)
    t1 = t0 + 25.0
    qv.esp_traffic(p, t0, t1, 's1', lost=0, bulk=1)
    t = qv.ikev2_delete(p, t1 + r.uniform(1.0, 2.0), 's1')
    t = qv.tls_session(p, t + 0.05, 's1.logout')
    background(lan, t + 1.5)
    return cap


def retry_after_psk_mismatch():
    """Windows L2TP/IPsec client to a strongSwan gateway, wrong pre-shared key: the
    gateway cannot decrypt MM5 and answers it, and each of its 4 resends (1, 2, 4,
    8 s), with an encrypted Informational (PAYLOAD-MALFORMED).  The client gives up;
    5 s after the last answer a new Main Mode (new initiator cookie) with the right
    key completes, Quick Mode, ESP both ways until the capture ends."""
    cap, p, lan = client_capture('retry-after-psk-mismatch', 9898001, epoch_us(2012, 11, 6, 16, 20, 3, 419032),
                                 '192.0.2.98', '192.0.2.1', '198.51.100.65', rtt=0.050, gw_ttl=53)
    r = cap.rng
    last = []

    def refuse(ts):          # strongSwan: "message parsing failed", an encrypted N(PAYLOAD-MALFORMED)
        ta = p.gw_at(ts, r.uniform(0.0015, 0.003))
        p.ike(ta, False, ike.info_notify_encrypted(r, p.ic, p.rc, r.getrandbits(32) | 0x01000000), 's1.mm5_refused')
        last.append(ta)
    qv.main_mode(p, jit(cap, 2.2), 's1', stop_after=4, gvids=qv.STRONGSWAN_VIDS, answer=refuse)
    p.new_sa()
    t = qv.main_mode(p, last[-1] + 5.0 + r.uniform(0.0, 0.3), 's2', gvids=qv.STRONGSWAN_VIDS)
    t = qv.quick_mode(p, t, 's2')
    t0 = p.cli_at(t, r.uniform(0.3, 0.6))
    t1 = t0 + 30.0
    qv.esp_traffic(p, t0, t1, 's2', lost=0, bulk=1)
    background(lan, t1 + 1.0)
    return cap


def qm_refused():
    """QuickVPN login and Main Mode complete; the gateway refuses QM1 with an
    encrypted Informational (NO-PROPOSAL-CHOSEN with the proposal's SPI) instead of
    QM2; 0.9 s later the client deletes the ISAKMP SA (its own encrypted
    Informational).  No ESP; background for 10 s."""
    cap, p, lan = client_capture('qm-refused', 9999001, epoch_us(2012, 12, 3, 10, 9, 47, 302118),
                                 '192.0.2.99', '192.0.2.1', '198.51.100.66', rtt=0.045)
    r = cap.rng
    t = qv.tls_session(p, jit(cap, 1.0), 's1.login')
    t = qv.main_mode(p, jit(cap, t + 7.0), 's1')
    msgid = r.getrandbits(32) | 0x01000000
    t = p.cli_at(t, r.uniform(0.009, 0.012))
    p.ike(t, True, ike.qm1(r, p.ic, p.rc, msgid), 's1.qm1')
    t = p.gw_at(t, r.uniform(0.004, 0.009))
    p.ike(t, False, ike.info_notify_encrypted(r, p.ic, p.rc, r.getrandbits(32) | 0x01000000, spi_len=4),
          's1.qm_refused')
    t = p.cli_at(t, r.uniform(0.85, 0.95))
    p.ike(t, True, ike.info_delete_isakmp(r, p.ic, p.rc, r.getrandbits(32) | 0x10000000), 's1.info.client')
    background(lan, t + 10.0)
    return cap


def capture_ends_early():
    """strongSwan client (IKEv1, modeconfig pull) to a Cisco IOS gateway: Main Mode
    completes, Mode Config request and reply (Transaction exchange); the capture is
    stopped 64 ms after the reply, before any Quick Mode."""
    cap, p, lan = client_capture('capture-ends-early', 10101001, epoch_us(2013, 1, 15, 13, 26, 40, 118905),
                                 '192.0.2.102', '192.0.2.1', '198.51.100.69', rtt=0.041, gw_ttl=246)
    r = cap.rng
    t = qv.main_mode(p, jit(cap, 3.1), 's1', cvids=qv.STRONGSWAN_VIDS[1:], gvids=qv.CISCO_IOS_VIDS,
                     transforms=[(5, 2, 1, 2)])
    t = qv.mode_config(p, p.cli_at(t, r.uniform(0.001, 0.002)), 's1')
    t_end = t + 0.064
    background(lan, t_end - 0.001)
    lan.emit('nbns_query', t_end)                # the last frame: a neighbour's broadcast
    return cap


def one_way_capture_point():
    """A SPAN session next to a Cisco RV gateway that mirrors one direction only (what
    arrives at its WAN port), started mid-tunnel: 60 s of ESP from the client (pings,
    TCP acknowledgements of downloads, an upload), nothing of the gateway's; the other
    arriving traffic (DNS and NTP answers to the gateway, the router's ARP) is one-way
    too."""
    site = Site('198.51.100.0', 24, '00:1b:0d:63:10:01')
    cap = Capture('one-way-capture-point', site, 10202001, epoch_us(2013, 2, 18, 11, 4, 27, 650712))
    r = cap.rng
    gw = cap.host('gateway', '198.51.100.67', 64, mac='00:1a:70:3c:41:07', local=True, ipid_step=(1, 3))
    router = cap.host('router', '198.51.100.1', 255, mac='00:1b:0d:63:10:01', local=True, ipid_step=(1, 40))
    cli = cap.host('client', '203.0.113.150', 114, ipid_step=(1, 2))
    dns = cap.host('dns', '192.0.2.53', 57, ipid_step=(1, 90))
    ntp = cap.host('ntp', '192.0.2.123', 49, ipid_step=(1, 150))
    p = qv.Peer(cap, cli, gw, 0.064, 'gateway')
    p.seq_out = 48210 + r.randrange(2000)
    t_end = 60.0
    ev = []
    t = r.uniform(0.0, 0.3)
    while t < t_end:                                     # the client's pings through the tunnel
        ev.append((t, qv.ICMP_INNER))
        t += r.uniform(0.998, 1.003)
    for start in (r.uniform(6, 12), r.uniform(30, 38)):  # downloads: only the client's ACKs pass here
        tb = start
        for _ in range(r.randint(40, 70)):
            ev.append((tb, 40))
            tb += r.uniform(0.004, 0.03)
    tb = r.uniform(44, 50)                               # an upload: full-size packets
    for _ in range(r.randint(30, 45)):
        ev.append((tb, 1400))
        tb += r.uniform(0.001, 0.004)
    for te, inner in sorted(ev):
        p.esp(te, True, inner, 's1.esp.out')
    names = ['www.cisco.com', 'time.windows.com', 'tools.cisco.com', 'download.example.net']
    t = r.uniform(1.0, 4.0)
    while t < t_end - 1.0:                               # answers to the gateway's queries
        q = r.choice(names)
        cap.udp(t, dns, gw, 53, r.randrange(1025, 5000),
                dns_response(r.randrange(0x10000), q, ['198.51.100.%d' % r.randrange(100, 200)]))
        t += r.uniform(4.0, 9.0)
    for t in (r.uniform(5.0, 15.0), r.uniform(40.0, 50.0)):
        cap.udp(t, ntp, gw, 123, 123, ntp_server_reply(r, cap.ts(t) // 1000000))
    for t in (r.uniform(2.0, 20.0), r.uniform(20.0, 40.0), r.uniform(40.0, 58.0)):
        cap.arp(t, 1, router.mac, router.ip, b'\0' * 6, '198.51.100.%d' % r.randrange(100, 200), netl.BROADCAST_MAC)
    return cap


def ntp_server_reply(r, unix_seconds):
    """An NTPv4 server reply (mode 4, stratum 2): 48 bytes."""
    now = unix_seconds + 2208988800                  # NTP era 0 counts from 1900
    return struct.pack('!BBbbII4sQQQQ', 0x24, 2, 6, -23, r.randrange(1 << 12), r.randrange(1 << 14),
                       bytes([192, 0, 2, 1]), (now - 900) << 32, (now << 32) | r.getrandbits(32),
                       (now << 32) | r.getrandbits(32), (now << 32) | r.getrandbits(32))


def ah_tunnel():
    """tcpdump on the outside of a strongSwan gateway (198.51.100.68): a branch Cisco IOS
    router initiates IKEv1 (Main Mode, Quick Mode) for a tunnel whose phase 2 is AH
    (IP protocol 51, HMAC-SHA1-96, `ah-sha-hmac`): the inner packets stay readable.
    A branch PC pings an HQ server every second, the HQ monitor pings the branch
    router every 5 s, all answered through the tunnel, until the capture ends."""
    site = Site('198.51.100.0', 24, '00:1b:0d:5c:30:01', capture_mac='52:54:00:6b:21:68')
    cap = Capture('ah-tunnel', site, 10303001, epoch_us(2013, 3, 12, 8, 45, 19, 240611))
    r = cap.rng
    hq = cap.host('hq', '198.51.100.68', 64, mac='52:54:00:6b:21:68', local=True)
    router = cap.host('router', '198.51.100.1', 255, mac='00:1b:0d:5c:30:01', local=True, ipid_step=(1, 50))
    nb = cap.host('dmz', '198.51.100.75', 64, mac='52:54:00:6b:21:75', local=True, ipid_step=(1, 5))
    branch = cap.host('branch', '203.0.113.70', 247, ipid_step=(1, 2))
    dns = cap.host('dns', '192.0.2.53', 58, ipid_step=(1, 80))
    remote = [cap.host('r1', '203.0.113.201', 47, ipid_step=(1, 200))]
    lan = Lan(cap, hq, router, [nb], dns, remote)
    p = qv.Peer(cap, branch, hq, 0.028, 'gateway')
    lan.emit('dns', r.uniform(0.1, 0.6))
    t = qv.main_mode(p, jit(cap, 1.5), 's1', cvids=qv.CISCO_IOS_VIDS, gvids=qv.STRONGSWAN_VIDS[1:],
                     transforms=[(5, 2, 1, 2)])
    t = qv.quick_mode(p, t, 's1')
    t0 = p.cli_at(t, r.uniform(0.05, 0.2))
    t1 = t0 + 45.0
    ah_pings(p, t0, t1, 's1')
    lan.fill(0.0, t1 + 1.0, int((t1 + 1.0) * 0.4), kinds=['dns', 'dns', 'ping', 'arp_neighbor'])
    return cap


def ah_pings(p, t0, t1, tag):
    """Inner traffic of the AH tunnel: PC 10.10.1.23 (Windows) pings server 10.20.1.10 every
    second, monitor 10.20.1.5 (Linux) pings the branch router 10.10.1.1 every 5 s.  TTLs as
    the packets leave the tunnel ends (one router hop)."""
    r = p.r
    ev = []                                      # (time, from_client, src, dst, ttl, ipid, icmp)
    pc_id, srv_id, mon_id, rtr_id = r.randrange(0x10000), r.randrange(0x10000), r.randrange(0x10000), 0
    t, seq = t0, 0x0100 + r.randrange(0x100)
    while t < t1:
        seq += 1
        pc_id += 1
        ev.append((t, True, '10.10.1.23', '10.20.1.10', 127, pc_id, netl.icmp_echo(8, 1, seq, PING_WIN)))
        srv_id = (srv_id + r.randint(1, 9)) & 0xffff
        ev.append((p.gw_at(t, r.uniform(0.0004, 0.0009)), False, '10.20.1.10', '10.10.1.23', 63, srv_id,
                   netl.icmp_echo(0, 1, seq, PING_WIN)))
        t += r.uniform(0.998, 1.003)
    t, mseq, ident = t0 + r.uniform(1.0, 4.0), 0, r.randrange(0x1000, 0x8000)
    while t < t1:
        mseq += 1
        mon_id = (mon_id + 1) & 0xffff
        payload = struct.pack('!II', 1363077919 + int(t), r.randrange(1000000)) + bytes(range(0x08, 0x38))
        ev.append((t, False, '10.20.1.5', '10.10.1.1', 63, mon_id, netl.icmp_echo(8, ident, mseq, payload)))
        rtr_id = (rtr_id + 1) & 0xffff
        ev.append((p.cli_at(t, r.uniform(0.0008, 0.0015)), True, '10.10.1.1', '10.20.1.5', 255, rtr_id,
                   netl.icmp_echo(0, ident, mseq, payload)))
        t += 5.0 * r.uniform(0.999, 1.001)
    ev.sort(key=lambda e: e[0])
    for te, fc, src, dst, ttl, ipid, icmp in ev:
        p.ah(te, fc, netl.ipv4_packet(src, dst, netl.IPPROTO_ICMP, ipid, ttl, icmp), tag + ('.ah.out' if fc else '.ah.in'))


PING_WIN = b'abcdefghijklmnopqrstuvwabcdefghi'     # Windows ping.exe, 32 bytes


SCENARIOS = [
    ('success-60443', 'pcap', success_60443),
    ('success-nat-t', 'pcapng', success_nat_t),
    ('psk-mismatch', 'pcap', psk_mismatch),
    ('gateway-silent', 'pcap', gateway_silent),
    ('p1-proposal-mismatch', 'pcap', p1_proposal_mismatch),
    ('p2-failure', 'pcapng', p2_failure),
    ('tls-login-refused', 'pcap', tls_login_refused),
    ('esp-one-way', 'pcap', esp_one_way),
    ('midflow-tunnel', 'pcap', midflow_tunnel),
    ('many-clients', 'pcap', many_clients),
    ('busy-client', 'pcapng', busy_client),
    ('ikev2-success', 'pcapng', ikev2_success),
    ('ikev2-auth-failed', 'pcap', ikev2_auth_failed),
    ('reconnect', 'pcapng', reconnect),
    ('rekey-live-tunnel', 'pcapng', rekey_live_tunnel),
    ('dpd-live-tunnel', 'pcap', dpd_live_tunnel),
    ('ike-sa-collision', 'pcap', ike_sa_collision),
    ('ikev2-redirect', 'pcapng', ikev2_redirect),
    ('ikev2-fragments', 'pcapng', ikev2_fragments),
    ('retry-after-psk-mismatch', 'pcap', retry_after_psk_mismatch),
    ('qm-refused', 'pcap', qm_refused),
    ('capture-ends-early', 'pcap', capture_ends_early),
    ('one-way-capture-point', 'pcap', one_way_capture_point),
    ('ah-tunnel', 'pcap', ah_tunnel),
]


# issue 14: failures whose cause is in the clear (captures/gen/qvgen/scenarios_evidence.py)
from .scenarios_evidence import SCENARIOS_EVIDENCE  # noqa: E402

SCENARIOS += SCENARIOS_EVIDENCE

# issue 15: IKEv2/ESP captures shipped with their keys (captures/gen/qvgen/scenarios_keys_v2.py)
from .scenarios_keys_v2 import SCENARIOS_KEYS_V2  # noqa: E402

SCENARIOS += SCENARIOS_KEYS_V2

# issue 15: IKEv1 captures shipped with their keys (captures/gen/qvgen/scenarios_keys_v1.py)
from .scenarios_keys_v1 import SCENARIOS_KEYS_V1  # noqa: E402
SCENARIOS += SCENARIOS_KEYS_V1
