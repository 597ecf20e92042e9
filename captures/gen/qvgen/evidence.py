"""Cleartext evidence in IKE and TLS messages (issue 14): real SA proposals, Vendor IDs,
NAT-D hashes, IKEv2 IKE_SA_INIT with its SA/KE/Nonce/NAT_DETECTION notifies,
INVALID_KE_PAYLOAD, and TLS hellos with a chosen suite list.

Every value here is what the RFCs and the implementations put on the wire:
  IKEv1 SA attributes       RFC 2409 appendix A (classes 1-4, 11, 12, 14)
  NAT-D (IKEv1)             RFC 3947 3.2: HASH(CKY-I | CKY-R | IP | Port), the negotiated hash
  NAT_DETECTION_* (IKEv2)   RFC 7296 2.23: SHA-1(SPIi | SPIr | IP | Port), SPIr zero in the request
  IKEv2 transform IDs       RFC 7296 3.3.2 and the IANA IKEv2 registry
  Vendor IDs                MD5 of the strings Wireshark (packet-isakmp.c), libreswan
                            (vendor.c) and strongSwan (vendor_id_payload) list; derived here so
                            that a reader can check them (tests/captures checks tshark names them)
"""
import hashlib
import struct

from . import ike
from .ike import tv, tlv, chain, v1_message, v2_message, v2_notify


def md5(s):
    return hashlib.md5(s.encode('latin-1')).digest()

# ----------------------------------------------------------------------- Vendor IDs


# Windows 7 / Server 2008 R2 (the IKE stack the QuickVPN client drives there): MD5("MS NT5
# ISAKMPOAKLEY") followed by the version 00000008 (Wireshark: VID_MS_NT5_ISAKMPOAKLEY; strongSwan
# "MS NT5 ISAKMPOAKLEY v8").
VID_MS_NT5_V8 = md5('MS NT5 ISAKMPOAKLEY') + struct.pack('!I', 8)
VID_MS_NEG_DISCOVERY = md5('MS-Negotiation Discovery Capable')     # AuthIP (libreswan VID_VISTA_AUTHIP)
VID_MS_INITIAL_CONTACT = md5('Vid-Initial-Contact')
VID_MS_CGA = md5('IKE CGA version 1')
VID_RFC3947 = md5('RFC 3947')                                       # == ike.VID_RFC3947
VID_NATT_02N = md5('draft-ietf-ipsec-nat-t-ike-02\n')               # == ike.VID_NATT_DRAFT02N
VID_FRAGMENTATION = md5('FRAGMENTATION')                            # == ike.VID_FRAGMENTATION
VID_CISCO_FRAGMENTATION = md5('FRAGMENTATION') + b'\x80\0\0\0'      # Wireshark VID_CISCO_FRAG
# RFC 3706 DPD and Cisco Unity: MD5 with the last two bytes replaced by the version 01 00
VID_DPD = bytes.fromhex('afcad71368a1f1c96b8696fc77570100')
VID_CISCO_UNITY = md5('CISCO-UNITY')[:14] + b'\x01\x00'
VID_XAUTH = bytes.fromhex('09002689dfd6b712')                       # MD5("draft-ietf-ipsra-isakmp-xauth-06.txt")[:8]
# Cisco IOS: libreswan matches the 4-byte prefix 3e984048 ("Cisco IOS Device"); the rest
# varies by release: fixed bytes here.
VID_CISCO_IOS = bytes.fromhex('3e984048101e66cc659fd002b0ed3655')
VID_CISCO_DELETE_REASON = b'CISCO-DELETE-REASON'                   # IKEv2, a plain string
VID_CISCO_COPYRIGHT = b'CISCO(COPYRIGHT)&Copyright (c) 2009 Cisco Systems, Inc.'
VID_CISCO_FLEXVPN = b'FLEXVPN-SUPPORTED'

assert VID_RFC3947 == ike.VID_RFC3947 and VID_NATT_02N == ike.VID_NATT_DRAFT02N
assert VID_FRAGMENTATION == ike.VID_FRAGMENTATION and VID_CISCO_UNITY == ike.VID_CISCO_UNITY

# Windows 7 main mode initiator (the order Windows sends them in)
WIN7_VIDS = [VID_MS_NT5_V8, VID_RFC3947, VID_NATT_02N, VID_FRAGMENTATION, VID_MS_NEG_DISCOVERY,
             VID_MS_INITIAL_CONTACT]
# Cisco IOS responder: MM2 and MM4
IOS_MM2_VIDS = [VID_RFC3947]
IOS_MM4_VIDS = [VID_CISCO_UNITY, VID_DPD, VID_CISCO_IOS, VID_XAUTH]
# Windows 7 IKEv2 (agile VPN) initiator
WIN7_V2_VIDS = [VID_MS_NT5_V8, VID_MS_NEG_DISCOVERY, VID_MS_INITIAL_CONTACT]
# Cisco IOS IKEv2 responder
IOS_V2_VIDS = [VID_CISCO_DELETE_REASON, VID_CISCO_COPYRIGHT, VID_CISCO_FLEXVPN]

