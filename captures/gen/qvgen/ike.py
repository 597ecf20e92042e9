"""ISAKMP (IKEv1, RFC 2408/2409), IKEv2 (RFC 7296), ESP (RFC 4303) and AH (RFC 4302) messages.

IKEv1 header (RFC 2408 3.1)                IKEv2 header (RFC 7296 3.1)
 0               1               2               3
+---------------------------------------------------------------+
|                Initiator Cookie / IKE SA Initiator's SPI (8)  |
|                Responder Cookie / IKE SA Responder's SPI (8)  |
| Next Payload  | MjVer | MnVer | Exchange Type |     Flags     |
|                          Message ID                           |
|                            Length                             |
+---------------------------------------------------------------+

Encrypted messages (IKEv1 E flag, IKEv2 SK payload) carry seeded random bytes of
a length the real ciphers would give (3DES: multiple of 8; IKEv2 AES-CBC: IV 16,
ciphertext multiple of 16, ICV 12).
"""
import hashlib
import struct

# IKEv1 payload types
P_NONE, P_SA, P_PROP, P_TRANS, P_KE, P_ID, P_CERT, P_CR, P_HASH, P_SIG, P_NONCE, P_N, P_D, P_VID = \
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
P_NATD_RFC = 20
# IKEv1 exchange types
X_MAIN, X_AGGR, X_INFO, X_TRANSACTION, X_QUICK = 2, 4, 5, 6, 32
FLAG_E = 0x01

VID_MS_NT5_V4 = bytes.fromhex('1e2b516905991c7d7c96fcbfb587e46100000004')
VID_RFC3947 = bytes.fromhex('4a131c81070358455c5728f20e95452f')
VID_NATT_DRAFT02N = bytes.fromhex('90cb80913ebb696e086381b5ec427b1f')
VID_FRAGMENTATION = bytes.fromhex('4048b7d56ebce88525e7de7f00d6c2d3')
VID_DPD = bytes.fromhex('afcad71368a1f1c96b8696fc77570100')
VID_XAUTH = bytes.fromhex('09002689dfd6b712')
VID_CISCO_UNITY = bytes.fromhex('12f5f28c457168a9702d9fe274cc0100')


def gen_payload(next_type, body):
    return struct.pack('!BBH', next_type, 0, 4 + len(body)) + body


def chain(payloads):
    """[(type, body), ...] -> (first type, bytes) with next-payload fields linked."""
    out = b''
    for i, (ptype, body) in enumerate(payloads):
        nxt = payloads[i + 1][0] if i + 1 < len(payloads) else P_NONE
        out += gen_payload(nxt, body)
    return (payloads[0][0] if payloads else P_NONE), out


def v1_message(icookie, rcookie, exch, flags, msgid, first, body):
    return struct.pack('!8s8sBBBBII', icookie, rcookie, first, 0x10, exch, flags, msgid,
                       28 + len(body)) + body


def tv(attr, value):
    return struct.pack('!HH', 0x8000 | attr, value)


def tlv(attr, value_bytes):
    return struct.pack('!HH', attr, len(value_bytes)) + value_bytes


def v1_transform(num, enc, hash_alg, auth, group, life=28800, last=False):
    attrs = tv(1, enc) + tv(2, hash_alg) + tv(3, auth) + tv(4, group) + tv(11, 1)
    attrs += tlv(12, struct.pack('!I', life)) if life > 0xffff else tv(12, life)
    body = struct.pack('!BBH', num, 1, 0) + attrs
    return struct.pack('!BBH', 0 if last else P_TRANS, 0, 4 + len(body)) + body


def v1_sa_phase1(transforms):
    """transforms: list of (enc, hash, auth, group)."""
    trs = b''.join(v1_transform(i + 1, *t, last=(i == len(transforms) - 1))
                   for i, t in enumerate(transforms))
    prop = struct.pack('!BBBB', 1, 1, 0, len(transforms)) + trs
    prop = struct.pack('!BBH', 0, 0, 4 + len(prop)) + prop
    return struct.pack('!II', 1, 1) + prop


# 3DES=5 DES=1 AES=7; SHA=2 MD5=1; PSK=1; group 2 / 1
WINDOWS_MM1_TRANSFORMS = [(5, 2, 1, 2), (5, 1, 1, 2), (1, 2, 1, 1), (1, 1, 1, 1)]
GATEWAY_MM2_TRANSFORM = [(5, 2, 1, 2)]


