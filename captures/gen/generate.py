#!/usr/bin/python3
"""Regenerate the qvpn capture corpus, byte for byte.

    /usr/bin/python3 captures/gen/generate.py                 # into captures/
    /usr/bin/python3 captures/gen/generate.py --out DIR       # into DIR/
    /usr/bin/python3 captures/gen/generate.py --only NAME ... # some captures only
    /usr/bin/python3 captures/gen/generate.py --bench N --out FILE[.pcap|.pcapng]

Writes quickvpn-reference.pcapng, scenarios/<name>.pcap[ng],
scenarios/keyframes.json (frame numbers of each capture's key events) and
README.md (whose frame numbers come from keyframes.json).
No input is read: every byte follows from the fixed seeds in qvgen/.  Every
capture it writes must be a case of tests/manifest.toml (named after the file,
e.g. [case."psk-mismatch"]); it stops before writing anything otherwise.
"""
import argparse
import importlib.util
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from qvgen import reference, scenarios, bench, readme  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def dump_keyframes(keyframes):
    """JSON with one line per event list (diff-friendly)."""
    out = ['{']
    names = sorted(keyframes)
    for i, name in enumerate(names):
        k = keyframes[name]
        out.append('  %s: {"file": %s, "frames": %d, "events": {' % (json.dumps(name), json.dumps(k['file']), k['frames']))
        ev = sorted(k['events'].items())
        for j, (tag, frames) in enumerate(ev):
            out.append('    %s: %s%s' % (json.dumps(tag), json.dumps(frames), ',' if j + 1 < len(ev) else ''))
        out.append('  }}%s' % (',' if i + 1 < len(names) else ''))
    out.append('}')
    return '\n'.join(out) + '\n'


def corpus_jobs():
    """(name, format, build function, path under captures/) of every capture, in README order."""
    jobs = [('quickvpn-reference', 'pcapng', reference.build, 'quickvpn-reference.pcapng')]
    for name, fmt, fn in scenarios.SCENARIOS:
        jobs.append((name, fmt, fn, 'scenarios/%s.%s' % (name, fmt)))
    return jobs


def check_manifest(jobs):
    """Stop, loudly, unless every capture of jobs is a case of tests/manifest.toml."""
    spec = importlib.util.spec_from_file_location('manifest', os.path.join(REPO, 'tests', 'manifest.py'))
    manifest = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(manifest)
    cases = manifest.load()
    bad = []
    for name, fmt, fn, rel in jobs:
        capture = 'captures/' + rel
        case = cases.get(name)
        if case is None:
            bad.append('[case."%s"]\ncapture = "%s"' % (name, capture))
        elif case.capture != capture:
            bad.append('[case."%s"] has capture = "%s"; the generator writes %s' % (name, case.capture, capture))
    if bad:
        sys.exit('generate.py: every capture it writes needs its case in tests/manifest.toml; add or fix '
                 '(docs/HACKING.md, "Add a scenario"), then run again:\n\n%s\n' % '\n\n'.join(bad))


def write_corpus(out, only=None, verbose=True):
    jobs = [j for j in corpus_jobs() if not only or j[0] in only]
    check_manifest(jobs)
    os.makedirs(os.path.join(out, 'scenarios'), exist_ok=True)
    keyframes = {}
    for name, fmt, fn, rel in jobs:
        t = time.time()
        cap = fn()
        keys = cap.write(os.path.join(out, rel), fmt)
        if name == 'quickvpn-reference':
            reference.check(keys)
        keyframes[name] = {'file': rel, 'frames': len(cap.pkts),
                           'events': {k: v for k, v in sorted(keys.items())}}
        if verbose:
            print('%-28s %6d frames  %.2fs' % (rel, len(cap.pkts), time.time() - t))
    if not only:
        with open(os.path.join(out, 'scenarios', 'keyframes.json'), 'w') as f:
            f.write(dump_keyframes(keyframes))
        with open(os.path.join(out, 'README.md'), 'w') as f:
            f.write(readme.render(keyframes, [(name, fn) for name, fmt, fn, rel in jobs]))
    return keyframes


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', help='output directory (corpus) or file (bench); default: captures/')
    ap.add_argument('--only', nargs='+', help='generate only these captures (no keyframes.json)')
    ap.add_argument('--bench', type=int, metavar='N',
                    help='write one large capture of N QuickVPN sessions (about 520 frames each) '
                         'with background traffic; --bench 2000 gives over 1,000,000 frames')
    ap.add_argument('--quiet', action='store_true')
    a = ap.parse_args(argv)
    if a.bench is not None:
        if not a.out:
            ap.error('--bench needs --out FILE')
        fmt = 'pcapng' if a.out.endswith('.pcapng') else 'pcap'
        t = time.time()
        n = bench.write(a.out, a.bench, fmt)
        if not a.quiet:
            print('%s: %d sessions, %d frames, %.1fs' % (a.out, a.bench, n, time.time() - t))
        return 0
    out = a.out or os.path.dirname(HERE)
    write_corpus(out, a.only, verbose=not a.quiet)
    return 0


if __name__ == '__main__':
    sys.exit(main())
