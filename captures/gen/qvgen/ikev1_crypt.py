"""Really encrypted IKEv1 messages (and ESP), decryptable by Wireshark with a key table.

Wireshark decrypts IKEv1 (epan/dissectors/packet-isakmp.c) from one `ikev1_decryption_table`
row per ISAKMP SA: the initiator cookie and the encryption key itself (no D-H, no PRF).
What else it needs it learns from the capture:

  * the cipher and hash from the phase-1 SA attributes of MM1/MM2 (class 1 encryption,
    class 14 key length for AES, class 2 hash; the last transform dissected wins, so the
    chosen one of MM2), and the key length from the key's own length;
  * g^xi and g^xr from the KE payloads of MM3 (sent by the first sender of the cookie)
    and MM4;
  * the IVs, per message ID (get_iv / set_next_iv / update_ivs):
      phase 1 (message ID 0): first IV = HASH(g^xi | g^xr) cut to the block size, then
                              the last ciphertext block of the previous phase-1 message;
      a message ID not seen:  HASH(current phase-1 IV | message ID) cut to the block size
                              (Quick Mode, Informational, Transaction);
      a message ID seen:      the last ciphertext block of that ID's previous message.
    The state moves with every E-flag message in capture order, whoever sent it and
    whether or not it decrypts; a resent copy moves it too (and then does not decrypt).

Plaintext is padded as RFC 2409 5.3 says: zeros, the last byte the number of padding
bytes before it, always at least one byte.  Wireshark does not check the HASH payloads,
so they are seeded random bytes of the hash's length.

ESP (RFC 4303, tunnel mode): AES-CBC (RFC 3602) with a random IV and HMAC-SHA-1-96
(RFC 2404) over SPI | sequence | IV | ciphertext; rows for Wireshark's `esp_sa` table.

Everything random comes from the caller's random.Random: two runs give the same bytes.
"""
import hashlib
import hmac
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from . import ike
from .ike import chain, v1_message, tv, tlv

# RFC 2409 appendix A: encryption algorithm and hash classes
ENC_3DES, ENC_AES = 5, 7
HASH_SHA1 = 2
HASHES = {1: hashlib.md5, 2: hashlib.sha1, 4: hashlib.sha256}

P_ATTR = 14                     # Attribute payload (Mode Config / XAUTH)

# Notify message types (RFC 2408 3.14.1, RFC 3706, RFC 2407 4.6.3)
N_INVALID_PAYLOAD_TYPE = 1
N_NO_PROPOSAL_CHOSEN = 14
N_PAYLOAD_MALFORMED = 16
N_INVALID_ID_INFORMATION = 18
N_INVALID_HASH_INFORMATION = 23
N_INITIAL_CONTACT = 24578
N_R_U_THERE, N_R_U_THERE_ACK = 36136, 36137

PROTO_ISAKMP, PROTO_ESP = 1, 3

# ID types (RFC 2407 4.6.2.1)
ID_IPV4_ADDR, ID_IPV4_ADDR_SUBNET = 1, 4

# Mode Config (draft-dukes-ike-mode-cfg) message types and attributes, XAUTH
# (draft-beaulieu-ike-xauth), Cisco Unity
CFG_REQUEST, CFG_REPLY, CFG_SET, CFG_ACK = 1, 2, 3, 4
A_INTERNAL_IP4_ADDRESS, A_INTERNAL_IP4_NETMASK, A_INTERNAL_IP4_DNS = 1, 2, 3
A_XAUTH_TYPE, A_XAUTH_USER_NAME, A_XAUTH_USER_PASSWORD, A_XAUTH_STATUS = 16520, 16521, 16522, 16527
A_UNITY_SPLIT_INCLUDE = 28676

# IPsec DOI transform IDs and attributes (RFC 2407 4.4.4, 4.5)
ESP_3DES, ESP_AES = 3, 12
AUTH_HMAC_SHA = 2