def mm1(icookie, vids, transforms=WINDOWS_MM1_TRANSFORMS):
    pl = [(P_SA, v1_sa_phase1(transforms))] + [(P_VID, v) for v in vids]
    first, body = chain(pl)
    return v1_message(icookie, b'\0' * 8, X_MAIN, 0, 0, first, body)


def mm2(icookie, rcookie, vids, transforms=GATEWAY_MM2_TRANSFORM):
    pl = [(P_SA, v1_sa_phase1(transforms))] + [(P_VID, v) for v in vids]
    first, body = chain(pl)
    return v1_message(icookie, rcookie, X_MAIN, 0, 0, first, body)


V1_HASHES = {1: hashlib.md5, 2: hashlib.sha1, 4: hashlib.sha256, 5: hashlib.sha384,
             6: hashlib.sha512}


def natd_v1(hash_id, icookie, rcookie, ip_bytes, port):
    """RFC 3947 3.2: HASH(CKY-I | CKY-R | IP | Port) with the negotiated hash."""
    return V1_HASHES[hash_id](icookie + rcookie + ip_bytes + struct.pack('!H', port)).digest()


def natd_v2(ispi, rspi, ip_bytes, port):
    """RFC 7296 2.23: SHA1(SPIi | SPIr | IP | Port)."""
    return hashlib.sha1(ispi + rspi + ip_bytes + struct.pack('!H', port)).digest()


def mm_ke(rng, icookie, rcookie, nonce_len=20, natd=True, vids=(), natd_hashes=None):
    """MM3 / MM4: KE (MODP-1024), Nonce, [NAT-D x2], [VIDs].  natd_hashes: the two
    NAT-D hashes (destination, then source); the random stream is drawn as before
    either way, so that everything after stays as it was."""
    pl = [(P_KE, rng.randbytes(128)), (P_NONCE, rng.randbytes(nonce_len))]
    if natd:
        drawn = [rng.randbytes(20), rng.randbytes(20)]
        pl += [(P_NATD_RFC, h) for h in (natd_hashes or drawn)]
    pl += [(P_VID, v) for v in vids]
    first, body = chain(pl)
    return v1_message(icookie, rcookie, X_MAIN, 0, 0, first, body)


def v1_encrypted(rng, icookie, rcookie, exch, msgid, first, nbytes):
    assert nbytes % 8 == 0
    return v1_message(icookie, rcookie, exch, FLAG_E, msgid, first, rng.randbytes(nbytes))


def mm5(rng, ic, rc):   # IDii + HASH_I + N(INITIAL-CONTACT) under 3DES
    return v1_encrypted(rng, ic, rc, X_MAIN, 0, P_ID, 64)


def mm6(rng, ic, rc):   # IDir + HASH_R
    return v1_encrypted(rng, ic, rc, X_MAIN, 0, P_ID, 40)


def qm1(rng, ic, rc, msgid):   # HASH(1), SA (ESP 3DES/SHA1 + AES/SHA1), Ni, IDci, IDcr
    return v1_encrypted(rng, ic, rc, X_QUICK, msgid, P_HASH, 176)


def qm2(rng, ic, rc, msgid):   # HASH(2), SA (one transform), Nr, IDci, IDcr
    return v1_encrypted(rng, ic, rc, X_QUICK, msgid, P_HASH, 136)


def qm3(rng, ic, rc, msgid):   # HASH(3)
    return v1_encrypted(rng, ic, rc, X_QUICK, msgid, P_HASH, 24)


def info_delete_esp(rng, ic, rc, msgid):   # HASH + Delete(ESP, one SPI)
    return v1_encrypted(rng, ic, rc, X_INFO, msgid, P_HASH, 40)


def info_delete_isakmp(rng, ic, rc, msgid):   # HASH + Delete(ISAKMP, cookie pair)
    return v1_encrypted(rng, ic, rc, X_INFO, msgid, P_HASH, 56)


def info_notify_cleartext(ic, rc, msg_type, msgid=0):
    """Cleartext Informational with one Notification (e.g. NO-PROPOSAL-CHOSEN 14)."""
    first, body = chain([(P_N, struct.pack('!IBBH', 1, 1, 0, msg_type))])
    return v1_message(ic, rc, X_INFO, 0, msgid, first, body)

# Encrypted Informationals and Transactions: HASH(1) (24 bytes with SHA-1) first, the
# rest under 3DES-CBC; lengths = plaintext + at least one padding byte, rounded up to 8.