# ----------------------------------------------------------------------- IKEv1 SA (RFC 2409 A)

# attribute values
ENC = {'DES': 1, '3DES': 5, 'AES': 7}
HASH = {'MD5': 1, 'SHA1': 2, 'SHA2-256': 4}
AUTH = {'PSK': 1, 'RSA-SIG': 3, 'XAUTH-PSK': 65001}
GROUP = {'MODP768': 1, 'MODP1024': 2, 'MODP1536': 5, 'MODP2048': 14}
GROUP_BYTES = {1: 96, 2: 128, 5: 192, 14: 256, 19: 64, 20: 96}


class Suite:
    """One IKEv1 phase-1 transform: enc ('AES', '3DES', 'DES'), bits (AES key length),
    hash, auth, group, life (seconds).  text(): the contract's "ENCR[-bits]/HASH/AUTH/
    GROUP/LIFEs" form."""

    def __init__(self, enc, hash_alg, auth, group, life=28800, bits=None):
        self.enc, self.hash, self.auth, self.group, self.life, self.bits = enc, hash_alg, auth, group, life, bits

    def text(self):
        enc = 'AES-CBC-%d' % self.bits if self.enc == 'AES' else self.enc
        return '%s/%s/%s/%s/%ds' % (enc, self.hash, self.auth, self.group, self.life)

    def attrs(self):
        a = tv(1, ENC[self.enc])
        if self.bits:
            a += tv(14, self.bits)
        a += tv(2, HASH[self.hash]) + tv(3, AUTH[self.auth]) + tv(4, GROUP[self.group]) + tv(11, 1)
        a += tlv(12, struct.pack('!I', self.life)) if self.life > 0xffff else tv(12, self.life)
        return a

    def hashfn(self):
        return {'MD5': hashlib.md5, 'SHA1': hashlib.sha1, 'SHA2-256': hashlib.sha256}[self.hash]


def suites_text(suites):
    return '; '.join(s.text() for s in suites)


def v1_sa(suites):
    """SA payload body: DOI IPsec, situation identity only, one ISAKMP proposal with one
    KEY_IKE transform per suite (numbered from 1)."""
    trs = b''
    for i, s in enumerate(suites):
        body = struct.pack('!BBH', i + 1, 1, 0) + s.attrs()
        trs += struct.pack('!BBH', 0 if i + 1 == len(suites) else ike.P_TRANS, 0, 4 + len(body)) + body
    prop = struct.pack('!BBBB', 1, 1, 0, len(suites)) + trs
    return struct.pack('!II', 1, 1) + struct.pack('!BBH', 0, 0, 4 + len(prop)) + prop


def mm_sa(ic, rc, suites, vids):
    """MM1 (rc zero) or MM2: SA + VIDs."""
    first, body = chain([(ike.P_SA, v1_sa(suites))] + [(ike.P_VID, v) for v in vids])
    return v1_message(ic, rc, ike.X_MAIN, 0, 0, first, body)


def natd_v1(suite, ic, rc, ip_bytes, port):
    """RFC 3947 3.2."""
    return suite.hashfn()(ic + rc + ip_bytes + struct.pack('!H', port)).digest()


def mm_ke_natd(rng, ic, rc, suite, natd, nonce_len=20, vids=()):
    """MM3 / MM4: KE (the group's size), Nonce, NAT-D (payload 20) for each hash in natd
    (the first: the peer's address as this side sees it, then its own), VIDs."""
    pl = [(ike.P_KE, rng.randbytes(GROUP_BYTES[GROUP[suite.group]])), (ike.P_NONCE, rng.randbytes(nonce_len))]
    pl += [(ike.P_NATD_RFC, h) for h in natd]
    pl += [(ike.P_VID, v) for v in vids]
    first, body = chain(pl)
    return v1_message(ic, rc, ike.X_MAIN, 0, 0, first, body)

# ----------------------------------------------------------------------- IKEv2 SA_INIT

V2_ENCR = {'3DES': 3, 'AES-CBC': 12, 'AES-GCM-16': 20}
V2_PRF = {'PRF-HMAC-MD5': 1, 'PRF-HMAC-SHA1': 2, 'PRF-HMAC-SHA2-256': 5}
V2_INTEG = {'HMAC-MD5-96': 1, 'HMAC-SHA1-96': 2, 'HMAC-SHA2-256-128': 12}
V2_DH = {'MODP768': 1, 'MODP1024': 2, 'MODP2048': 14, 'ECP256': 19, 'ECP384': 20}
N_INVALID_KE_PAYLOAD = 17
N_NO_PROPOSAL_CHOSEN = 14


