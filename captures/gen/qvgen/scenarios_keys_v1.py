"""Issue 15 scenarios: IKEv1 really encrypted, with the keys beside the capture.

Every E-flag message here is the real ciphertext of a real payload chain (ikev1_crypt.py:
3DES-CBC or AES-CBC, SHA-1, the IVs as RFC 2409 appendix B and Wireshark compute them),
and each capture is written with `<capture>.ikev1_decryption_table` beside it (the
initiator cookie and the encryption key: what Wireshark's ISAKMP preferences take), and,
where the tunnel's ESP is encrypted too (AES-CBC + HMAC-SHA-1-96), `<capture>.esp_sa`.
Without the keys each capture reads as the older scenarios do (the same encrypted sizes
and exchanges); with them `tshark -o uat:ikev1_decryption_table:...` shows what was said:
the refusing notify, the proxy identities, XAUTH, Mode Config, DPD, the deletes.

The phase-1 SA, KE and NAT-D payloads are real (NAT-D hashes the addresses the packets
carry: no NAT); g^x values are seeded random bytes of the group's size (Wireshark needs
them only for the IV).  SCENARIOS_KEYS_V1 is appended to scenarios.SCENARIOS.
"""
import struct

from . import quickvpn as qv
from . import ike
from . import evidence as ev
from . import ikev1_crypt as kc
from . import net as netl
from .capture import Capture
from .net import ip4
from .readme import text, lst, tls_range
from .scenarios import client_capture, epoch_us, jit, background


class KeyedCapture(Capture):
    """A Capture that writes its key tables beside the file: tables[suffix] = rows."""

    def write(self, path, fmt):
        keys = Capture.write(self, path, fmt)
        for suffix, rows in sorted(self.tables.items()):
            with open(path + '.' + suffix, 'w') as f:
                f.write('# %s (generated: captures/gen/qvgen/scenarios_keys_v1.py)\n' % self.tables_note[suffix])
                f.write(''.join(r + '\n' for r in rows))
        return keys


def keyed(cap):
    cap.__class__ = KeyedCapture
    cap.tables, cap.tables_note = {}, {}
    return cap


QUICKVPN_P1 = [ev.Suite('3DES', 'SHA1', 'PSK', 'MODP1024'), ev.Suite('3DES', 'MD5', 'PSK', 'MODP1024'),
               ev.Suite('DES', 'SHA1', 'PSK', 'MODP768'), ev.Suite('DES', 'MD5', 'PSK', 'MODP768')]
RV_P1 = QUICKVPN_P1[0]
# Cisco VPN client style (XAUTH with a pre-shared group key) to a Cisco IOS Easy VPN server
EZVPN_P1 = [ev.Suite('AES', 'SHA1', 'XAUTH-PSK', 'MODP1024', 86400, 256),
            ev.Suite('AES', 'SHA1', 'XAUTH-PSK', 'MODP1024', 86400, 128),
            ev.Suite('3DES', 'SHA1', 'XAUTH-PSK', 'MODP1024', 86400)]
EZVPN_VIDS_C = [ev.VID_XAUTH, ev.VID_CISCO_UNITY, ev.VID_DPD, ev.VID_RFC3947]
EZVPN_VIDS_G = [ev.VID_CISCO_UNITY, ev.VID_DPD, ev.VID_CISCO_IOS, ev.VID_XAUTH]

IKE_KEY_LEN = {'3DES': 24}


