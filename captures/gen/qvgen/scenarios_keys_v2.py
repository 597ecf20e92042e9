"""Issue 15 scenarios, IKEv2 and ESP: failures the keys show ("observed, not inferred").

Every SK payload and ESP packet here is really encrypted (ikev2_crypt.py, esp_crypt.py:
AES-CBC-128 with HMAC-SHA1-96, keys and IVs from the capture's seeded Random), and each
capture ships its keys beside it: `<capture>.ikev2_decryption_table` (one row per IKE SA)
and `<capture>.esp_sa` (one row per ESP SA direction).  Without the keys the captures
look like the others: SK payloads and ESP of plausible lengths.  With them Wireshark
shows the Notify that refused the attempt, the traffic selectors, the Delete payloads,
and the packets inside the tunnel.  SCENARIOS_KEYS_V2 is appended to scenarios.SCENARIOS.
"""
from . import ike
from . import evidence as ev
from . import ikev2_crypt as k2
from . import esp_crypt as ec
from .net import ip4, IPPROTO_TCP, TH_SYN, TH_ACK  # noqa: F401
from .readme import text, lst
from .scenarios import client_capture, epoch_us, jit, background

# strongSwan 5.9 road warrior / branch gateway to a strongSwan or Cisco IOS responder
PROPOSAL = ev.V2Proposal([('AES-CBC', 128)], ['PRF-HMAC-SHA1'], ['HMAC-SHA1-96'], ['MODP2048'])
GROUP = 14


def esp_spi(r, high):
    return r.getrandbits(32) | (0xc0000000 if high else 0x01000000)


class V2Tunnel:
    """One IKEv2 IKE SA between the client (its initiator) and the gateway, with its
    child SAs; every table row it makes goes into the capture's key tables."""

    def __init__(self, cap, p):
        self.cap, self.p, self.r = cap, p, cap.rng
        self.sa = k2.IkeSa(self.r)
        p.ispi, p.rspi = self.sa.ispi, self.sa.rspi
        cap.key_tables.setdefault('ikev2_decryption_table', []).append(self.sa.uat_row())

    def sa_init(self, t, tag):
        r, p, sa, z = self.r, self.p, self.sa, b'\0' * 8
        p.ike(t, True, ev.sa_init(r, sa.ispi, z, False, [PROPOSAL], GROUP, ev.natd_v2(sa.ispi, z, p.cli.ipb, 500),
                                  ev.natd_v2(sa.ispi, z, p.gw.ipb, 500)), tag + '.sa_init.req')
        t = p.gw_at(t, r.uniform(0.012, 0.020))
        p.ike(t, False, ev.sa_init(r, sa.ispi, sa.rspi, True, [PROPOSAL], GROUP,
                                   ev.natd_v2(sa.ispi, sa.rspi, p.gw.ipb, 500),
                                   ev.natd_v2(sa.ispi, sa.rspi, p.cli.ipb, 500)), tag + '.sa_init.resp')
        return p.cli_at(t, r.uniform(0.008, 0.014))

    def exchange(self, t, tag, exch, req, resp, from_client=True, proc=(0.002, 0.006)):
        """A request (from the client or the gateway) with the sender's next message ID
        and its response; req / resp: inner payload lists.  Returns the response time."""
        r, p, sa = self.r, self.p, self.sa
        msgid = sa.next_id[from_client]
        sa.next_id[from_client] += 1
        p.ike(t, from_client, sa.message(r, exch, from_client, False, msgid, req), tag + '.req')
        t = (p.gw_at if from_client else p.cli_at)(t, r.uniform(*proc))
        p.ike(t, not from_client, sa.message(r, exch, not from_client, True, msgid, resp), tag + '.resp')
        return t

    def child(self, spi_client_in, spi_gw_in):
        """The two ESP SAs of a child SA: (client -> gateway, gateway -> client)."""
        out = ec.EspSa(self.r, self.p.cli, self.p.gw, spi_gw_in)
        back = ec.EspSa(self.r, self.p.gw, self.p.cli, spi_client_in)
        self.cap.key_tables.setdefault('esp_sa', []).extend([out.uat_row(), back.uat_row()])
        return out, back


