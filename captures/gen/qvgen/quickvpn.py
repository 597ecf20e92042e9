"""QuickVPN building blocks: TLS login, IKEv1 Main/Quick Mode, ESP, teardown, IKEv2.

Times are seconds (floats) relative to the capture's t0.  A Peer knows where the
capture was taken (`vantage`): on the client ('client') or next to the gateway
('gateway').  gw_at(t, proc) is when the gateway's answer to a client packet seen
at t is seen; cli_at(t, proc) the same for the client's answer to a gateway packet.

Tags: every interesting packet carries '<tag>.<event>' so that the generator can
report the frame numbers of key events (scenarios/keyframes.json).
"""
import struct

from . import tls, ike
from .net import TcpConn

CLIENT_VIDS = [ike.VID_MS_NT5_V4, ike.VID_RFC3947, ike.VID_NATT_DRAFT02N, ike.VID_FRAGMENTATION]
GATEWAY_VIDS = [ike.VID_RFC3947, ike.VID_DPD]
# other IKEv1 peers of the scenarios: strongSwan (charon) and Cisco IOS
STRONGSWAN_VIDS = [ike.VID_XAUTH, ike.VID_DPD, ike.VID_RFC3947, ike.VID_NATT_DRAFT02N]
CISCO_IOS_VIDS = [ike.VID_CISCO_UNITY, ike.VID_DPD, ike.VID_RFC3947]
NON_ESP_MARKER = b'\0\0\0\0'
ICMP_INNER = 60          # inner IPv4 + ICMP echo with 32 bytes of data


class Peer:
    def __init__(self, cap, cli, gw, rtt, vantage='client', port=443, nat_t=False,
                 cport500=500, cport4500=4500, tcp_port=None, cert=None, v2=False):
        self.cap, self.cli, self.gw, self.rtt, self.vantage = cap, cli, gw, rtt, vantage
        self.r = r = cap.rng
        self.port = port
        self.nat_t, self.cport500, self.cport4500 = nat_t, cport500, cport4500
        self.floated = False
        self.tcp_port = tcp_port or r.randrange(1100, 4000)
        self.cert = cert
        self.v2 = v2
        self.new_sa()

    def new_sa(self):
        r = self.r
        self.ic, self.rc = r.randbytes(8), r.randbytes(8)
        self.spi_out = r.getrandbits(32) | 0x80000000
        self.spi_in = r.getrandbits(32) | 0x01000000
        self.seq_out = self.seq_in = 0
        self.floated = False

    # -------------------------------------------------------------- timing
    def j(self):
        return self.rtt * self.r.uniform(0.94, 1.10)

    def gw_at(self, t, proc):
        return t + (self.j() if self.vantage == 'client' else 0.0) + proc

    def cli_at(self, t, proc):
        return t + (self.j() if self.vantage == 'gateway' else 0.0) + proc

    def next_tcp_port(self):
        self.tcp_port += self.r.randint(1, 3)
        if self.tcp_port > 5000:
            self.tcp_port = 1100
        return self.tcp_port

    # -------------------------------------------------------------- packets
    def ike(self, t, from_client, msg, tag):
        cap = self.cap
        if self.floated:
            cp, gp, payload = self.cport4500, 4500, NON_ESP_MARKER + msg
        else:
            cp, gp, payload = self.cport500, 500, msg
        if from_client:
            cap.udp(t, self.cli, self.gw, cp, gp, payload, tags=(tag,))
        else:
            cap.udp(t, self.gw, self.cli, gp, cp, payload, tags=(tag,))
        return t

    def esp(self, t, from_client, inner, tag):
        if from_client:
            self.seq_out += 1
            spi, seqno, src, dst = self.spi_out, self.seq_out, self.cli, self.gw
        else:
            self.seq_in += 1
            spi, seqno, src, dst = self.spi_in, self.seq_in, self.gw, self.cli
        if self.v2:
            body = struct.pack('!II', spi, seqno) + self.r.randbytes(ike.esp_len(inner, 16, 16, 12) - 8)
        else:
            body = ike.esp(self.r, spi, seqno, inner)
        if self.nat_t and self.floated:
            sp, dp = (self.cport4500, 4500) if from_client else (4500, self.cport4500)
            self.cap.udp(t, src, dst, sp, dp, body, tags=(tag,), zero_csum=True)
        else:
            self.cap.esp(t, src, dst, body, tags=(tag,))
        return t

    def ah(self, t, from_client, inner_packet, tag):
        """AH (tunnel mode) around a finished inner IPv4 packet, on the same SPIs and
        sequence counters as esp()."""
        if from_client:
            self.seq_out += 1
            body = ike.ah(self.r, self.spi_out, self.seq_out, inner_packet)
            self.cap.ah(t, self.cli, self.gw, body, tags=(tag,))
        else:
            self.seq_in += 1
            body = ike.ah(self.r, self.spi_in, self.seq_in, inner_packet)
            self.cap.ah(t, self.gw, self.cli, body, tags=(tag,))
        return t

    def keepalive(self, t, tag):
        self.cap.udp(t, self.cli, self.gw, self.cport4500, 4500, b'\xff', tags=(tag,), zero_csum=True)