class V1:
    """One IKEv1 conversation of Peer p with real encryption.  Time must only go
    forward from one encrypted message to the next (capture order)."""

    def __init__(self, p, tag):
        self.p, self.r, self.tag = p, p.r, tag
        self.crypto = None          # the ISAKMP SA's, as both peers (and the table) have it
        self.msgids = set()

    def msgid(self):
        while True:
            m = self.r.getrandbits(32) | 0x01000000
            if m not in self.msgids:
                self.msgids.add(m)
                return m

    def send(self, t, from_client, exch, msgid, payloads, tag, crypto=None):
        p = self.p
        m = (crypto or self.crypto).message(p.ic, p.rc, exch, msgid, payloads, t)
        p.ike(t, from_client, m, '%s.%s' % (self.tag, tag))
        return m

    def hash(self):
        return (ike.P_HASH, kc.hash_body(self.r, self.crypto))

    # -------------------------------------------------------------- phase 1
    def main_mode(self, t, offer, choice, cvids, gvids, stop_after=6, key_for=None):
        """MM1-MM4 in the clear (SA offer / choice, KE, Nonce, NAT-D, VIDs), MM5/MM6
        encrypted (ID, HASH; MM5 also N(INITIAL-CONTACT)).  stop_after=5: MM5 is sent
        and the caller goes on.  Returns the last time."""
        p, r, ic, rc = self.p, self.r, self.p.ic, self.p.rc
        gw, cli = (p.gw.ipb, 500), (p.cli.ipb, p.cport500)
        p.ike(t, True, ev.mm_sa(ic, b'\0' * 8, offer, cvids), self.tag + '.mm1')
        t = p.gw_at(t, r.uniform(0.002, 0.004))
        p.ike(t, False, ev.mm_sa(ic, rc, [choice], gvids), self.tag + '.mm2')
        glen = ev.GROUP_BYTES[ev.GROUP[choice.group]]
        gi, gr = r.randbytes(glen), r.randbytes(glen)

        def ke(g, nonce, natd):
            pl = [(ike.P_KE, g), (ike.P_NONCE, nonce)] + [(ike.P_NATD_RFC, h) for h in natd]
            first, body = ike.chain(pl)
            return ike.v1_message(ic, rc, ike.X_MAIN, 0, 0, first, body)
        t = p.cli_at(t, r.uniform(0.009, 0.012))
        p.ike(t, True, ke(gi, r.randbytes(20), [ev.natd_v1(choice, ic, rc, *gw), ev.natd_v1(choice, ic, rc, *cli)]),
              self.tag + '.mm3')
        t = p.gw_at(t, r.uniform(0.38, 0.48))
        p.ike(t, False, ke(gr, r.randbytes(16), [ev.natd_v1(choice, ic, rc, *cli), ev.natd_v1(choice, ic, rc, *gw)]),
              self.tag + '.mm4')
        enc = kc.ENC_AES if choice.enc == 'AES' else kc.ENC_3DES
        klen = choice.bits // 8 if choice.bits else 24
        self.crypto = kc.IkeCrypto(enc, r.randbytes(klen), gi, gr, kc.HASH_SHA1, choice.bits)
        self.gi, self.gr, self.enc, self.klen, self.bits = gi, gr, enc, klen, choice.bits
        t = p.cli_at(t, r.uniform(0.003, 0.005))
        self.mm5 = self.send(t, True, ike.X_MAIN, 0, [(ike.P_ID, kc.id_addr(p.cli.ipb, 17, 500)), self.hash(),
                                                      (ike.P_N, kc.notify_body(kc.N_INITIAL_CONTACT, spi=ic + rc))],
                             'mm5')
        if stop_after < 6:
            return t
        t = p.gw_at(t, r.uniform(0.003, 0.006))
        self.send(t, False, ike.X_MAIN, 0, [(ike.P_ID, kc.id_addr(p.gw.ipb, 17, 500)), self.hash()], 'mm6')
        return t

    def table(self, cap):
        cap.tables.setdefault('ikev1_decryption_table', []).append(self.crypto.table_row(self.p.ic))
        cap.tables_note['ikev1_decryption_table'] = (
            'Wireshark ISAKMP ikev1_decryption_table: initiator cookie, encryption key')

    # -------------------------------------------------------------- phase 2
    def qm1(self, t, spi, transforms, idci, idcr, pfs_group=0, tag='qm1'):
        msgid = self.msgid()
        pl = [self.hash(), (ike.P_SA, kc.sa_esp(spi, transforms, pfs_group)), (ike.P_NONCE, self.r.randbytes(20))]
        if pfs_group:
            pl.append((ike.P_KE, self.r.randbytes(ev.GROUP_BYTES[pfs_group])))
        pl += [(ike.P_ID, kc.id_for(*idci)), (ike.P_ID, kc.id_for(*idcr))]
        self.send(t, True, ike.X_QUICK, msgid, pl, tag)
        return msgid

    def quick_mode(self, t, spi_in, spi_out, transform, idci, idcr, tag='qm'):
        """QM1 (client's SPI spi_in, one transform), QM2 (gateway's SPI spi_out), QM3.
        Returns the QM3 time."""
        p, r = self.p, self.r
        msgid = self.qm1(t, spi_in, [transform], idci, idcr, tag=tag + '1')
        t = p.gw_at(t, r.uniform(0.45, 0.57))
        self.send(t, False, ike.X_QUICK, msgid,
                  [self.hash(), (ike.P_SA, kc.sa_esp(spi_out, [transform])), (ike.P_NONCE, r.randbytes(20)),
                   (ike.P_ID, kc.id_for(*idci)), (ike.P_ID, kc.id_for(*idcr))], tag + '2')
        t = p.cli_at(t, r.uniform(0.003, 0.005))
        self.send(t, True, ike.X_QUICK, msgid, [self.hash()], tag + '3')
        return t

    # -------------------------------------------------------------- Informational
    def notify(self, t, from_client, ntype, tag, proto=kc.PROTO_ISAKMP, spi=b'', data=b'', crypto=None):
        c = crypto or self.crypto
        return self.send(t, from_client, ike.X_INFO, self.msgid(),
                         [(ike.P_HASH, kc.hash_body(self.r, c)), (ike.P_N, kc.notify_body(ntype, proto, spi, data))],
                         tag, crypto=c)

    def delete(self, t, from_client, proto, spis, tag):
        return self.send(t, from_client, ike.X_INFO, self.msgid(),
                         [self.hash(), (ike.P_D, kc.delete_body(proto, spis))], tag)

    def delete_isakmp(self, t, from_client, tag):
        return self.delete(t, from_client, kc.PROTO_ISAKMP, [self.p.ic + self.p.rc], tag)

    def dpd(self, t, seq, tag='dpd'):
        """R-U-THERE from the gateway, R-U-THERE-ACK from the client: SPI the cookie
        pair, data the sequence number (RFC 3706 5)."""
        p, r = self.p, self.r
        spi = p.ic + p.rc
        self.notify(t, False, kc.N_R_U_THERE, tag + '.req', spi=spi, data=struct.pack('!I', seq))
        t = p.cli_at(t, r.uniform(0.0003, 0.0008))
        self.notify(t, True, kc.N_R_U_THERE_ACK, tag + '.ack', spi=spi, data=struct.pack('!I', seq))
        return t

    # -------------------------------------------------------------- Transaction
    def cfg(self, t, from_client, msgid, cfg_type, attrs, tag):
        return self.send(t, from_client, ike.X_TRANSACTION, msgid,
                         [self.hash(), (kc.P_ATTR, kc.attr_body(cfg_type, 0, attrs))], tag)

    def xauth(self, t, ok, user=b'alice', password=b'Winter2013'):
        """XAUTH (draft-beaulieu-ike-xauth-02): the gateway's REQUEST (type generic,
        user name, password), the client's REPLY, the gateway's SET (STATUS), the
        client's ACK.  Returns the ACK's time."""
        p, r = self.p, self.r
        m1 = self.msgid()
        self.cfg(t, False, m1, kc.CFG_REQUEST, [(kc.A_XAUTH_TYPE, 0), (kc.A_XAUTH_USER_NAME, b''),
                                               (kc.A_XAUTH_USER_PASSWORD, b'')], 'xauth.req')
        t = p.cli_at(t, r.uniform(1.8, 3.2))            # the user types the password
        self.cfg(t, True, m1, kc.CFG_REPLY, [(kc.A_XAUTH_TYPE, 0), (kc.A_XAUTH_USER_NAME, user),
                                            (kc.A_XAUTH_USER_PASSWORD, password)], 'xauth.reply')
        m2 = self.msgid()
        t = p.gw_at(t, r.uniform(0.02, 0.06) if ok else r.uniform(2.5, 3.2))     # RADIUS; a failure waits
        self.cfg(t, False, m2, kc.CFG_SET, [(kc.A_XAUTH_STATUS, 1 if ok else 0)], 'xauth.set')
        t = p.cli_at(t, r.uniform(0.001, 0.003))
        self.cfg(t, True, m2, kc.CFG_ACK, [(kc.A_XAUTH_STATUS, 1 if ok else 0)], 'xauth.ack')
        return t

    def mode_config(self, t, address, netmask, dns, split):
        """Mode Config pull: the client's REQUEST (address, netmask, DNS, split include,
        empty), the gateway's REPLY with the values.  Returns the reply's time."""
        p, r = self.p, self.r
        m = self.msgid()
        self.cfg(t, True, m, kc.CFG_REQUEST, [(kc.A_INTERNAL_IP4_ADDRESS, b''), (kc.A_INTERNAL_IP4_NETMASK, b''),
                                             (kc.A_INTERNAL_IP4_DNS, b''), (kc.A_UNITY_SPLIT_INCLUDE, b'')],
                 'cfg.req')
        t = p.gw_at(t, r.uniform(0.002, 0.004))
        self.cfg(t, False, m, kc.CFG_REPLY, [(kc.A_INTERNAL_IP4_ADDRESS, ip4(address)),
                                            (kc.A_INTERNAL_IP4_NETMASK, ip4(netmask)),
                                            (kc.A_INTERNAL_IP4_DNS, ip4(dns)),
                                            (kc.A_UNITY_SPLIT_INCLUDE, kc.unity_split([(ip4(n), b) for n, b in split]))],
                 'cfg.reply')
        return t