def v1_padded(plain_len):
    n = plain_len + 1
    return n + (-n) % 8


def info_notify_encrypted(rng, ic, rc, msgid, spi_len=0):
    """HASH + one Notification (e.g. PAYLOAD-MALFORMED answering an MM5 the responder
    could not decrypt, NO-PROPOSAL-CHOSEN refusing a Quick Mode with the proposal's SPI)."""
    return v1_encrypted(rng, ic, rc, X_INFO, msgid, P_HASH, v1_padded(24 + 12 + spi_len))


def info_dpd(rng, ic, rc, msgid):
    """DPD (RFC 3706): HASH + Notification R-U-THERE / R-U-THERE-ACK, SPI = the cookie
    pair (16 bytes), data = 4-byte sequence number."""
    return v1_encrypted(rng, ic, rc, X_INFO, msgid, P_HASH, v1_padded(24 + 12 + 16 + 4))


def mode_cfg(rng, ic, rc, msgid, n_attrs):
    """Mode Config (Transaction exchange): HASH + Attribute payload (8 bytes) with
    n_attrs 8-byte attributes (a CFG_REQUEST asks with empty ones: pass half as many)."""
    return v1_encrypted(rng, ic, rc, X_TRANSACTION, msgid, P_HASH, v1_padded(24 + 8 + 8 * n_attrs))

# ----------------------------------------------------------------------- IKEv2

V2_SA, V2_KE, V2_IDI, V2_IDR, V2_AUTH, V2_NONCE, V2_N, V2_D, V2_VID, V2_TSI, V2_TSR, V2_SK = \
    33, 34, 35, 36, 39, 40, 41, 42, 43, 44, 45, 46
V2_CERTREQ, V2_SKF = 38, 53
V2_IKE_SA_INIT, V2_IKE_AUTH, V2_CREATE_CHILD_SA, V2_INFORMATIONAL = 34, 35, 36, 37
V2_F_INIT, V2_F_RESP = 0x08, 0x20


def v2_message(ispi, rspi, exch, flags, msgid, first, body):
    return struct.pack('!8s8sBBBBII', ispi, rspi, first, 0x20, exch, flags, msgid,
                       28 + len(body)) + body


def v2_transform(ttype, tid, keylen=None, last=False):
    attrs = tv(14, keylen) if keylen else b''
    body = struct.pack('!BBH', ttype, 0, tid) + attrs
    return struct.pack('!BBH', 0 if last else 3, 0, 4 + len(body)) + body


def v2_sa_ike(transforms):
    trs = b''.join(v2_transform(*t, last=(i == len(transforms) - 1)) for i, t in enumerate(transforms))
    prop = struct.pack('!BBBB', 1, 1, 0, len(transforms)) + trs
    return struct.pack('!BBH', 0, 0, 4 + len(prop)) + prop


# ENCR AES-CBC 256, PRF HMAC-SHA1, INTEG HMAC-SHA1-96, D-H MODP-1024
V2_PROPOSAL = [(1, 12, 256), (2, 2, None), (3, 2, None), (4, 2, None)]
N_NAT_SRC, N_NAT_DST = 16388, 16389
N_REDIRECT_SUPPORTED, N_REDIRECT, N_REDIRECTED_FROM = 16406, 16407, 16408   # RFC 5685
N_FRAGMENTATION_SUPPORTED = 16430                                            # RFC 7383
GW_ID_IPV4 = 1


def v2_notify(ntype, data=b''):
    return struct.pack('!BBH', 0, 0, ntype) + data


def ike_sa_init(rng, ispi, rspi, response, vids=(), notifies=(), certreq=None, nonce=None,
                natd=None):
    """IKE_SA_INIT: SA, KE, Ni/Nr, NAT-D notifies, then `notifies` ((type, data), ...),
    [CERTREQ with these CA key hashes], VIDs.  nonce: the Ni/Nr bytes (default: 32
    fresh ones)."""
    pl = [(V2_SA, v2_sa_ike(V2_PROPOSAL)), (V2_KE, struct.pack('!HH', 2, 0) + rng.randbytes(128)),
          (V2_NONCE, nonce if nonce is not None else rng.randbytes(32)),
          (V2_N, v2_notify(N_NAT_SRC, rng.randbytes(20))),
          (V2_N, v2_notify(N_NAT_DST, rng.randbytes(20)))]
    if natd is not None:        # (source, destination) hashes; drawn above all the same
        pl[3] = (V2_N, v2_notify(N_NAT_SRC, natd[0]))
        pl[4] = (V2_N, v2_notify(N_NAT_DST, natd[1]))
    pl += [(V2_N, v2_notify(nt, data)) for nt, data in notifies]
    if certreq is not None:
        pl.append((V2_CERTREQ, struct.pack('!B', 4) + certreq))      # X.509 Certificate - Signature
    pl += [(V2_VID, v) for v in vids]
    first, body = chain(pl)
    return v2_message(ispi, rspi, V2_IKE_SA_INIT, V2_F_RESP if response else V2_F_INIT, 0, first, body)


