#!/usr/bin/env python3
"""The golden cases of tests/integration on another Wireshark version.

    golden_compat.py --repo SRC --plugin-dir DIR [--tshark tshark]

For every case of tests/manifest.toml whose capture is present, runs tshark
with the module (one-pass and -2) and compares the qvpn lines with
tests/integration/expected/<case>.tsv, which were made with the Wireshark the
project develops on (4.0).  The fields are taken from each expected file's header.

One allowance: other dissectors' expert infos differ between Wireshark versions
(4.4's TCP adds "The SYN packet does not contain a SACK PERM option"), so in the
_ws.expert.message column every message tshark also prints *without* the plugin
on that frame is removed from both sides before comparing.  Everything qvpn
computes must be identical.

As root, tshark runs as nobody (65534): Wireshark ignores WIRESHARK_PLUGIN_DIR
for root.  Exit status 0 when every case matches.
"""
import argparse
import difflib
import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

NOBODY = 65534
EXPERT = '_ws.expert.message'


def read_cases(repo):
    """(name, capture, args) of each case of <repo>/tests/manifest.toml."""
    spec = importlib.util.spec_from_file_location('manifest', repo / 'tests' / 'manifest.py')
    manifest = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(manifest)
    cases = manifest.load(repo / 'tests' / 'manifest.toml')
    return [(c.name, c.capture, list(c.args)) for c in cases.values()]


class Tshark:
    def __init__(self, exe, plugin_dir, empty_dir, home):
        self.exe, self.plugin_dir, self.empty_dir, self.home = exe, plugin_dir, empty_dir, home

    def run(self, args, plugins=True):
        env = {k: v for k, v in os.environ.items() if not k.startswith('WIRESHARK_')}
        env.update(HOME=str(self.home), TZ='UTC', LC_ALL='C', LANG='C',
                   WIRESHARK_PLUGIN_DIR=str(self.plugin_dir if plugins else self.empty_dir))
        cmd = [self.exe, *args]
        if os.geteuid() == 0:
            cmd = ['setpriv', '--reuid=%d' % NOBODY, '--regid=%d' % NOBODY, '--clear-groups', *cmd]
        r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=600)
        if r.returncode != 0:
            raise RuntimeError('tshark %s: exit %d\n%s' % (' '.join(args), r.returncode, r.stderr))
        return r.stdout


def fields_args(fields):
    a = ['-T', 'fields', '-E', 'separator=/t', '-E', 'header=y', '-E', 'occurrence=a']
    for f in fields:
        a += ['-e', f]
    return a


def strip_messages(text, messages):
    """text (messages joined by ',') without any of messages."""
    for m in sorted(messages, key=len, reverse=True):
        if not m:
            continue
        for pat in (',' + m, m + ',', m):
            while pat in text:
                text = text.replace(pat, '', 1)
    return text


def normalise(lines, fields, baseline):
    """Lines with the other dissectors' expert messages removed."""
    if EXPERT not in fields:
        return lines
    col = fields.index(EXPERT)
    out = []
    for line in lines:
        cols = line.split('\t')
        frame = cols[0]
        if len(cols) > col:
            cols[col] = strip_messages(cols[col], baseline.get(frame, ()))
        out.append('\t'.join(cols))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--repo', required=True, type=Path)
    ap.add_argument('--plugin-dir', required=True, type=Path)
    ap.add_argument('--tshark', default='tshark')
    a = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix='qvpn-golden-compat-'))
    os.chmod(tmp, 0o755)
    home = tmp / 'home'
    home.mkdir()
    if os.geteuid() == 0:
        os.chown(home, NOBODY, NOBODY)
    mm = next(a.plugin_dir.glob('*/epan/qvpn.so')).parent.parent.name
    empty = tmp / 'none'
    (empty / mm / 'epan').mkdir(parents=True)
    ts = Tshark(a.tshark, a.plugin_dir, empty, home)

    failed, passed, skipped = [], [], []
    for name, capture, extra in read_cases(a.repo):
        cap = a.repo / capture
        exp_file = a.repo / 'tests/integration/expected' / (name + '.tsv')
        if not cap.exists() or not exp_file.exists():
            skipped.append(name)
            continue
        expected = exp_file.read_text().splitlines()
        fields = expected[0].split('\t')
        session_col = fields.index('qvpn.session')
        # Other dissectors' expert messages per frame, from a run without qvpn.
        base_out = ts.run(['-r', str(cap), *extra, *fields_args(['frame.number', EXPERT]),
                           '-E', 'aggregator=|'], plugins=False)
        baseline = {}
        for line in base_out.splitlines()[1:]:
            c = line.split('\t')
            if len(c) > 1 and c[1]:
                baseline[c[0]] = set(c[1].split('|'))
        problems = []
        for label, two in (('one-pass', []), ('-2', ['-2'])):
            out = ts.run([*two, '-r', str(cap), *extra, *fields_args(fields)])
            lines = out.splitlines()
            got = [lines[0]] + [l for l in lines[1:] if l.split('\t')[session_col] != '']
            g = normalise(got, fields, baseline)
            e = normalise(expected, fields, baseline)
            if g != e:
                diff = [l for l in difflib.unified_diff(
                    e, g, 'expected/%s.tsv' % name, label + ' tshark', lineterm='', n=0)]
                problems.append('\n'.join(diff[:40]))
        if problems:
            failed.append(name)
            print('FAIL %s\n%s' % (name, '\n'.join(problems)))
        else:
            passed.append(name)
            print('ok   %s' % name)
    print('golden on Wireshark %s: %d identical, %d different, %d skipped (capture absent)%s'
          % (mm, len(passed), len(failed), len(skipped),
             (': ' + ' '.join(skipped)) if skipped else ''))
    return 1 if failed or not passed else 0


if __name__ == '__main__':
    sys.exit(main())
