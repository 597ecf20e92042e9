"""captures/README.md, written from the generated files' own frame numbers.

Every frame number in the README comes from the tags the generator put on the
packets (scenarios/keyframes.json), so the text cannot drift from the captures.
The verdicts encode the qvpn rules as the issue states them (phases, Cisco IKE
states, expert-info names); see the legend in the README.
"""


class Ev:
    def __init__(self, events):
        self.e = events

    def f(self, tag):
        return self.e.get(tag, [])

    def first(self, tag):
        v = self.f(tag)
        return v[0] if v else None

    def last(self, tag):
        v = self.f(tag)
        return v[-1] if v else None

    def has(self, tag):
        return bool(self.f(tag))


def lst(v):
    return ', '.join(str(x) for x in v)


def rng(a, b):
    return '%d–%d' % (a, b)


def tls_range(ev, p):
    return rng(ev.first(p + '.syn'), ev.last(p + '.rst'))


def tunnel_up(ev, p):
    o, i = ev.first(p + '.esp.out'), ev.first(p + '.esp.in')
    return max(o, i) if o and i else None


def rsts(ev, p, parts=('login', 'verify', 'logout')):
    return [ev.first('%s.%s.rst' % (p, k)) for k in parts if ev.has('%s.%s.rst' % (p, k))]


def v1_success(ev, p, ended='teardown'):
    """Verdict text of a complete IKEv1 QuickVPN session with tag prefix p."""
    out = ['Connection: login TLS %s (SYN→SYN/ACK RTT on %d, ClientHello→ServerHello on %d).'
           % (tls_range(ev, p + '.login'), ev.first(p + '.login.synack'), ev.first(p + '.login.server_hello'))]
    out.append('Policy activation: MM1–MM6 %s, QM1–QM3 %s (message ID shared by QM1–QM3); IKE state QM_IDLE from MM6 (%d).'
               % (lst(ev.first('%s.mm%d' % (p, n)) for n in range(1, 7)),
                  lst(ev.first('%s.qm%d' % (p, n)) for n in range(1, 4)), ev.first(p + '.mm6')))
    esp1 = min(ev.first(p + '.esp.out'), ev.first(p + '.esp.in') or 10 ** 9)
    net = 'Network verification: ESP from %d (first client→gateway %d, first gateway→client %d)' % (
        esp1, ev.first(p + '.esp.out'), ev.first(p + '.esp.in'))
    if ev.has(p + '.verify.syn'):
        net += '; verification TLS %s' % tls_range(ev, p + '.verify')
    if ev.has(p + '.natt.keepalive'):
        net += '; NAT-T keepalives %s' % lst(ev.f(p + '.natt.keepalive'))
    out.append(net + '.')
    if ended == 'teardown':
        out.append('Teardown from %d: encrypted Informationals %s (client) and %s (gateway); logout TLS %s.'
                   % (ev.first(p + '.info.client'), lst(ev.f(p + '.info.client')), lst(ev.f(p + '.info.gateway')),
                      tls_range(ev, p + '.logout')))
    else:
        out.append('Ends with the tunnel up (no teardown).')
    w = ['qvpn.tunnel_up %d' % tunnel_up(ev, p)]
    w.append('qvpn.rst_after_close %s (gateway RST after the encrypted close_notify alerts, as in the reference)'
             % lst(rsts(ev, p)))
    out.append('Warnings: ' + '; '.join(w) + '; nothing else.')
    return ' '.join(out)


def login_only(ev, p):
    return 'Connection: login TLS %s; rst_after_close on %d (RST after the encrypted alerts).' % (
        tls_range(ev, p + '.login'), ev.first(p + '.login.rst'))


def reference_row(ev):
    t = ev.f('tls1')
    assert t == list(range(90, 97)), t    # the text below names these frames
    return ('Connection: login TLS on nav-port 90–120 (SYN 90, SYN/ACK 91, SSLv2 ClientHello 93, ServerHello 95; '
            'qvpn.rst_after_close on 120). Policy activation: MM1–MM6 153, 154, 155, 162, 163, 164; QM1–QM3 165, 166, 168; '
            'IKE state QM_IDLE from 164. Network verification: ESP 167 (before QM3, as published), 209, 216; '
            'qvpn.tunnel_up on 216 (time to tunnel 216−153 = 12.230442 s). Policy activation also 224 (the first encrypted Informational, which could be a DPD); Teardown from 225, the second in a row: Informationals 224, 225 '
            '(client), 244, 245 (gateway); logout TLS on giga-pocket 227–259 (within 30 s of 224, so the same session, '
            'phase Teardown; it ends with the client FIN 259, no RST). One session. RTTs: IKE 154−153 = 0.097437 s, '
            '162−155 = 0.486430, 164−163 = 0.101476, 166−165 = 0.565257; TCP 228−227 = 0.090260 (91−90 = 0.090297); '
            'TLS ClientHello→ServerHello 232−230 = 0.124581 (95−93 = 0.124565). No stall, no one-way, no notify.')


TEXTS = {}     # capture name -> function(events) -> (what it shows, verdict)


