"""IKEv2 SK payloads really encrypted (RFC 7296 3.14), for captures shipped with their keys.

The other generated captures carry seeded random bytes where an SK payload goes; the
keyed scenarios (scenarios_keys_v2.py) write real ones, and beside the capture the
Wireshark `ikev2_decryption_table` row that opens them.  Needs python3-cryptography
(Debian's; AES only -- HMAC comes from the standard library).

                     1                   2                   3
 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
| Next Payload  |C|  RESERVED   |         Payload Length        |
+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
|                     Initialization Vector (16)                |
+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
|        inner payloads | Padding | Pad Length  (AES-CBC)       |
+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
|         Integrity Checksum Data: HMAC-SHA1-96 (12)            |
+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

The checksum covers the whole message from the IKE header to the end of the ciphertext
(RFC 7296 3.14).  The original initiator's messages use SK_ei/SK_ai, the original
responder's SK_er/SK_ar, whoever asks: the header's I flag says which (2.6, 3.1).
Keys, SPIs and IVs come from the capture's seeded Random: two runs give the same bytes.
"""
import hashlib
import hmac
import ipaddress
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from . import ike
from .ike import chain, v2_message

ENCR_NAME = {16: 'AES-CBC-128 [RFC3602]', 32: 'AES-CBC-256 [RFC3602]'}   # Wireshark's UAT names
INTEG_NAME = 'HMAC_SHA1_96 [RFC2404]'
ICV = 12
F_I, F_R = 0x08, 0x20

# Notify message types (RFC 7296 3.10.1, IANA)
N_NO_PROPOSAL_CHOSEN = 14
N_AUTHENTICATION_FAILED = 24
N_TS_UNACCEPTABLE = 38
N_INTERNAL_ADDRESS_FAILURE = 36
N_INITIAL_CONTACT = 16384
N_REKEY_SA = 16393
N_ESP_TFC_PADDING_NOT_SUPPORTED = 16394
N_NON_FIRST_FRAGMENTS_ALSO = 16395
# Protocol IDs
PROTO_IKE, PROTO_ESP = 1, 3
# ID types (3.5), AUTH methods (3.8)
ID_IPV4_ADDR, ID_FQDN, ID_RFC822 = 1, 2, 3
AUTH_PSK = 2
TS_IPV4_ADDR_RANGE = 7
CFG_REQUEST = 1
INTERNAL_IP4_ADDRESS, INTERNAL_IP4_DNS = 1, 3


class IkeSa:
    """One IKE SA's SPIs and keys (seeded), and which side is the original initiator."""

    def __init__(self, rng, ispi=None, rspi=None, key_len=16):
        self.ispi = ispi if ispi is not None else rng.randbytes(8)
        self.rspi = rspi if rspi is not None else rng.randbytes(8)
        self.sk_ei, self.sk_er = rng.randbytes(key_len), rng.randbytes(key_len)
        self.sk_ai, self.sk_ar = rng.randbytes(20), rng.randbytes(20)
        self.key_len = key_len
        self.next_id = {True: 1, False: 0}     # next request message ID, per side (True: initiator)

    def uat_row(self):
        """The ikev2_decryption_table row (Wireshark's UAT format)."""
        return '%s,%s,%s,%s,"%s",%s,%s,"%s"' % (
            self.ispi.hex(), self.rspi.hex(), self.sk_ei.hex(), self.sk_er.hex(), ENCR_NAME[self.key_len],
            self.sk_ai.hex(), self.sk_ar.hex(), INTEG_NAME)

    def message(self, rng, exch, from_initiator, response, msgid, payloads):
        """A whole IKE message whose only outer payload is SK{payloads}: payloads are
        [(type, body)] as ike.chain() takes them (may be empty: a liveness check)."""
        first, plain = chain(payloads) if payloads else (ike.P_NONE, b'')
        n = len(plain) + 1
        pad = (-n) % 16
        plain += bytes(range(1, pad + 1)) + bytes([pad])   # padding, then Pad Length
        iv = rng.randbytes(16)
        enc = Cipher(algorithms.AES(self.sk_ei if from_initiator else self.sk_er), modes.CBC(iv)).encryptor()
        ct = enc.update(plain) + enc.finalize()
        sk = struct.pack('!BBH', first, 0, 4 + 16 + len(ct) + ICV) + iv + ct
        flags = (F_I if from_initiator else 0) | (F_R if response else 0)
        msg = v2_message(self.ispi, self.rspi, exch, flags, msgid, ike.V2_SK, sk + b'\0' * ICV)
        body = msg[:-ICV]
        mac = hmac.new(self.sk_ai if from_initiator else self.sk_ar, body, hashlib.sha1).digest()[:ICV]
        return body + mac

