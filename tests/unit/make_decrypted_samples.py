#!/usr/bin/python3
"""Write tests/unit/decrypted_samples.h: the bytes Wireshark decrypts with the keys
of its own test captures, for test_decrypted.c (and the fuzz_wire seeds).

For each frame, the data source the glue hands to qvpn_decrypted.h, as tshark -x
prints it:
  - IKEv1 "Decrypted IKE" of wireshark__ikev1-bug-12610.pcapng.gz, keyed by its
    .ikev1_decryption_table row;
  - IKEv2 "Decrypted Data" of every wireshark__ikev2-decrypt-* capture, keyed by its
    .ikev2_decryption_table row;
  - ESP "Decrypted Data" of wireshark__esp-bug-12671.pcapng.gz, keyed by its .esp_sa
    rows (with esp.enable_encryption_decode).
With each IKE sample, the message's major version, exchange type and the type of
the chain's first payload (the ISAKMP header's next payload for IKEv1, the SK
payload's for IKEv2), read from the frame's bytes.

The keyed captures and their key tables live in /work/shared/public-captures (see
SOURCES.md there; the keys are not in captures/public):
    /usr/bin/python3 tests/unit/make_decrypted_samples.py > tests/unit/decrypted_samples.h
QVPN_KEYED_CAPTURES names another folder.
"""
import os
import re
import subprocess

P = os.environ.get('QVPN_KEYED_CAPTURES', '/work/shared/public-captures')


def tshark_x(cap, opts):
    """Every frame's data sources, {name: bytes}, from tshark -x."""
    out = subprocess.run(['tshark', '-r', cap, '-x'] + opts, capture_output=True,
                         text=True, check=True).stdout
    frames, cur, src = [], None, None
    for line in out.splitlines():
        if not line.strip():
            if cur is not None:
                frames.append(cur)
            cur = None
            continue
        m = re.match(r'^(\S.*) \((\d+) bytes\):$', line)
        if m:
            cur = cur if cur is not None else {}
            src = m.group(1)
            cur[src] = bytearray()
            continue
        m = re.match(r'^[0-9a-f]{4}  ((?:[0-9a-f]{2} ?)+)', line)
        if m:
            if cur is None:
                cur, src = {'Frame': bytearray()}, 'Frame'
            cur[src] += bytes.fromhex(m.group(1).replace(' ', ''))
    if cur is not None:
        frames.append(cur)
    return frames


def ike_message(frame):
    """The ISAKMP message of an Ethernet/IPv4/UDP frame (500, or 4500 + marker)."""
    ip = 14
    udp = ip + (frame[ip] & 15) * 4
    sport = frame[udp] << 8 | frame[udp + 1]
    dport = frame[udp + 2] << 8 | frame[udp + 3]
    return frame[udp + 8 + (4 if 4500 in (sport, dport) else 0):]


def sk_next(msg):
    """The next payload of an IKEv2 message's SK payload."""
    t, off = msg[16], 28
    while t and off + 4 <= len(msg):
        if t == 46:
            return msg[off]
        t, off = msg[off], off + (msg[off + 2] << 8 | msg[off + 3])
    raise ValueError('no SK payload')


def key_rows(path):
    return [l.strip() for l in open(path) if l.strip() and not l.startswith('#')]


def emit(name, comment, data, major=0, exch=0, first=0):
    print('/* %s */' % comment)
    print('static const uint8_t %s[] = {' % name)
    for i in range(0, len(data), 12):
        print('    ' + ' '.join('0x%02x,' % b for b in data[i:i + 12]))
    print('};')
    if major:
        up = name.upper()
        print('#define %s_MAJOR %d\n#define %s_EXCH %d\n#define %s_FIRST %d'
              % (up, major, up, exch, up, first))
    print()


def main():
    print('/* decrypted_samples.h — what Wireshark decrypts with the keys of its own test')
    print(' * captures, for test_decrypted.c.  Written by tests/unit/make_decrypted_samples.py')
    print(' * (tshark -x data sources "Decrypted IKE" / "Decrypted Data"); do not edit.')
    print(' *')
    print(' * SPDX-License-Identifier: GPL-2.0-or-later')
    print(' */')
    print('#ifndef DECRYPTED_SAMPLES_H\n#define DECRYPTED_SAMPLES_H\n\n#include <stdint.h>\n')

    cap = 'wireshark__ikev1-bug-12610.pcapng.gz'
    row = key_rows(os.path.join(P, cap + '.ikev1_decryption_table'))[0]
    for i, f in enumerate(tshark_x(os.path.join(P, cap), ['-o', 'uat:ikev1_decryption_table:' + row]), 1):
        if 'Decrypted IKE' in f:
            msg = ike_message(f['Frame'])
            emit('v1_f%d' % i, '%s frame %d, "Decrypted IKE"' % (cap, i), f['Decrypted IKE'],
                 1, msg[18], msg[16])

    for cap in sorted(os.listdir(P)):
        if not cap.startswith('wireshark__ikev2-decrypt-') or cap.endswith('_table'):
            continue
        row = key_rows(os.path.join(P, cap + '.ikev2_decryption_table'))[0]
        short = re.sub(r'[^a-z0-9]+', '_', cap[len('wireshark__ikev2-decrypt-'):].split('.')[0])
        for i, f in enumerate(tshark_x(os.path.join(P, cap), ['-o', 'uat:ikev2_decryption_table:' + row]), 1):
            if 'Decrypted Data' in f:
                msg = ike_message(f['Frame'])
                emit('v2_%s_f%d' % (short, i), '%s frame %d, "Decrypted Data"' % (cap, i),
                     f['Decrypted Data'], 2, msg[18], sk_next(msg))

    cap = 'wireshark__esp-bug-12671.pcapng.gz'
    opts = ['-o', 'esp.enable_encryption_decode:TRUE']
    for row in key_rows(os.path.join(P, cap + '.esp_sa')):
        opts += ['-o', 'uat:esp_sa:' + row]
    for i, f in enumerate(tshark_x(os.path.join(P, cap), opts), 1):
        if 'Decrypted Data' in f:
            emit('esp_f%d' % i, '%s frame %d, "Decrypted Data" (the tunnelled packet, '
                 'then ESP\'s trailer)' % (cap, i), f['Decrypted Data'])
    print('#endif /* DECRYPTED_SAMPLES_H */')


main()
