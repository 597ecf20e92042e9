#!/usr/bin/env python3
"""Generate the small captures that test the epan glue itself (not the engine).

    /usr/bin/python3 tests/integration/gen_glue_captures.py   # rewrites tests/integration/data/*.pcap

Each file isolates one thing the glue must get right; test_glue.py checks them:

  tls_60443.pcap    TCP handshake + TLS ClientHello/ServerHello on TCP 60443: the port is
                    handed to the TLS dissector (qvpn.tls_ports), so TLS fields exist there.
  sslv2_hello.pcap  SSLv2-format ClientHello on 443 (tls.record.version 0x0002): read through
                    the second registration of tls.handshake.type.
  icmp_quote.pcap   IKE MM1, then an ICMP port-unreachable quoting it in full: the quoted
                    ISAKMP header inside the ICMP error must not be fed as traffic.
  null_esp.pcap     ESP with NULL encryption carrying an inner IPv4/TCP SYN: with
                    esp.enable_null_encryption_decode_heuristic the inner packet is dissected,
                    but the ESP frame belongs to the outer addresses.

Deterministic: fixed timestamps, addresses, cookies and randoms.  Plain pcap, Ethernet.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'data')

CLIENT = '10.1.1.2'
GATEWAY = '10.9.9.1'
ROUTER = '10.5.5.254'
INNER_A = '192.168.100.2'
INNER_B = '192.168.200.7'
MAC_C = bytes.fromhex('020000000002')
MAC_G = bytes.fromhex('020000000001')
T0 = 1700000000


def ip4(a):
    return bytes(int(x) for x in a.split('.'))


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def ipv4(src, dst, proto, payload, ident=1):
    hdr = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), ident, 0, 64, proto, 0,
                      ip4(src), ip4(dst))
    hdr = hdr[:10] + struct.pack('!H', csum(hdr)) + hdr[12:]
    return hdr + payload


def pseudo(src, dst, proto, length):
    return ip4(src) + ip4(dst) + struct.pack('!BBH', 0, proto, length)


def tcp(src, dst, sport, dport, seq, ack, flags, payload=b''):
    hdr = struct.pack('!HHIIBBHHH', sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0)
    c = csum(pseudo(src, dst, 6, len(hdr) + len(payload)) + hdr + payload)
    return hdr[:16] + struct.pack('!H', c) + hdr[18:] + payload


def udp(src, dst, sport, dport, payload):
    hdr = struct.pack('!HHHH', sport, dport, 8 + len(payload), 0)
    c = csum(pseudo(src, dst, 17, len(hdr) + len(payload)) + hdr + payload) or 0xffff
    return hdr[:6] + struct.pack('!H', c) + payload


def eth(payload, src_mac=MAC_C, dst_mac=MAC_G):
    return dst_mac + src_mac + b'\x08\x00' + payload


def write_pcap(name, frames):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for t, data in frames:
            sec, usec = int(t), int(round((t - int(t)) * 1e6))
            f.write(struct.pack('<IIII', T0 + sec, usec, len(data), len(data)))
            f.write(data)


# --- TLS ---------------------------------------------------------------------------

def tls_record(ctype, body, version=0x0301):
    return struct.pack('!BHH', ctype, version, len(body)) + body


def hs(htype, body):
    return struct.pack('!B', htype) + len(body).to_bytes(3, 'big') + body


def client_hello():
    body = struct.pack('!H', 0x0301) + bytes(range(32)) + b'\x00' + \
        struct.pack('!H', 2) + struct.pack('!H', 0x000a) + b'\x01\x00'
    return tls_record(22, hs(1, body))


def server_hello():
    body = struct.pack('!H', 0x0301) + bytes(range(100, 132)) + b'\x00' + \
        struct.pack('!H', 0x000a) + b'\x00'
    return tls_record(22, hs(2, body))


def gen_tls_60443():
    c, g, cp, gp = CLIENT, GATEWAY, 50123, 60443
    ch, sh = client_hello(), server_hello()
    SYN, ACK, PSH = 0x02, 0x10, 0x08
    frames = [
        (0.000, eth(ipv4(c, g, 6, tcp(c, g, cp, gp, 1000, 0, SYN)))),
        (0.020, eth(ipv4(g, c, 6, tcp(g, c, gp, cp, 5000, 1001, SYN | ACK)), MAC_G, MAC_C)),
        (0.021, eth(ipv4(c, g, 6, tcp(c, g, cp, gp, 1001, 5001, ACK)))),
        (0.022, eth(ipv4(c, g, 6, tcp(c, g, cp, gp, 1001, 5001, PSH | ACK, ch)))),
        (0.045, eth(ipv4(g, c, 6, tcp(g, c, gp, cp, 5001, 1001 + len(ch), PSH | ACK, sh)),
                    MAC_G, MAC_C)),
    ]
    write_pcap('tls_60443.pcap', frames)


def gen_sslv2_hello():
    c, g, cp, gp = CLIENT, GATEWAY, 50124, 443
    challenge = bytes(range(16))
    body = b'\x01' + struct.pack('!HHHH', 0x0301, 3, 0, len(challenge)) + \
        b'\x01\x00\x80' + challenge
    v2 = struct.pack('!H', 0x8000 | len(body)) + body
    SYN, ACK, PSH = 0x02, 0x10, 0x08
    frames = [
        (0.000, eth(ipv4(c, g, 6, tcp(c, g, cp, gp, 7000, 0, SYN)))),
        (0.015, eth(ipv4(g, c, 6, tcp(g, c, gp, cp, 9000, 7001, SYN | ACK)), MAC_G, MAC_C)),
        (0.016, eth(ipv4(c, g, 6, tcp(c, g, cp, gp, 7001, 9001, ACK)))),
        (0.017, eth(ipv4(c, g, 6, tcp(c, g, cp, gp, 7001, 9001, PSH | ACK, v2)))),
    ]
    write_pcap('sslv2_hello.pcap', frames)


# --- IKE / ICMP --------------------------------------------------------------------

def ike_mm1(ispi=bytes.fromhex('1122334455667788')):
    transform = struct.pack('!BBHBBH', 0, 0, 8, 1, 1, 0)          # KEY_IKE, no attributes
    proposal = struct.pack('!BBHBBBB', 0, 0, 8 + len(transform), 1, 1, 0, 1) + transform
    sa = struct.pack('!BBHII', 0, 0, 12 + len(proposal), 1, 1) + proposal
    hdr = ispi + bytes(8) + struct.pack('!BBBBII', 1, 0x10, 2, 0, 0, 28 + len(sa))
    return hdr + sa


def gen_icmp_quote():
    c, g = CLIENT, GATEWAY
    mm1 = ipv4(c, g, 17, udp(c, g, 500, 500, ike_mm1()), ident=0x1234)
    icmp_body = struct.pack('!BBHI', 3, 3, 0, 0) + mm1
    icmp_body = icmp_body[:2] + struct.pack('!H', csum(icmp_body)) + icmp_body[4:]
    frames = [
        (0.000, eth(mm1)),
        (0.001, eth(ipv4(ROUTER, c, 1, icmp_body), MAC_G, MAC_C)),
    ]
    write_pcap('icmp_quote.pcap', frames)


# --- NULL ESP ----------------------------------------------------------------------

def null_esp(spi, seq, inner):
    pad_len = (-(len(inner) + 2)) % 4
    payload = inner + bytes(range(1, pad_len + 1)) + struct.pack('!BB', pad_len, 4)
    icv = bytes(0xa0 + i for i in range(12))                      # HMAC-SHA1-96 length
    return struct.pack('!II', spi, seq) + payload + icv


def gen_null_esp():
    c, g = CLIENT, GATEWAY
    frames = []
    for i in range(3):
        inner = ipv4(INNER_A, INNER_B, 6,
                     tcp(INNER_A, INNER_B, 40000 + i, 80, 100 * i, 0, 0x02), ident=0x100 + i)
        frames.append((0.1 * i, eth(ipv4(c, g, 50, null_esp(0x0000c0de, i + 1, inner)))))
    write_pcap('null_esp.pcap', frames)


def main():
    gen_tls_60443()
    gen_sslv2_hello()
    gen_icmp_quote()
    gen_null_esp()


if __name__ == '__main__':
    main()