def client_win(received):
    return 65535 - max(0, received - 1)


def gateway_cert(rng):
    return tls.certificate(rng, [('C', 'US'), ('O', 'Cisco-Linksys LLC'), ('OU', 'Small Business'), ('CN', 'RV042')],
                           [('C', 'US'), ('O', 'Cisco-Linksys LLC'), ('OU', 'Small Business'), ('CN', 'RV042')],
                           '090220080000Z', '190218080000Z', key_bits=1024,
                           v3_ext=[tls.seq(tls.oid('2.16.840.1.113730.1.13'),
                                           tls.der(0x04, tls.der(0x16, b'OpenSSL Generated Certificate')))])

# ---------------------------------------------------------------------- TLS


def tls_session(p, t, tag, port=None, think=(0.4, 3.9), refused=False, hello='sslv2'):
    """One QuickVPN HTTPS exchange (login / verification / logout), as the reference
    shows it: SSLv2-format hello, RSA/3DES handshake, request and response, server
    close_notify, client close_notify + FIN, gateway RST.  refused=True: the gateway
    answers the ClientHello with a cleartext fatal handshake_failure alert and a RST."""
    r = p.r
    c = TcpConn(p.cap, p.cli, p.gw, p.next_tcp_port(), port or p.port, r.getrandbits(32),
                r.getrandbits(32), win_c=65535, win_s=5840)
    c.syn(t, tags=(tag + '.syn',))
    t = p.gw_at(t, r.uniform(0.00005, 0.0002)); c.synack(t, tags=(tag + '.synack',))
    t = p.cli_at(t, r.uniform(0.00003, 0.00006)); c.ack(t, True)
    t += r.uniform(0.00025, 0.0004)
    if callable(hello):                    # a builder of its own: hello(rng) -> bytes
        hello_bytes = hello(r)
    else:
        hello_bytes = tls.sslv2_client_hello(r) if hello == 'sslv2' else tls.client_hello_tls10(r)
    c.data(t, True, hello_bytes, tags=(tag + '.client_hello',))
    if refused:
        t = p.gw_at(t, r.uniform(0.001, 0.002)); c.data(t, False, tls.alert(2, 40), tags=(tag + '.alert',))
        t += r.uniform(0.0001, 0.0002); c.rst(t, False, tags=(tag + '.rst',))
        return t
    t_ack = p.gw_at(t, r.uniform(0.0005, 0.001)); c.ack(t_ack, False)
    t = t_ack + r.uniform(0.028, 0.036)
    flight = tls.record(tls.CT_HANDSHAKE, tls.server_hello_tls10(r) + tls.certificate_msg([p.cert])
                        + tls.SERVER_HELLO_DONE)
    c.data(t, False, flight, tags=(tag + '.server_hello',))
    rx = len(flight)
    t = p.cli_at(t, r.uniform(0.002, 0.003))
    c.data(t, True, tls.quickvpn_client_finish(r), win=client_win(rx), tags=(tag + '.client_finish',))
    t = p.gw_at(t, r.uniform(0.035, 0.042)); c.ack(t, False)
    t += r.uniform(0.027, 0.033); c.data(t, False, tls.quickvpn_server_finish(r), tags=(tag + '.server_finish',))
    rx += 51
    t = p.cli_at(t, r.uniform(0.00025, 0.00035))
    c.data(t, True, tls.app_data_pair(r, 10 + 8 * r.randint(30, 40)), win=client_win(rx),
           tags=(tag + '.request',))
    t = p.gw_at(t, r.uniform(0.0008, 0.0015)); c.ack(t, False)
    t += r.uniform(*think)
    resp = tls.app_data_pair(r, 10 + 8 * r.randint(34, 52))
    c.data(t, False, resp, tags=(tag + '.response',))
    rx += len(resp)
    t += r.uniform(0.001, 0.046)
    c.data(t, False, tls.encrypted_alert(r), tags=(tag + '.close',))
    rx += 29
    t = p.cli_at(t, r.uniform(0.00002, 0.00004)); c.ack(t, True, win=client_win(rx))
    t += r.uniform(0.00006, 0.0001); c.data(t, True, tls.encrypted_alert(r), tags=(tag + '.close',))
    t += r.uniform(0.0001, 0.00012); c.fin(t, True, tags=(tag + '.fin',))
    t = p.gw_at(t, r.uniform(0.00008, 0.0003)); c.rst(t, False, tags=(tag + '.rst',))
    return t