def send_all(cap, events):
    """events: (time, EspSa, inner-packet builder, tag); sealed in time order, so that each
    SA's sequence numbers and each inner host's IP IDs follow the wire."""
    for t, sa, build, tag in sorted(events, key=lambda e: e[0]):
        sa.send(cap, t, build(), tag)


def pings(p, t0, t1, interval, sa_req, sa_rep, src, dst, ident, tag_req, tag_rep, answered=True, seq0=1):
    """Echo requests from src to dst every `interval` s through sa_req, each answered
    through sa_rep (unless answered=False).  Returns the events."""
    r = p.r
    out, t, seq = [], t0, seq0
    while t < t1:
        out.append((t, sa_req, (lambda s=seq: ec.echo(src, dst, True, ident, s)), tag_req))
        if answered:
            back = (p.gw_at if sa_req.src is p.cli else p.cli_at)(t, r.uniform(0.0008, 0.003))
            out.append((back, sa_rep, (lambda s=seq: ec.echo(dst, src, False, ident, s)), tag_rep))
        seq += 1
        t += interval * r.uniform(0.998, 1.003)
    return out


def ike_auth_req(r, p, spi_client_in, ts_i, ts_r, extra=()):
    """IDi (the client's address), AUTH (PSK), SA (ESP AES-CBC-128/HMAC-SHA1-96, its
    inbound SPI), TSi, TSr, N(INITIAL_CONTACT)."""
    return [k2.idi(k2.ID_IPV4_ADDR, p.cli.ipb), k2.auth_psk(r)] + list(extra) + [
        k2.sa_esp(spi_client_in), k2.tsi(*ts_i), k2.tsr(*ts_r), k2.notify(k2.N_INITIAL_CONTACT)]


def ike_auth_ok(r, p, spi_gw_in, ts_i, ts_r):
    return [k2.idr(k2.ID_IPV4_ADDR, p.gw.ipb), k2.auth_psk(r), k2.sa_esp(spi_gw_in), k2.tsi(*ts_i), k2.tsr(*ts_r)]

# ---------------------------------------------------------------------- 1. AUTHENTICATION_FAILED


def ikev2_auth_failed_keys():
    """strongSwan road warrior (EAP-less PSK, user identity) to a strongSwan gateway whose
    secret differs: IKE_SA_INIT fine, IKE_AUTH request SK{IDi, AUTH, CP(CFG_REQUEST), SA,
    TSi 0.0.0.0/0, TSr 0.0.0.0/0, N(INITIAL_CONTACT)} answered by SK{N(AUTHENTICATION_FAILED)};
    the client gives up."""
    cap, p, lan = client_capture('ikev2-auth-failed-keys', 15010001, epoch_us(2013, 7, 2, 8, 41, 5, 221904),
                                 '192.0.2.120', '192.0.2.1', '198.51.100.91', rtt=0.041, v2=True)
    r = cap.rng
    tun = V2Tunnel(cap, p)
    t = tun.sa_init(jit(cap, 2.0), 's1')
    req = [k2.idi(k2.ID_RFC822, b'alice@example.com'), k2.auth_psk(r),
           k2.cp_request(k2.INTERNAL_IP4_ADDRESS, k2.INTERNAL_IP4_DNS),
           k2.sa_esp(esp_spi(r, True)), k2.tsi('0.0.0.0/0'), k2.tsr('0.0.0.0/0'), k2.notify(k2.N_INITIAL_CONTACT)]
    t = tun.exchange(t, 's1.auth', ike.V2_IKE_AUTH, req, [k2.notify(k2.N_AUTHENTICATION_FAILED)],
                     proc=(0.004, 0.009))
    background(lan, t + 12.0, per_second=0.2)
    return cap


