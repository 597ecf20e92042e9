#!/usr/bin/python3
"""Write tests/unit/ike_samples.h: ISAKMP messages cut from captures/public, for
test_ike_sa.c and (through tests/fuzz/make_wire_corpus.py) the fuzz_wire seeds.

Each message is the UDP payload of the frame named (without the non-ESP marker on
port 4500), from Wireshark 4.0's own tshark:
    tshark -r captures/public/CAPTURE -Y 'frame.number==N' -T fields -e udp.payload

    /usr/bin/python3 tests/unit/make_ike_samples.py > tests/unit/ike_samples.h
"""
import os
import subprocess
import sys

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')

# (array name, capture, frame, what it is)
SAMPLES = [
    ('v1_mm1_openswan', 'tcpdump__isakmp4500.pcap', 3,
     'IKEv1 Main Mode 1 (Openswan, 192.1.2.254 -> 192.1.2.23): one proposal of 4 '
     'transforms, 6 Vendor IDs'),
    ('v1_mm3_natd_md5', 'tcpdump__isakmp4500.pcap', 5,
     'IKEv1 Main Mode 3 (192.1.2.254:500 -> 192.1.2.23:500): KE, Nonce, two NAT-D '
     '(type 20), MD5 negotiated'),
    ('v1_mm1_strongswan', 'zeek-spicy-ipsec__ipsec.cap', 1,
     'IKEv1 Main Mode 1 (strongSwan, 192.168.140.205 -> .200): one transform, '
     '8 Vendor IDs'),
    ('v1_mm2_strongswan', 'zeek-spicy-ipsec__ipsec.cap', 4,
     'IKEv1 Main Mode 2 (strongSwan responder, .200 -> .205): the chosen transform'),
    ('v1_mm3_natd_sha1', 'zeek-spicy-ipsec__ipsec.cap', 5,
     'IKEv1 Main Mode 3 (192.168.140.205:500 -> .200:500): two NAT-D (type 20), SHA1'),
    ('v1_am2_cisco', 'zeek-spicy-ipsec__ipsec-ikev1-isakmp-aggressive-mode.pcap', 2,
     'IKEv1 Aggressive Mode 2 (192.168.12.2 -> .1): Cisco Unity, XAUTH, DPD, NAT-D'),
    ('v1_mm2_fortigate', 'arkime__IKEv1.pcap', 2,
     'IKEv1 Main Mode 2: DPD, FRAGMENTATION twice, FortiGate'),
    ('v2_init_windows', 'zeek-spicy-ipsec__ipsec_client.pcap', 1,
     'IKEv2 IKE_SA_INIT request (Windows, 192.168.0.10:500 -> 144.76.154.114:500): '
     '12 proposals, NAT-D notifies, MS Vendor IDs'),
    ('v2_invalid_ke', 'ukncsc-zeek-ikev2__ikev2.pcap', 2,
     'IKEv2 IKE_SA_INIT response: INVALID_KE_PAYLOAD'),
    ('v2_redirect', 'scapy__ikev2_notify_redirect.pcap', 2,
     'IKEv2 IKE_SA_INIT response: REDIRECT'),
]


def payload(cap, frame):
    out = subprocess.run(['tshark', '-r', os.path.join(TOP, 'captures', 'public', cap),
                          '-Y', 'frame.number==%d' % frame, '-T', 'fields',
                          '-e', 'udp.srcport', '-e', 'udp.dstport', '-e', 'udp.payload'],
                         check=True, capture_output=True, text=True).stdout.split()
    data = bytes.fromhex(out[2].replace(':', ''))
    if '4500' in out[:2] and data[:4] == b'\0\0\0\0':
        data = data[4:]
    return data


def main():
    w = sys.stdout.write
    w('/* ike_samples.h — ISAKMP messages cut from captures/public, for test_ike_sa.c.\n'
      ' * Written by tests/unit/make_ike_samples.py (the UDP payload of each frame named,\n'
      ' * without the non-ESP marker); do not edit, derive variants in the tests.\n'
      ' *\n'
      ' * SPDX-License-Identifier: GPL-2.0-or-later\n'
      ' */\n#ifndef IKE_SAMPLES_H\n#define IKE_SAMPLES_H\n\n#include <stdint.h>\n\n')
    for name, cap, frame, what in SAMPLES:
        data = payload(cap, frame)
        w('/* %s frame %d: %s */\nstatic const uint8_t %s[] = {\n' % (cap, frame, what, name))
        for i in range(0, len(data), 12):
            w('    ' + ' '.join('0x%02x,' % b for b in data[i:i + 12]) + '\n')
        w('};\n\n')
    w('#endif /* IKE_SAMPLES_H */\n')


if __name__ == '__main__':
    main()
