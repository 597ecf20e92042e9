"""valgrind memcheck of tshark with the normally built qvpn module.

A representative subset (the reference, every scenario, IKE/ESP/TLS public captures
including a parser crasher, and hostile link layers, IPv6, disorder and reuse) is
merged into one file and read with two passes, the full tree and every statistics
table; the MM1 flood with a small session cap covers the cap paths.

Wireshark and GLib have leaks of their own (about 30 definitely-lost blocks on any
file with 4.0.17: GVariants of a worker thread...).  What fails here is any error
whose stack, or whose uninitialised value's origin, runs through qvpn.so or a qvpn_*
function, and any leak of memory qvpn allocated itself (see attributable()).
--keep-debuginfo=yes matters: Wireshark unloads plugins at exit, and without it the
module's frames in leak stacks are anonymous.
"""
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from conftest import REPO, report

CAPTURES = REPO / 'captures'
SUBSET = ([CAPTURES / 'quickvpn-reference.pcapng'] +
          sorted(p for p in (CAPTURES / 'scenarios').iterdir() if p.suffix in ('.pcap', '.pcapng')) +
          [CAPTURES / 'public' / n for n in (
              'arkime__IKEv1.pcap', 'arkime__IKEv2.pcap', 'tcpdump__isakmp-pointer-loop.pcap',
              'zeek__ip6_esp.pcap', 'scapy__ikev2_nat_t.pcapng', 'ndpi__tls_alert.pcap')] +
          [CAPTURES / 'regress' / n for n in (
              'cookie-spi-reuse.pcap', 'reference-sll.pcap', 'reference-ipv6.pcapng',
              'reference-reorder-dup.pcap', 'reference-time-backwards.pcapng')])

VALGRIND = ['valgrind', '--tool=memcheck', '--leak-check=full', '--track-origins=yes',
            '--keep-debuginfo=yes',                 # Wireshark dlcloses plugins at exit
            '--num-callers=40', '--xml=yes']


def is_qvpn(frame):
    return ('qvpn' in (frame.findtext('obj') or '').rsplit('/', 1)[-1]
            or (frame.findtext('fn') or '').startswith('qvpn_'))


# Where allocations come from: the allocator itself, libc, GLib (g_malloc, g_array_new,
# g_strdup_printf...).  The first frame below them is who asked for the memory.
ALLOCATOR_OBJS = ('vgpreload_', 'libc.so', 'libglib-2.0.so')


def attributable(err):
    """An error with qvpn in any stack (invalid access, uninitialised value and its
    origin), or a leak of memory qvpn allocated itself (libc/GLib called from qvpn).
    A leak allocated inside libwireshark on qvpn's behalf (stats_tree nodes, wmem) is
    Wireshark's to free and is not counted."""
    if not err.findtext('kind', '').startswith('Leak_'):
        return any(is_qvpn(f) for s in err.iter('stack') for f in s.iter('frame'))
    for f in err.find('stack').iter('frame'):
        if any(a in (f.findtext('obj') or '') for a in ALLOCATOR_OBJS):
            continue
        return is_qvpn(f)
    return False


def describe(err):
    what = err.findtext('what') or err.findtext('xwhat/text') or ''
    lines = [err.findtext('kind') + ': ' + what]
    for stack in err.iter('stack'):
        for f in list(stack.iter('frame'))[:15]:
            lines.append('    %s (%s:%s) %s' % (f.findtext('fn'), f.findtext('file'),
                                                f.findtext('line'), f.findtext('obj')))
        lines.append('  ---')
    return '\n'.join(lines)


def memcheck(qvpn, tmp, name, args):
    xml = tmp / (name + '.xml')
    r = qvpn.run(args, wrapper=VALGRIND + ['--xml-file=' + str(xml)],
                 env_extra={'G_SLICE': 'always-malloc'}, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    root = ET.parse(xml).getroot()
    errors = list(root.iter('error'))
    ours = [e for e in errors if attributable(e)]
    via = [e for e in errors if e not in ours and
           any(is_qvpn(f) for s in e.iter('stack') for f in s.iter('frame'))]
    report('valgrind %s: %d errors/leaks in total (Wireshark/GLib), %d attributable to qvpn, '
           '%d Wireshark-owned with qvpn in the stack' % (name, len(errors), len(ours), len(via)))
    for e in via:
        print(describe(e))
    assert not ours, '\n\n'.join(describe(e) for e in ours)


@pytest.fixture(scope='module')
def vg_dir(tshark_base):
    if not shutil.which('valgrind'):
        pytest.skip('valgrind not installed')
    d = tshark_base.scratch('valgrind')
    os.chmod(d, 0o777)              # valgrind writes its XML as nobody
    return d


def test_memcheck_subset(qvpn, vg_dir):
    merged = vg_dir / 'subset.pcapng'
    subprocess.run(['mergecap', '-a', '-F', 'pcapng', '-w', str(merged)] +
                   [str(p) for p in SUBSET], check=True)
    os.chmod(merged, 0o644)
    memcheck(qvpn, vg_dir, 'subset', ['-r', merged, '-2', '-V', '-z', 'qvpn,sessions',
                                      '-z', 'qvpn,rtt,json', '-z', 'qvpn_rtt,tree'])


def test_memcheck_session_cap(qvpn, vg_dir):
    cap = qvpn.readable(CAPTURES / 'regress' / 'mm1-flood-300.pcap')
    memcheck(qvpn, vg_dir, 'session-cap', ['-r', cap, '-o', 'qvpn.max_sessions:100',
                                           '-z', 'qvpn,sessions', '-z', 'expert'])