def text(name):
    """The README text of the generated capture `name`: what it shows and its verdict."""
    def register(fn):
        TEXTS[name] = fn
        return fn
    return register


@text('quickvpn-reference')
def _quickvpn_reference(ev):
    return (
        'The published QuickVPN connection (frames 97–259 of quickvpn-seed-frames.tsv at the same numbers '
        'and times; client 213.16.33.141, gateway 79.189.214.86, SPIs 0x8316d0a3 / 0x2b28e6ae). Frames 1–96: LAN '
        'background, the client\'s ARP for its router (%s), 4 pings of 79.189.214.83 (%s), and the start of the first '
        'TLS session (%s). All other frames are background (ARP, DNS, NBNS, SSDP, pings), never TLS, never '
        '79.189.214.86.' % (lst(ev.f('arp')), lst(ev.f('ping')), rng(ev.first('tls1'), ev.last('tls1'))),
        reference_row(ev))


@text('success-60443')
def _success_60443(ev):
    return (
        'Full success with the login, verification and logout TLS on TCP 60443 (stock Wireshark needs '
        '`-d tcp.port==60443,tls`; the plugin registers the port). First ESP before QM3, as in the reference.',
        v1_success(ev, 's1'))


@text('success-nat-t')
def _success_nat_t(ev):
    return (
        'Client 192.168.1.34 behind NAT: MM1–MM4 on UDP 500 with NAT-T VIDs and NAT-D (RFC 3947, '
        'payload 20), MM5 onward on UDP 4500 with the non-ESP marker, ESP in UDP 4500, 1-byte 0xff NAT keepalives '
        'every 20 s.',
        v1_success(ev, 's1'))


@text('psk-mismatch')
def _psk_mismatch(ev):
    retx = ev.f('s1.mm5.retx')
    return (
        'Pre-shared keys differ: MM1–MM4 fine, MM5 (encrypted) retransmitted %d times at 1, 2, 4, 8 s '
        '(Windows doubling), never answered: no MM6.' % len(retx),
        '%s Policy activation: MM1–MM5 %s; IKE state MM_KEY_EXCH (from MM4, %d), never QM_IDLE. Warnings: '
        'qvpn.ike_retransmission (Note) and qvpn.mm_stall in MM_KEY_EXCH on each MM5 retransmission %s. No ESP, no tunnel_up.'
        % (login_only(ev, 's1'), lst(ev.first('s1.mm%d' % n) for n in range(1, 6)), ev.first('s1.mm4'), lst(retx)))


@text('gateway-silent')
def _gateway_silent(ev):
    retx = ev.f('s1.mm1.retx')
    return (
        'UDP 500 blocked / gateway silent after a successful login: MM1 retransmitted %d times '
        '(1, 2, 4, 8 s), nothing comes back.' % len(retx),
        '%s Policy activation: MM1 %d; IKE state MM_NO_STATE. Warnings: qvpn.ike_retransmission and qvpn.mm_stall '
        '(MM_NO_STATE) on each retransmission %s.' % (login_only(ev, 's1'), ev.first('s1.mm1'), lst(retx)))


@text('p1-proposal-mismatch')
def _p1_proposal_mismatch(ev):
    return (
        'Phase-1 proposal mismatch: MM1 answered by a cleartext Informational (responder '
        'cookie zero, message ID 0) with Notification NO-PROPOSAL-CHOSEN (14); nothing follows from the peers.',
        '%s Policy activation: MM1 %d, Informational %d; IKE state MM_NO_STATE. Warnings: qvpn.ike_notify '
        '(NO-PROPOSAL-CHOSEN, 14) on %d. No later frame of the session, so no time-based mm_stall.'
        % (login_only(ev, 's1'), ev.first('s1.mm1'), ev.first('s1.notify'), ev.first('s1.notify')))


@text('p2-failure')
def _p2_failure(ev):
    retx = ev.f('s1.qm1.retx')
    return (
        'Phase 1 completes (MM1–MM6), Quick Mode never does: QM1 retransmitted %d times (1, 2, 4, 8 s), '
        'no QM2, no ESP.' % len(retx),
        '%s Policy activation: MM1–MM6 %s, QM1 %d; IKE state QM_IDLE from MM6 (%d). Warnings: '
        'qvpn.ike_retransmission and qvpn.qm_stall on each QM1 retransmission %s. No ESP.'
        % (login_only(ev, 's1'), lst(ev.first('s1.mm%d' % n) for n in range(1, 7)), ev.first('s1.qm1'),
           ev.first('s1.mm6'), lst(retx)))


@text('tls-login-refused')
def _tls_login_refused(ev):
    return (
        'Login refused during the TLS handshake: TLS 1.0 ClientHello, the gateway answers a '
        'cleartext fatal Alert handshake_failure (40) and a RST (no ACK flag). No IKE.',
        'Connection only: SYN %d, ClientHello %d, Alert %d, RST %d. Warnings: qvpn.tls_alert (fatal, 40) on %d; '
        'qvpn.rst_after_alert on %d.' % (ev.first('s1.login.syn'), ev.first('s1.login.client_hello'),
                                         ev.first('s1.login.alert'), ev.first('s1.login.rst'),
                                         ev.first('s1.login.alert'), ev.first('s1.login.rst')))