class IkeCrypto:
    """One ISAKMP SA's encryption as Wireshark follows it: cipher (ENC_3DES or ENC_AES
    with bits), the key, g^xi and g^xr (the KE payloads' data), the negotiated hash.
    encrypt() must be called in capture order (the order Wireshark reads the frames)."""

    def __init__(self, enc, key, gi, gr, hash_id=HASH_SHA1, bits=None):
        if enc == ENC_3DES:
            assert len(key) == 24
            self.block, self.algo = 8, algorithms.TripleDES
        elif enc == ENC_AES:
            assert bits in (128, 192, 256) and len(key) == bits // 8
            self.block, self.algo = 16, algorithms.AES
        else:
            raise ValueError('IKEv1 cipher %r' % enc)
        self.enc, self.bits, self.key, self.hash_id = enc, bits, key, hash_id
        self.hashfn = HASHES[hash_id]
        self.ivs = {0: self.hashfn(gi + gr).digest()[:self.block]}
        self.last_t = None

    def digest_len(self):
        return self.hashfn().digest_size

    def iv(self, msgid):
        """get_iv(): the stored IV of this message ID, else a new phase's first."""
        if msgid in self.ivs:
            return self.ivs[msgid]
        return self.hashfn(self.ivs[0] + struct.pack('!I', msgid)).digest()[:self.block]

    def pad(self, plain):
        """RFC 2409 5.3: zeros, then the count of them; at least one byte."""
        n = (-(len(plain) + 1)) % self.block
        return plain + b'\0' * n + bytes([n])

    def encrypt(self, msgid, plain, t=None):
        """Encrypt one message body (the payload chain) under message ID msgid; the
        IV state moves as Wireshark's does.  t: the capture time, to check the order."""
        if t is not None:
            assert self.last_t is None or t >= self.last_t, 'E-flag messages out of capture order'
            self.last_t = t
        iv = self.iv(msgid)
        enc = Cipher(self.algo(self.key), modes.CBC(iv)).encryptor()
        ct = enc.update(self.pad(plain)) + enc.finalize()
        self.ivs[msgid] = ct[-self.block:]
        return ct

    def observe(self, msgid, ct):
        """A message encrypted by someone else (another key, a resend): Wireshark's IV
        state moves all the same."""
        self.iv(msgid)
        self.ivs[msgid] = ct[-self.block:]

    def message(self, ic, rc, exch, msgid, payloads, t=None):
        """A whole E-flag ISAKMP message: header + encrypted chain of payloads
        [(type, body), ...]."""
        first, body = chain(payloads)
        ct = self.encrypt(msgid, body, t)
        return v1_message(ic, rc, exch, ike.FLAG_E, msgid, first, ct)

    def table_row(self, ic):
        """The ikev1_decryption_table row: initiator cookie, encryption key (hex)."""
        return '%s,%s' % (ic.hex(), self.key.hex())

# ----------------------------------------------------------------------- payload bodies


def hash_body(rng, crypto):
    return rng.randbytes(crypto.digest_len())


def id_addr(ip_bytes, proto=0, port=0):
    return struct.pack('!BBH', ID_IPV4_ADDR, proto, port) + ip_bytes


def id_subnet(net_bytes, prefix):
    mask = (0xffffffff << (32 - prefix)) & 0xffffffff
    return struct.pack('!BBH', ID_IPV4_ADDR_SUBNET, 0, 0) + net_bytes + struct.pack('!I', mask)


def id_for(net_bytes, prefix):
    """A Quick Mode proxy identity: one address (/32) or a subnet."""
    return id_addr(net_bytes) if prefix == 32 else id_subnet(net_bytes, prefix)


def notify_body(msg_type, proto=PROTO_ISAKMP, spi=b'', data=b''):
    """RFC 2408 3.14: DOI (IPsec), protocol, SPI size, type, SPI, data."""
    return struct.pack('!IBBH', 1, proto, len(spi), msg_type) + spi + data