# ---------------------------------------------------------------------- ESP, encrypted


class Tunnel:
    """ESP of one pair of SAs, really encrypted (AES-CBC-128 + HMAC-SHA-1-96): pings from
    the client's inner address to a server behind the gateway, each answered."""

    def __init__(self, p, cap, spi_out, spi_in, inner_cli, inner_srv):
        r = p.r
        self.p, self.cap = p, cap
        self.spi_out, self.spi_in = spi_out, spi_in
        self.k_out, self.a_out = r.randbytes(16), r.randbytes(20)
        self.k_in, self.a_in = r.randbytes(16), r.randbytes(20)
        self.seq_out = self.seq_in = 0
        self.inner_cli, self.inner_srv = inner_cli, inner_srv
        self.ipid_c, self.ipid_s = r.randrange(0x10000), r.randrange(0x10000)
        self.ident = r.randrange(1, 0x10000)
        self.icmp_seq = r.randrange(1, 200)
        rows = cap.tables.setdefault('esp_sa', [])
        rows.append(kc.esp_sa_row(p.cli.ip, p.gw.ip, spi_out, self.k_out, self.a_out))
        rows.append(kc.esp_sa_row(p.gw.ip, p.cli.ip, spi_in, self.k_in, self.a_in))
        cap.tables_note['esp_sa'] = 'Wireshark ESP esp_sa: protocol, source, destination, SPI, encryption, key, authentication, key'

    def packet(self, t, from_client, inner, tag):
        p = self.p
        if from_client:
            self.seq_out += 1
            body = kc.esp_encrypt(p.r, self.spi_out, self.seq_out, inner, self.k_out, self.a_out)
            self.cap.esp(t, p.cli, p.gw, body, tags=(tag,))
        else:
            self.seq_in += 1
            body = kc.esp_encrypt(p.r, self.spi_in, self.seq_in, inner, self.k_in, self.a_in)
            self.cap.esp(t, p.gw, p.cli, body, tags=(tag,))

    def pings(self, t, n, tag, interval=1.0):
        p, r = self.p, self.p.r
        data = bytes(range(0x61, 0x61 + 23)) + bytes(range(0x61, 0x61 + 9))      # Windows ping's 32 bytes
        for _ in range(n):
            self.icmp_seq += 1
            self.ipid_c += 1
            req = netl.ipv4_packet(self.inner_cli, self.inner_srv, netl.IPPROTO_ICMP, self.ipid_c, 128,
                                   netl.icmp_echo(8, self.ident, self.icmp_seq, data))
            self.packet(t, True, req, tag + '.esp.out')
            tr = p.gw_at(t, r.uniform(0.0015, 0.004))
            self.ipid_s += 1
            rep = netl.ipv4_packet(self.inner_srv, self.inner_cli, netl.IPPROTO_ICMP, self.ipid_s, 63,
                                   netl.icmp_echo(0, self.ident, self.icmp_seq, data))
            self.packet(tr, False, rep, tag + '.esp.in')
            t += interval * r.uniform(0.998, 1.003)
        return t

