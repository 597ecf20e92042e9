"""captures/quickvpn-reference.pcapng: the published QuickVPN packet list, rebuilt.

Frames 97-259 of /work/shared/reference/quickvpn-seed-frames.tsv appear at the same
frame numbers and relative times, with the same addresses, Protocol and Info columns
(stock tshark 4.0, `-N t`).  Frames 1-96 hold the start of the first TLS session
(client port nav-port = 3859) and a ping of 79.189.214.83; every other frame is
background LAN traffic that never involves 79.189.214.86 and is never TLS.

Each listed frame is tagged 'f<number>'; build() checks that the tags land on
their numbers.
"""
import calendar

from . import tls, ike
from .background import Lan, PING_PAYLOAD
from .capture import Capture
from .net import Site, TcpConn, us

# 2010-03-16 09:41:27.318406 UTC: frame 1.
T0_US = calendar.timegm((2010, 3, 16, 9, 41, 27)) * 1000000 + 318406

CLIENT, GATEWAY = '213.16.33.141', '79.189.214.86'
SPI_OUT, SPI_IN = 0x8316d0a3, 0x2b28e6ae
NAV_PORT, GIGA_POCKET = 3859, 3862

# (frame, time) of every listed frame, as in the TSV.
LISTED = [
    (97, '22.922202'), (98, '22.953202'), (99, '22.953514'), (100, '23.047399'),
    (115, '26.839997'), (116, '26.885516'), (117, '26.885548'), (118, '26.885644'),
    (119, '26.885751'), (120, '26.975742'), (153, '36.003017'), (154, '36.100454'),
    (155, '36.111330'), (162, '36.597760'), (163, '36.601730'), (164, '36.703206'),
    (165, '36.714256'), (166, '37.279513'), (167, '37.283580'), (168, '37.283761'),
    (209, '48.111271'), (216, '48.233459'), (224, '51.775102'), (225, '51.783452'),
    (227, '51.834637'), (228, '51.924897'), (229, '51.924934'), (230, '51.925230'),
    (231, '52.016293'), (232, '52.049811'), (233, '52.052284'), (237, '52.181662'),
    (241, '52.210977'), (242, '52.211266'), (243, '52.304238'), (244, '52.407500'),
    (245, '52.412835'), (255, '56.043199'), (256, '56.044568'), (257, '56.044596'),
    (258, '56.044668'), (259, '56.044774'),
]
T = {n: float(s) for n, s in LISTED}
TRAILING_BACKGROUND = 6          # frames 260-265
FIRST_PART_END = 22.5            # background of frames 1-96 lies in [0, 22.5)


def client_win(received):
    """The client's receive window after `received` bytes of server data, as the
    listed frames show it (64350 after 1186 bytes, 64446 after 1090)."""
    return 65535 - max(0, received - 1)


def quickvpn_cert(seed_rng, target=634):
    """The gateway's self-signed certificate (RSA-1024, sha1WithRSA, OpenSSL's default
    Netscape comment), `target` bytes of DER: 634 makes ServerHello + Certificate +
    ServerHelloDone one 727-byte record.  The serial number's length is the knob."""
    import random
    base = seed_rng.getrandbits(64)
    dn = [('C', 'US'), ('ST', 'California'), ('O', 'Cisco-Linksys LLC'), ('OU', 'Small Business'),
          ('CN', 'RV082')]
    comment = tls.seq(tls.oid('2.16.840.1.113730.1.13'),
                      tls.der(0x04, tls.der(0x16, b'OpenSSL Generated Certificate')))

    def build(rng, pad):
        return tls.certificate(rng, dn, dn, '080115120000Z', '180112120000Z', key_bits=1024,
                               v3_ext=[comment], serial_len=1 + pad)
    return tls.certificate_of_length(lambda: random.Random(base), target, build)