def delete_body(proto, spis):
    """RFC 2408 3.15: DOI, protocol, SPI size, number of SPIs, SPIs."""
    size = len(spis[0]) if spis else 0
    return struct.pack('!IBBH', 1, proto, size, len(spis)) + b''.join(spis)


def esp_transform(num, esp_id, bits=None, pfs_group=0, life=3600, last=True):
    """An IPsec DOI transform: SA life (seconds), [group], encapsulation tunnel, HMAC-SHA,
    [key length]."""
    attrs = tv(1, 1) + (tv(2, life) if life <= 0xffff else tlv(2, struct.pack('!I', life)))
    if pfs_group:
        attrs += tv(3, pfs_group)
    attrs += tv(4, 1) + tv(5, AUTH_HMAC_SHA)
    if bits:
        attrs += tv(6, bits)
    body = struct.pack('!BBH', num, esp_id, 0) + attrs
    return struct.pack('!BBH', 0 if last else ike.P_TRANS, 0, 4 + len(body)) + body


def sa_esp(spi, transforms, pfs_group=0):
    """Quick Mode SA payload: DOI IPsec, identity only, one ESP proposal with a 4-byte
    SPI and these transforms [(esp_id, bits or None), ...]."""
    trs = b''.join(esp_transform(i + 1, e, b, pfs_group, last=(i + 1 == len(transforms)))
                   for i, (e, b) in enumerate(transforms))
    prop = struct.pack('!BBBB', 1, PROTO_ESP, 4, len(transforms)) + struct.pack('!I', spi) + trs
    return struct.pack('!II', 1, 1) + struct.pack('!BBH', 0, 0, 4 + len(prop)) + prop


def cfg_attr(atype, value):
    """A Mode Config attribute: TV when value is an int, else TLV (empty: asked for)."""
    if isinstance(value, int):
        return tv(atype, value)
    return tlv(atype, value)


def attr_body(cfg_type, ident, attrs):
    """Attribute payload: type, reserved, identifier, attributes [(type, value), ...]."""
    return struct.pack('!BBH', cfg_type, 0, ident) + b''.join(cfg_attr(a, v) for a, v in attrs)


def unity_split(nets):
    """Cisco UNITY_SPLIT_INCLUDE value: per network address(4), mask(4), protocol(1),
    pad(1), source port(2), destination port(2) -- 14 bytes, all ports/protocols 0."""
    out = b''
    for net_bytes, prefix in nets:
        mask = (0xffffffff << (32 - prefix)) & 0xffffffff
        out += net_bytes + struct.pack('!IBBHH', mask, 0, 0, 0, 0)
    return out

# ----------------------------------------------------------------------- ESP


def esp_encrypt(rng, spi, seq, inner, enc_key, auth_key):
    """ESP tunnel mode (RFC 4303 2): SPI, sequence, IV, AES-CBC(inner | padding 1, 2, ..
    | pad length | next header 4), ICV = HMAC-SHA-1-96."""
    n = (-(len(inner) + 2)) % 16
    plain = inner + bytes(range(1, n + 1)) + bytes([n, 4])
    iv = rng.randbytes(16)
    enc = Cipher(algorithms.AES(enc_key), modes.CBC(iv)).encryptor()
    head = struct.pack('!II', spi, seq) + iv + enc.update(plain) + enc.finalize()
    return head + hmac.new(auth_key, head, hashlib.sha1).digest()[:12]


def esp_sa_row(src, dst, spi, enc_key, auth_key):
    """One esp_sa UAT row (Wireshark's names for AES-CBC and HMAC-SHA-1-96)."""
    return '"IPv4","%s","%s","0x%08x","AES-CBC [RFC3602]","0x%s","HMAC-SHA-1-96 [RFC2404]","0x%s"' % (
        src, dst, spi, enc_key.hex(), auth_key.hex())