# ---------------------------------------------------------------------- the scenarios


ESP_3DES_SHA = (kc.ESP_3DES, None)
ESP_AES128_SHA = (kc.ESP_AES, 128)
ESP_AES256_SHA = (kc.ESP_AES, 256)


def quickvpn_capture(name, seed, t0, client_ip, gw_ip, rtt):
    cap, p, lan = client_capture(name, seed, t0, client_ip, '192.0.2.1', gw_ip, rtt=rtt)
    return keyed(cap), p, lan


def v1_qm_invalid_id():
    """QuickVPN login and Main Mode complete (3DES/SHA1/PSK/MODP1024); QM1 asks for
    IDci 192.168.5.0/24 <-> IDcr 10.0.0.0/24 (ESP 3DES/SHA1), but the gateway's ACL is
    192.168.1.0/24 <-> 10.0.0.0/24: it answers with an encrypted Informational
    N(INVALID-ID-INFORMATION, ESP, the proposal's SPI) instead of QM2; 0.9 s later the
    client deletes the ISAKMP SA.  No ESP.  Keys: .ikev1_decryption_table."""
    cap, p, lan = quickvpn_capture('v1-qm-invalid-id', 15010001, epoch_us(2013, 7, 2, 9, 41, 12, 330517),
                                   '192.0.2.120', '198.51.100.120', 0.045)
    r = cap.rng
    s = V1(p, 's1')
    t = qv.tls_session(p, jit(cap, 1.0), 's1.login')
    t = s.main_mode(jit(cap, t + 7.2), QUICKVPN_P1, RV_P1, qv.CLIENT_VIDS, qv.GATEWAY_VIDS)
    s.table(cap)
    t = p.cli_at(t, r.uniform(0.009, 0.012))
    s.qm1(t, p.spi_in, [ESP_3DES_SHA], (ip4('192.168.5.0'), 24), (ip4('10.0.0.0'), 24))
    t = p.gw_at(t, r.uniform(0.004, 0.009))
    s.notify(t, False, kc.N_INVALID_ID_INFORMATION, 'qm_refused', kc.PROTO_ESP, struct.pack('!I', p.spi_in))
    t = p.cli_at(t, r.uniform(0.85, 0.95))
    s.delete_isakmp(t, True, 'info.client')
    background(lan, t + 10.0)
    return cap


