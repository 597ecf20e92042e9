"""Issue 14 scenarios: failures whose cause the capture shows in cleartext.

Each carries the evidence byte for byte: the offered and chosen SA suites, the peers'
Vendor IDs, NAT-D hashes recomputed from the cookies/SPIs and the addresses the peers
really see (behind NAT the client hashes its private address), IKEv2 INVALID_KE_PAYLOAD,
IPv4 fragments of a large IKE_AUTH, ICMP errors quoting a session's packet, a legacy TLS
ClientHello.  SCENARIOS_EVIDENCE is appended to scenarios.SCENARIOS.
"""
from . import quickvpn as qv
from . import ike
from . import evidence as ev
from .background import Lan
from .capture import Capture
from .net import Site, ip4
from .scenarios import client_capture, epoch_us, jit, background, rand_mac

# Windows 7 with the QuickVPN client: AES-256, AES-128, 3DES, all SHA-1, PSK, MODP1024, 8 h
WIN7_OFFER = [ev.Suite('AES', 'SHA1', 'PSK', 'MODP1024', 28800, 256),
              ev.Suite('AES', 'SHA1', 'PSK', 'MODP1024', 28800, 128),
              ev.Suite('3DES', 'SHA1', 'PSK', 'MODP1024', 28800)]
RV_CHOICE = WIN7_OFFER[2]          # the router's phase-1 policy: 3DES/SHA1/PSK/group 2
# an old client profile: single DES with MD5 and group 1, and 3DES/MD5
LEGACY_OFFER = [ev.Suite('DES', 'MD5', 'PSK', 'MODP768'), ev.Suite('3DES', 'MD5', 'PSK', 'MODP1024')]
# the NAT in front of client-side captures: its public address (never in those captures)
NAT_PUBLIC = '203.0.113.45'


def main_mode(p, t, tag, offer, choice, cli_own, cli_seen, stop_after=6, retx=qv.WINDOWS_RETX):
    """MM1..MM6 of a Windows 7 client and a Cisco IOS responder with real payloads: SA
    (offer / choice), VIDs, KE of the chosen group, NAT-D.  cli_own: (address bytes, port)
    the client hashes as its own (its private one behind NAT); cli_seen: what the gateway
    sees.  With p.nat_t both float to UDP 4500 from MM5.  stop_after=4: MM5 is resent at
    `retx`, never answered."""
    r, ic, rc = p.r, p.ic, p.rc
    gw = (p.gw.ipb, 500)
    p.ike(t, True, ev.mm_sa(ic, b'\0' * 8, offer, ev.WIN7_VIDS), tag + '.mm1')
    t = p.gw_at(t, r.uniform(0.002, 0.004))
    p.ike(t, False, ev.mm_sa(ic, rc, [choice], ev.IOS_MM2_VIDS), tag + '.mm2')
    t = p.cli_at(t, r.uniform(0.009, 0.012))
    p.ike(t, True, ev.mm_ke_natd(r, ic, rc, choice, [ev.natd_v1(choice, ic, rc, *gw),
                                                     ev.natd_v1(choice, ic, rc, *cli_own)]), tag + '.mm3')
    t = p.gw_at(t, r.uniform(0.38, 0.48))
    p.ike(t, False, ev.mm_ke_natd(r, ic, rc, choice, [ev.natd_v1(choice, ic, rc, *cli_seen),
                                                      ev.natd_v1(choice, ic, rc, *gw)],
                                  nonce_len=16, vids=ev.IOS_MM4_VIDS), tag + '.mm4')
    if p.nat_t:
        p.floated = True
    t = p.cli_at(t, r.uniform(0.003, 0.005))
    m = ike.mm5(r, ic, rc)
    p.ike(t, True, m, tag + '.mm5')
    if stop_after < 6:
        return qv.retransmit(p, t, True, m, retx, tag + '.mm5.retx')
    t = p.gw_at(t, r.uniform(0.003, 0.006))
    p.ike(t, False, ike.mm6(r, ic, rc), tag + '.mm6')
    return t


