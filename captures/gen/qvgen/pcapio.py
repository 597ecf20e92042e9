"""Streaming pcap / pcapng writers (Ethernet link type, microsecond timestamps).

Nothing here depends on the host: no hostname, OS or application strings that
vary.  The pcapng section header carries one fixed shb_userappl string.
"""
import struct

LINKTYPE_ETHERNET = 1
SNAPLEN = 262144


class PcapWriter:
    """Classic libpcap format, little-endian, microsecond resolution."""

    def __init__(self, fileobj, linktype=LINKTYPE_ETHERNET):
        self.f = fileobj
        self.count = 0
        self.f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, SNAPLEN, linktype))

    def write(self, ts_us, frame):
        n = len(frame)
        self.f.write(struct.pack('<IIII', ts_us // 1000000, ts_us % 1000000, n, n))
        self.f.write(frame)
        self.count += 1


def _opt(code, value):
    pad = (-len(value)) % 4
    return struct.pack('<HH', code, len(value)) + value + b'\0' * pad


class PcapngWriter:
    """pcapng: one SHB, one Ethernet IDB (if_tsresol 6 = microseconds), EPBs."""

    USERAPPL = b'qvpn captures/gen (deterministic generator)'

    def __init__(self, fileobj, linktype=LINKTYPE_ETHERNET, if_name=b'eth0'):
        self.f = fileobj
        self.count = 0
        opts = _opt(4, self.USERAPPL) + _opt(0, b'')
        body = struct.pack('<IHHq', 0x1A2B3C4D, 1, 0, -1) + opts
        self._block(0x0A0D0D0A, body)
        opts = _opt(2, if_name) + _opt(9, b'\x06') + _opt(0, b'')
        body = struct.pack('<HHI', linktype, 0, SNAPLEN) + opts
        self._block(0x00000001, body)

    def _block(self, btype, body):
        total = 12 + len(body)
        self.f.write(struct.pack('<II', btype, total) + body + struct.pack('<I', total))

    def write(self, ts_us, frame):
        n = len(frame)
        pad = (-n) % 4
        body = struct.pack('<IIIII', 0, ts_us >> 32, ts_us & 0xffffffff, n, n) + frame + b'\0' * pad
        self._block(0x00000006, body)
        self.count += 1


def open_writer(fileobj, fmt):
    if fmt == 'pcapng':
        return PcapngWriter(fileobj)
    if fmt == 'pcap':
        return PcapWriter(fileobj)
    raise ValueError(fmt)
