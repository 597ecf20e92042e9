"""Capture-level fuzzing, the Wireshark way (tools/fuzz-test.sh): corrupt real
captures with editcap and make random ones with randpkt, then read them with tshark
and the sanitized qvpn module.

A run fails on a sanitizer report, on a signal, or on an exit status that tshark
without qvpn does not give on the same file (tshark may legitimately reject a
corrupt file; qvpn must not add failures).  A failing input is kept in
$QVPN_FUZZ_KEEP (default /tmp/qvpn-fuzz-failures) to become a regression capture
in captures/regress/.

    QVPN_FUZZ_SEEDS=3        editcap seeds per capture (each with its own error rate
                             and offset); raise it for a longer campaign
    QVPN_FUZZ_BASE_SEED=1    first seed (runs are reproducible)
    QVPN_RANDPKT_COUNT=300   randpkt packets per type
    QVPN_RANDOM_SEEDS=4      seeds of gen_hostile.py --random (IKE/TLS/ESP frames aimed
    QVPN_RANDOM_FRAMES=2000  at qvpn), and frames per seed
"""
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import REPO, all_captures, capture_args, capture_id, report, without_qvpn_options

SEEDS = int(os.environ.get('QVPN_FUZZ_SEEDS', '3'))
BASE_SEED = int(os.environ.get('QVPN_FUZZ_BASE_SEED', '1'))
RANDPKT_COUNT = int(os.environ.get('QVPN_RANDPKT_COUNT', '300'))
RANDOM_SEEDS = int(os.environ.get('QVPN_RANDOM_SEEDS', '4'))
RANDOM_FRAMES = int(os.environ.get('QVPN_RANDOM_FRAMES', '2000'))
KEEP = Path(os.environ.get('QVPN_FUZZ_KEEP', '/tmp/qvpn-fuzz-failures'))
WORKERS = max(1, min(4, os.cpu_count() or 1))

CAPTURES = all_captures()
GEN = REPO / 'captures' / 'regress' / 'gen_hostile.py'
# (error probability, bytes left alone at the start of each frame): headers too, or
# only what follows Ethernet+IPv4+UDP (the ISAKMP/TLS/ESP payloads qvpn reads).
MUTATIONS = [('0.02', '0'), ('0.02', '42'), ('0.05', '42'), ('0.01', '0'), ('0.1', '54')]
RANDPKT_TYPES = ['tcp', 'udp', 'ip', 'ipv6', 'eth', 'random']
QVPN_ONE_PASS = ['-V', '-z', 'qvpn,sessions', '-z', 'qvpn_rtt,tree']
QVPN_TWO_PASS = ['-2', '-T', 'fields', '-e', 'qvpn.phase', '-e', 'qvpn.ike.msg', '-e',
                 '_ws.expert.message', '-z', 'qvpn,rtt,json']


def keep(path, why):
    KEEP.mkdir(parents=True, exist_ok=True)
    dst = KEEP / path.name
    shutil.copy2(path, dst)
    (KEEP / (path.name + '.txt')).write_text(why)
    return dst


def check(asan, plain, path, extra, mode):
    """None if fine, else why not."""
    r = asan.run(['-r', path, *extra, *mode], timeout=300)
    rep = r.sanitizer_report()
    if rep:
        return 'sanitizer report:\n' + rep
    if r.returncode < 0:
        return 'killed by signal %d\n%s' % (-r.returncode, r.stderr[-2000:])
    if r.returncode != 0:
        base = plain.run(['-r', path, *without_qvpn_options(extra), '-V'], timeout=300)
        if base.returncode != r.returncode:
            return 'exit %d with qvpn, %d without\n%s' % (r.returncode, base.returncode,
                                                          r.stderr[-2000:])
    return None


@pytest.mark.parametrize('capture', CAPTURES, ids=[capture_id(c) for c in CAPTURES])
def test_editcap_corruption(asan, plain, tshark_base, capture):
    d = tshark_base.scratch('fuzz')
    extra = capture_args(capture)

    def one(seed):
        rate, offset = MUTATIONS[seed % len(MUTATIONS)]
        out = d / ('%s-seed%d%s' % (capture.stem, seed, capture.suffix))
        subprocess.run(['editcap', '-E', rate, '-o', offset, '--seed', str(seed), str(capture),
                        str(out)], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        os.chmod(out, 0o644)
        why = check(asan, plain, out, extra, QVPN_TWO_PASS if seed % 2 else QVPN_ONE_PASS)
        if why:
            why = 'editcap -E %s -o %s --seed %d %s: %s' % (rate, offset, seed, capture, why)
            return '%s (kept as %s)' % (why, keep(out, why))
        out.unlink()
        return None

    seeds = range(BASE_SEED, BASE_SEED + SEEDS)
    with ThreadPoolExecutor(WORKERS) as pool:
        failures = [f for f in pool.map(one, seeds) if f]
    assert not failures, '\n\n'.join(failures)


def test_random_vpn_frames(asan, plain, tshark_base):
    """randpkt seldom hits UDP 500 or TCP 443; gen_hostile.py --random writes random
    ISAKMP, TLS and ESP frames between a few peers, which all reach the engine."""
    d = tshark_base.scratch('random')

    def one(seed):
        out = d / ('random-vpn-seed%d.pcap' % seed)
        subprocess.run([sys.executable, str(GEN), '--random', str(RANDOM_FRAMES), '--seed',
                        str(seed), '--out', str(out)], check=True)
        os.chmod(out, 0o644)
        why = check(asan, plain, out, [], QVPN_TWO_PASS if seed % 2 else QVPN_ONE_PASS)
        if why:
            why = 'gen_hostile.py --random %d --seed %d: %s' % (RANDOM_FRAMES, seed, why)
            return '%s (kept as %s)' % (why, keep(out, why))
        return None

    seeds = range(BASE_SEED, BASE_SEED + RANDOM_SEEDS)
    with ThreadPoolExecutor(WORKERS) as pool:
        failures = [f for f in pool.map(one, seeds) if f]
    report('random IKE/TLS/ESP frames: %d seeds x %d frames' % (RANDOM_SEEDS, RANDOM_FRAMES))
    assert not failures, '\n\n'.join(failures)


def test_randpkt(asan, plain, tshark_base):
    """Random packets of the types that reach qvpn's inputs (TCP, UDP, IP, IPv6,
    Ethernet, and randpkt's random mix)."""
    d = tshark_base.scratch('randpkt')

    def one(kind):
        out = d / ('randpkt-%s.pcap' % kind)
        args = ['-r'] if kind == 'random' else ['-t', kind]
        subprocess.run(['randpkt', '-b', '1500', '-c', str(RANDPKT_COUNT), *args, str(out)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.chmod(out, 0o644)
        for mode in (QVPN_ONE_PASS, QVPN_TWO_PASS):
            why = check(asan, plain, out, [], mode)
            if why:
                why = 'randpkt %s: %s' % (kind, why)
                return '%s (kept as %s)' % (why, keep(out, why))
        return None

    with ThreadPoolExecutor(WORKERS) as pool:
        failures = [f for f in pool.map(one, RANDPKT_TYPES) if f]
    report('capture fuzzing: %d captures x %d editcap seeds, randpkt %d x %d packets'
           % (len(CAPTURES), SEEDS, len(RANDPKT_TYPES), RANDPKT_COUNT))
    assert not failures, '\n\n'.join(failures)