def v1_qm_no_proposal():
    """QuickVPN login and Main Mode complete; QM1 offers ESP AES-CBC-256/HMAC-SHA1 with
    PFS group 2 (a KE payload) for 192.0.2.121 <-> 192.168.1.0/24; the gateway's
    transform set is 3DES/SHA1 without PFS: it answers with an encrypted Informational
    N(NO-PROPOSAL-CHOSEN, ESP, the proposal's SPI); 0.9 s later the client deletes the
    ISAKMP SA.  No ESP.  Keys: .ikev1_decryption_table."""
    cap, p, lan = quickvpn_capture('v1-qm-no-proposal', 15020001, epoch_us(2013, 7, 9, 14, 3, 51, 72018),
                                   '192.0.2.121', '198.51.100.121', 0.047)
    r = cap.rng
    s = V1(p, 's1')
    t = qv.tls_session(p, jit(cap, 1.0), 's1.login')
    t = s.main_mode(jit(cap, t + 7.0), QUICKVPN_P1, RV_P1, qv.CLIENT_VIDS, qv.GATEWAY_VIDS)
    s.table(cap)
    t = p.cli_at(t, r.uniform(0.009, 0.012))
    s.qm1(t, p.spi_in, [ESP_AES256_SHA], (p.cli.ipb, 32), (ip4('192.168.1.0'), 24), pfs_group=2)
    t = p.gw_at(t, r.uniform(0.004, 0.009))
    s.notify(t, False, kc.N_NO_PROPOSAL_CHOSEN, 'qm_refused', kc.PROTO_ESP, struct.pack('!I', p.spi_in))
    t = p.cli_at(t, r.uniform(0.85, 0.95))
    s.delete_isakmp(t, True, 'info.client')
    background(lan, t + 10.0)
    return cap


def v1_psk_mismatch_keys():
    """QuickVPN login, MM1-MM4 fine; the client's pre-shared key differs from the
    gateway's, so the two derive different encryption keys.  MM5 (encrypted with the
    client's key) and its resends at +1 and +3 s are each answered by the gateway's
    encrypted Informational N(PAYLOAD-MALFORMED) (encrypted with the gateway's key, IV
    from the gateway's phase-1 IV chain: the last block of the MM5 it received); the
    client gives up.  The key table holds the GATEWAY's key: its Informationals decrypt,
    the client's MM5 does not (it decrypts to noise)."""
    cap, p, lan = quickvpn_capture('v1-psk-mismatch-keys', 15030001, epoch_us(2013, 7, 16, 8, 22, 6, 918440),
                                   '192.0.2.122', '198.51.100.122', 0.049)
    r = cap.rng
    s = V1(p, 's1')
    t = qv.tls_session(p, jit(cap, 1.0), 's1.login')
    t = s.main_mode(jit(cap, t + 7.3), QUICKVPN_P1, RV_P1, qv.CLIENT_VIDS, qv.GATEWAY_VIDS, stop_after=5)
    client = s.crypto                                      # what MM5 was encrypted with
    gateway = kc.IkeCrypto(s.enc, r.randbytes(s.klen), s.gi, s.gr, kc.HASH_SHA1, s.bits)
    gateway.observe(0, s.mm5[28:])                         # the gateway received MM5
    s.crypto = gateway                                     # the table's key and the tests' chain
    s.table(cap)
    assert client.key != gateway.key

    def refuse(ts):
        ta = p.gw_at(ts, r.uniform(0.0015, 0.003))
        s.notify(ta, False, kc.N_PAYLOAD_MALFORMED, 'mm5_refused', crypto=gateway)
        return ta
    ta = refuse(t)
    for dt in (1.0, 2.0):
        t += dt * r.uniform(0.999, 1.001)
        p.ike(t, True, s.mm5, 's1.mm5.retx')
        gateway.observe(0, s.mm5[28:])
        ta = refuse(t)
    background(lan, ta + 8.0)
    return cap


def ezvpn(name, seed, t0, client_ip, gw_ip, rtt, choice):
    cap, p, lan = client_capture(name, seed, t0, client_ip, '192.0.2.1', gw_ip, rtt=rtt, gw_ttl=246)
    cap = keyed(cap)
    s = V1(p, 's1')
    t = s.main_mode(jit(cap, 2.2), EZVPN_P1, choice, EZVPN_VIDS_C, EZVPN_VIDS_G)
    s.table(cap)
    return cap, p, lan, s, t


