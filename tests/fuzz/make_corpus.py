#!/usr/bin/python3
"""Write the seed corpus of fuzz_engine (tests/fuzz/corpus/seed-*.bin).

Each seed encodes a QuickVPN-like flow in fuzz_engine.c's input format, so that the
fuzzer starts from inputs that reach deep into the state machines (Main Mode to
QM_IDLE, ESP both ways, teardown, IKEv2, stalls, caps) instead of discovering them
byte by byte.  The encoder mirrors read_obs() in fuzz_engine.c; change both together.

    /usr/bin/python3 tests/fuzz/make_corpus.py [OUTDIR]

Deterministic: same bytes every run.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# Pools, as in fuzz_engine.c
CLIENT, GATEWAY, HOST_C, HOST_D, V6_A, V6_B = range(6)
PORTS = {443: 0, 60443: 1, 500: 2, 4500: 3, 3859: 4, 3862: 5, 80: 6, 0: 7}
EXCH = {2: 0, 4: 1, 5: 2, 32: 3, 34: 4, 35: 5, 36: 6, 37: 7}

SYN, ACK, FIN, RST, PSH = 0x02, 0x10, 0x01, 0x04, 0x08
CT_CCS, CT_ALERT, CT_HS, CT_APP = 20, 21, 22, 23
PL_SA, PL_KE, PL_ID, PL_HASH, PL_NONCE, PL_NOTIFY, PL_DELETE, PL_VID = 1, 4, 5, 8, 10, 11, 12, 13
PL_V2_SK = 46


def port(p):
    if p in PORTS:
        return bytes([PORTS[p]])
    return b'\xc0' + struct.pack('!H', p)


class Seed:
    def __init__(self, max_sessions=64, stall=10, esp_pkts=10, esp_s=5, logout=30,
                 ports=None, gateways=None):
        c0 = 0
        cfg = b''
        if max_sessions is not None:
            c0 |= 0x80
            cfg += bytes([max_sessions & 0xff])
        cfg += bytes([stall, esp_pkts, esp_s, logout])
        if ports is not None:
            c0 |= 0x40
            cfg += b''.join(port(p) for p in (list(ports) + [0] * 8)[:8])
        if gateways is not None:
            c0 |= 0x20
            cfg += bytes((list(gateways) + [gateways[0]] * 8)[:8])
        self.b = bytearray([c0]) + cfg

    # time: ('s', seconds-step up to 65535), ('us', step), ('back', seconds), ('same',),
    #       ('abs', int64)
    def _ts(self, t):
        kind = t[0]
        if kind == 's':
            return bytes([0x00]) + struct.pack('!H', t[1])
        if kind == 'us':
            return bytes([0x60]) + struct.pack('!H', t[1])
        if kind == 'back':
            return bytes([0x80]) + struct.pack('!H', t[1])
        if kind == 'same':
            return bytes([0xa0, 0, 0])
        if kind == 'abs':
            return bytes([0xe3, 0, 0]) + struct.pack('!q', t[1])
        if kind == 'max':
            return bytes([0xe0, 0, 0])
        if kind == 'min':
            return bytes([0xe1, 0, 0])
        raise ValueError(kind)

    def _head(self, kind, t, src, dst, sport, dport):
        return bytes([kind, 0]) + self._ts(t) + bytes([src, dst]) + port(sport) + port(dport)

    def tcp(self, t, src, dst, sport, dport, flags, stream=0, seg=0, ct=None, hs=None,
            sslv2=False, alert=None):
        tb = 0
        extra = b''
        if ct is not None:
            tb |= 1
            extra += bytes([ct - 20])
        if hs is not None:
            tb |= 4
            extra += bytes([hs])
        if sslv2:
            tb |= 16
        if alert is not None:
            tb |= 32
            extra += bytes(alert)
        self.b += self._head(0x01, t, src, dst, sport, dport)
        self.b += bytes([stream, flags, min(seg, 255), tb]) + extra

    def ike(self, t, src, dst, exch, flags=0, icookie=1, rcookie=0, msgid=0, length=100,
            payloads=(), notify=(), sk_inner=0, version=1, sport=500, dport=500):
        self.b += self._head(0x02, t, src, dst, sport, dport)
        sel = (version & 3) | (EXCH[exch] << 2)
        self.b += bytes([sel, flags])
        self.b += bytes([0x60 + (icookie - 1)])            # >= 0x60: one of four cookies
        self.b += bytes([0 if rcookie == 0 else 0x60 + (rcookie - 1)])
        self.b += bytes([0 if msgid == 0 else 0x80 + (msgid & 3)])
        self.b += struct.pack('!H', length)
        pl = 0
        for p in payloads:
            pl |= 1 << p
        self.b += bytes([0]) + struct.pack('!H', (pl >> 1) & 0xffff)
        self.b += bytes([len(notify)])
        for i in range(4):
            n = notify[i] if i < len(notify) else 0
            self.b += bytes([1]) + struct.pack('!H', n)
        self.b += bytes([sk_inner])

    def esp(self, t, src, dst, spi_idx, seq):
        self.b += self._head(0x04, t, src, dst, 0, 0)
        self.b += bytes([spi_idx & 3]) + struct.pack('!I', seq)

    def keepalive(self, t, src, dst):
        self.b += self._head(0x08, t, src, dst, 4500, 4500)

    def flood(self, t, src, dst, exch, count):
        """The same IKE message from `count` sources (the harness's repeat)."""
        self.b += self._head(0x02, t, src, dst, 0xffff, 500)
        self.b += bytes([1 | (EXCH[exch] << 2), 0, 0x60, 0, 0]) + struct.pack('!H', 100)
        self.b += bytes([0]) + struct.pack('!H', (1 << PL_SA) >> 1) + bytes([0])
        self.b += b'\x01\x00\x00' * 4 + b'\x00'
        self.b += bytes([count - 1])


def tls_login(s, c, g, cport, gport=443, stream=0, alert_fatal=None, rst=True):
    s.tcp(('s', 1), c, g, cport, gport, SYN, stream)
    s.tcp(('us', 30000), g, c, gport, cport, SYN | ACK, stream)
    s.tcp(('us', 200), c, g, cport, gport, ACK, stream)
    s.tcp(('us', 300), c, g, cport, gport, PSH | ACK, stream, seg=100, ct=CT_HS, hs=1, sslv2=True)
    s.tcp(('us', 30000), g, c, gport, cport, PSH | ACK, stream, seg=200, ct=CT_HS, hs=2)
    if alert_fatal is not None:
        s.tcp(('us', 500), c, g, cport, gport, PSH | ACK, stream, seg=7, ct=CT_ALERT,
              alert=(2, alert_fatal))
        s.tcp(('us', 500), g, c, gport, cport, RST | ACK, stream)
        return
    s.tcp(('us', 500), c, g, cport, gport, PSH | ACK, stream, seg=180, ct=CT_HS, hs=16)
    s.tcp(('us', 30000), g, c, gport, cport, PSH | ACK, stream, seg=51, ct=CT_CCS)
    s.tcp(('us', 500), c, g, cport, gport, PSH | ACK, stream, seg=300, ct=CT_APP)
    s.tcp(('us', 30000), g, c, gport, cport, PSH | ACK, stream, seg=900, ct=CT_APP)
    s.tcp(('us', 500), c, g, cport, gport, PSH | ACK, stream, seg=37, ct=CT_ALERT, alert=(0, 0))
    s.tcp(('us', 100), c, g, cport, gport, FIN | ACK, stream)
    s.tcp(('us', 30000), g, c, gport, cport, PSH | ACK, stream, seg=37, ct=CT_ALERT, alert=(0, 0))
    if rst:
        s.tcp(('us', 100), g, c, gport, cport, RST | ACK, stream)


def main_mode(s, c, g, ck=1, upto=6, psk_mismatch=False):
    s.ike(('s', 1), c, g, 2, icookie=ck, payloads=(PL_SA, PL_VID))
    if upto >= 2:
        s.ike(('us', 40000), g, c, 2, icookie=ck, rcookie=ck, payloads=(PL_SA, PL_VID))
    if upto >= 3:
        s.ike(('us', 20000), c, g, 2, icookie=ck, rcookie=ck, payloads=(PL_KE, PL_NONCE))
    if upto >= 4:
        s.ike(('us', 40000), g, c, 2, icookie=ck, rcookie=ck, payloads=(PL_KE, PL_NONCE))
    if upto >= 5:
        s.ike(('us', 20000), c, g, 2, flags=1, icookie=ck, rcookie=ck, payloads=(PL_ID,))
        if psk_mismatch:
            for _ in range(3):
                s.ike(('s', 5), c, g, 2, flags=1, icookie=ck, rcookie=ck, payloads=(PL_ID,))
            s.ike(('s', 12), c, g, 5, icookie=ck, rcookie=ck, notify=(23,), payloads=(PL_NOTIFY,))
            return
    if upto >= 6:
        s.ike(('us', 40000), g, c, 2, flags=1, icookie=ck, rcookie=ck, payloads=(PL_ID,))


def quick_mode(s, c, g, ck=1, msgid=1):
    s.ike(('us', 20000), c, g, 32, flags=1, icookie=ck, rcookie=ck, msgid=msgid, length=300)
    s.ike(('us', 40000), g, c, 32, flags=1, icookie=ck, rcookie=ck, msgid=msgid, length=280)
    s.ike(('us', 1000), c, g, 32, flags=1, icookie=ck, rcookie=ck, msgid=msgid, length=60)


def esp_both(s, c, g, n=4):
    for i in range(n):
        s.esp(('us', 60000), c, g, 0, i + 1)
        s.esp(('us', 30000), g, c, 1, i + 1)


def seeds():
    out = {}

    s = Seed()
    tls_login(s, CLIENT, GATEWAY, 3859)
    main_mode(s, CLIENT, GATEWAY)
    quick_mode(s, CLIENT, GATEWAY)
    esp_both(s, CLIENT, GATEWAY)
    s.keepalive(('s', 5), CLIENT, GATEWAY)
    s.ike(('s', 5), CLIENT, GATEWAY, 5, flags=1, icookie=1, rcookie=1, msgid=2,
          payloads=(PL_HASH, PL_DELETE))
    tls_login(s, CLIENT, GATEWAY, 3862, stream=1)
    out['reference'] = s

    s = Seed()
    s.ike(('s', 1), V6_A, V6_B, 34, flags=0x08, version=2, length=300, payloads=(33, 34, 40))
    s.ike(('us', 30000), V6_B, V6_A, 34, flags=0x20, version=2, rcookie=2, length=300,
          payloads=(33, 34, 40))
    s.ike(('us', 2000), V6_A, V6_B, 35, flags=0x08, version=2, rcookie=2, msgid=1, length=400,
          payloads=(PL_V2_SK,), sk_inner=35, sport=4500, dport=4500)
    s.ike(('us', 30000), V6_B, V6_A, 35, flags=0x20, version=2, rcookie=2, msgid=1, length=300,
          payloads=(PL_V2_SK,), sk_inner=36, sport=4500, dport=4500)
    esp_both(s, V6_A, V6_B)
    s.ike(('s', 60), V6_A, V6_B, 37, flags=0x08, version=2, rcookie=2, msgid=2, length=80,
          payloads=(PL_V2_SK,), sk_inner=42)
    out['ikev2-v6'] = s

    s = Seed()
    s.ike(('s', 1), CLIENT, GATEWAY, 34, flags=0x08, version=2, length=300)
    s.ike(('us', 30000), GATEWAY, CLIENT, 34, flags=0x20, version=2, rcookie=2, length=300)
    s.ike(('us', 2000), CLIENT, GATEWAY, 35, flags=0x08, version=2, rcookie=2, msgid=1,
          length=400, payloads=(PL_V2_SK,), sk_inner=35)
    s.ike(('us', 30000), GATEWAY, CLIENT, 35, flags=0x20, version=2, rcookie=2, msgid=1,
          length=80, payloads=(PL_V2_SK,), sk_inner=41)
    s.ike(('s', 1), CLIENT, GATEWAY, 34, flags=0x08, version=2, icookie=3, length=300)
    s.ike(('us', 30000), GATEWAY, CLIENT, 34, flags=0x20, version=2, icookie=3, rcookie=4,
          length=100, notify=(14,), payloads=(PL_NOTIFY,))
    out['ikev2-auth-failed'] = s

    s = Seed()
    tls_login(s, CLIENT, GATEWAY, 3859)
    main_mode(s, CLIENT, GATEWAY, upto=5, psk_mismatch=True)
    out['psk-mismatch'] = s

    s = Seed(stall=5)
    for _ in range(4):
        s.ike(('s', 8), CLIENT, GATEWAY, 2, icookie=1, payloads=(PL_SA,))
    s.tcp(('s', 20), CLIENT, GATEWAY, 3859, 60443, SYN)
    out['gateway-silent'] = s

    s = Seed(esp_pkts=5, esp_s=2)
    main_mode(s, CLIENT, GATEWAY)
    quick_mode(s, CLIENT, GATEWAY)
    for i in range(12):
        s.esp(('s', 1), CLIENT, GATEWAY, 0, i + 1)
    out['esp-one-way'] = s

    s = Seed()
    tls_login(s, CLIENT, GATEWAY, 3859, gport=60443, alert_fatal=40)
    out['tls-alert-rst'] = s

    s = Seed(max_sessions=8)
    s.flood(('s', 1), HOST_C, GATEWAY, 2, 32)
    s.tcp(('s', 1), HOST_D, GATEWAY, 40000, 443, SYN, stream=3)
    s.esp(('s', 1), HOST_D, GATEWAY, 2, 1)
    out['flood-cap'] = s

    s = Seed()
    s.ike(('abs', -(1 << 63)), CLIENT, GATEWAY, 2, icookie=1, payloads=(PL_SA,))
    s.ike(('max',), GATEWAY, CLIENT, 2, icookie=1, rcookie=1, payloads=(PL_SA,))
    s.ike(('min',), CLIENT, GATEWAY, 2, icookie=1, rcookie=1, payloads=(PL_KE,))
    s.ike(('max',), GATEWAY, CLIENT, 2, icookie=1, rcookie=1, payloads=(PL_KE,))
    s.ike(('min',), CLIENT, GATEWAY, 2, flags=1, icookie=1, rcookie=1)
    s.ike(('max',), GATEWAY, CLIENT, 2, flags=1, icookie=1, rcookie=1)
    s.tcp(('min',), CLIENT, GATEWAY, 3859, 443, SYN)
    s.tcp(('max',), GATEWAY, CLIENT, 443, 3859, SYN | ACK)
    s.esp(('back', 65535), CLIENT, GATEWAY, 0, 1)
    s.esp(('max',), GATEWAY, CLIENT, 1, 1)
    out['time-extremes'] = s

    s = Seed()
    main_mode(s, CLIENT, GATEWAY, ck=1, upto=2)
    main_mode(s, HOST_C, GATEWAY, ck=1, upto=6)
    main_mode(s, CLIENT, HOST_D, ck=1, upto=4)
    quick_mode(s, HOST_C, GATEWAY, ck=1, msgid=1)
    esp_both(s, CLIENT, GATEWAY, 2)
    esp_both(s, HOST_C, GATEWAY, 2)
    out['cookie-spi-reuse'] = s

    s = Seed()
    main_mode(s, CLIENT, GATEWAY)
    s.ike(('back', 3), GATEWAY, CLIENT, 2, icookie=1, rcookie=1, payloads=(PL_SA,))
    s.ike(('same',), CLIENT, GATEWAY, 2, icookie=1, payloads=(PL_SA,))
    quick_mode(s, CLIENT, GATEWAY)
    quick_mode(s, CLIENT, GATEWAY)
    s.esp(('back', 2), GATEWAY, CLIENT, 1, 9)
    esp_both(s, CLIENT, GATEWAY, 2)
    out['reorder-dup'] = s

    s = Seed(ports=(60443,), gateways=(GATEWAY,))
    s.ike(('s', 1), CLIENT, GATEWAY, 4, icookie=2, payloads=(PL_SA, PL_KE, PL_NONCE, PL_ID))
    s.ike(('us', 40000), GATEWAY, CLIENT, 4, icookie=2, rcookie=2,
          payloads=(PL_SA, PL_KE, PL_NONCE, PL_ID, PL_HASH))
    s.ike(('us', 20000), CLIENT, GATEWAY, 4, flags=1, icookie=2, rcookie=2)
    s.ike(('us', 20000), CLIENT, GATEWAY, 32, flags=1, icookie=2, rcookie=2, msgid=1)
    s.ike(('s', 30), CLIENT, GATEWAY, 32, flags=1, icookie=2, rcookie=2, msgid=1)
    tls_login(s, CLIENT, GATEWAY, 3859, gport=60443)
    out['aggressive-qm-stall'] = s
    return out


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, 'corpus')
    os.makedirs(outdir, exist_ok=True)
    for name, s in sorted(seeds().items()):
        with open(os.path.join(outdir, 'seed-%s.bin' % name), 'wb') as f:
            f.write(bytes(s.b))
    return 0


if __name__ == '__main__':
    sys.exit(main())