@text('esp-one-way')
def _esp_one_way(ev):
    out = ev.f('s1.esp.out')
    return (
        'Tunnel up per IKE (MM1–MM6, QM1–QM3) but ESP only client→gateway: %d packets, one a second '
        'over ~29.5 s, none back.' % len(out),
        '%s Policy activation: MM1–MM6 %s, QM1–QM3 %s; QM_IDLE from %d. Network verification: ESP %d–%d, client→gateway only. '
        'Warnings: qvpn.esp_one_way on %d (the 10th ESP packet, 9 s after the first); no tunnel_up; no qm_stall '
        '(ESP did start within 10 s).'
        % (login_only(ev, 's1'), lst(ev.first('s1.mm%d' % n) for n in range(1, 7)),
           lst(ev.first('s1.qm%d' % n) for n in range(1, 4)), ev.first('s1.mm6'), out[0], out[-1], out[9]))


@text('midflow-tunnel')
def _midflow_tunnel(ev):
    return (
        'tcpdump on the gateway side (filtered to the two peers) started mid-tunnel: ESP both ways '
        'only (sequence numbers from 18212 / 17941), then the encrypted Informational teardown and the logout TLS.',
        'One session, roles guessed (client = first ESP sender 203.0.113.200, not a known gateway). Network verification: '
        'ESP from 1; qvpn.tunnel_up on %d (no time-to-tunnel: no IKE seen). Teardown from %d: Informationals %s (client), '
        '%s (gateway); logout TLS %s joins the session (within 30 s). IKE state QM_IDLE on the '
        'Informationals (an encrypted Informational implies an ISAKMP SA; no Main Mode is in the capture). Warnings: tunnel_up %d; rst_after_close %d.'
        % (tunnel_up(ev, 's1'), ev.first('s1.info.client'), lst(ev.f('s1.info.client')), lst(ev.f('s1.info.gateway')),
           tls_range(ev, 's1.logout'), tunnel_up(ev, 's1'), ev.first('s1.logout.rst')))


@text('many-clients')
def _many_clients(ev):
    parts = []
    for i in range(20):
        p = 'c%02d' % i
        if i == 6:
            parts.append('%s FAILS (PSK mismatch): login %s, MM1–MM5 %s, MM5 retransmitted %s (mm_stall + '
                         'ike_retransmission each), MM_KEY_EXCH' % (p, tls_range(ev, p + '.login'),
                                                                   lst(ev.first('%s.mm%d' % (p, n)) for n in range(1, 6)),
                                                                   lst(ev.f(p + '.mm5.retx'))))
        elif i == 14:
            parts.append('%s FAILS (phase-1 proposal): login %s, MM1 %d, NO-PROPOSAL-CHOSEN Informational %d '
                         '(ike_notify), MM_NO_STATE' % (p, tls_range(ev, p + '.login'), ev.first(p + '.mm1'),
                                                        ev.first(p + '.notify')))
        else:
            s = '%s ok: login %s, MM1 %d, QM3 %d, tunnel_up %d' % (p, tls_range(ev, p + '.login'), ev.first(p + '.mm1'),
                                                                  ev.first(p + '.qm3'), tunnel_up(ev, p))
            if ev.has(p + '.info.client'):
                s += ', teardown %d' % ev.first(p + '.info.client')
            else:
                s += ', still up at the end'
            if i in (3, 10, 17):
                s += ', NAT-T'
            parts.append(s)
    return (
        'A mirror port next to one gateway (198.51.100.10): 20 QuickVPN clients at overlapping times '
        '(one every ~5.5 s) amid DNS, ARP, NBNS, pings and 16 HTTPS sessions of other hosts (198.51.100.20–23 to '
        '203.0.113.233–240). c03, c10, c17 are behind NAT (NAT-T, mapped ports). Two fail: c06 (pre-shared key '
        'mismatch) and c14 (phase-1 proposal mismatch); all others succeed.',
        '20 QuickVPN sessions (plus TLS-only sessions for the background HTTPS on port 443, which never reach IKE). '
        'Successful ones: QM_IDLE, tunnel_up, rst_after_close on each gateway RST. ' + '; '.join(parts) + '.')


@text('busy-client')
def _busy_client(ev):
    webs = [ev.first('web%d' % i) for i in range(14)]
    return (
        'A client PC browsing: 14 TLS 1.2 HTTPS sessions (ECDHE-RSA-AES128-GCM, SNI) to 14 web '
        'servers 192.0.2.10–23, each after a DNS lookup, 5 before, 6 during and 3 after one QuickVPN connection to '
        '198.51.100.40.',
        v1_success(ev, 's1') + ' The web sessions (first frames %s) go to port 443 of other servers: each is a '
        'TLS-only session of its own (phase Connection, no IKE), never joined to the VPN session; no warnings (they '
        'close with FIN, no RST).' % lst(webs))