# ---------------------------------------------------------------------- IKEv1


def retransmit(p, t, from_client, msg, intervals, tag, answer=None):
    """Send msg again after each interval (cumulative); returns the last time.
    answer(t): called after each resend (the peer's reply to it, if any)."""
    for dt in intervals:
        t += dt * p.r.uniform(0.999, 1.001)
        p.ike(t, from_client, msg, tag)
        if answer:
            answer(t)
    return t


WINDOWS_RETX = [1.0, 2.0, 4.0, 8.0]

# NAT-D needs the address on the far side of a NAT the capture does not show: the
# NAT's public address for a client-side capture, the client's private one for a
# gateway-side capture (documentation ranges).
NAT_PUBLIC = bytes([203, 0, 113, 45])
NAT_PRIVATE = bytes([192, 168, 1, 34])


def natd_client(p):
    """(the client's own address and port, as the gateway sees them), each (ip, port)."""
    here = (p.cli.ipb, p.cport500)
    if not p.nat_t:
        return here, here
    if p.vantage == 'client':
        return here, (NAT_PUBLIC, p.cport500)
    return (NAT_PRIVATE, p.cport500), here


def natd_v1_pair(p, hash_id, from_client):
    """MM3 / MM4 NAT-D (RFC 3947): the peer as the sender sees it, then the sender."""
    own, seen = natd_client(p)
    gw = (p.gw.ipb, 500)
    h = lambda a: ike.natd_v1(hash_id, p.ic, p.rc, a[0], a[1])
    return [h(gw), h(own)] if from_client else [h(seen), h(gw)]


def natd_v2_pair(p, ispi, rspi, from_client):
    """IKE_SA_INIT NAT_DETECTION_SOURCE_IP / _DESTINATION_IP (RFC 7296 2.23)."""
    own, seen = natd_client(p)
    gw = (p.gw.ipb, 500)
    h = lambda a: ike.natd_v2(ispi, rspi, a[0], a[1])
    return (h(own), h(gw)) if from_client else (h(gw), h(seen))