@text('ikev2-auth-failed-keys')
def _ikev2_auth_failed_keys(e):
    return (
        'Keyed (`.ikev2_decryption_table` beside it). strongSwan road warrior 192.0.2.120 to 198.51.100.91, no '
        'login: IKE_SA_INIT %d/%d (AES-CBC-128/PRF-HMAC-SHA1/HMAC-SHA1-96/MODP2048, no NAT), IKE_AUTH %d = '
        'SK{IDi alice@example.com, AUTH (PSK), CP(CFG_REQUEST), SA (ESP), TSi 0.0.0.0/0, TSr 0.0.0.0/0, '
        'N(INITIAL_CONTACT)} answered %d by SK{N(AUTHENTICATION_FAILED)}; the client gives up.'
        % (e.first('s1.sa_init.req'), e.first('s1.sa_init.resp'), e.first('s1.auth.req'), e.first('s1.auth.resp')),
        'Without keys: IKE_AUTH refused (inferred from the short response whose first inner payload is a Notify), '
        'qvpn.ike_auth_failed on %d. With keys: the same verdict, observed: qvpn.decrypted.notify '
        'AUTHENTICATION_FAILED and qvpn.evidence 2 on %d, verdict text with "(decrypted)".'
        % (e.first('s1.auth.resp'), e.first('s1.auth.resp')))

# ---------------------------------------------------------------------- 2. TS_UNACCEPTABLE


def ikev2_ts_unacceptable():
    """Branch strongSwan 192.0.2.121 asks a child SA for 192.168.5.0/24 <-> 10.0.0.0/24;
    the gateway's policy has another local subnet: IKE_AUTH response SK{IDr, AUTH,
    N(TS_UNACCEPTABLE)} -- the IKE SA is up, no child SA, no ESP.  strongSwan keeps the IKE
    SA ("failed to establish CHILD_SA, keeping IKE_SA"); a liveness check 10 s later."""
    cap, p, lan = client_capture('ikev2-ts-unacceptable', 15020001, epoch_us(2013, 7, 9, 14, 2, 51, 80113),
                                 '192.0.2.121', '192.0.2.1', '198.51.100.92', rtt=0.044, v2=True)
    r = cap.rng
    tun = V2Tunnel(cap, p)
    t = tun.sa_init(jit(cap, 2.2), 's1')
    ts_i, ts_r = ('192.168.5.0/24',), ('10.0.0.0/24',)
    t = tun.exchange(t, 's1.auth', ike.V2_IKE_AUTH, ike_auth_req(r, p, esp_spi(r, True), ts_i, ts_r),
                     [k2.idr(k2.ID_IPV4_ADDR, p.gw.ipb), k2.auth_psk(r), k2.notify(k2.N_TS_UNACCEPTABLE)],
                     proc=(0.005, 0.010))
    t = tun.exchange(t + 10.0 + r.uniform(0.0, 0.01), 's1.live.info', ike.V2_INFORMATIONAL, [], [])
    background(lan, t + 3.0, per_second=0.2)
    return cap


@text('ikev2-ts-unacceptable')
def _ikev2_ts_unacceptable(e):
    return (
        'Keyed (`.ikev2_decryption_table`). Branch strongSwan 192.0.2.121 to 198.51.100.92: IKE_SA_INIT %d/%d, '
        'IKE_AUTH %d = SK{IDi, AUTH, SA (ESP), TSi 192.168.5.0/24, TSr 10.0.0.0/24, N(INITIAL_CONTACT)} answered '
        '%d by SK{IDr, AUTH, N(TS_UNACCEPTABLE)}: the IKE SA is up, the child SA refused; no ESP; the client keeps '
        'the IKE SA: liveness check (empty INFORMATIONAL) %d/%d.'
        % (e.first('s1.sa_init.req'), e.first('s1.sa_init.resp'), e.first('s1.auth.req'), e.first('s1.auth.resp'),
           e.first('s1.live.info.req'), e.first('s1.live.info.resp')),
        'Without keys: IKE_AUTH answered with IDr first, no ESP ever: SAs agreed (so it seems), no traffic. With '
        'keys: refused, TS_UNACCEPTABLE (decrypted) on %d; qvpn.ts.i 192.168.5.0/24, qvpn.ts.r 10.0.0.0/24 on %d; '
        'the verdict names the selectors asked.' % (e.first('s1.auth.resp'), e.first('s1.auth.req')))

