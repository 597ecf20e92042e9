#!/usr/bin/python3
"""Write the seed corpus of fuzz_wire (tests/fuzz/corpus-wire/seed-*.bin).

The bytes are those of tests/unit/wire_samples.h (real header bytes cut from
captures/public; the header says which capture and frame) and of
tests/unit/ike_samples.h (whole ISAKMP messages, seeds seed-ike-*), so the unit
tests and the fuzzer start from the same truth.  Each array is one seed; three more stack
them into whole packets as fuzz_wire.c reads them (IP, then UDP/ESP, then ISAKMP):

  packet-v4-ike     zeek-spicy-ipsec__ipsec.cap frame 3 from its IPv4 header on
  packet-v6-esp     zeek__ip6_esp.pcap frame 2, its ESP cut after 16 bytes
  packet-v4-natt    the frame 3 headers with UDP 4500 and a non-ESP marker, carrying
                    arkime__IKEv2.pcap frame 4 (IKE_AUTH, SK): derived, not captured

The arrays of tests/unit/netwire_samples.h (ICMP errors, IP fragments, TLS hellos)
are seeds too, and two more packets carry them (derived, not captured):

  packet-v4-icmp    frame 3's IPv4 header as ICMP around icmp_port_unreach
  packet-v4-tls     frame 3's IPv4 header as TCP, the SYN's TCP header
                    (ndpi__tls_alert.pcap frame 1), then refused_client_hello

    /usr/bin/python3 tests/fuzz/make_wire_corpus.py [OUTDIR]

Deterministic: same bytes every run.
"""
import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, '..', 'unit', 'wire_samples.h')
IKE_SAMPLES = os.path.join(HERE, '..', 'unit', 'ike_samples.h')
NETWIRE_SAMPLES = os.path.join(HERE, '..', 'unit', 'netwire_samples.h')


def arrays(path):
    text = open(path).read()
    out = {}
    for name, body in re.findall(r'static const uint8_t (\w+)\[\] = \{(.*?)\};', text, re.S):
        out[name] = bytes(int(x, 16) for x in re.findall(r'0x([0-9a-fA-F]{2})', body))
    return out


def natt(a):
    """Frame 3's IPv4 and UDP headers, moved to port 4500, around marker + SK message."""
    ike = b'\0\0\0\0' + a['v2_auth_sk']
    udp = bytearray(a['notify_udp'])
    udp[0:4] = struct.pack('!HH', 4500, 4500)
    udp[4:6] = struct.pack('!H', 8 + len(ike))
    ip = bytearray(a['notify_ip'])
    ip[2:4] = struct.pack('!H', len(ip) + len(udp) + len(ike))
    return bytes(ip + udp + ike)


def ip_around(a, proto, payload):
    """Frame 3's IPv4 header, protocol and total length changed, before payload."""
    ip = bytearray(a['notify_ip'])
    ip[9] = proto
    ip[2:4] = struct.pack('!H', len(ip) + len(payload))
    return bytes(ip) + payload


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, 'corpus-wire')
    os.makedirs(outdir, exist_ok=True)
    a = arrays(SAMPLES)
    seeds = {name.replace('_', '-'): data for name, data in a.items()}
    seeds['packet-v4-ike'] = a['notify_ip'] + a['notify_udp'] + a['v1_no_proposal']
    seeds['packet-v6-esp'] = a['ip6_hdr'] + a['ip6_esp']
    seeds['packet-v4-natt'] = natt(a)
    # Whole ISAKMP messages with SA, Notify, NAT-D and Vendor ID payloads for the
    # readers of qvpn_ike_sa.h / qvpn_vendor.h (tests/unit/ike_samples.h).
    for name, data in arrays(IKE_SAMPLES).items():
        seeds['ike-' + name.replace('_', '-')] = data
    n = arrays(NETWIRE_SAMPLES)
    seeds.update({name.replace('_', '-'): data for name, data in n.items()})
    seeds['packet-v4-icmp'] = ip_around(a, 1, n['icmp_port_unreach'])
    seeds['packet-v4-tls'] = ip_around(a, 6, a['syn_tcp'] + n['refused_client_hello'])
    for name, data in sorted(seeds.items()):
        with open(os.path.join(outdir, 'seed-%s.bin' % name), 'wb') as f:
            f.write(data)
    print('%d seeds in %s' % (len(seeds), outdir))


if __name__ == '__main__':
    main()