@text('ikev2-success')
def _ikev2_success(ev):
    return (
        'IKEv2 instead of IKEv1 after the login: IKE_SA_INIT pair (cleartext), IKE_AUTH pair (SK '
        'payload), ESP both ways (AES-CBC sizes), INFORMATIONAL delete pair (SK), logout TLS.',
        '%s Policy activation: IKE_SA_INIT %d/%d, IKE_AUTH %d/%d; IKE state READY (V2_READY) from %d. Network '
        'verification: ESP from %d; qvpn.tunnel_up on %d. Teardown from the INFORMATIONAL request %d (response %d), '
        'logout TLS %s. Warnings: tunnel_up %d; rst_after_close %s.'
        % (login_only(ev, 's1'), ev.first('s1.sa_init.req'), ev.first('s1.sa_init.resp'), ev.first('s1.auth.req'),
           ev.first('s1.auth.resp'), ev.first('s1.auth.resp'), ev.first('s1.esp.out'), tunnel_up(ev, 's1'),
           ev.first('s1.info.req'), ev.first('s1.info.resp'), tls_range(ev, 's1.logout'), tunnel_up(ev, 's1'),
           lst(rsts(ev, 's1'))))


@text('ikev2-auth-failed')
def _ikev2_auth_failed(ev):
    return (
        'IKEv2 authentication failure. IKE_SA_INIT succeeds; the IKE_AUTH response is short '
        '(118-byte frame: SK payload holding only N(AUTHENTICATION_FAILED), 8 bytes of plaintext, vs ~290 bytes for a '
        'success) and, being encrypted, does not show the error. No ESP and no further IKE follow: the client gives up; '
        'background continues for 20 s.',
        '%s Policy activation: IKE_SA_INIT %d/%d (INIT_SENT, INIT_DONE), IKE_AUTH %d/%d. Observable: IKE_AUTH '
        'answered by a response too short to hold IDr, AUTH, SA, TSi and TSr (76 bytes of ISAKMP), then nothing: no '
        'ESP, no further IKE. The notify itself is encrypted, so the state stays AUTH_SENT (IN-NEG), not READY. '
        'Warning: qvpn.ike_auth_failed on %d (the engine\'s size-based finding; not in the issue\'s list). No stall '
        'fires: no frame of the session follows the response.'
        % (login_only(ev, 's1'), ev.first('s1.sa_init.req'), ev.first('s1.sa_init.resp'), ev.first('s1.auth.req'),
           ev.first('s1.auth.resp'), ev.first('s1.auth.resp')))


@text('reconnect')
def _reconnect(ev):
    return (
        'Two sessions between the same peers: a full success ending with teardown + logout, then ~60 s '
        'after the teardown a second login, new Main Mode (new cookies) and Quick Mode, ESP; the capture ends with the '
        'second tunnel up.',
        'Session 1: ' + v1_success(ev, 's1') + ' Session 2 (new session: login %d is %s s after the teardown %d, '
        'beyond the 30-s logout window): ' % (ev.first('s2.login.syn'), 'over 60', ev.first('s1.info.client'))
        + v1_success(ev, 's2', ended='up'))


def after(ev, tags, frame):
    """The first frame of any of tags after frame."""
    return min(f for t in tags for f in ev.f(t) if f > frame)


def mm_qm(ev, p):
    return 'MM1–MM6 %s, QM1–QM3 %s' % (lst(ev.first('%s.mm%d' % (p, n)) for n in range(1, 7)),
                                       lst(ev.first('%s.qm%d' % (p, n)) for n in range(1, 4)))


@text('rekey-live-tunnel')
def _rekey_live_tunnel(ev):
    new = after(ev, ('s1.esp.out', 's1.esp.in'), ev.first('s1.info.resp'))
    return (
        'IKEv2 tunnel passing ESP after a QuickVPN-style login. After 30 s the client rekeys the child SA: '
        'CREATE_CHILD_SA with PFS (SK first payload N(REKEY_SA)) and its response (SK first payload SA), new SPIs '
        'both ways; a few ms later an INFORMATIONAL whose first encrypted payload is a Delete (SK next payload 42) '
        'removes the old child SA, answered by the peer\'s Delete. ESP goes on on the new SPIs for 30 s; the capture '
        'ends with the tunnel up.',
        '%s Policy activation: IKE_SA_INIT %d/%d, IKE_AUTH %d/%d; IKE state READY from %d. Network verification: '
        'ESP from %d; qvpn.tunnel_up on %d. The rekey %d/%d and the Delete of the old child SA %d/%d are part of a '
        'live tunnel: state READY, not a teardown, no Warning; ESP on the new SPIs from %d to the last frame %d is '
        'Network verification. Connected, not torn down; no Warning.'
        % (login_only(ev, 's1'), ev.first('s1.sa_init.req'), ev.first('s1.sa_init.resp'), ev.first('s1.auth.req'),
           ev.first('s1.auth.resp'), ev.first('s1.auth.resp'), ev.first('s1.esp.out'), tunnel_up(ev, 's1'),
           ev.first('s1.rekey.req'), ev.first('s1.rekey.resp'), ev.first('s1.info.req'), ev.first('s1.info.resp'),
           new, max(ev.last('s1.esp.out'), ev.last('s1.esp.in'))))