# ---------------------------------------------------------------------- 3. NO_PROPOSAL_CHOSEN (child)


def ikev2_child_no_proposal():
    """strongSwan branch 192.0.2.122 to a Cisco IOS gateway: IKE_AUTH brings up the first
    child SA (192.168.6.0/24 <-> 10.0.1.0/24), pings pass both ways; then the client asks a
    second child SA (192.168.6.0/24 <-> 10.0.2.0/24, ESP AES-CBC-256/HMAC-SHA2-256-128 with
    PFS MODP2048) by CREATE_CHILD_SA, answered SK{N(NO_PROPOSAL_CHOSEN)}: the gateway's
    transform set for that subnet differs.  The first child keeps working."""
    cap, p, lan = client_capture('ikev2-child-no-proposal', 15030001, epoch_us(2013, 7, 16, 10, 27, 33, 640071),
                                 '192.0.2.122', '192.0.2.1', '198.51.100.93', rtt=0.038, v2=True, gw_ttl=246)
    r = cap.rng
    tun = V2Tunnel(cap, p)
    t = tun.sa_init(jit(cap, 1.8), 's1')
    ts_i, ts_r = ('192.168.6.0/24',), ('10.0.1.0/24',)
    cin, gin = esp_spi(r, True), esp_spi(r, False)
    t = tun.exchange(t, 's1.auth', ike.V2_IKE_AUTH, ike_auth_req(r, p, cin, ts_i, ts_r),
                     ike_auth_ok(r, p, gin, ts_i, ts_r), proc=(0.006, 0.012))
    out, back = tun.child(cin, gin)
    pc, srv = ec.Inner(r, '192.168.6.20'), ec.Inner(r, '10.0.1.10', ttl=63)
    t0 = p.cli_at(t, 0.25)
    evs = pings(p, t0, t0 + 8.0, 1.0, out, back, pc, srv, 0x0001, 's1.esp.out', 's1.esp.in')
    tc = t0 + 8.0 + r.uniform(0.1, 0.3)
    new_spi = esp_spi(r, True)
    req = [k2.sa_esp(new_spi, encr_bits=256, integ=12, dh=GROUP), k2.nonce(r), k2.ke(r, GROUP, 256),
           k2.tsi('192.168.6.0/24'), k2.tsr('10.0.2.0/24')]
    tc = tun.exchange(tc, 's1.child', ike.V2_CREATE_CHILD_SA, req, [k2.notify(k2.N_NO_PROPOSAL_CHOSEN)])
    evs += pings(p, tc + 0.6, tc + 8.6, 1.0, out, back, pc, srv, 0x0001, 's1.esp.out', 's1.esp.in', seq0=9)
    send_all(cap, evs)
    background(lan, tc + 9.5, per_second=0.2)
    return cap


