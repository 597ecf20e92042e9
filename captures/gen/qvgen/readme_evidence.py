"""README rows of the issue-14 scenarios (scenarios_evidence.py): what each shows in the
clear and the evidence qvpn must name.  Frame numbers from the tags, as in readme.py."""
from .readme import text, lst, tls_range, login_only, mm_qm

WIN7 = 'Windows 7 VIDs (MS NT5 ISAKMPOAKLEY 00000008, RFC 3947, draft-02\\n, FRAGMENTATION, ' \
       'MS-Negotiation Discovery Capable, Vid-Initial-Contact)'
IOS = 'Cisco IOS VIDs (MM2: RFC 3947; MM4: Cisco Unity, DPD, 3e984048… IOS, XAUTH)'
OFFER = 'AES-CBC-256/SHA1/PSK/MODP1024/28800s; AES-CBC-128/SHA1/PSK/MODP1024/28800s; 3DES/SHA1/PSK/MODP1024/28800s'
CHOSEN = '3DES/SHA1/PSK/MODP1024/28800s'


@text('proposal-refused-legacy')
def _proposal_refused_legacy(ev):
    return (
        'QuickVPN login, then MM1 %d offering only DES/MD5/PSK/MODP768/28800s and 3DES/MD5/PSK/MODP1024/28800s '
        '(%s); the router answers it and its 2 resends (%s) each with a cleartext Informational '
        'NO-PROPOSAL-CHOSEN (%s); the client gives up.' % (ev.first('s1.mm1'), WIN7, lst(ev.f('s1.mm1.retx')),
                                                         lst(ev.f('s1.notify'))),
        '%s Policy activation: MM1 %d, MM_NO_STATE. qvpn.ike.offered on MM1 names both suites; '
        'qvpn.proposal_refused (Warning, observed) and qvpn.legacy_crypto (Note) by the first refusal %d; '
        'verdict: refused, NO-PROPOSAL-CHOSEN, "offered: DES/MD5/PSK/MODP768/28800s; 3DES/MD5/PSK/MODP1024/28800s".'
        % (login_only(ev, 's1'), ev.first('s1.mm1'), ev.first('s1.notify')))


@text('proposal-unanswered-ikev2')
def _proposal_unanswered_ikev2(ev):
    return (
        'IKEv2 IKE_SA_INIT %d offering only 3DES/PRF-HMAC-MD5/HMAC-MD5-96/MODP1024 (KE group 2, NAT-D '
        'notifies that match: no NAT), resent at 4, 7.2, 12.96, 23.33 s (%s), never answered.'
        % (ev.first('s1.sa_init.req'), lst(ev.f('s1.sa_init.req.retx'))),
        'No login. Policy activation: IKE_SA_INIT %d and resends %s, no answer. qvpn.ike.offered '
        '"3DES/PRF-HMAC-MD5/HMAC-MD5-96/MODP1024" on each; qvpn.legacy_crypto Note; qvpn.proposal_refused '
        '(Warning, inferred: no answer, and only suites no current gateway accepts) by the second resend %d; '
        'verdict names the offer.' % (ev.first('s1.sa_init.req'), lst(ev.f('s1.sa_init.req.retx')),
                                      ev.f('s1.sa_init.req.retx')[1]))


@text('invalid-ke-retry')
def _invalid_ke_retry(ev):
    return (
        'strongSwan road warrior to a Cisco IOS (FlexVPN) gateway: IKE_SA_INIT %d with KE group 19 (ECP256), '
        'offer AES-CBC-256,AES-CBC-128/PRF-HMAC-SHA2-256/HMAC-SHA2-256-128/ECP256,MODP2048; the answer %d is only '
        'N(INVALID_KE_PAYLOAD) asking for group 14 (responder SPI zero); the retry %d (same SPIi, KE group 14) is '
        'answered %d (SA AES-CBC-256/PRF-HMAC-SHA2-256/HMAC-SHA2-256-128/MODP2048, Cisco VIDs), IKE_AUTH %d/%d, '
        'ESP both ways until the capture ends.'
        % (ev.first('s1.sa_init.req'), ev.first('s1.invalid_ke'), ev.first('s1.sa_init.retry'),
           ev.first('s1.sa_init.resp'), ev.first('s1.auth.req'), ev.first('s1.auth.resp')),
        'One attempt (the group renegotiation is normal): qvpn.ike.dh_group 14 on %d and on %d, the retry used '
        'it; IKE state READY from %d; ESP from %d; connected, not torn down; no Warning.'
        % (ev.first('s1.invalid_ke'), ev.first('s1.sa_init.resp'), ev.first('s1.auth.resp'), ev.first('s1.esp.out')))