# ----------------------------------------------------------------------- inner payloads


def notify(ntype, proto=0, spi=b'', data=b''):
    """N (3.10): protocol ID, SPI size, type, SPI, data."""
    return (ike.V2_N, struct.pack('!BBH', proto, len(spi), ntype) + spi + data)


def ident(id_type, value):
    """IDi / IDr body (3.5): ID type, 3 reserved bytes, the identity."""
    return struct.pack('!B3x', id_type) + value


def idi(id_type, value):
    return (ike.V2_IDI, ident(id_type, value))


def idr(id_type, value):
    return (ike.V2_IDR, ident(id_type, value))


def auth_psk(rng, prf_len=20):
    """AUTH (3.8), shared key MIC: prf output of the negotiated PRF (HMAC-SHA1: 20 bytes)."""
    return (ike.V2_AUTH, struct.pack('!B3x', AUTH_PSK) + rng.randbytes(prf_len))


def nonce(rng, n=32):
    return (ike.V2_NONCE, rng.randbytes(n))


def ke(rng, group=14, nbytes=256):
    return (ike.V2_KE, struct.pack('!HH', group, 0) + rng.randbytes(nbytes))


def sa_esp(spi, encr_bits=128, integ=2, dh=None):
    """SA (3.3) with one ESP proposal: SPI (4 bytes), ENCR_AES_CBC of encr_bits, INTEG
    (2: HMAC-SHA1-96, 12: HMAC-SHA2-256-128), [D-H group: PFS], ESN none."""
    tr = [(1, 12, encr_bits), (3, integ, None)] + ([(4, dh, None)] if dh else []) + [(5, 0, None)]
    trs = b''.join(ike.v2_transform(*t, last=(i + 1 == len(tr))) for i, t in enumerate(tr))
    body = struct.pack('!BBBB', 1, PROTO_ESP, 4, len(tr)) + struct.pack('!I', spi) + trs
    return (ike.V2_SA, struct.pack('!BBH', 0, 0, 4 + len(body)) + body)


def ts(kind, *nets):
    """TSi / TSr (3.13) of IPv4 prefixes ('192.168.5.0/24', '10.0.0.5'), any protocol and port."""
    sel = b''
    for n in nets:
        net = ipaddress.ip_network(n)
        sel += struct.pack('!BBHHH4s4s', TS_IPV4_ADDR_RANGE, 0, 16, 0, 65535,
                           net.network_address.packed, net.broadcast_address.packed)
    return (kind, struct.pack('!B3x', len(nets)) + sel)


def tsi(*nets):
    return ts(ike.V2_TSI, *nets)


def tsr(*nets):
    return ts(ike.V2_TSR, *nets)


def delete_esp(*spis):
    """D (3.11): protocol ESP, SPI size 4, the SPIs (the sender's inbound ones)."""
    return (ike.V2_D, struct.pack('!BBH', PROTO_ESP, 4, len(spis)) + b''.join(struct.pack('!I', s) for s in spis))


def delete_ike():
    """D of the IKE SA itself: protocol IKE, no SPI."""
    return (ike.V2_D, struct.pack('!BBH', PROTO_IKE, 0, 0))


V2_CP = 47


def cp_request(*attrs):
    """CP (3.15) CFG_REQUEST with empty attributes of these types."""
    return (V2_CP, struct.pack('!B3x', CFG_REQUEST) + b''.join(struct.pack('!HH', a, 0) for a in attrs))