@text('ikev2-child-no-proposal')
def _ikev2_child_no_proposal(e):
    return (
        'Keyed (`.ikev2_decryption_table`, `.esp_sa` for both ESP SAs). strongSwan branch 192.0.2.122 to a Cisco '
        'IOS gateway 198.51.100.93: IKE_SA_INIT %d/%d, IKE_AUTH %d/%d (child SA 192.168.6.0/24 <-> 10.0.1.0/24), '
        'pings 192.168.6.20 -> 10.0.1.10 through ESP both ways %d–%d; CREATE_CHILD_SA %d asks a second child SA '
        '(192.168.6.0/24 <-> 10.0.2.0/24, ESP AES-CBC-256/HMAC-SHA2-256-128, PFS MODP2048), answered %d by '
        'SK{N(NO_PROPOSAL_CHOSEN)}; the pings go on through the first child SA until the capture ends.'
        % (e.first('s1.sa_init.req'), e.first('s1.sa_init.resp'), e.first('s1.auth.req'), e.first('s1.auth.resp'),
           e.first('s1.esp.out'), e.last('s1.esp.in'), e.first('s1.child.req'), e.first('s1.child.resp')),
        'Connected (ESP both ways), not torn down. Without keys: the CREATE_CHILD_SA answer %d is a lone encrypted '
        'Notify: a refused child SA (a Warning). With keys: qvpn.decrypted.notify NO_PROPOSAL_CHOSEN on %d, '
        'qvpn.inner on the ESP frames.' % (e.first('s1.child.resp'), e.first('s1.child.resp')))

# ---------------------------------------------------------------------- 4. rekey, delete, liveness, IKE delete


def ikev2_rekey_delete():
    """A whole IKEv2 tunnel life, keyed: IKE_AUTH (child SA 192.168.7.0/24 <-> 10.1.0.0/16),
    pings both ways (a PC pings a server, a monitor pings the PC back); the client rekeys
    the child SA (CREATE_CHILD_SA with N(REKEY_SA) and new SPIs), the ESP moves to the new
    SPIs, the client deletes the old child SA (INFORMATIONAL, D(ESP)); later two liveness
    checks (gateway's, then the client's); finally the client deletes the IKE SA."""
    cap, p, lan = client_capture('ikev2-rekey-delete', 15040001, epoch_us(2013, 7, 23, 16, 5, 12, 902317),
                                 '192.0.2.123', '192.0.2.1', '198.51.100.94', rtt=0.043, v2=True)
    r = cap.rng
    tun = V2Tunnel(cap, p)
    t = tun.sa_init(jit(cap, 1.6), 's1')
    ts_i, ts_r = ('192.168.7.0/24',), ('10.1.0.0/16',)
    cin, gin = esp_spi(r, True), esp_spi(r, False)
    t = tun.exchange(t, 's1.auth', ike.V2_IKE_AUTH, ike_auth_req(r, p, cin, ts_i, ts_r),
                     ike_auth_ok(r, p, gin, ts_i, ts_r), proc=(0.005, 0.010))
    out, back = tun.child(cin, gin)
    pc, srv, mon = ec.Inner(r, '192.168.7.10'), ec.Inner(r, '10.1.0.10', ttl=63), ec.Inner(r, '10.1.0.20', ttl=63)
    t0 = p.cli_at(t, 0.3)
    t1 = t0 + 8.0
    evs = pings(p, t0, t1, 1.0, out, back, pc, srv, 0x0001, 's1.esp.out', 's1.esp.in')
    evs += pings(p, t0 + 0.5, t1, 3.0, back, out, mon, pc, 0x4d01, 's1.esp.in', 's1.esp.out')
    # rekey: the client's new inbound SPI in its SA, the old one in N(REKEY_SA)
    cin2, gin2 = esp_spi(r, True), esp_spi(r, False)
    tr = tun.exchange(t1 + r.uniform(0.1, 0.3), 's1.rekey', ike.V2_CREATE_CHILD_SA,
                      [k2.notify(k2.N_REKEY_SA, k2.PROTO_ESP, cin.to_bytes(4, 'big')), k2.sa_esp(cin2), k2.nonce(r),
                       k2.tsi(*ts_i), k2.tsr(*ts_r)],
                      [k2.sa_esp(gin2), k2.nonce(r), k2.tsi(*ts_i), k2.tsr(*ts_r)], proc=(0.004, 0.008))
    out2, back2 = tun.child(cin2, gin2)
    td = tun.exchange(p.cli_at(tr, r.uniform(0.004, 0.009)), 's1.del_child.info', ike.V2_INFORMATIONAL,
                      [k2.delete_esp(cin)], [k2.delete_esp(gin)])
    t2 = td + 0.4
    t3 = t2 + 8.0
    evs += pings(p, t2, t3, 1.0, out2, back2, pc, srv, 0x0001, 's1.esp.out', 's1.esp.in', seq0=9)
    evs += pings(p, t2 + 1.1, t3, 3.0, back2, out2, mon, pc, 0x4d01, 's1.esp.in', 's1.esp.out', seq0=4)
    send_all(cap, evs)
    tl = tun.exchange(t3 + 10.0 + r.uniform(0.0, 0.01), 's1.live_gw.info', ike.V2_INFORMATIONAL, [], [],
                      from_client=False)
    tl = tun.exchange(tl + 10.0 + r.uniform(0.0, 0.01), 's1.live_cli.info', ike.V2_INFORMATIONAL, [], [])
    tx = tun.exchange(tl + 3.0 + r.uniform(0.0, 0.3), 's1.del_ike.info', ike.V2_INFORMATIONAL, [k2.delete_ike()], [])
    background(lan, tx + 2.0, per_second=0.15)
    return cap