def gw_ident_ipv4(ip_bytes):
    """RFC 5685 gateway identity: type, length, address."""
    return struct.pack('!BB', GW_ID_IPV4, 4) + ip_bytes


def ike_sa_init_redirect(ispi, new_gw_ip_bytes, ni):
    """RFC 5685 5: the responder answers IKE_SA_INIT with only N(REDIRECT, new gateway,
    the initiator's nonce); responder SPI zero, no IKE SA created."""
    first, body = chain([(V2_N, v2_notify(N_REDIRECT, gw_ident_ipv4(new_gw_ip_bytes) + ni))])
    return v2_message(ispi, b'\0' * 8, V2_IKE_SA_INIT, V2_F_RESP, 0, first, body)


def v2_sk(rng, ispi, rspi, exch, response, msgid, inner_first, plain_len):
    """SK payload: IV(16) + AES-CBC ciphertext (plain + pad + padlen, multiple of 16) + ICV(12)."""
    n = plain_len + 1
    ct = n + (-n) % 16
    body = gen_payload(inner_first, rng.randbytes(16 + ct + 12))
    flags = V2_F_RESP if response else V2_F_INIT
    return v2_message(ispi, rspi, exch, flags, msgid, V2_SK, body)


def v2_sk_len(plain_len):
    """Bytes after the generic payload header of an SK payload holding plain_len bytes."""
    n = plain_len + 1
    return 16 + n + (-n) % 16 + 12


def v2_skf(rng, ispi, rspi, exch, response, msgid, inner_first, frag_no, total, plain_len):
    """One SKF payload (RFC 7383 2.5): Fragment Number, Total Fragments, IV, AES-CBC
    ciphertext of this fragment's share of the inner payloads, ICV.  Next Payload is the
    first inner payload's type in fragment 1, zero in the others."""
    n = plain_len + 1
    ct = n + (-n) % 16
    skf = struct.pack('!HH', frag_no, total) + rng.randbytes(16 + ct + 12)
    body = gen_payload(inner_first if frag_no == 1 else P_NONE, skf)
    flags = V2_F_RESP if response else V2_F_INIT
    return v2_message(ispi, rspi, exch, flags, msgid, V2_SKF, body)


def v2_fragment(rng, ispi, rspi, exch, response, msgid, inner_first, plain_len, frag_plain=1183):
    """A message whose inner payloads take plain_len bytes, split into SKF fragments of
    at most frag_plain bytes each (1183 keeps the IP datagram at strongSwan's default
    fragment_size of 1280).  Returns the list of messages."""
    shares = []
    left = plain_len
    while left > 0:
        shares.append(min(left, frag_plain))
        left -= shares[-1]
    return [v2_skf(rng, ispi, rspi, exch, response, msgid, inner_first, i + 1, len(shares), n)
            for i, n in enumerate(shares)]

# ----------------------------------------------------------------------- ESP


def esp_len(inner, block=8, iv=8, icv=12):
    """ESP payload length for an inner IP packet of `inner` bytes (tunnel mode)."""
    n = inner + 2
    return 8 + iv + n + (-n) % block + icv


def esp(rng, spi, seqno, inner):
    return struct.pack('!II', spi, seqno) + rng.randbytes(esp_len(inner) - 8)

# ----------------------------------------------------------------------- AH

AH_NEXT_IPIP = 4


def ah(rng, spi, seqno, inner_packet):
    """AH in tunnel mode with HMAC-SHA1-96: Next Header IPIP, Payload Len (32-bit words
    minus 2: 24-byte header -> 4), SPI, sequence number, ICV, then the inner IP packet
    in the clear (AH authenticates, it does not encrypt)."""
    return struct.pack('!BBHII', AH_NEXT_IPIP, 4, 0, spi, seqno) + rng.randbytes(12) + inner_packet