def main_mode(p, t, tag, stop_after=6, retx=None, cvids=None, gvids=None, transforms=None, answer=None):
    """MM1..MM6.  stop_after=n: the gateway never sends message n+1 (n odd); the
    client retransmits message n at `retx` intervals (default WINDOWS_RETX), and
    answer(t), if given, adds the gateway's reply to each send of it (original and
    resends).  cvids / gvids: the VIDs of MM1 / MM2 (default: QuickVPN client, RV
    gateway); transforms: the one phase-1 proposal both sides use (default: the
    Windows client's four, the gateway's choice)."""
    r = p.r
    ic, rc = p.ic, p.rc
    retx = WINDOWS_RETX if retx is None else retx
    cvids = CLIENT_VIDS if cvids is None else cvids
    gvids = GATEWAY_VIDS if gvids is None else gvids
    m = ike.mm1(ic, cvids, transforms or ike.WINDOWS_MM1_TRANSFORMS); p.ike(t, True, m, tag + '.mm1')
    if stop_after < 2:
        if answer:
            answer(t)
        return retransmit(p, t, True, m, retx, tag + '.mm1.retx', answer)
    t = p.gw_at(t, r.uniform(0.002, 0.004))
    p.ike(t, False, ike.mm2(ic, rc, gvids, transforms or ike.GATEWAY_MM2_TRANSFORM), tag + '.mm2')
    hash_id = (transforms or ike.GATEWAY_MM2_TRANSFORM)[0][1]
    t = p.cli_at(t, r.uniform(0.009, 0.012))
    m = ike.mm_ke(r, ic, rc, natd_hashes=natd_v1_pair(p, hash_id, True)); p.ike(t, True, m, tag + '.mm3')
    if stop_after < 4:
        if answer:
            answer(t)
        return retransmit(p, t, True, m, retx, tag + '.mm3.retx', answer)
    t = p.gw_at(t, r.uniform(0.38, 0.48))
    p.ike(t, False, ike.mm_ke(r, ic, rc, nonce_len=16, natd_hashes=natd_v1_pair(p, hash_id, False)),
          tag + '.mm4')
    if p.nat_t:
        p.floated = True
    t = p.cli_at(t, r.uniform(0.003, 0.005)); m = ike.mm5(r, ic, rc); p.ike(t, True, m, tag + '.mm5')
    if stop_after < 6:
        if answer:
            answer(t)
        return retransmit(p, t, True, m, retx, tag + '.mm5.retx', answer)
    t = p.gw_at(t, r.uniform(0.003, 0.006)); p.ike(t, False, ike.mm6(r, ic, rc), tag + '.mm6')
    return t


def quick_mode(p, t, tag, esp_before_qm3=False, no_answer_retx=None):
    """QM1..QM3 (and, with esp_before_qm3, the first ESP packet just before QM3,
    as the reference shows).  no_answer_retx: QM1 is never answered and is
    retransmitted at these intervals."""
    r = p.r
    msgid = r.getrandbits(32) | 0x01000000
    t = p.cli_at(t, r.uniform(0.009, 0.012))
    m = ike.qm1(r, p.ic, p.rc, msgid); p.ike(t, True, m, tag + '.qm1')
    if no_answer_retx:
        return retransmit(p, t, True, m, no_answer_retx, tag + '.qm1.retx')
    t = p.gw_at(t, r.uniform(0.45, 0.57)); p.ike(t, False, ike.qm2(r, p.ic, p.rc, msgid), tag + '.qm2')
    t = p.cli_at(t, r.uniform(0.003, 0.005))
    if esp_before_qm3:
        p.esp(t, True, ICMP_INNER, tag + '.esp.out')
        t += r.uniform(0.00015, 0.0002)
    p.ike(t, True, ike.qm3(r, p.ic, p.rc, msgid), tag + '.qm3')
    return t