@text('dpd-live-tunnel')
def _dpd_live_tunnel(ev):
    pairs = ['%d/%d' % fa for fa in zip(ev.f('s1.dpd.req'), ev.f('s1.dpd.ack'))]
    return (
        'strongSwan road warrior (192.0.2.97) to a Cisco IOS gateway, IKEv1 with Dead Peer Detection (both send '
        'the RFC 3706 VID), no TLS login: Main Mode, Quick Mode, ESP both ways for 62 s; every 10 s the gateway '
        'sends an encrypted Informational (R-U-THERE, `crypto isakmp keepalive 10 periodic`), answered within a '
        'millisecond by the client\'s encrypted Informational (R-U-THERE-ACK), each with a message ID of its own.',
        'Policy activation: %s; IKE state QM_IDLE from MM6 (%d). Network verification: ESP from %d (first '
        'gateway→client %d) to the last frame; DPD pairs %s are liveness checks of a live tunnel: state QM_IDLE, '
        'not a teardown (ESP goes on on the same SPIs), no stall. Connected, not torn down; no Warning.'
        % (mm_qm(ev, 's1'), ev.first('s1.mm6'), ev.first('s1.esp.out'), ev.first('s1.esp.in'), ', '.join(pairs)))


@text('ike-sa-collision')
def _ike_sa_collision(ev):
    return (
        'tcpdump on the outside of a strongSwan site-to-site gateway (198.51.100.50) peering with a Cisco IOS '
        'router (203.0.113.60); traffic on both LANs makes both initiate at once. The strongSwan MM1 %d and the '
        'Cisco\'s own MM1 %d (another initiator cookie) cross 3 ms apart; the strongSwan answers the Cisco\'s with '
        'MM2 %d, the Cisco answers the strongSwan\'s (MM2 %d), drops its own exchange (no MM3, no resend) and '
        'completes the strongSwan one (MM3–MM6 %s); Quick Mode %s; ESP both ways (every 2 s, two downloads) until '
        'the capture ends.'
        % (ev.first('s1.mm1'), ev.first('s1.peer.mm1'), ev.first('s1.peer.mm2'), ev.first('s1.mm2'),
           lst(ev.first('s1.mm%d' % n) for n in range(3, 7)), lst(ev.first('s1.qm%d' % n) for n in range(1, 4))),
        'One attempt (roles a guess: both peers initiated): the two overlapping Main Modes are one tunnel being '
        'built, the abandoned one is no failure. IKE state QM_IDLE from MM6 (%d). Network verification: ESP from %d '
        '(first 203.0.113.60→198.51.100.50 %d) to the last frame. Connected, not torn down; no Warning.'
        % (ev.first('s1.mm6'), ev.first('s1.esp.out'), ev.first('s1.esp.in')))


@text('ikev2-redirect')
def _ikev2_redirect(ev):
    return (
        'strongSwan road warrior (192.0.2.101) to a gateway cluster with RFC 5685 redirection: IKE_SA_INIT %d to '
        '198.51.100.70 (N(REDIRECT_SUPPORTED)) is answered by only N(REDIRECT) (%d: new gateway 198.51.100.71, the '
        'client\'s nonce, responder SPI zero). A few ms later a new IKE SA with 198.51.100.71: IKE_SA_INIT %d '
        '(N(REDIRECTED_FROM 198.51.100.70)) / %d, IKE_AUTH %d/%d, ESP both ways for 30 s until the capture ends.'
        % (ev.first('s1.sa_init.req'), ev.first('s1.redirect'), ev.first('s2.sa_init.req'), ev.first('s2.sa_init.resp'),
           ev.first('s2.auth.req'), ev.first('s2.auth.resp')),
        'Two attempts. 198.51.100.70: redirected to 198.51.100.71 (%d ends it: no IKE SA was created, nothing to '
        'blame on an IKE_AUTH that was never sent); no Warning. 198.51.100.71: IKE_SA_INIT %d/%d, IKE_AUTH %d/%d, '
        'IKE state READY from %d; ESP from %d, qvpn.tunnel_up on %d; connected, not torn down; no Warning.'
        % (ev.first('s1.redirect'), ev.first('s2.sa_init.req'), ev.first('s2.sa_init.resp'), ev.first('s2.auth.req'),
           ev.first('s2.auth.resp'), ev.first('s2.auth.resp'), ev.first('s2.esp.out'), tunnel_up(ev, 's2')))