@text('nat-t-ok')
def _nat_t_ok(ev):
    return (
        'tcpdump next to the gateway 198.51.100.83; the client 192.168.1.34 is behind a NAT (public '
        '203.0.113.200, ports 1027 for 500, 1028 for 4500): login %s, Main Mode %s (%s; %s; offer %s, chosen %s); '
        'the client\'s MM3 NAT-D hashes its private 192.168.1.34:500, not the source the packet carries; MM5 on '
        'UDP 4500; Quick Mode %s; ESP in UDP 4500 both ways; keepalives %s; teardown; logout.'
        % (tls_range(ev, 's1.login'), lst(ev.first('s1.mm%d' % n) for n in range(1, 7)), WIN7, IOS, OFFER, CHOSEN,
           lst(ev.first('s1.qm%d' % n) for n in range(1, 4)), lst(ev.f('s1.natt.keepalive'))),
        'Connected, torn down; nat = client (qvpn.nat 1 on MM3 %d, observed); chosen %s, dh_group 2; client '
        'software Windows (MS NT5 ISAKMPOAKLEY v8), gateway Cisco; TLS offered SSLv2-format TLS 1.0, chosen '
        'TLS_RSA_WITH_3DES_EDE_CBC_SHA; no Warning.' % (ev.first('s1.mm3'), CHOSEN))


@text('nat-t-blocked')
def _nat_t_blocked(ev):
    return (
        'Client-side capture, client 192.168.1.34 behind a NAT: login, MM1–MM4 %s on UDP 500 (the gateway\'s MM4 '
        'NAT-D hashes the NAT\'s public 203.0.113.45:500), MM5 %d on UDP 4500 resent %s (1, 2, 4, 8 s), never '
        'answered.' % (lst(ev.first('s1.mm%d' % n) for n in range(1, 5)), ev.first('s1.mm5'),
                       lst(ev.f('s1.mm5.retx'))),
        '%s MM_KEY_EXCH from MM4; nat = client (qvpn.nat 1 on MM4 %d); qvpn.natt_blocked (Warning) by the second '
        'resend %d; verdict names "UDP 4500" and "blocked", not a pre-shared key mismatch.'
        % (login_only(ev, 's1'), ev.first('s1.mm4'), ev.f('s1.mm5.retx')[1]))


@text('nat-raw-esp')
def _nat_raw_esp(ev):
    out = ev.f('s1.esp.out')
    return (
        'Client-side capture, client 192.168.1.34 behind a NAT: login, %s (NAT found by MM4\'s NAT-D, MM5 onward '
        'on UDP 4500), then %d raw ESP packets (IP protocol 50) from the client, one a second (%d–%d); nothing '
        'comes back.' % (mm_qm(ev, 's1'), len(out), out[0], out[-1]),
        '%s QM_IDLE from MM6 %d; nat = client (qvpn.nat 1 on %d); qvpn.nat_raw_esp (Warning) on the ESP (by %d); '
        'verdict names "NAT" and "raw ESP", not the return path.'
        % (login_only(ev, 's1'), ev.first('s1.mm6'), ev.first('s1.mm4'), out[9]))


@text('nat-rebinding')
def _nat_rebinding(ev):
    return (
        'Gateway-side capture, client 192.168.0.12 behind a NAT (public 203.0.113.201, ports 1031 / 1032): login, '
        '%s, ESP in UDP both ways; 30 s in, the NAT\'s mapping changes: a keepalive %d and the ESP after it come '
        'from port 1045, the gateway answers there; the tunnel works until the capture ends.'
        % (mm_qm(ev, 's1'), ev.first('s1.rebind')),
        'Connected, not torn down; nat = client (MM3 %d); qvpn.nat_rebinding (Note) at %d; no Warning.'
        % (ev.first('s1.mm3'), ev.first('s1.rebind')))


