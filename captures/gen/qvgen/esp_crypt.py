"""ESP really encrypted (RFC 4303, tunnel mode), for captures shipped with their keys.

 0                   1                   2                   3
 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
|               Security Parameters Index (SPI)                 |
|                      Sequence Number                          |
+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
|                 IV (16, AES-CBC, RFC 3602)                    |
|   inner IPv4 packet ... | Padding 1, 2, 3... | Pad Len | NH=4 |  (encrypted)
+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
|       ICV: HMAC-SHA-1-96 over SPI .. ciphertext (12)          |
+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

Each SA writes its Wireshark `esp_sa` row (the names Wireshark 4.0's ESP preferences
accept).  The inner packets are whole IPv4 packets with real header, ICMP, TCP and UDP
checksums.  Keys and IVs come from the capture's seeded Random.
"""
import hashlib
import hmac
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from . import net

ENCR_NAME = 'AES-CBC [RFC3602]'
AUTH_NAME = 'HMAC-SHA-1-96 [RFC2404]'
NH_IPIP = 4
ICV = 12


class EspSa:
    """One direction of a child SA: the outer addresses, SPI, keys and sequence counter."""

    def __init__(self, rng, src, dst, spi, key_len=16):
        self.src, self.dst, self.spi = src, dst, spi      # src/dst: qvgen Hosts (outer)
        self.ekey, self.akey = rng.randbytes(key_len), rng.randbytes(20)
        self.seq = 0

    def uat_row(self):
        return '"IPv4","%s","%s","0x%08x","%s","0x%s","%s","0x%s"' % (
            self.src.ip, self.dst.ip, self.spi, ENCR_NAME, self.ekey.hex(), AUTH_NAME, self.akey.hex())

    def seal(self, rng, inner):
        """The ESP payload (SPI .. ICV) carrying the inner IPv4 packet; the next sequence number."""
        self.seq += 1
        n = len(inner) + 2
        pad = (-n) % 16
        plain = inner + bytes(range(1, pad + 1)) + struct.pack('!BB', pad, NH_IPIP)
        iv = rng.randbytes(16)
        enc = Cipher(algorithms.AES(self.ekey), modes.CBC(iv)).encryptor()
        body = struct.pack('!II', self.spi, self.seq) + iv + enc.update(plain) + enc.finalize()
        return body + hmac.new(self.akey, body, hashlib.sha1).digest()[:ICV]

    def send(self, cap, t, inner, tag):
        """Add the ESP packet (IP protocol 50) to the capture at time t."""
        return cap.esp(t, self.src, self.dst, self.seal(cap.rng, inner), tags=(tag,))

# ----------------------------------------------------------------------- inner packets


class Inner:
    """An address inside the tunnel (it has no MAC, no place on the capture's LAN)."""

    def __init__(self, rng, ip, ttl=127):
        self.ip, self.ipb, self.ttl = ip, net.ip4(ip), ttl
        self.ipid = rng.randrange(0x10000)

    def packet(self, dst, proto, l4, df=False):
        self.ipid = (self.ipid + 1) & 0xffff
        return net.ipv4_packet(self.ip, dst.ip, proto, self.ipid, self.ttl, l4, df=df)


PING_DATA = b'abcdefghijklmnopqrstuvwabcdefghi'     # Windows ping.exe, 32 bytes


def echo(src, dst, request, ident, seq, data=PING_DATA):
    return src.packet(dst, net.IPPROTO_ICMP, net.icmp_echo(8 if request else 0, ident, seq, data))


def tcp(src, dst, sport, dport, seq, ack, flags, win=64240, payload=b'', opts=b''):
    return src.packet(dst, net.IPPROTO_TCP, net.tcp_segment(src, dst, sport, dport, seq, ack, flags, win,
                                                            payload, opts), df=True)


def udp(src, dst, sport, dport, payload):
    return src.packet(dst, net.IPPROTO_UDP, net.udp_segment(src, dst, sport, dport, payload))


# Windows 10's SYN options: MSS 1360 (inside a tunnel), NOP, WS 8, NOP, NOP, SACK permitted
SYN_OPTS = struct.pack('!BBH', 2, 4, 1360) + b'\x01\x03\x03\x08\x01\x01\x04\x02'