def teardown(p, t, tag, gateway_too=True):
    """Client deletes the IPsec SA and the ISAKMP SA (two encrypted Informationals);
    the gateway sends its own two deletes a little later."""
    r = p.r
    p.ike(t, True, ike.info_delete_esp(r, p.ic, p.rc, r.getrandbits(32) | 0x10000000), tag + '.info.client')
    t2 = t + r.uniform(0.007, 0.009)
    p.ike(t2, True, ike.info_delete_isakmp(r, p.ic, p.rc, r.getrandbits(32) | 0x10000000), tag + '.info.client')
    if gateway_too:
        tg = p.gw_at(t, r.uniform(0.55, 0.65))
        p.ike(tg, False, ike.info_delete_esp(r, p.ic, p.rc, r.getrandbits(32) | 0x10000000), tag + '.info.gateway')
        p.ike(tg + r.uniform(0.004, 0.006), False,
              ike.info_delete_isakmp(r, p.ic, p.rc, r.getrandbits(32) | 0x10000000), tag + '.info.gateway')
    return t2


def dpd(p, t, tag, from_gateway=True, proc=(0.0003, 0.0008)):
    """One DPD round trip (RFC 3706): R-U-THERE and its R-U-THERE-ACK, each an
    encrypted Informational with a message ID of its own.  Returns the ACK's time."""
    r = p.r
    p.ike(t, not from_gateway, ike.info_dpd(r, p.ic, p.rc, r.getrandbits(32) | 0x01000000), tag + '.dpd.req')
    t = (p.cli_at if from_gateway else p.gw_at)(t, r.uniform(*proc))
    p.ike(t, from_gateway, ike.info_dpd(r, p.ic, p.rc, r.getrandbits(32) | 0x01000000), tag + '.dpd.ack')
    return t


def mode_config(p, t, tag):
    """Mode Config pull after Main Mode: the client's CFG_REQUEST (INTERNAL_IP4_ADDRESS,
    _NETMASK, _DNS, _NBNS, empty) and the gateway's CFG_REPLY, one message ID.  Returns
    the reply's time."""
    r = p.r
    msgid = r.getrandbits(32) | 0x01000000
    p.ike(t, True, ike.mode_cfg(r, p.ic, p.rc, msgid, 2), tag + '.cfg.req')
    t = p.gw_at(t, r.uniform(0.002, 0.004))
    p.ike(t, False, ike.mode_cfg(r, p.ic, p.rc, msgid, 4), tag + '.cfg.reply')
    return t

# ---------------------------------------------------------------------- ESP


def esp_traffic(p, t0, t1, tag, replies=True, lost=1, interval=1.0, bulk=1, keepalive_every=20.0):
    """Traffic through the tunnel from t0 to t1: a ping every `interval` seconds
    (the first `lost` unanswered while the SAs settle), `bulk` short downloads
    (TCP through the tunnel), and NAT-T keepalives when floated to 4500.
    Sequence numbers follow time order."""
    r = p.r
    ev = []          # (time, from_client, inner length)
    t = t0
    n = 0
    while t < t1:
        ev.append((t, True, ICMP_INNER))
        if replies and n >= lost:
            ev.append((p.gw_at(t, r.uniform(0.0015, 0.004)), False, ICMP_INNER))
        n += 1
        t += interval * r.uniform(0.998, 1.003)
    if replies:
        for _ in range(bulk):
            tb = r.uniform(t0 + 2.0, max(t0 + 2.5, t1 - 2.0)) + 0.37
            ev.append((tb, True, 52))                                   # SYN
            tb = p.gw_at(tb, 0.002); ev.append((tb, False, 52))         # SYN/ACK
            tb = p.cli_at(tb, 0.0003); ev.append((tb, True, 40))
            ev.append((tb + 0.0002, True, r.randint(300, 520)))         # request
            tb = p.gw_at(tb, 0.01)
            for k in range(r.randint(6, 14)):
                ev.append((tb, False, 1400 if k < 5 else r.choice([1400, 1400, 820])))
                tb += r.uniform(0.0009, 0.0016)
                if k % 2:
                    ev.append((p.cli_at(tb, 0.0002), True, 40))
    ev.sort()
    for te, fc, inner in ev:
        p.esp(te, fc, inner, tag + ('.esp.out' if fc else '.esp.in'))
    if p.nat_t and p.floated and keepalive_every:
        tk = t0 + keepalive_every * r.uniform(0.6, 0.9)
        while tk < t1:
            p.keepalive(tk, tag + '.natt.keepalive')
            tk += keepalive_every
    return t1