def gateway_capture(name, seed, t0, gw_ip, cli_ip, rtt, cport500, cport4500):
    """tcpdump on the gateway's upstream segment (198.51.100.0/24); the client comes from
    a NAT's public address with mapped ports."""
    import random
    mr = random.Random(seed * 7 + 1)
    router_mac = rand_mac(mr, '00:1b:0d')
    site = Site('198.51.100.0', 24, router_mac)
    cap = Capture(name, site, seed, t0)
    r = cap.rng
    gw = cap.host('gateway', gw_ip, 64, mac=rand_mac(mr, '00:1a:70'), local=True, ipid_step=(1, 3))
    router = cap.host('router', '198.51.100.1', 255, mac=router_mac, local=True, ipid_step=(1, 50))
    dmz = cap.host('dmz', '198.51.100.9', 64, mac=rand_mac(mr, '52:54:00'), local=True, ipid_step=(1, 5))
    cli = cap.host('client', cli_ip, 113, ipid_step=(1, 4))
    dns = cap.host('dns', '192.0.2.53', 58, ipid_step=(1, 80))
    lan = Lan(cap, None, router, [dmz], dns, [cap.host('r1', '192.0.2.201', 47, ipid_step=(1, 200))])
    p = qv.Peer(cap, cli, gw, rtt, 'gateway', nat_t=True, cport500=cport500, cport4500=cport4500,
                cert=qv.gateway_cert(r))
    return cap, p, lan


def fill(lan, t_end, per_second=0.4):
    lan.fill(0.0, t_end, max(2, int(t_end * per_second)), kinds=['dns', 'dns', 'ping', 'arp_neighbor'])

# ---------------------------------------------------------------------- 1. proposals


def proposal_refused_legacy():
    """QuickVPN login, then MM1 offering only DES/MD5/MODP768 and 3DES/MD5/MODP1024: the
    router answers each send (the original and 2 resends) with a cleartext
    NO-PROPOSAL-CHOSEN Informational; the client gives up."""
    cap, p, lan = client_capture('proposal-refused-legacy', 14010001, epoch_us(2013, 4, 2, 9, 14, 27, 302551),
                                 '192.0.2.110', '192.0.2.1', '198.51.100.80', rtt=0.046)
    r = cap.rng
    t = qv.tls_session(p, jit(cap, 1.0), 's1.login')
    t = jit(cap, t + 7.2)
    m = ev.mm_sa(p.ic, b'\0' * 8, LEGACY_OFFER, ev.WIN7_VIDS)

    def refuse(ts):
        p.ike(p.gw_at(ts, r.uniform(0.002, 0.004)), False, ike.info_notify_cleartext(p.ic, b'\0' * 8, 14), 's1.notify')
    p.ike(t, True, m, 's1.mm1')
    refuse(t)
    t = qv.retransmit(p, t, True, m, [1.0, 2.0], 's1.mm1.retx', refuse)
    background(lan, t + 8.0)
    return cap


def proposal_unanswered_ikev2():
    """IKEv2 IKE_SA_INIT offering only 3DES/PRF-HMAC-MD5/HMAC-MD5-96/MODP1024, resent at
    strongSwan's backoff (4, 7.2, 12.96, 23.33 s), never answered."""
    cap, p, lan = client_capture('proposal-unanswered-ikev2', 14020001, epoch_us(2013, 4, 9, 15, 2, 11, 840112),
                                 '192.0.2.111', '192.0.2.1', '198.51.100.81', rtt=0.044, v2=True)
    r = cap.rng
    ispi = r.randbytes(8)
    prop = ev.V2Proposal([('3DES', None)], ['PRF-HMAC-MD5'], ['HMAC-MD5-96'], ['MODP1024'])
    z = b'\0' * 8
    m = ev.sa_init(r, ispi, z, False, [prop], 2, ev.natd_v2(ispi, z, p.cli.ipb, 500),
                   ev.natd_v2(ispi, z, p.gw.ipb, 500))
    t = jit(cap, 2.0)
    p.ike(t, True, m, 's1.sa_init.req')
    t = qv.retransmit(p, t, True, m, [4.0, 7.2, 12.96, 23.33], 's1.sa_init.req.retx')
    background(lan, t + 6.0)
    return cap