class V2Proposal:
    """encr: [(name, bits or None)], prf, integ, dh: [name]."""

    def __init__(self, encr, prf, integ, dh):
        self.encr, self.prf, self.integ, self.dh = encr, prf, integ, dh

    def text(self):
        enc = ','.join('%s-%d' % (n, b) if b else n for n, b in self.encr)
        parts = [enc, ','.join(self.prf)] + ([','.join(self.integ)] if self.integ else []) + [','.join(self.dh)]
        return '/'.join(parts)

    def transforms(self):
        t = [(1, V2_ENCR[n], b) for n, b in self.encr]
        t += [(2, V2_PRF[n], None) for n in self.prf]
        t += [(3, V2_INTEG[n], None) for n in self.integ]
        t += [(4, V2_DH[n], None) for n in self.dh]
        return t


def v2_sa(proposals):
    out = b''
    for i, p in enumerate(proposals):
        tr = p.transforms()
        trs = b''.join(ike.v2_transform(*t, last=(j + 1 == len(tr))) for j, t in enumerate(tr))
        body = struct.pack('!BBBB', i + 1, 1, 0, len(tr)) + trs
        out += struct.pack('!BBH', 0 if i + 1 == len(proposals) else 2, 0, 4 + len(body)) + body
    return out


def natd_v2(ispi, rspi, ip_bytes, port):
    """RFC 7296 2.23."""
    return hashlib.sha1(ispi + rspi + ip_bytes + struct.pack('!H', port)).digest()


def sa_init(rng, ispi, rspi, response, proposals, group, natd_src, natd_dst, vids=(), notifies=(), nonce_len=32):
    """IKE_SA_INIT request (rspi zero) or response: SA, KE of `group` (IANA number),
    Nonce, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP), extra notifies,
    VIDs."""
    pl = [(ike.V2_SA, v2_sa(proposals)),
          (ike.V2_KE, struct.pack('!HH', group, 0) + rng.randbytes(GROUP_BYTES[group])),
          (ike.V2_NONCE, rng.randbytes(nonce_len)),
          (ike.V2_N, v2_notify(ike.N_NAT_SRC, natd_src)),
          (ike.V2_N, v2_notify(ike.N_NAT_DST, natd_dst))]
    pl += [(ike.V2_N, v2_notify(nt, data)) for nt, data in notifies]
    pl += [(ike.V2_VID, v) for v in vids]
    first, body = chain(pl)
    return v2_message(ispi, rspi, ike.V2_IKE_SA_INIT, ike.V2_F_RESP if response else ike.V2_F_INIT, 0, first, body)


def sa_init_notify_only(ispi, ntype, data):
    """The responder's IKE_SA_INIT answer holding one error notify (INVALID_KE_PAYLOAD
    with the group it wants, NO_PROPOSAL_CHOSEN): responder SPI zero (RFC 7296 1.2, 2.6)."""
    first, body = chain([(ike.V2_N, v2_notify(ntype, data))])
    return v2_message(ispi, b'\0' * 8, ike.V2_IKE_SA_INIT, ike.V2_F_RESP, 0, first, body)

# ----------------------------------------------------------------------- TLS hellos

# SSLv2 cipher specs (RFC 6101 appendix E / draft-hickman) and TLS suites in 3-byte form
SSL2_NAMES = {0x010080: 'SSL2_RC4_128_WITH_MD5', 0x020080: 'SSL2_RC4_128_EXPORT40_WITH_MD5',
              0x060040: 'SSL2_DES_64_CBC_WITH_MD5', 0x0700c0: 'SSL2_DES_192_EDE3_CBC_WITH_MD5'}
TLS_NAMES = {0x0004: 'TLS_RSA_WITH_RC4_128_MD5', 0x0005: 'TLS_RSA_WITH_RC4_128_SHA',
             0x000a: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', 0x0009: 'TLS_RSA_WITH_DES_CBC_SHA',
             0x0016: 'TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA', 0x0013: 'TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA',
             0x0015: 'TLS_DHE_RSA_WITH_DES_CBC_SHA', 0x0012: 'TLS_DHE_DSS_WITH_DES_CBC_SHA'}
# An old Schannel profile with AES switched off: 3DES, DES and RC4 only
LEGACY_SSL2_SPECS = [0x000004, 0x000005, 0x00000a, 0x010080, 0x0700c0, 0x000009, 0x060040,
                     0x000016, 0x000013, 0x000015, 0x000012]


def sslv2_client_hello(rng, specs, version=0x0301):
    """SSLv2-format ClientHello (record header with the high bit, message type 1) asking
    for `version`, with these 3-byte cipher specs and a 16-byte challenge (Schannel's)."""
    sp = b''.join(s.to_bytes(3, 'big') for s in specs)
    challenge = rng.randbytes(16)
    body = struct.pack('!BHHHH', 1, version, len(sp), 0, len(challenge)) + sp + challenge
    return struct.pack('!H', 0x8000 | len(body)) + body


def spec_names(specs):
    return [SSL2_NAMES[s] if s >> 16 else TLS_NAMES[s] for s in specs]