# ---------------------------------------------------------------------- whole flows


def success(p, t, tag, esp_secs=24.0, verify_tls=True, end='teardown', esp_before_qm3=False,
            policy_delay=None, lost=1, bulk=1, interval=1.0):
    """Login, IKE, ESP, [verification TLS], then teardown + logout ('teardown'),
    or the capture ends with the tunnel up ('up').  Returns the last time."""
    r = p.r
    t = tls_session(p, t, tag + '.login')
    t += policy_delay if policy_delay is not None else r.uniform(6.0, 9.5)
    t = main_mode(p, t, tag)
    t = quick_mode(p, t, tag, esp_before_qm3=esp_before_qm3)
    t_esp = t + (r.uniform(0.5, 1.5) if not esp_before_qm3 else 1.0)
    t_end = t_esp + esp_secs
    esp_traffic(p, t_esp, t_end, tag, lost=lost, bulk=bulk, interval=interval)
    if verify_tls:
        tls_session(p, t_esp + esp_secs * r.uniform(0.35, 0.55), tag + '.verify')
    if end == 'teardown':
        t = teardown(p, t_end + r.uniform(0.8, 2.5), tag)
        t = tls_session(p, t + r.uniform(0.04, 0.07), tag + '.logout')
        return t
    return t_end

# ---------------------------------------------------------------------- IKEv2


def ikev2_exchange(p, t, tag, auth_fail=False, vids=(ike.VID_MS_NT5_V4,), init_notifies=(),
                   resp_notifies=(), fragments=False):
    """IKE_SA_INIT pair (cleartext) and IKE_AUTH pair (SK payload).  A failed
    authentication shows only as a short IKE_AUTH response (the
    AUTHENTICATION_FAILED notify is encrypted).  init_notifies / resp_notifies:
    extra (type, data) notifies of the IKE_SA_INIT request / response.
    fragments=True: certificate authentication with IKEv2 fragmentation (RFC 7383,
    both sides announce IKEV2_FRAGMENTATION_SUPPORTED, the responder asks for a
    certificate): IKE_AUTH request and response go as SKF fragments."""
    r = p.r
    ispi, rspi = r.randbytes(8), r.randbytes(8)
    p.ispi, p.rspi = ispi, rspi
    if fragments:
        init_notifies = list(init_notifies) + [(ike.N_FRAGMENTATION_SUPPORTED, b'')]
        resp_notifies = list(resp_notifies) + [(ike.N_FRAGMENTATION_SUPPORTED, b'')]
    p.ike(t, True, ike.ike_sa_init(r, ispi, b'\0' * 8, False, vids=list(vids), notifies=init_notifies,
                                   natd=natd_v2_pair(p, ispi, b'\0' * 8, True)),
          tag + '.sa_init.req')
    t = p.gw_at(t, r.uniform(0.015, 0.025))
    p.ike(t, False, ike.ike_sa_init(r, ispi, rspi, True, notifies=resp_notifies,
                                    certreq=r.randbytes(20) if fragments else None,
                                    natd=natd_v2_pair(p, ispi, rspi, False)), tag + '.sa_init.resp')
    t = p.cli_at(t, r.uniform(0.010, 0.016))
    if fragments:
        # IDi, CERT (client + CA, 2048-bit RSA), CERTREQ, AUTH (RSA signature), SA(ESP), TSi,
        # TSr, N(INITIAL_CONTACT): 2790 bytes -> 3 fragments; IDr, CERT, AUTH, SA, TSi, TSr:
        # 1590 bytes -> 2 fragments.  Fragments of one message leave back to back.
        for m in ike.v2_fragment(r, ispi, rspi, ike.V2_IKE_AUTH, False, 1, ike.V2_IDI, 2790):
            p.ike(t, True, m, tag + '.auth.frag.req')
            t += r.uniform(0.00003, 0.00008)
        t = p.gw_at(t, r.uniform(0.030, 0.045))
        for m in ike.v2_fragment(r, ispi, rspi, ike.V2_IKE_AUTH, True, 1, ike.V2_IDR, 1590):
            p.ike(t, False, m, tag + '.auth.frag.resp')
            t += r.uniform(0.00003, 0.00008)
        return t
    # IDi, AUTH(PSK), SA(ESP), TSi, TSr, N(INITIAL_CONTACT)
    p.ike(t, True, ike.v2_sk(r, ispi, rspi, ike.V2_IKE_AUTH, False, 1, ike.V2_IDI, 232), tag + '.auth.req')
    t = p.gw_at(t, r.uniform(0.020, 0.035))
    # success: IDr, AUTH, SA, TSi, TSr (~180 bytes); failure: N(AUTHENTICATION_FAILED), 8 bytes
    if auth_fail:
        p.ike(t, False, ike.v2_sk(r, ispi, rspi, ike.V2_IKE_AUTH, True, 1, ike.V2_N, 8), tag + '.auth.resp')
    else:
        p.ike(t, False, ike.v2_sk(r, ispi, rspi, ike.V2_IKE_AUTH, True, 1, ike.V2_IDR, 180), tag + '.auth.resp')
    return t