def v1_xauth_modecfg():
    """Cisco VPN client (XAUTH with a group pre-shared key) to a Cisco IOS Easy VPN
    server: Main Mode (AES-CBC-256/SHA1/XAUTH-PSK/MODP1024), XAUTH (REQUEST user name
    and password, REPLY, SET XAUTH-STATUS OK, ACK), Mode Config (REQUEST, REPLY:
    INTERNAL_IP4_ADDRESS 10.10.10.5, netmask, DNS 10.0.0.53, UNITY_SPLIT_INCLUDE
    10.0.0.0/24), Quick Mode 10.10.10.5 <-> 10.0.0.0/24 (ESP AES-CBC-128/HMAC-SHA1), pings
    through the tunnel both ways (ESP encrypted: .esp_sa), two DPD round trips (the
    gateway's R-U-THERE, the client's R-U-THERE-ACK, sequence numbers in the clear once
    decrypted), then at logout the client's Informational deleting both ESP SPIs and
    its Informational deleting the ISAKMP SA.  Keys: .ikev1_decryption_table, .esp_sa."""
    cap, p, lan, s, t = ezvpn('v1-xauth-modecfg', 15040001, epoch_us(2013, 7, 23, 17, 5, 40, 226104),
                              '192.0.2.124', '198.51.100.124', 0.043, EZVPN_P1[0])
    r = cap.rng
    t = s.xauth(p.gw_at(t, r.uniform(0.002, 0.004)), ok=True)
    t = s.mode_config(p.cli_at(t, r.uniform(0.003, 0.006)), '10.10.10.5', '255.255.255.0', '10.0.0.53',
                      [('10.0.0.0', 24)])
    t = s.quick_mode(p.cli_at(t, r.uniform(0.010, 0.020)), p.spi_in, p.spi_out, ESP_AES128_SHA,
                     (ip4('10.10.10.5'), 32), (ip4('10.0.0.0'), 24))
    tun = Tunnel(p, cap, p.spi_out, p.spi_in, '10.10.10.5', '10.0.0.10')
    t = tun.pings(p.cli_at(t, r.uniform(0.3, 0.5)), 4, 's1')
    seq = r.randrange(0x1000, 0x7fff)
    t = s.dpd(t + r.uniform(0.2, 0.4), seq)
    t = tun.pings(t + r.uniform(0.2, 0.4), 3, 's1')
    t = s.dpd(t + r.uniform(0.2, 0.4), seq + 1)
    t = tun.pings(t + r.uniform(0.2, 0.4), 2, 's1')
    t += r.uniform(1.5, 2.5)
    s.delete(t, True, kc.PROTO_ESP, [struct.pack('!I', p.spi_in), struct.pack('!I', p.spi_out)], 'info.client')
    t += r.uniform(0.007, 0.009)
    s.delete_isakmp(t, True, 'info.client')
    background(lan, t + 3.0)
    return cap


def v1_xauth_failed():
    """Cisco VPN client to a Cisco IOS Easy VPN server: Main Mode
    (AES-CBC-128/SHA1/XAUTH-PSK/MODP1024) completes; XAUTH REQUEST, REPLY with a wrong
    password, 2.8 s later SET XAUTH-STATUS FAIL, the client's ACK; then the gateway
    deletes the ISAKMP SA (encrypted Informational).  No Mode Config, no Quick Mode.
    Keys: .ikev1_decryption_table."""
    cap, p, lan, s, t = ezvpn('v1-xauth-failed', 15050001, epoch_us(2013, 7, 30, 11, 47, 2, 500913),
                              '192.0.2.125', '198.51.100.125', 0.041, EZVPN_P1[1])
    r = cap.rng
    t = s.xauth(p.gw_at(t, r.uniform(0.002, 0.004)), ok=False, password=b'Summer2013')
    t = p.gw_at(t, r.uniform(0.005, 0.012))
    s.delete_isakmp(t, False, 'info.gateway')
    background(lan, t + 8.0)
    return cap


def v1_rekey():
    """QuickVPN login, Main Mode, Quick Mode (192.0.2.126 <-> 192.168.1.0/24, ESP
    AES-CBC-128/HMAC-SHA1; SPIs A out / B in), pings through the tunnel both ways; then
    the client's second Quick Mode (new SPIs C out / D in, same identities), the pings
    move to C/D, and the client's Informational deletes A and B (one Delete, ESP).  The
    pings go on to the end: the tunnel never went down.  ESP encrypted (.esp_sa has the
    four SAs); keys: .ikev1_decryption_table."""
    cap, p, lan = quickvpn_capture('v1-rekey', 15060001, epoch_us(2013, 8, 6, 15, 30, 19, 614077),
                                   '192.0.2.126', '198.51.100.126', 0.044)
    r = cap.rng
    s = V1(p, 's1')
    t = qv.tls_session(p, jit(cap, 1.0), 's1.login')
    t = s.main_mode(jit(cap, t + 7.1), QUICKVPN_P1, RV_P1, qv.CLIENT_VIDS, qv.GATEWAY_VIDS)
    s.table(cap)
    idci, idcr = (p.cli.ipb, 32), (ip4('192.168.1.0'), 24)
    a_out, b_in = p.spi_out, p.spi_in
    t = s.quick_mode(p.cli_at(t, r.uniform(0.009, 0.012)), b_in, a_out, ESP_AES128_SHA, idci, idcr)
    tun1 = Tunnel(p, cap, a_out, b_in, p.cli.ip, '192.168.1.10')
    t = tun1.pings(p.cli_at(t, r.uniform(0.3, 0.5)), 5, 's1')
    c_out, d_in = r.getrandbits(32) | 0x80000000, r.getrandbits(32) | 0x01000000
    t = s.quick_mode(t + r.uniform(0.1, 0.3), d_in, c_out, ESP_AES128_SHA, idci, idcr, tag='rekey.qm')
    tun2 = Tunnel(p, cap, c_out, d_in, p.cli.ip, '192.168.1.10')
    tun2.ident, tun2.icmp_seq, tun2.ipid_c, tun2.ipid_s = tun1.ident, tun1.icmp_seq, tun1.ipid_c, tun1.ipid_s
    t = tun2.pings(t + r.uniform(0.3, 0.5), 2, 's1.rekey')
    s.delete(t + r.uniform(0.05, 0.1), True, kc.PROTO_ESP, [struct.pack('!I', b_in), struct.pack('!I', a_out)],
             'rekey.delete')
    t = tun2.pings(t + r.uniform(0.5, 0.7), 4, 's1.rekey')
    background(lan, t + 1.0)
    return cap