@text('ikev2-fragments')
def _ikev2_fragments(ev):
    req, resp = ev.f('s1.auth.frag.req'), ev.f('s1.auth.frag.resp')
    return (
        'IKEv2 with certificates and IKEv2 fragmentation (RFC 7383) after a QuickVPN-style login: both IKE_SA_INIT '
        'messages carry IKEV2_FRAGMENTATION_SUPPORTED (16430), the response a CERTREQ. The IKE_AUTH request goes as '
        '%d SKF fragments (payload 53, message ID 1, fragments 1/%d..%d/%d, the first naming IDi as next payload, '
        'IP datagrams of at most 1280 bytes), the response as %d (IDr); nothing is resent. ESP both ways, '
        'INFORMATIONAL delete pair, logout TLS.' % (len(req), len(req), len(req), len(req), len(resp)),
        '%s Policy activation: IKE_SA_INIT %d/%d; IKE_AUTH request fragments %s (IN-NEG, AUTH sent), response '
        'fragments %s (READY on the last, %d); no fragment is a retransmission. Network verification: ESP from %d; '
        'qvpn.tunnel_up on %d. Teardown from the INFORMATIONAL request %d (response %d), logout TLS %s. Connected, '
        'torn down; no Warning.'
        % (login_only(ev, 's1'), ev.first('s1.sa_init.req'), ev.first('s1.sa_init.resp'), lst(req), lst(resp),
           resp[-1], ev.first('s1.esp.out'), tunnel_up(ev, 's1'), ev.first('s1.info.req'), ev.first('s1.info.resp'),
           tls_range(ev, 's1.logout')))


@text('retry-after-psk-mismatch')
def _retry_after_psk_mismatch(ev):
    retx, refused = ev.f('s1.mm5.retx'), ev.f('s1.mm5_refused')
    return (
        'Windows L2TP/IPsec client (192.0.2.98) to a strongSwan gateway with the wrong pre-shared key, no TLS '
        'login: MM1–MM4 fine; MM5 %d and its %d resends (1, 2, 4, 8 s: %s) are each answered by an encrypted '
        'Informational (the gateway cannot decrypt MM5: PAYLOAD-MALFORMED) %s, never by MM6; the client gives up. '
        '5 s after the last answer a new Main Mode with a new initiator cookie and the right key (MM1 %d), Quick '
        'Mode, ESP both ways for 30 s until the capture ends.'
        % (ev.first('s1.mm5'), len(retx), lst(retx), lst(refused), ev.first('s2.mm1')),
        'Two attempts. First (MM1 %d): pre-shared key mismatch, IKE state MM_KEY_EXCH from MM4 (%d): MM5 answered '
        'by encrypted Informationals, no MM6; a Warning by the second resend (%d) at the latest; no ESP. Second '
        '(new initiator cookie, MM1 %d — a new attempt, not a continuation of the failed one): %s; QM_IDLE from '
        'MM6 (%d); ESP from %d, qvpn.tunnel_up on %d; connected, not torn down; no Warning.'
        % (ev.first('s1.mm1'), ev.first('s1.mm4'), retx[1], ev.first('s2.mm1'), mm_qm(ev, 's2'), ev.first('s2.mm6'),
           ev.first('s2.esp.out'), tunnel_up(ev, 's2')))


@text('qm-refused')
def _qm_refused(ev):
    return (
        'Quick Mode refused: QuickVPN login and Main Mode complete; QM1 %d is answered by an encrypted '
        'Informational %d (the gateway\'s NO-PROPOSAL-CHOSEN, not QM2); 0.9 s later the client deletes the ISAKMP '
        'SA with its own encrypted Informational %d. No ESP; background for 10 s.'
        % (ev.first('s1.qm1'), ev.first('s1.qm_refused'), ev.first('s1.info.client')),
        '%s Policy activation: MM1–MM6 %s, IKE state QM_IDLE from MM6 (%d); QM1 %d. Phase 2 failed, Quick Mode '
        'refused by an encrypted reply: a Warning on %d. The client\'s delete %d is no teardown of a tunnel (none '
        'carried traffic). No ESP, no tunnel_up.'
        % (login_only(ev, 's1'), lst(ev.first('s1.mm%d' % n) for n in range(1, 7)), ev.first('s1.mm6'),
           ev.first('s1.qm1'), ev.first('s1.qm_refused'), ev.first('s1.info.client')))


@text('capture-ends-early')
def _capture_ends_early(ev):
    return (
        'strongSwan client (192.0.2.102, modeconfig pull) to a Cisco IOS gateway, no TLS login: Main Mode %s, '
        'Mode Config request and reply (Transaction exchange 6, encrypted) %d/%d; the capture is stopped 64 ms '
        'after the reply (the last frame is a neighbour\'s broadcast), before any Quick Mode.'
        % (lst(ev.first('s1.mm%d' % n) for n in range(1, 7)), ev.first('s1.cfg.req'), ev.first('s1.cfg.reply')),
        'Policy activation: MM1–MM6 %s, IKE state QM_IDLE from MM6 (%d), Mode Config %d/%d. The capture ended '
        'in QM_IDLE, 64 ms after the last IKE message: not a phase-2 failure, no stall; no Warning.'
        % (lst(ev.first('s1.mm%d' % n) for n in range(1, 7)), ev.first('s1.mm6'), ev.first('s1.cfg.req'),
           ev.first('s1.cfg.reply')))