V2_STRONG = ev.V2Proposal([('AES-CBC', 256), ('AES-CBC', 128)], ['PRF-HMAC-SHA2-256'], ['HMAC-SHA2-256-128'],
                          ['ECP256', 'MODP2048'])
V2_STRONG_CHOSEN = ev.V2Proposal([('AES-CBC', 256)], ['PRF-HMAC-SHA2-256'], ['HMAC-SHA2-256-128'], ['MODP2048'])


def invalid_ke_retry():
    """strongSwan road warrior to a Cisco IOS (FlexVPN) gateway: IKE_SA_INIT with a KE of
    group 19 (ECP256); the gateway answers N(INVALID_KE_PAYLOAD, group 14); the retry
    (same SPIi, KE of group 14) completes, IKE_AUTH, ESP both ways until the capture ends."""
    cap, p, lan = client_capture('invalid-ke-retry', 14030001, epoch_us(2013, 4, 16, 11, 40, 52, 118023),
                                 '192.0.2.112', '192.0.2.1', '198.51.100.82', rtt=0.039, v2=True, gw_ttl=246)
    r = cap.rng
    ispi, rspi, z = r.randbytes(8), r.randbytes(8), b'\0' * 8
    p.ispi, p.rspi = ispi, rspi
    natd_req = (ev.natd_v2(ispi, z, p.cli.ipb, 500), ev.natd_v2(ispi, z, p.gw.ipb, 500))
    t = jit(cap, 2.4)
    p.ike(t, True, ev.sa_init(r, ispi, z, False, [V2_STRONG], 19, *natd_req), 's1.sa_init.req')
    t = p.gw_at(t, r.uniform(0.001, 0.002))
    p.ike(t, False, ev.sa_init_notify_only(ispi, ev.N_INVALID_KE_PAYLOAD, b'\x00\x0e'), 's1.invalid_ke')
    t = p.cli_at(t, r.uniform(0.002, 0.004))
    p.ike(t, True, ev.sa_init(r, ispi, z, False, [V2_STRONG], 14, *natd_req), 's1.sa_init.retry')
    t = p.gw_at(t, r.uniform(0.018, 0.026))
    p.ike(t, False, ev.sa_init(r, ispi, rspi, True, [V2_STRONG_CHOSEN], 14, ev.natd_v2(ispi, rspi, p.gw.ipb, 500),
                               ev.natd_v2(ispi, rspi, p.cli.ipb, 500), vids=ev.IOS_V2_VIDS), 's1.sa_init.resp')
    t = p.cli_at(t, r.uniform(0.010, 0.016))
    p.ike(t, True, ike.v2_sk(r, ispi, rspi, ike.V2_IKE_AUTH, False, 1, ike.V2_IDI, 232), 's1.auth.req')
    t = p.gw_at(t, r.uniform(0.020, 0.035))
    p.ike(t, False, ike.v2_sk(r, ispi, rspi, ike.V2_IKE_AUTH, True, 1, ike.V2_IDR, 180), 's1.auth.resp')
    t0 = p.cli_at(t, 0.3)
    t1 = t0 + 25.0
    qv.esp_traffic(p, t0, t1, 's1', lost=0, bulk=1)
    background(lan, t1 + 1.0)
    return cap

# ---------------------------------------------------------------------- 2. NAT