@text('ike-fragments-lost')
def _ike_fragments_lost(ev):
    return (
        'Client-side capture, client 192.168.1.34 behind a NAT, Windows 7 IKEv2 with certificates to a Cisco IOS '
        'gateway: IKE_SA_INIT %d/%d on UDP 500 (neither announces IKEV2_FRAGMENTATION_SUPPORTED; the response\'s '
        'NAT_DETECTION_DESTINATION_IP hashes 203.0.113.45:500), then the 3,468-byte IKE_AUTH on UDP 4500 in 3 '
        'IPv4 fragments %s (1480 + 1480 + 520 bytes, reassembled in %d), resent 3 times (1, 2, 4 s: fragments %s, '
        'reassembled in %s), never answered.'
        % (ev.first('s1.sa_init.req'), ev.first('s1.sa_init.resp'), lst(ev.f('s1.auth.ipfrag')),
           ev.first('s1.auth.req'), lst(ev.f('s1.auth.ipfrag.resend')), lst(ev.f('s1.auth.req.retx'))),
        '%s nat = client (qvpn.nat 1 on %d); qvpn.ip_fragments 3 and qvpn.ip_fragmented (Note) on %s; '
        'qvpn.fragments_lost (Warning) by the second resend %d; verdict contains "fragment".'
        % (login_only(ev, 's1'), ev.first('s1.sa_init.resp'), lst(ev.f('s1.auth.req') + ev.f('s1.auth.req.retx')),
           ev.f('s1.auth.req.retx')[1]))


@text('icmp-port-unreachable')
def _icmp_port_unreachable(ev):
    return (
        'QuickVPN login works, no IKE service listens: MM1 %d and its 4 resends %s are each answered by ICMP '
        'port unreachable (type 3 code 3) from the gateway %s, quoting the MM1\'s IP header (TTL 12 lower, as it '
        'arrived) and UDP header.' % (ev.first('s1.mm1'), lst(ev.f('s1.mm1.retx')), lst(ev.f('s1.icmp'))),
        '%s The ICMP errors join the session (qvpn.icmp on %s); qvpn.icmp_error (Warning, observed); verdict '
        'contains "ICMP" and "port unreachable" (UDP 500), not a silent gateway.'
        % (login_only(ev, 's1'), lst(ev.f('s1.icmp'))))


@text('icmp-esp-prohibited')
def _icmp_esp_prohibited(ev):
    out = ev.f('s1.esp.out')
    return (
        'Login, %s (no NAT: every NAT-D hash matches); each of the %d ESP packets %d–%d is answered by ICMP '
        'destination unreachable, communication administratively prohibited (type 3 code 13) from the gateway '
        '(%s), quoting its IP header, SPI and sequence number (stock Wireshark flags the quoted ESP sequence '
        'numbers as repeated).' % (mm_qm(ev, 's1'), len(out), out[0], out[-1], lst(ev.f('s1.icmp'))),
        '%s QM_IDLE from MM6 %d; nat = none; qvpn.icmp_error (Warning) on the ICMP errors; verdict contains "ICMP" '
        'and "administratively prohibited", not the return path.' % (login_only(ev, 's1'), ev.first('s1.mm6')))


@text('tls-legacy-hello-refused')
def _tls_legacy_hello_refused(ev):
    return (
        'QuickVPN login from an old client: SSLv2-format ClientHello %d (TLS 1.0) offering only RC4, DES and '
        '3DES (TLS_RSA_WITH_RC4_128_MD5, …_RC4_128_SHA, …_3DES_EDE_CBC_SHA, …_DES_CBC_SHA, DHE 3DES/DES, SSLv2 '
        'RC4/DES/3DES specs); the router answers a cleartext fatal handshake_failure alert %d and a RST %d.'
        % (ev.first('s1.login.client_hello'), ev.first('s1.login.alert'), ev.first('s1.login.rst')),
        'login refused (handshake_failure) with "offered: TLS 1.0: …"; qvpn.tls.offered on %d; '
        'qvpn.tls_legacy_hello (Note); qvpn.tls_alert on %d; no IKE.'
        % (ev.first('s1.login.client_hello'), ev.first('s1.login.alert')))