@text('ikev2-rekey-delete')
def _ikev2_rekey_delete(e):
    return (
        'Keyed (`.ikev2_decryption_table`, `.esp_sa` for the four ESP SAs). strongSwan branch 192.0.2.123 to '
        '198.51.100.94: IKE_SA_INIT %d/%d, IKE_AUTH %d/%d (child SA 192.168.7.0/24 <-> 10.1.0.0/16); pings '
        '192.168.7.10 -> 10.1.0.10 every second and 10.1.0.20 -> 192.168.7.10 every 3 s, all answered, through ESP '
        '%d–%d; the client rekeys the child SA: CREATE_CHILD_SA %d/%d (N(REKEY_SA) with the old SPI, SA with the new '
        'one), deletes the old one: INFORMATIONAL %d/%d (D(ESP) each); ESP on the new SPIs %d–%d; liveness checks '
        '(empty INFORMATIONAL) by the gateway %d/%d and by the client %d/%d; the client deletes the IKE SA: '
        'INFORMATIONAL %d = SK{D(IKE)}, answered %d = SK{}.'
        % (e.first('s1.sa_init.req'), e.first('s1.sa_init.resp'), e.first('s1.auth.req'), e.first('s1.auth.resp'),
           e.first('s1.esp.out'), e.first('s1.rekey.req') - 1, e.first('s1.rekey.req'), e.first('s1.rekey.resp'),
           e.first('s1.del_child.info.req'), e.first('s1.del_child.info.resp'),
           e.first('s1.del_child.info.resp') + 1, e.last('s1.esp.in'),
           e.first('s1.live_gw.info.req'), e.first('s1.live_gw.info.resp'),
           e.first('s1.live_cli.info.req'), e.first('s1.live_cli.info.resp'),
           e.first('s1.del_ike.info.req'), e.first('s1.del_ike.info.resp')),
        'Connected, torn down (by the client, %d); the rekey and the child-SA Delete are no teardown; no Warning. '
        'With keys: qvpn.ts.i/ts.r, qvpn.delete "ESP 0x…" on %d and "IKE SA" on %d, qvpn.dpd "liveness check", '
        'qvpn.inner on the ESP frames, deletes and child_sas in the session evidence.'
        % (e.first('s1.del_ike.info.req'), e.first('s1.del_child.info.req'), e.first('s1.del_ike.info.req')))

# ---------------------------------------------------------------------- 5. inner requests, no reply