def nat_t_ok():
    """Gateway-side capture; the client (192.168.1.34 behind a NAT, public 203.0.113.200,
    mapped ports 1027 for 500 and 1028 for 4500): login, Main Mode with NAT-D (its MM3
    hashes its private address), float to 4500, Quick Mode, ESP in UDP both ways, NAT
    keepalives, teardown, logout."""
    cap, p, lan = gateway_capture('nat-t-ok', 14040001, epoch_us(2013, 5, 7, 18, 21, 3, 551207),
                                  '198.51.100.83', '203.0.113.200', 0.058, 1027, 1028)
    r = cap.rng
    t = qv.tls_session(p, jit(cap, 0.8), 's1.login')
    t = main_mode(p, jit(cap, t + 6.9), 's1', WIN7_OFFER, RV_CHOICE, (ip4('192.168.1.34'), 500),
                  (p.cli.ipb, 1027))
    t = qv.quick_mode(p, t, 's1')
    t0 = t + r.uniform(0.5, 1.5)
    t1 = t0 + 45.0
    qv.esp_traffic(p, t0, t1, 's1', bulk=1)
    t = qv.teardown(p, t1 + r.uniform(0.8, 2.5), 's1')
    t = qv.tls_session(p, t + r.uniform(0.04, 0.07), 's1.logout')
    fill(lan, t + 1.5)
    return cap


def nat_t_blocked():
    """Client-side capture behind a NAT: MM1-MM4 on UDP 500 (the gateway's MM4 NAT-D
    hashes the NAT's public address), MM5 on UDP 4500 resent 1, 2, 4, 8 s, never
    answered: UDP 4500 does not pass."""
    cap, p, lan = client_capture('nat-t-blocked', 14050001, epoch_us(2013, 5, 14, 8, 3, 40, 7719),
                                 '192.168.1.34', '192.168.1.1', '198.51.100.84', rtt=0.052, nat_t=True,
                                 neighbors=(20, 35, 102))
    t = qv.tls_session(p, jit(cap, 1.1), 's1.login')
    t = main_mode(p, jit(cap, t + 7.6), 's1', WIN7_OFFER, RV_CHOICE, (p.cli.ipb, 500),
                  (ip4(NAT_PUBLIC), 500), stop_after=4)
    background(lan, t + 6.0)
    return cap


def nat_raw_esp():
    """Client-side capture behind a NAT: Main Mode finds NAT (MM4's NAT-D), IKE floats to
    4500, Quick Mode completes there, but the client sends raw ESP (IP protocol 50), which
    the NAT does not pass back: 25 pings, nothing returns."""
    cap, p, lan = client_capture('nat-raw-esp', 14060001, epoch_us(2013, 5, 21, 13, 45, 9, 660418),
                                 '192.168.1.34', '192.168.1.1', '198.51.100.85', rtt=0.049, nat_t=True,
                                 neighbors=(20, 35, 102))
    r = cap.rng
    t = qv.tls_session(p, jit(cap, 0.9), 's1.login')
    t = main_mode(p, jit(cap, t + 7.1), 's1', WIN7_OFFER, RV_CHOICE, (p.cli.ipb, 500), (ip4(NAT_PUBLIC), 500))
    t = qv.quick_mode(p, t, 's1')
    p.nat_t = False                    # IKE stays on 4500, ESP goes out unencapsulated
    t0 = t + r.uniform(0.6, 1.0)
    qv.esp_traffic(p, t0, t0 + 24.5, 's1', replies=False, bulk=0)
    background(lan, t0 + 26.0)
    return cap


def nat_rebinding():
    """Gateway-side capture: NAT-T tunnel up (client public 203.0.113.201, ports 1031 /
    1032); 30 s in, the NAT's mapping for 4500 changes: keepalive and ESP come from port
    1045, the gateway follows (RFC 3947 5.2), the tunnel keeps working to the end."""
    cap, p, lan = gateway_capture('nat-rebinding', 14070001, epoch_us(2013, 5, 28, 20, 7, 55, 402117),
                                  '198.51.100.86', '203.0.113.201', 0.061, 1031, 1032)
    r = cap.rng
    t = qv.tls_session(p, jit(cap, 0.7), 's1.login')
    t = main_mode(p, jit(cap, t + 7.3), 's1', WIN7_OFFER, RV_CHOICE, (ip4('192.168.0.12'), 500),
                  (p.cli.ipb, 1031))
    t = qv.quick_mode(p, t, 's1')
    t0 = t + r.uniform(0.5, 1.5)
    tm = t0 + 30.0 + r.uniform(0.2, 0.6)
    qv.esp_traffic(p, t0, tm, 's1', bulk=1)
    p.cport4500 = 1045
    p.keepalive(tm, 's1.rebind')
    t1 = tm + 30.0
    qv.esp_traffic(p, tm + r.uniform(0.3, 0.6), t1, 's1', lost=0, bulk=1)
    fill(lan, t1 + 1.0)
    return cap