@text('one-way-capture-point')
def _one_way_capture_point(ev):
    out = ev.f('s1.esp.out')
    return (
        'A SPAN session that mirrors only what arrives at a Cisco RV gateway (198.51.100.67), started mid-tunnel: '
        '%d ESP packets over 59 s from the client 203.0.113.150 (one SPI, sequence numbers from the middle of the '
        'flow: pings every second, the acknowledgements of two downloads, an upload), none from the gateway; the '
        'DNS and NTP answers to the gateway and the router\'s ARP are one-way too. No IKE.' % len(out),
        'One attempt (roles a guess). ESP one way only (%d–%d), and the capture cannot tell why: no negotiation '
        'seen and the capture point sees only what arrives at the gateway. The verdict must offer "the capture '
        'point sees one direction only" first rather than blame the return path; no Warning on the first ESP '
        'packet (%d).' % (out[0], out[-1], out[0]))


@text('ah-tunnel')
def _ah_tunnel(ev):
    return (
        'tcpdump on the outside of a strongSwan gateway (198.51.100.68): a branch Cisco IOS router (203.0.113.70) '
        'initiates IKEv1 for a tunnel whose phase 2 is AH (IP protocol 51, HMAC-SHA1-96, tunnel mode: the inner '
        'packets are readable): a branch PC pings an HQ server every second, the HQ monitor pings the branch router '
        'every 5 s, all answered through the tunnel for 45 s, until the capture ends.',
        'Policy activation: %s; IKE state QM_IDLE from MM6 (%d). Network verification: AH both ways from %d (first '
        'HQ→branch %d) to the last frame, as ESP would be. Connected (protocol AH), not torn down; no Warning.'
        % (mm_qm(ev, 's1'), ev.first('s1.mm6'), ev.first('s1.ah.out'), ev.first('s1.ah.in')))


def rows(keyframes, captures):
    """One README row per generated capture, in the generator's order.

    captures: (name, build function) of each, from generate.py's list (the reference,
    then scenarios.SCENARIOS); file name and frame count come from keyframes, the
    "How it was made" column from the build function itself.
    """
    names = [name for name, _ in captures]
    missing = [n for n in names if n not in TEXTS]
    unused = sorted(set(TEXTS) - set(names))
    if missing or unused:
        raise SystemExit('captures/gen/qvgen/readme.py: no @text for %s; @text without a capture: %s'
                         % (missing or 'none', unused or 'none'))
    R = []
    for name, build in captures:
        k = keyframes[name]
        what, verdict = TEXTS[name](Ev(k['events']))
        how = '`%s.py: %s()`' % (build.__module__.rsplit('.', 1)[-1], build.__name__)
        R.append((k['file'], k['frames'], what, how, verdict))
    return R


HEADER = '''# captures/

Packet captures for qvpn: the rebuilt reference connection, one scenario per failure
pattern, and public captures.  Everything except `public/` is **generated** and
byte-for-byte reproducible:

    /usr/bin/python3 captures/gen/generate.py              # rewrites captures/ (this README too)
    /usr/bin/python3 captures/gen/generate.py --out DIR    # the same into DIR
    /usr/bin/python3 captures/gen/generate.py --bench 2000 --out big.pcap   # ~1.02 million frames
    /usr/bin/python3 -m pytest tests/captures              # committed files == a fresh run, tshark checks

The generator (`gen/qvgen/`, Python 3 standard library, and python3-cryptography for the
keyed scenarios) packs every header with
`struct`, computes real IP/TCP/UDP/ICMP checksums, takes every random-looking byte
(cookies, SPIs, ciphertext, certificates' keys) from `random.Random(<fixed seed>)` and
every timestamp from integer microseconds, so two runs give identical files.  pcapng
files carry one fixed `shb_userappl` string and `if_name` "eth0", nothing from the host.
Encrypted parts (IKEv1 E-flag messages, IKEv2 SK payloads, ESP, TLS records after
ChangeCipherSpec) are seeded random bytes of the length the real cipher gives (3DES-CBC:
multiples of 8; IKEv2/ESP AES-CBC: 16-byte IV and blocks, 12-byte ICV) -- except in the
keyed scenarios: `scenarios_keys_v2.py` (IKEv2 SK payloads and ESP: AES-CBC-128,
HMAC-SHA1-96) and `scenarios_keys_v1.py` (`v1-*`: IKEv1 E-flag messages with 3DES/AES-CBC
and IVs as Wireshark computes them, `ikev1_crypt.py`; ESP where `.esp_sa` exists), really
encrypted with seeded keys and IVs, whose key tables the generator writes beside them
(`scenarios/<file>.ikev1_decryption_table`, `.ikev2_decryption_table`, `.esp_sa`: Wireshark
UAT rows, one a line; give each to tshark as `-o 'uat:<table>:<row>'`).

`scenarios/keyframes.json` lists, for every capture, the frame numbers of each tagged
event (`s1.mm5.retx`, `c06.notify`, `s1.esp.in`, ...): the source of the numbers below.
Addresses are from the documentation ranges (192.0.2/24, 198.51.100/24, 203.0.113/24),
private ranges, 100.64/10 (bench), and, in the reference, the published ones.

## Verdict legend

Phases: **Connection** (TCP/TLS login before IKE), **Policy activation** (IKE exchanges),
**Network verification** (ESP, and TLS while the tunnel is up), **Teardown** (what ends a
tunnel that existed — IKEv1: the second encrypted Informational in a row from one side;
IKEv2: a Delete — and every later packet of that session except ESP resuming).  IKE state after MM1 MM_NO_STATE, MM2/MM3 MM_SA_SETUP, MM4/MM5 MM_KEY_EXCH,
MM6 QM_IDLE (kept through Quick Mode).  Warnings are the expert-info names
(`qvpn.rst_after_close`, `qvpn.mm_stall`, `qvpn.ike_retransmission`, `qvpn.qm_stall`,
`qvpn.ike_notify`, `qvpn.tls_alert`, `qvpn.esp_one_way`, `qvpn.tunnel_up`).  A login more
than 30 s after a teardown starts a new session.  Every QuickVPN TLS session that completes
ends like the reference one: the gateway sends an encrypted close_notify, the client answers
with its own and a FIN, the gateway resets: `rst_after_close` (a Note) on that RST.  Frame numbers are
1-based, as tshark prints them.

## Generated captures

| File | Frames | What it shows | How it was made | Verdict qvpn must reach |
|---|---|---|---|---|
'''