def ikev2_delete(p, t, tag, msgid=2):
    r = p.r
    p.ike(t, True, ike.v2_sk(r, p.ispi, p.rspi, ike.V2_INFORMATIONAL, False, msgid, ike.V2_D, 8), tag + '.info.req')
    t = p.gw_at(t, r.uniform(0.002, 0.005))
    p.ike(t, False, ike.v2_sk(r, p.ispi, p.rspi, ike.V2_INFORMATIONAL, True, msgid, ike.P_NONE, 0), tag + '.info.resp')
    return t


def ikev2_rekey_child(p, t, tag, msgid):
    """CREATE_CHILD_SA rekeying the child SA (RFC 7296 1.3.3) with PFS: request
    {N(REKEY_SA), SA, Ni, KEi, TSi, TSr}, response {SA, Nr, KEr, TSi, TSr}.  The new
    SPIs take over (sequence numbers restart); returns (response time, old SPIs).
    The client (the IKE SA's initiator) asks."""
    r = p.r
    p.ike(t, True, ike.v2_sk(r, p.ispi, p.rspi, ike.V2_CREATE_CHILD_SA, False, msgid, ike.V2_N, 272),
          tag + '.rekey.req')
    t = p.gw_at(t, r.uniform(0.008, 0.015))
    p.ike(t, False, ike.v2_sk(r, p.ispi, p.rspi, ike.V2_CREATE_CHILD_SA, True, msgid, ike.V2_SA, 260),
          tag + '.rekey.resp')
    old = (p.spi_out, p.spi_in)
    p.spi_out = r.getrandbits(32) | 0x80000000
    p.spi_in = r.getrandbits(32) | 0x01000000
    p.seq_out = p.seq_in = 0
    return t, old


def ikev2_delete_child(p, t, tag, msgid):
    """INFORMATIONAL from the client deleting one child SA: request SK{D(ESP, its
    inbound SPI)}, response SK{D(ESP, the gateway's inbound SPI)} (RFC 7296 1.4.1)."""
    r = p.r
    p.ike(t, True, ike.v2_sk(r, p.ispi, p.rspi, ike.V2_INFORMATIONAL, False, msgid, ike.V2_D, 12),
          tag + '.info.req')
    t = p.gw_at(t, r.uniform(0.001, 0.003))
    p.ike(t, False, ike.v2_sk(r, p.ispi, p.rspi, ike.V2_INFORMATIONAL, True, msgid, ike.V2_D, 12),
          tag + '.info.resp')
    return t