# ---------------------------------------------------------------------- 3. fragments


def ike_fragments_lost():
    """Client-side capture behind a NAT, Windows 7 IKEv2 (certificates) to a Cisco IOS
    gateway: IKE_SA_INIT on 500 (no IKEV2_FRAGMENTATION_SUPPORTED either way; NAT found),
    then a 3,468-byte IKE_AUTH on UDP 4500 in three IPv4 fragments (1480 + 1480 + 520
    bytes of UDP datagram), resent 3 times (1, 2, 4 s), each time 3 fragments with a
    new IP ID; never answered."""
    cap, p, lan = client_capture('ike-fragments-lost', 14080001, epoch_us(2013, 6, 4, 10, 12, 33, 218870),
                                 '192.168.1.34', '192.168.1.1', '198.51.100.87', rtt=0.047, nat_t=True, v2=True,
                                 neighbors=(20, 35, 102), gw_ttl=246)
    r = cap.rng
    ispi, rspi, z = r.randbytes(8), r.randbytes(8), b'\0' * 8
    prop = [ev.V2Proposal([('AES-CBC', 256)], ['PRF-HMAC-SHA1'], ['HMAC-SHA1-96'], ['MODP1024']),
            ev.V2Proposal([('3DES', None)], ['PRF-HMAC-SHA1'], ['HMAC-SHA1-96'], ['MODP1024'])]
    t = qv.tls_session(p, jit(cap, 1.0), 's1.login')
    t = jit(cap, t + 6.8)
    p.ike(t, True, ev.sa_init(r, ispi, z, False, prop, 2, ev.natd_v2(ispi, z, p.cli.ipb, 500),
                              ev.natd_v2(ispi, z, p.gw.ipb, 500), vids=ev.WIN7_V2_VIDS), 's1.sa_init.req')
    t = p.gw_at(t, r.uniform(0.015, 0.025))
    p.ike(t, False, ev.sa_init(r, ispi, rspi, True, prop[:1], 2, ev.natd_v2(ispi, rspi, p.gw.ipb, 500),
                               ev.natd_v2(ispi, rspi, ip4(NAT_PUBLIC), 500), vids=ev.IOS_V2_VIDS),
          's1.sa_init.resp')
    p.floated = True
    # IDi, CERT (client, 2048-bit RSA), CERT (CA), CERTREQ, AUTH, CP, SA, TSi, TSr,
    # N(INITIAL_CONTACT), ...: 3407 bytes of plaintext -> SK of 3440 -> 3468-byte message
    m = qv.NON_ESP_MARKER + ike.v2_sk(r, ispi, rspi, ike.V2_IKE_AUTH, False, 1, ike.V2_IDI, 3407)
    assert len(m) == 4 + 3468
    t = p.cli_at(t, r.uniform(0.010, 0.016))
    cap.udp_fragmented(t, p.cli, p.gw, p.cport4500, 4500, m, tags=('s1.auth.ipfrag',), last_tags=('s1.auth.req',))
    for dt in (1.0, 2.0, 4.0):
        t += dt * r.uniform(0.999, 1.001)
        cap.udp_fragmented(t, p.cli, p.gw, p.cport4500, 4500, m, tags=('s1.auth.ipfrag.resend',),
                           last_tags=('s1.auth.req.retx',))
    background(lan, t + 10.0)
    return cap

# ---------------------------------------------------------------------- 4. ICMP


