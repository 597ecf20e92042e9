"""TLS / SSL records and a minimal DER encoder for X.509 certificates.

Only what the captures need: the TLS 1.0 RSA handshake QuickVPN uses
(SSLv2-format ClientHello, TLS_RSA_WITH_3DES_EDE_CBC_SHA), a TLS 1.2 ECDHE
handshake for ordinary HTTPS background, records that are "encrypted" (seeded
random bytes of a plausible length), and cleartext alerts.
"""
import struct

# ----------------------------------------------------------------------- DER / X.509

def der_len(n):
    if n < 0x80:
        return bytes([n])
    if n < 0x100:
        return b'\x81' + bytes([n])
    return b'\x82' + struct.pack('!H', n)


def der(tag, content):
    return bytes([tag]) + der_len(len(content)) + content


def seq(*items):
    return der(0x30, b''.join(items))


def oid(dotted):
    parts = [int(x) for x in dotted.split('.')]
    out = bytes([40 * parts[0] + parts[1]])
    for p in parts[2:]:
        enc = [p & 0x7f]
        p >>= 7
        while p:
            enc.append(0x80 | (p & 0x7f))
            p >>= 7
        out += bytes(reversed(enc))
    return der(0x06, out)


def integer(b):
    """DER INTEGER from big-endian unsigned bytes."""
    b = b.lstrip(b'\0') or b'\0'
    if b[0] & 0x80:
        b = b'\0' + b
    return der(0x02, b)


NULL = b'\x05\x00'

OID_ATTR = {'C': '2.5.4.6', 'ST': '2.5.4.8', 'L': '2.5.4.7', 'O': '2.5.4.10',
            'OU': '2.5.4.11', 'CN': '2.5.4.3', 'emailAddress': '1.2.840.113549.1.9.1'}


def name(fields):
    rdns = []
    for k, v in fields:
        tag = 0x16 if k == 'emailAddress' else (0x13 if k == 'C' else 0x0c)
        rdns.append(der(0x31, seq(oid(OID_ATTR[k]), der(tag, v.encode()))))
    return seq(*rdns)