SCENARIOS_KEYS_V1 = [
    ('v1-qm-invalid-id', 'pcap', v1_qm_invalid_id),
    ('v1-qm-no-proposal', 'pcap', v1_qm_no_proposal),
    ('v1-psk-mismatch-keys', 'pcap', v1_psk_mismatch_keys),
    ('v1-xauth-modecfg', 'pcapng', v1_xauth_modecfg),
    ('v1-xauth-failed', 'pcap', v1_xauth_failed),
    ('v1-rekey', 'pcapng', v1_rekey),
]

# ---------------------------------------------------------------------- README rows

KEYS = ('Keys beside it: `.ikev1_decryption_table` (initiator cookie, encryption key: tshark '
        '`-o "uat:ikev1_decryption_table:<row>"`)')
KEYS_ESP = KEYS[:-1] + ') and `.esp_sa` (`-o esp.enable_encryption_decode:TRUE -o "uat:esp_sa:<row>"`)'


def mm(ev, n=6):
    return lst(ev.first('s1.mm%d' % i) for i in range(1, n + 1))


@text('v1-qm-invalid-id')
def _v1_qm_invalid_id(ev):
    return (
        'QuickVPN login %s, Main Mode %s (3DES/SHA1/PSK/MODP1024, MM5/MM6 really 3DES-encrypted), QM1 %d asking '
        '192.168.5.0/24 <-> 10.0.0.0/24, answered by the gateway\'s encrypted Informational %d '
        'N(INVALID-ID-INFORMATION) (its ACL is 192.168.1.0/24 <-> 10.0.0.0/24); the client deletes the ISAKMP SA '
        '(%d). No ESP. %s.' % (tls_range(ev, 's1.login'), mm(ev), ev.first('s1.qm1'), ev.first('s1.qm_refused'),
                               ev.first('s1.info.client'), KEYS),
        'Without keys: phase 2 failed (Quick Mode answered by an encrypted Informational); IKE state QM_IDLE from '
        '%d; a Warning on %d. With keys: refused, INVALID-ID-INFORMATION (decrypted); qvpn.ts.i 192.168.5.0/24 and '
        'qvpn.ts.r 10.0.0.0/24 on %d; qvpn.decrypted.notify on %d; qvpn.delete "IKE SA" on %d.'
        % (ev.first('s1.mm6'), ev.first('s1.qm_refused'), ev.first('s1.qm1'), ev.first('s1.qm_refused'),
           ev.first('s1.info.client')))


@text('v1-qm-no-proposal')
def _v1_qm_no_proposal(ev):
    return (
        'QuickVPN login %s, Main Mode %s (3DES, real encryption), QM1 %d offering ESP AES-CBC-256/HMAC-SHA1 with PFS '
        'group 2 for 192.0.2.121 <-> 192.168.1.0/24, answered by the gateway\'s encrypted Informational %d '
        'N(NO-PROPOSAL-CHOSEN); the client deletes the ISAKMP SA (%d). No ESP. %s.'
        % (tls_range(ev, 's1.login'), mm(ev), ev.first('s1.qm1'), ev.first('s1.qm_refused'),
           ev.first('s1.info.client'), KEYS),
        'Without keys: phase 2 failed; QM_IDLE from %d; a Warning on %d. With keys: refused, NO-PROPOSAL-CHOSEN '
        '(decrypted); qvpn.p2.pfs 2 and qvpn.ts.i 192.0.2.121 / qvpn.ts.r 192.168.1.0/24 on %d.'
        % (ev.first('s1.mm6'), ev.first('s1.qm_refused'), ev.first('s1.qm1')))


@text('v1-psk-mismatch-keys')
def _v1_psk_mismatch_keys(ev):
    return (
        'QuickVPN login %s, MM1-MM4 %s; the pre-shared keys differ, so the peers derive different keys: MM5 %d and '
        'its resends %s (the client\'s key) are each answered by the gateway\'s encrypted Informational '
        'N(PAYLOAD-MALFORMED) (%s, the gateway\'s key). %s: the GATEWAY\'s key, so its Informationals decrypt and '
        'MM5 does not (tshark shows it as noise, Malformed).'
        % (tls_range(ev, 's1.login'), mm(ev, 4), ev.first('s1.mm5'), lst(ev.f('s1.mm5.retx')),
           lst(ev.f('s1.mm5_refused')), KEYS),
        'Without keys: pre-shared key mismatch, MM_KEY_EXCH; a Warning from %d. With keys: refused, PAYLOAD-MALFORMED '
        '(decrypted) on %s.' % (ev.first('s1.mm5_refused'), lst(ev.f('s1.mm5_refused'))))