FOOTER = '''
Every generated capture dissects cleanly with stock tshark 4.0: no `_ws.malformed`, no
expert error; the only expert warnings are TCP "Connection reset (RST)" on the intended
RSTs (for `success-60443` with `-d tcp.port==60443,tls`) and, in `icmp-esp-prohibited`, the
ESP "Wrong Sequence Number ... repeated" on the ICMP errors (the quoted ESP header repeats the
sequence number of the packet it answers).

## The reference capture: what matches and what cannot

* Frames 97–259 of the published list (`quickvpn-seed-frames.tsv`, a copy of
  `/work/shared/reference/quickvpn-seed-frames.tsv`): same frame number,
  `frame.time_relative` to the microsecond (frame 1 is at 2010-03-16 09:41:27.318406 UTC),
  source, destination, Protocol and Info — **after normalisation**: the TSV writes `>`
  where tshark prints `→`, and it shows transport names alone (`https > nav-port`) where
  tshark 4.0 with `-N t` prints the name with the number (`https(443) → nav-port(3859)`;
  `port_with_resolution_to_str()` has no option to drop the number).  The test strips
  `(<digits>)` after a port name.  `ip.addr == 79.189.214.86 && frame.number >= 97`
  selects exactly the 42 listed frames.
* TLS record lengths follow TLS_RSA_WITH_3DES_EDE_CBC_SHA (RSA-1024 key: ClientKeyExchange
  139 + ChangeCipherSpec 6 + Finished 45 = 190 bytes; server CCS + Finished 6 + 45 = 51;
  encrypted alerts 29; ServerHello + Certificate (634-byte self-signed DER) +
  ServerHelloDone = one 727-byte record).  One thing cannot be made consistent: the
  server's two Application Data records of frames 115 (379 bytes of TCP payload) and 255
  (283 bytes) — the listed sequence numbers leave 408 and 312 bytes for those frames plus
  a 29-byte alert, and no two 3DES records (5-byte header + multiple of 8) add up to
  379 or 283.  The first record of each pair is block-aligned (216, 160 bytes), the
  second is not (153, 113 bytes).  Without keys no dissector can tell; the client's
  records (frames 99, 242: 152 + 112, 168 + 112) are all block-aligned.
* Frames 1–96 (not listed) hold: background, ARP for the router and four pings of
  79.189.214.83 (the gateway's other address; frames in the table above), and the start of
  the first TLS session (90 SYN, 91 SYN/ACK, 92 ACK, 93 SSLv2 ClientHello of 124 bytes,
  94 ACK, 95 ServerHello/Certificate/ServerHelloDone 727 bytes, 96 ClientKeyExchange/CCS/
  Finished 190 bytes), consistent with frame 97's Seq=728 Ack=315.

## Bench mode

`generate.py --bench N --out FILE` (`.pcapng` → pcapng, otherwise pcap) streams N
QuickVPN sessions seen from a mirror port next to four gateways, one starting every ~2 s,
each ~2 minutes and ~520 frames (login, IKEv1, ~115 s of ESP both ways every 0.5 s and a
download, verification TLS, teardown, logout), with PSK-mismatch, silent-gateway,
refused-login and phase-2 failures mixed in (every 37th, 53rd, 71st, 97th) and one
session in nine behind NAT, plus background (DNS, ARP, NBNS, pings, HTTPS) per minute.
Sessions are built lazily from their own seeds and merged by timestamp, so memory stays
flat.  `--bench 2000` writes about 1.02 million frames (~174 MB) in 10–15 s.

## Public captures

`public/` holds 44 small captures copied unchanged from public repositories; origin,
licence, commit and content of each are in `public/SOURCES.md`.  Three of them have their
Wireshark key tables beside them (`<capture>.ikev2_decryption_table`, `<capture>.esp_sa`).
'''


def render(keyframes, captures):
    out = HEADER
    for f, n, what, how, verdict in rows(keyframes, captures):
        out += '| `%s` | %d | %s | %s | %s |\n' % (f, n, what, how, verdict)
    return out + FOOTER


# issue 14's scenarios register their rows too (readme_evidence.py)
from . import readme_evidence  # noqa: E402,F401