def rsa_modulus(rng, bits):
    n = bytearray(rng.getrandbits(bits).to_bytes(bits // 8, 'big'))
    n[0] |= 0xc0
    n[-1] |= 0x01
    return bytes(n)


def certificate(rng, subject, issuer, not_before, not_after, key_bits=1024, sig='sha1',
                v3_ext=None, serial_len=8):
    """An X.509 certificate (RSA key, RSA signature of seeded random bytes)."""
    sig_oid = {'sha1': '1.2.840.113549.1.1.5', 'sha256': '1.2.840.113549.1.1.11'}[sig]
    alg = seq(oid(sig_oid), NULL)
    serial = integer(bytes([0x40 | rng.randrange(0x40)]) + rng.randbytes(serial_len - 1))
    spki = seq(seq(oid('1.2.840.113549.1.1.1'), NULL),
               der(0x03, b'\0' + seq(integer(rsa_modulus(rng, key_bits)), integer(b'\x01\x00\x01'))))
    validity = seq(der(0x17, not_before.encode()), der(0x17, not_after.encode()))
    tbs_items = []
    if v3_ext is not None:
        tbs_items.append(der(0xa0, integer(b'\x02')))
    tbs_items += [serial, alg, name(issuer), validity, name(subject), spki]
    if v3_ext is not None:
        tbs_items.append(der(0xa3, seq(*v3_ext)))
    tbs = seq(*tbs_items)
    signature = der(0x03, b'\0' + rng.getrandbits(key_bits).to_bytes(key_bits // 8, 'big'))
    return seq(tbs, alg, signature)


def ext_san(dns_names):
    gn = b''.join(der(0x82, n.encode()) for n in dns_names)
    return seq(oid('2.5.29.17'), der(0x04, seq(gn)))


def ext_basic_constraints_ca():
    return seq(oid('2.5.29.19'), der(0x01, b'\xff'), der(0x04, seq(der(0x01, b'\xff'))))


def certificate_of_length(rng_factory, target, build):
    """The first build(rng, pad), pad = 0, 1, 2, ..., whose DER is `target` bytes."""
    for pad in range(20):
        c = build(rng_factory(), pad)
        if len(c) == target:
            return c
    raise ValueError('cannot reach certificate length %d' % target)

# ----------------------------------------------------------------------- TLS records

CT_CCS, CT_ALERT, CT_HANDSHAKE, CT_APPDATA = 20, 21, 22, 23
TLS10, TLS12 = 0x0301, 0x0303


def record(ct, body, ver=TLS10):
    return struct.pack('!BHH', ct, ver, len(body)) + body


def hs(htype, body):
    return struct.pack('!B', htype) + len(body).to_bytes(3, 'big') + body


def ccs(ver=TLS10):
    return record(CT_CCS, b'\x01', ver)


def encrypted(rng, ct, nbytes, ver=TLS10):
    """A record whose body is nbytes of ciphertext (seeded random bytes)."""
    return record(ct, rng.randbytes(nbytes), ver)


def cbc_len(plain, mac=20, block=8):
    """TLS 1.0 CBC ciphertext length for `plain` bytes of content."""
    n = plain + mac + 1
    return n + (-n) % block


def alert(level, desc, ver=TLS10):
    return record(CT_ALERT, bytes([level, desc]), ver)


# SSLv2 CHALLENGE / cipher specs as an XP-era Windows client (Schannel) offers them.
SSL2_SPECS = [0x000004, 0x000005, 0x00000a, 0x010080, 0x070080, 0x030080, 0x000009,
              0x060040, 0x000064, 0x000062, 0x000003, 0x000006, 0x020080, 0x040080,
              0x000013, 0x000012, 0x000063, 0x00002f, 0x000035, 0x000032, 0x000038,
              0x000033, 0x000039, 0x000016, 0x000015, 0x000014, 0x000011]


def sslv2_client_hello(rng):
    """SSLv2-format ClientHello asking for TLS 1.0: 27 cipher specs, 32-byte challenge
    -> 124 bytes on the wire."""
    specs = b''.join(s.to_bytes(3, 'big') for s in SSL2_SPECS)
    challenge = rng.randbytes(32)
    body = struct.pack('!BHHHH', 1, TLS10, len(specs), 0, len(challenge)) + specs + challenge
    return struct.pack('!H', 0x8000 | len(body)) + body


TLS10_SUITES = [0x0004, 0x0005, 0x000a, 0x0009, 0x0064, 0x0062, 0x0003, 0x0006,
                0x0013, 0x0012, 0x0063, 0x002f, 0x0035]


def client_hello_tls10(rng):
    """A plain TLS 1.0 ClientHello without extensions (old Schannel style)."""
    body = struct.pack('!H', TLS10) + rng.randbytes(32) + b'\x00'
    body += struct.pack('!H', 2 * len(TLS10_SUITES)) + b''.join(struct.pack('!H', c) for c in TLS10_SUITES)
    body += b'\x01\x00'
    return record(CT_HANDSHAKE, hs(1, body))


def server_hello_tls10(rng, suite=0x000a):
    body = struct.pack('!H', TLS10) + rng.randbytes(32) + b'\x20' + rng.randbytes(32)
    body += struct.pack('!HB', suite, 0)
    return hs(2, body)


def certificate_msg(certs):
    lst = b''.join(len(c).to_bytes(3, 'big') + c for c in certs)
    return hs(11, len(lst).to_bytes(3, 'big') + lst)


SERVER_HELLO_DONE = hs(14, b'')


def client_key_exchange_rsa(rng, key_bytes=128):
    return hs(16, struct.pack('!H', key_bytes) + rng.randbytes(key_bytes))


def quickvpn_client_finish(rng):
    """ClientKeyExchange (RSA-1024) + ChangeCipherSpec + encrypted Finished (3DES-SHA)
    = 139 + 6 + 45 = 190 bytes."""
    return (record(CT_HANDSHAKE, client_key_exchange_rsa(rng)) + ccs()
            + encrypted(rng, CT_HANDSHAKE, cbc_len(16)))


def quickvpn_server_finish(rng):
    """ChangeCipherSpec + encrypted Finished: 6 + 45 = 51 bytes."""
    return ccs() + encrypted(rng, CT_HANDSHAKE, cbc_len(16))


def encrypted_alert(rng):
    """close_notify under 3DES-SHA: 2 + 20 + pad -> 24 bytes -> 29-byte record."""
    return encrypted(rng, CT_ALERT, cbc_len(2))


def app_data_pair(rng, total):
    """Two application-data records in one segment, `total` bytes in all.

    Schannel / OpenSSL of that era sent each HTTP message as header + body
    records; both bodies are CBC blocks when total - 10 is a multiple of 8."""
    body = total - 10
    first = 8 * max(3, min(body // 8 - 3, (body // 8) * 3 // 5))
    second = body - first
    return encrypted(rng, CT_APPDATA, first) + encrypted(rng, CT_APPDATA, second)

# ----------------------------------------------------------------------- TLS 1.2 (HTTPS background)

TLS12_SUITES = [0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014,
                0x009c, 0x009d, 0x002f, 0x0035, 0x000a]


def ext(etype, data):
    return struct.pack('!HH', etype, len(data)) + data


def client_hello_tls12(rng, sni):
    sn = sni.encode()
    exts = ext(0, struct.pack('!HBH', len(sn) + 3, 0, len(sn)) + sn)
    exts += ext(23, b'') + ext(0xff01, b'\x00')
    exts += ext(10, struct.pack('!HHHH', 6, 0x001d, 0x0017, 0x0018))
    exts += ext(11, b'\x01\x00') + ext(35, b'')
    alpn = b'\x02h2\x08http/1.1'
    exts += ext(16, struct.pack('!H', len(alpn)) + alpn)
    exts += ext(5, b'\x01\x00\x00\x00\x00')
    sigs = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601, 0x0201]
    exts += ext(13, struct.pack('!H', 2 * len(sigs)) + b''.join(struct.pack('!H', s) for s in sigs))
    body = struct.pack('!H', TLS12) + rng.randbytes(32) + b'\x20' + rng.randbytes(32)
    body += struct.pack('!H', 2 * len(TLS12_SUITES)) + b''.join(struct.pack('!H', c) for c in TLS12_SUITES)
    body += b'\x01\x00' + struct.pack('!H', len(exts)) + exts
    return record(CT_HANDSHAKE, hs(1, body), TLS10)


def server_flight_tls12(rng, cert):
    exts = ext(0xff01, b'\x00') + ext(11, b'\x01\x00') + ext(23, b'')
    sh = struct.pack('!H', TLS12) + rng.randbytes(32) + b'\x20' + rng.randbytes(32)
    sh += struct.pack('!HB', 0xc02f, 0) + struct.pack('!H', len(exts)) + exts
    point = b'\x04' + rng.randbytes(64)
    ske = struct.pack('!BHB', 3, 0x0017, len(point)) + point + struct.pack('!HH', 0x0401, 256) + rng.randbytes(256)
    msgs = hs(2, sh) + certificate_msg([cert]) + hs(12, ske) + SERVER_HELLO_DONE
    return record(CT_HANDSHAKE, msgs, TLS12)


def client_finish_tls12(rng):
    point = b'\x04' + rng.randbytes(64)
    return (record(CT_HANDSHAKE, hs(16, bytes([len(point)]) + point), TLS12) + ccs(TLS12)
            + encrypted(rng, CT_HANDSHAKE, 40, TLS12))


def server_finish_tls12(rng):
    return ccs(TLS12) + encrypted(rng, CT_HANDSHAKE, 40, TLS12)


def gcm_record(rng, ct, plain):
    """AES-GCM record: 8-byte explicit nonce + plaintext + 16-byte tag."""
    return encrypted(rng, ct, 8 + plain + 16, TLS12)