@text('v1-xauth-modecfg')
def _v1_xauth_modecfg(ev):
    return (
        'Cisco VPN client to a Cisco IOS Easy VPN server, no TLS login: Main Mode %s (AES-CBC-256/SHA1/XAUTH-PSK/'
        'MODP1024), XAUTH %s (REQUEST, REPLY alice, SET XAUTH-STATUS OK, ACK), Mode Config %s (REPLY: '
        '10.10.10.5/24, DNS 10.0.0.53, UNITY_SPLIT_INCLUDE 10.0.0.0/24), Quick Mode %s (10.10.10.5 <-> 10.0.0.0/24, '
        'ESP AES-CBC-128/HMAC-SHA1), pings through the tunnel (ESP really encrypted), DPD %s / %s, logout: the '
        'client\'s Informationals %s (Delete of both ESP SPIs, then of the ISAKMP SA). %s.'
        % (mm(ev), lst(ev.f('s1.xauth.req') + ev.f('s1.xauth.reply') + ev.f('s1.xauth.set') + ev.f('s1.xauth.ack')),
           lst(ev.f('s1.cfg.req') + ev.f('s1.cfg.reply')), lst(ev.first('s1.qm%d' % n) for n in (1, 2, 3)),
           lst(ev.f('s1.dpd.req')), lst(ev.f('s1.dpd.ack')), lst(ev.f('s1.info.client')), KEYS_ESP),
        'Without keys: connected, torn down; QM_IDLE from %d; ESP both ways from %d; no Warning. With keys: '
        'qvpn.xauth OK on %d, qvpn.cfg.address 10.10.10.5 and qvpn.cfg.split 10.0.0.0/24 on %d, qvpn.ts.i '
        '10.10.10.5 / qvpn.ts.r 10.0.0.0/24 on %d, qvpn.dpd.seq on %s, qvpn.delete on %s; the inner pings both ways.'
        % (ev.first('s1.mm6'), ev.first('s1.esp.out'), ev.first('s1.xauth.set'), ev.first('s1.cfg.reply'),
           ev.first('s1.qm1'), lst(ev.f('s1.dpd.req') + ev.f('s1.dpd.ack')), lst(ev.f('s1.info.client'))))


@text('v1-xauth-failed')
def _v1_xauth_failed(ev):
    return (
        'Cisco VPN client to a Cisco IOS Easy VPN server: Main Mode %s (AES-CBC-128/SHA1/XAUTH-PSK/MODP1024), XAUTH '
        'REQUEST %d, REPLY %d (wrong password), SET XAUTH-STATUS FAIL %d, ACK %d; the gateway deletes the ISAKMP SA '
        '(%d). No Mode Config, no Quick Mode. %s.'
        % (mm(ev), ev.first('s1.xauth.req'), ev.first('s1.xauth.reply'), ev.first('s1.xauth.set'),
           ev.first('s1.xauth.ack'), ev.first('s1.info.gateway'), KEYS),
        'Without keys: phase 1 complete (QM_IDLE from %d), then only encrypted Transactions and an Informational from '
        'the gateway, no Quick Mode. With keys: qvpn.xauth FAIL and qvpn.xauth_failed on %d; qvpn.delete "IKE SA" '
        'on %d.' % (ev.first('s1.mm6'), ev.first('s1.xauth.set'), ev.first('s1.info.gateway')))


@text('v1-rekey')
def _v1_rekey(ev):
    return (
        'QuickVPN login %s, Main Mode %s, Quick Mode %s (SPIs A/B), pings both ways (ESP really encrypted), a second '
        'Quick Mode %s (new SPIs C/D), the pings move to C/D (from %d), the client\'s Informational %d deletes A and '
        'B; pings go on to the end. %s.'
        % (tls_range(ev, 's1.login'), mm(ev), lst(ev.first('s1.qm%d' % n) for n in (1, 2, 3)),
           lst(ev.first('s1.rekey.qm%d' % n) for n in (1, 2, 3)), ev.first('s1.rekey.esp.out'),
           ev.first('s1.rekey.delete'), KEYS_ESP),
        'Without keys: connected, not torn down; QM_IDLE from %d; ESP from %d; %d is no teardown; no Warning. With '
        'keys: two phase-2 negotiations with the same selectors, qvpn.delete "ESP ..." on %d (a rekey, not a '
        'teardown).' % (ev.first('s1.mm6'), ev.first('s1.esp.out'), ev.first('s1.rekey.delete'),
                        ev.first('s1.rekey.delete')))