def build():
    site = Site('213.16.33.0', 24, router_mac='00:1b:53:4c:7e:c1', capture_mac='00:16:76:4b:2e:8f')
    cap = Capture('quickvpn-reference', site, seed=20100316, t0_us=T0_US)
    r = cap.rng
    cli = cap.host('client', CLIENT, 128, mac='00:16:76:4b:2e:8f', local=True, ipid=0x3e51)
    router = cap.host('router', '213.16.33.1', 255, mac='00:1b:53:4c:7e:c1', local=True, ipid_step=(1, 40))
    gw = cap.host('gateway', GATEWAY, 50, ipid_step=(1, 3))
    gw83 = cap.host('gateway-83', '79.189.214.83', 50, ipid_step=(1, 9))
    dns = cap.host('dns', '213.16.32.10', 62, ipid_step=(1, 60))
    neighbors = [cap.host('n%d' % i, '213.16.33.%d' % i, 128, local=True, ipid_step=(1, 30),
                          mac=oui + ':%02x:%02x:%02x' % tuple(r.randrange(256) for _ in range(3)))
                 for i, oui in ((12, '00:1c:c0'), (57, '00:21:5a'), (97, '00:14:22'), (130, '00:1e:4f'),
                                (201, '00:0c:6e'), (223, '00:13:d4'))]
    remote = [cap.host('r1', '212.77.100.101', 243, ipid_step=(1, 200)),
              cap.host('r2', '194.204.159.1', 248, ipid_step=(1, 200)),
              cap.host('r3', '193.110.137.11', 56, ipid_step=(1, 200))]
    lan = Lan(cap, cli, router, neighbors, dns, remote)

    cert = quickvpn_cert(r)
    assert len(cert) == 634

    # ---------------------------------------------------------------- frames 1-96
    lan.emit('nbns_register', 0.0)
    # the user pings the gateway's public address first (4 echo requests, ping.exe)
    cap.arp(3.102344, 1, cli.mac, CLIENT, b'\0' * 6, '213.16.33.1', b'\xff' * 6, tags=('arp',))
    cap.arp(3.103101, 2, router.mac, '213.16.33.1', cli.mac, CLIENT, cli.mac, tags=('arp',))
    t = 3.103412
    for i in range(4):
        cap.icmp_echo(t, cli, gw83, 8, 0x0200, 0x0c00 + i, PING_PAYLOAD, tags=('ping',))
        cap.icmp_echo(t + 0.041177 + 0.0013 * i, gw83, cli, 0, 0x0200, 0x0c00 + i, PING_PAYLOAD, tags=('ping',))
        t += 1.000911 + 0.000071 * i
    lan.fill(0.0, FIRST_PART_END, 96 - 17 - 1)

    # ---------------------------------------------------------------- TLS session 1 (login)
    s1 = TcpConn(cap, cli, gw, NAV_PORT, 443, 0x6f3ac811, 0x1d70b2e4, win_c=65535, win_s=5840)
    s1.syn(22.574911, tags=('tls1',))
    s1.synack(22.665208, tags=('tls1',))
    s1.ack(22.665247, True, tags=('tls1',))
    s1.data(22.665539, True, tls.sslv2_client_hello(r), tags=('tls1',))
    s1.ack(22.756417, False, tags=('tls1',))
    flight = tls.record(tls.CT_HANDSHAKE, tls.server_hello_tls10(r) + tls.certificate_msg([cert])
                        + tls.SERVER_HELLO_DONE)
    assert len(flight) == 727, len(flight)
    s1.data(22.790104, False, flight, tags=('tls1',))
    fin = tls.quickvpn_client_finish(r)
    assert len(fin) == 190
    s1.data(22.792622, True, fin, win=client_win(727), tags=('tls1',))
    s1.ack(T[97], False, tags=('f97',))
    s1.data(T[98], False, tls.quickvpn_server_finish(r), tags=('f98',))
    s1.data(T[99], True, tls.app_data_pair(r, 274), win=client_win(778), tags=('f99',))
    s1.ack(T[100], False, tags=('f100',))
    s1.data(T[115], False, tls.app_data_pair(r, 379), tags=('f115',))
    s1.data(T[116], False, tls.encrypted_alert(r), tags=('f116',))
    s1.ack(T[117], True, win=client_win(1186), tags=('f117',))
    s1.data(T[118], True, tls.encrypted_alert(r), tags=('f118',))
    s1.fin(T[119], True, tags=('f119',))
    s1.rst(T[120], False, tags=('f120',))

    # ---------------------------------------------------------------- IKE
    ic, rc = r.randbytes(8), r.randbytes(8)
    qm_id = r.getrandbits(32) | 0x01000000
    info_ids = [r.getrandbits(32) | 0x10000000 for _ in range(4)]

    def isakmp(t, from_client, msg, tag):
        src, dst = (cli, gw) if from_client else (gw, cli)
        cap.udp(t, src, dst, 500, 500, msg, tags=(tag,))

    vids_c = [ike.VID_MS_NT5_V4, ike.VID_RFC3947, ike.VID_NATT_DRAFT02N, ike.VID_FRAGMENTATION]
    isakmp(T[153], True, ike.mm1(ic, vids_c), 'f153')
    isakmp(T[154], False, ike.mm2(ic, rc, [ike.VID_RFC3947, ike.VID_DPD]), 'f154')
    # NAT-D as RFC 3947 computes it: the reference stays on UDP 500 and sends raw ESP, so
    # the hashes matched (no NAT between the peers); the negotiated hash is SHA1.
    def natd(first, second):
        return [ike.natd_v1(2, ic, rc, a.ipb, 500) for a in (first, second)]
    isakmp(T[155], True, ike.mm_ke(r, ic, rc, natd_hashes=natd(gw, cli)), 'f155')
    isakmp(T[162], False, ike.mm_ke(r, ic, rc, nonce_len=16, natd_hashes=natd(cli, gw)), 'f162')
    isakmp(T[163], True, ike.mm5(r, ic, rc), 'f163')
    isakmp(T[164], False, ike.mm6(r, ic, rc), 'f164')
    isakmp(T[165], True, ike.qm1(r, ic, rc, qm_id), 'f165')
    isakmp(T[166], False, ike.qm2(r, ic, rc, qm_id), 'f166')
    cap.esp(T[167], cli, gw, ike.esp(r, SPI_OUT, 1, 60), tags=('f167',))
    isakmp(T[168], True, ike.qm3(r, ic, rc, qm_id), 'f168')
    cap.esp(T[209], cli, gw, ike.esp(r, SPI_OUT, 2, 60), tags=('f209',))
    cap.esp(T[216], gw, cli, ike.esp(r, SPI_IN, 1, 60), tags=('f216',))
    isakmp(T[224], True, ike.info_delete_esp(r, ic, rc, info_ids[0]), 'f224')
    isakmp(T[225], True, ike.info_delete_isakmp(r, ic, rc, info_ids[1]), 'f225')
    isakmp(T[244], False, ike.info_delete_esp(r, ic, rc, info_ids[2]), 'f244')
    isakmp(T[245], False, ike.info_delete_isakmp(r, ic, rc, info_ids[3]), 'f245')

    # ---------------------------------------------------------------- TLS session 2 (logout)
    s2 = TcpConn(cap, cli, gw, GIGA_POCKET, 443, 0x9b04e37a, 0x5c2e61d9, win_c=65535, win_s=5840)
    s2.syn(T[227], tags=('f227',))
    s2.synack(T[228], tags=('f228',))
    s2.ack(T[229], True, tags=('f229',))
    s2.data(T[230], True, tls.sslv2_client_hello(r), tags=('f230',))
    s2.ack(T[231], False, tags=('f231',))
    flight = tls.record(tls.CT_HANDSHAKE, tls.server_hello_tls10(r) + tls.certificate_msg([cert])
                        + tls.SERVER_HELLO_DONE)
    s2.data(T[232], False, flight, tags=('f232',))
    s2.data(T[233], True, tls.quickvpn_client_finish(r), win=client_win(727), tags=('f233',))
    s2.ack(T[237], False, tags=('f237',))
    s2.data(T[241], False, tls.quickvpn_server_finish(r), tags=('f241',))
    s2.data(T[242], True, tls.app_data_pair(r, 290), win=client_win(778), tags=('f242',))
    s2.ack(T[243], False, tags=('f243',))
    s2.data(T[255], False, tls.app_data_pair(r, 283), tags=('f255',))
    s2.data(T[256], False, tls.encrypted_alert(r), tags=('f256',))
    s2.ack(T[257], True, win=client_win(1090), tags=('f257',))
    s2.data(T[258], True, tls.encrypted_alert(r), tags=('f258',))
    s2.fin(T[259], True, tags=('f259',))

    # ---------------------------------------------------------------- background between listed frames
    nums = [n for n, _ in LISTED]
    for a, b in zip(nums, nums[1:]):
        lan.fill(T[a], T[b], b - a - 1)
    lan.fill(T[259], T[259] + 2.9, TRAILING_BACKGROUND)
    return cap


def check(keys):
    for n, _ in LISTED:
        got = keys.get('f%d' % n)
        assert got == [n], 'listed frame %d landed at %r' % (n, got)