def icmp_port_unreachable():
    """QuickVPN login works, but no IKE service listens on the gateway: MM1 and its 4
    resends are each answered by ICMP port unreachable (type 3 code 3) from the gateway,
    quoting the MM1's IP header (as it arrived: TTL 12 lower) and UDP header."""
    cap, p, lan = client_capture('icmp-port-unreachable', 14090001, epoch_us(2013, 6, 11, 7, 58, 14, 990245),
                                 '192.0.2.113', '192.0.2.1', '198.51.100.88', rtt=0.041)
    r = cap.rng
    t = qv.tls_session(p, jit(cap, 1.2), 's1.login')
    t = jit(cap, t + 7.0)
    m = ev.mm_sa(p.ic, b'\0' * 8, WIN7_OFFER, ev.WIN7_VIDS)

    def unreachable(ts):
        cap.icmp_error(p.gw_at(ts, r.uniform(0.0001, 0.0003)), p.gw, p.cli, 3, 3, cap.pkts[-1], ttl_drop=12,
                       tags=('s1.icmp',))
    p.ike(t, True, m, 's1.mm1')
    unreachable(t)
    t = qv.retransmit(p, t, True, m, qv.WINDOWS_RETX, 's1.mm1.retx', unreachable)
    background(lan, t + 6.0)
    return cap


def icmp_esp_prohibited():
    """Login, Main Mode (no NAT: the NAT-D hashes match) and Quick Mode complete; the
    gateway's interface ACL permits UDP 500 but not ESP: each ESP packet from the client
    (a ping a second, 15) is answered by ICMP destination unreachable, communication
    administratively prohibited (type 3 code 13), quoting its IP header and the ESP SPI
    and sequence number.  Nothing else comes back."""
    cap, p, lan = client_capture('icmp-esp-prohibited', 14100001, epoch_us(2013, 6, 18, 16, 30, 2, 145530),
                                 '192.0.2.114', '192.0.2.1', '198.51.100.89', rtt=0.043)
    r = cap.rng
    t = qv.tls_session(p, jit(cap, 1.0), 's1.login')
    t = main_mode(p, jit(cap, t + 7.4), 's1', WIN7_OFFER, RV_CHOICE, (p.cli.ipb, 500), (p.cli.ipb, 500))
    t = qv.quick_mode(p, t, 's1')
    t = t + r.uniform(0.6, 1.0)
    for _ in range(15):
        p.esp(t, True, qv.ICMP_INNER, 's1.esp.out')
        cap.icmp_error(p.gw_at(t, r.uniform(0.0001, 0.0003)), p.gw, p.cli, 3, 13, cap.pkts[-1], ttl_drop=12,
                       tags=('s1.icmp',))
        t += r.uniform(0.998, 1.003)
    background(lan, t + 5.0)
    return cap

# ---------------------------------------------------------------------- 5. TLS


def tls_legacy_hello_refused():
    """QuickVPN login from an old client: an SSLv2-format ClientHello (TLS 1.0) offering
    only RC4, DES and 3DES suites; the hardened router answers a cleartext fatal
    handshake_failure alert and a RST.  No IKE."""
    cap, p, lan = client_capture('tls-legacy-hello-refused', 14110001, epoch_us(2013, 6, 25, 9, 5, 47, 530812),
                                 '192.0.2.115', '192.0.2.1', '198.51.100.90', rtt=0.040)
    t = qv.tls_session(p, jit(cap, 1.4), 's1.login', refused=True,
                       hello=lambda rng: ev.sslv2_client_hello(rng, ev.LEGACY_SSL2_SPECS))
    background(lan, t + 6.0)
    return cap


SCENARIOS_EVIDENCE = [
    ('proposal-refused-legacy', 'pcap', proposal_refused_legacy),
    ('proposal-unanswered-ikev2', 'pcap', proposal_unanswered_ikev2),
    ('invalid-ke-retry', 'pcapng', invalid_ke_retry),
    ('nat-t-ok', 'pcapng', nat_t_ok),
    ('nat-t-blocked', 'pcap', nat_t_blocked),
    ('nat-raw-esp', 'pcap', nat_raw_esp),
    ('nat-rebinding', 'pcapng', nat_rebinding),
    ('ike-fragments-lost', 'pcap', ike_fragments_lost),
    ('icmp-port-unreachable', 'pcap', icmp_port_unreachable),
    ('icmp-esp-prohibited', 'pcap', icmp_esp_prohibited),
    ('tls-legacy-hello-refused', 'pcap', tls_legacy_hello_refused),
]