def tunnel_inner_no_reply():
    """Tunnel up (192.168.5.0/24 <-> 10.0.0.0/24); the PC 192.168.5.10 pings 10.0.0.5 every
    second and tries TCP 445 on it (SYN resent after 1, 2, 4, 8 s): nothing comes back --
    10.0.0.5 has no route back into the tunnel (its default gateway is another router).
    The gateway's ESP carries only its own traffic: the monitoring host 10.0.0.50 pings
    192.168.5.10 every 5 s, and the PC answers.  25 s, then the capture ends."""
    cap, p, lan = client_capture('tunnel-inner-no-reply', 15050001, epoch_us(2013, 7, 30, 9, 12, 48, 415220),
                                 '192.0.2.124', '192.0.2.1', '198.51.100.95', rtt=0.040, v2=True)
    r = cap.rng
    tun = V2Tunnel(cap, p)
    t = tun.sa_init(jit(cap, 1.5), 's1')
    ts_i, ts_r = ('192.168.5.0/24',), ('10.0.0.0/24',)
    cin, gin = esp_spi(r, True), esp_spi(r, False)
    t = tun.exchange(t, 's1.auth', ike.V2_IKE_AUTH, ike_auth_req(r, p, cin, ts_i, ts_r),
                     ike_auth_ok(r, p, gin, ts_i, ts_r), proc=(0.005, 0.010))
    out, back = tun.child(cin, gin)
    pc, host, mon = ec.Inner(r, '192.168.5.10'), ec.Inner(r, '10.0.0.5', ttl=63), ec.Inner(r, '10.0.0.50', ttl=63)
    t0 = p.cli_at(t, 0.4)
    t1 = t0 + 25.0
    evs = pings(p, t0, t1, 1.0, out, back, pc, host, 0x0001, 's1.esp.out', 's1.esp.in', answered=False)
    sport, isn = 50112, r.getrandbits(32)
    ts = t0 + 2.3
    for dt in (0.0, 1.0, 2.0, 4.0, 8.0):
        ts += dt
        evs.append((ts, out, (lambda: ec.tcp(pc, host, sport, 445, isn, 0, TH_SYN, opts=ec.SYN_OPTS)), 's1.esp.out'))
    evs += pings(p, t0 + 1.7, t1, 5.0, back, out, mon, pc, 0x0300, 's1.esp.in', 's1.esp.out')
    send_all(cap, evs)
    background(lan, t1 + 0.5, per_second=0.15)
    return cap


@text('tunnel-inner-no-reply')
def _tunnel_inner_no_reply(e):
    return (
        'Keyed (`.ikev2_decryption_table`, `.esp_sa`). IKEv2 192.0.2.124 to 198.51.100.95: IKE_SA_INIT %d/%d, '
        'IKE_AUTH %d/%d (child SA 192.168.5.0/24 <-> 10.0.0.0/24); then for 25 s the PC 192.168.5.10 sends through '
        'ESP an echo request to 10.0.0.5 every second and a TCP SYN to 10.0.0.5:445 resent after 1, 2, 4, 8 s '
        '(%d ESP packets client→gateway from %d: these 30 requests and 5 echo replies): no request is answered. The '
        'gateway\'s ESP (%d packets, %s) carries only echo requests of the monitor 10.0.0.50 to 192.168.5.10, which '
        'the PC answers.'
        % (e.first('s1.sa_init.req'), e.first('s1.sa_init.resp'), e.first('s1.auth.req'), e.first('s1.auth.resp'),
           len(e.f('s1.esp.out')), e.first('s1.esp.out'), len(e.f('s1.esp.in')), lst(e.f('s1.esp.in'))),
        'Without keys: connected (ESP both ways), no Warning. With keys: the requests inside the tunnel get no '
        'reply: qvpn.inner_no_reply (Warning) once they have gone unanswered for seconds, evidence inner '
        '"requests unanswered": routing or NAT behind the gateway, not the tunnel.')


SCENARIOS_KEYS_V2 = [
    ('ikev2-auth-failed-keys', 'pcap', ikev2_auth_failed_keys),
    ('ikev2-ts-unacceptable', 'pcap', ikev2_ts_unacceptable),
    ('ikev2-child-no-proposal', 'pcapng', ikev2_child_no_proposal),
    ('ikev2-rekey-delete', 'pcapng', ikev2_rekey_delete),
    ('tunnel-inner-no-reply', 'pcap', tunnel_inner_no_reply),
]
