#!/usr/bin/python3
"""qvpn benchmark: what the plugin costs next to plain tshark and next to MATE.

Run it through bench/run.sh (see bench/README.md).  For each capture size (N/4, N/2
and N sessions of `captures/gen/generate.py --bench`) every case below is run K
times, the cases alternating within each round (ABC ABC ..., rotated every round),
and the median of each is reported with its spread (min-max), as wall time, CPU time
(user + sys) and peak RSS, next to the floor: tshark doing the same dissection
without qvpn.

Every tshark runs with a plugin folder holding the system plugins (stats_tree, mate,
...) *and* qvpn.so, because WIRESHARK_PLUGIN_DIR replaces the system folder; the
"sys" cases use the system folder alone (qvpn not installed).  As root, tshark runs
as uid/gid 65534: Wireshark ignores WIRESHARK_PLUGIN_DIR for root.

Nothing here asserts on time: the smoke mode (--smoke) only checks that every case
runs and produces what it should.
"""
import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GENERATOR = os.path.join(TOP, 'captures', 'gen', 'generate.py')
MATE_CONFIG = os.path.join(TOP, 'bench', 'qvpn.mate')
NOBODY = 65534

FLOOR_FILTER = 'tcp or tls or isakmp or esp'
FIELDS = ['-T', 'fields', '-e', 'frame.number', '-e', 'qvpn.phase', '-e', 'qvpn.session',
          '-e', 'qvpn.ike.state']
OFF = ['--disable-protocol', 'qvpn']

# name, plugin folder ('all': system plugins + qvpn, 'sys': system plugins only),
# tshark arguments (after -r FILE), the case it is compared with, what it measures.
CASES = [
    ('floor',         'sys', ['-q', '-Y', FLOOR_FILTER], None,
     'the floor: tshark -q -Y "%s", qvpn not installed' % FLOOR_FILTER),
    ('floor_off',     'all', ['-q', '-Y', FLOOR_FILTER] + OFF, 'floor',
     'the same with qvpn installed and --disable-protocol qvpn'),
    ('qvpn_filter',   'all', ['-q', '-Y', 'qvpn'], 'floor',
     'tshark -q -Y qvpn'),
    ('qvpn_sessions', 'all', ['-q', '-z', 'qvpn,sessions'], 'floor',
     'tshark -q -z qvpn,sessions'),
    ('qvpn_rtt',      'all', ['-q', '-z', 'qvpn,rtt'], 'floor',
     'tshark -q -z qvpn,rtt'),
    ('mate',          'sys', ['-q', '-o', 'mate.config:{mate}', '-Y', 'mate'],
     'floor', 'MATE with bench/qvpn.mate: tshark -q -Y mate, qvpn not installed'),
    ('fields_off',    'all', FIELDS + OFF, None,
     '-T fields -e frame.number -e qvpn.phase -e qvpn.session -e qvpn.ike.state, '
     '--disable-protocol qvpn'),
    ('fields_qvpn',   'all', FIELDS, 'fields_off',
     'the same -T fields with qvpn'),
    ('plain_sys',     'sys', [], None,
     'tshark -r FILE (summary lines), qvpn not installed'),
    ('plain_off',     'all', OFF, 'plain_sys',
     'tshark -r FILE --disable-protocol qvpn, qvpn installed'),
    ('plain_qvpn',    'all', [], 'plain_sys',
     'tshark -r FILE, qvpn installed: the cost to everyone'),
    ('plain_tree',    'sys', ['-Y', 'frame'], 'plain_sys',
     'tshark -r FILE -Y frame, qvpn not installed: summary lines with a protocol '
     'tree built for every frame (a filter all frames pass), the control for plain_qvpn'),
]
CASE_NAMES = [c[0] for c in CASES]


def die(msg):
    print('bench: ' + msg, file=sys.stderr)
    sys.exit(2)


def run_quiet(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, **kw)


# --- environment ------------------------------------------------------------------

def find_module(build):
    plugins = os.path.join(build, 'plugins')
    if os.path.isdir(plugins):
        for ver in sorted(os.listdir(plugins)):
            so = os.path.join(plugins, ver, 'epan', 'qvpn.so')
            if os.path.isfile(so):
                return ver, so
    return None, None


def system_plugin_dir(tshark):
    out = run_quiet([tshark, '-G', 'folders']).stdout
    m = re.search(r'^Global Plugins:\s*(\S+)', out, re.M)
    if not m:
        die('cannot find the global plugin folder in `tshark -G folders`')
    return m.group(1)          # .../plugins/<maj.min>


def make_plugin_dirs(work, so, ver, sysdir, name='all'):
    """<work>/<name>/<ver>/{epan,codecs,wiretap}: the system plugins (symlinks) + qvpn.so."""
    all_dir = os.path.join(work, name)
    for sub in ('epan', 'codecs', 'wiretap'):
        dst = os.path.join(all_dir, ver, sub)
        os.makedirs(dst)
        src = os.path.join(sysdir, sub)
        if os.path.isdir(src):
            for f in sorted(os.listdir(src)):
                if f.endswith('.so') and f != 'qvpn.so':
                    os.symlink(os.path.join(src, f), os.path.join(dst, f))
    shutil.copy2(so, os.path.join(all_dir, ver, 'epan', 'qvpn.so'))
    return all_dir


class Runner:
    """Runs tshark as it would run for a user, measuring one process."""

    def __init__(self, tshark, work, plugin_dirs, mate):
        self.tshark = tshark
        self.plugin_dirs = plugin_dirs      # 'all', 'base' -> folder; 'sys': none
        self.mate = mate
        self.home = os.path.join(work, 'home')
        os.makedirs(self.home)
        self.drop = os.getuid() == 0
        if self.drop:
            if not shutil.which('setpriv'):
                die('running as root needs setpriv (util-linux) to drop to uid 65534')
            os.chown(self.home, NOBODY, NOBODY)
            for root, dirs, files in os.walk(work):
                for d in dirs:
                    os.chmod(os.path.join(root, d), 0o755)
            os.chmod(work, 0o755)

    def argv(self, case, capture):
        name, plugins, args = case[0], case[1], case[2]
        args = [a.replace('{mate}', self.mate) for a in args]
        env = ['env', '-u', 'WIRESHARK_PLUGIN_DIR', 'HOME=' + self.home,
               'XDG_CONFIG_HOME=' + os.path.join(self.home, '.config'), 'LC_ALL=C.UTF-8']
        if plugins != 'sys':
            env.append('WIRESHARK_PLUGIN_DIR=' + self.plugin_dirs[plugins])
        cmd = env + [self.tshark, '-n', '-r', capture] + args
        if self.drop:
            cmd = ['setpriv', '--reuid=%d' % NOBODY, '--regid=%d' % NOBODY,
                   '--clear-groups'] + cmd
        return cmd

    def measure(self, case, capture, stdout_path=os.devnull):
        """One run: (wall s, cpu s, peak RSS KiB, exit status, stderr text).
        setpriv and env exec, so the child pid is tshark itself and wait4() gives its
        own rusage."""
        cmd = self.argv(case, capture)
        with open(stdout_path, 'wb') as out, tempfile.TemporaryFile() as err:
            t0 = time.monotonic()
            p = subprocess.Popen(cmd, stdout=out, stderr=err)
            _, status, ru = os.wait4(p.pid, 0)
            wall = time.monotonic() - t0
            p.returncode = os.waitstatus_to_exitcode(status)
            err.seek(0)
            errtext = err.read().decode('utf-8', 'replace')
        return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, p.returncode, errtext


# --- captures ---------------------------------------------------------------------

def capture_for(data, sessions):
    """The --bench capture of `sessions` sessions and its frame count, generated once."""
    path = os.path.join(data, 'bench-%d.pcap' % sessions)
    meta = path + '.frames'
    if os.path.isfile(path) and os.path.isfile(meta):
        with open(meta) as f:
            return path, int(f.read())
    p = run_quiet(['/usr/bin/python3' if os.path.exists('/usr/bin/python3') else sys.executable,
                   GENERATOR, '--bench', str(sessions), '--out', path])
    m = re.search(r'(\d+) frames', p.stdout)
    if p.returncode != 0 or not m:
        die('generator failed:\n' + p.stdout)
    os.chmod(path, 0o644)
    with open(meta, 'w') as f:
        f.write(m.group(1))
    return path, int(m.group(1))


# --- statistics and report ----------------------------------------------------------

def summary(samples):
    return {'median': statistics.median(samples), 'min': min(samples), 'max': max(samples),
            'n': len(samples)}


def loadavg():
    try:
        with open('/proc/loadavg') as f:
            return ' '.join(f.read().split()[:3])
    except OSError:
        return '?'


def cpu_model():
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or '?'


def fmt_ratio(x, base):
    return '%.2f' % (x / base) if base else '-'


def report_size(res, frames, sessions, cases):
    by = {c[0]: c for c in cases}
    lines = ['', '### %d sessions, %d frames' % (sessions, frames), '',
             '| case | wall s (median, min-max) | CPU s (median) | x base (wall) | x base (CPU) '
             '| peak RSS MB | RSS over base, B/frame | base |',
             '|---|---|---|---|---|---|---|---|']
    for name in [c[0] for c in cases]:
        r = res.get(name)
        if not r:
            continue
        base = by[name][3]
        w, c, m = r['wall'], r['cpu'], r['rss_kib']
        b = res.get(base) if base else None
        lines.append('| %s | %.2f (%.2f-%.2f) | %.2f | %s | %s | %.1f | %s | %s |' % (
            name, w['median'], w['min'], w['max'], c['median'],
            fmt_ratio(w['median'], b['wall']['median']) if b else '1',
            fmt_ratio(c['median'], b['cpu']['median']) if b else '1',
            m['median'] / 1024.0,
            '%+.0f' % ((m['median'] - b['rss_kib']['median']) * 1024.0 / frames) if b else '-',
            base or '-'))
    return lines


def report_linearity(all_res, cases):
    """Growth: the cost of each added frame between consecutive sizes (startup cancels
    out).  Linear growth keeps it the same from one size step to the next."""
    sizes = sorted(all_res, key=lambda s: all_res[s]['frames'])
    if len(sizes) < 2:
        return []
    steps = list(zip(sizes, sizes[1:]))
    head = ('| case | ' + ' | '.join('us CPU/frame %d->%d' % st for st in steps) +
            ' | last / first | ' + ' | '.join('RSS B/frame %d->%d' % st for st in steps) + ' |')
    lines = ['', '### Growth: cost per added frame between sizes (linear: the same at every step)',
             '', head, '|' + '---|' * (2 + 2 * len(steps))]
    for name in [c[0] for c in cases]:
        cpu, rss = [], []
        for lo, hi in steps:
            rl, rh = all_res[lo]['cases'].get(name), all_res[hi]['cases'].get(name)
            if not rl or not rh:
                break
            df = all_res[hi]['frames'] - all_res[lo]['frames']
            cpu.append((rh['cpu']['median'] - rl['cpu']['median']) * 1e6 / df)
            rss.append((rh['rss_kib']['median'] - rl['rss_kib']['median']) * 1024.0 / df)
        if len(cpu) != len(steps):
            continue
        lines.append('| %s | %s | %s | %s |' % (
            name, ' | '.join('%.2f' % c for c in cpu),
            '%.2f' % (cpu[-1] / cpu[0]) if cpu[0] > 0 else '-',
            ' | '.join('%.0f' % r for r in rss)))
    return lines


# --- smoke checks -----------------------------------------------------------------

def smoke_check(runner, case, capture, work):
    """What each case must produce on the small capture (no timing involved)."""
    out = os.path.join(work, 'smoke-%s.out' % case[0])
    wall, cpu, rss, rc, err = runner.measure(case, capture, out)
    with open(out, encoding='utf-8', errors='replace') as f:
        text = f.read()
    problems = []
    if rc != 0:
        problems.append('exit status %d' % rc)
    noise = '\n'.join(l for l in err.splitlines() if 'initialize_mate' not in l)
    if re.search(r'(error|invalid|not loaded|was compiled for)', noise, re.I):
        problems.append('stderr: ' + noise.strip()[:500])
    name = case[0]
    if name == 'qvpn_sessions' and 'QuickVPN sessions' not in text:
        problems.append('no sessions table')
    if name == 'qvpn_rtt' and 'round-trip' not in text:
        problems.append('no RTT table')
    if name == 'fields_qvpn' and not re.search(r'^\d+\t\d+\t\d+', text, re.M):
        problems.append('no qvpn.phase/qvpn.session values in -T fields output')
    if name == 'fields_off' and re.search(r'^\d+\t\d+', text, re.M):
        problems.append('qvpn values although qvpn is disabled')
    if name.startswith('plain') and len(text.splitlines()) < 100:
        problems.append('too few summary lines')
    return problems, (wall, cpu, rss)


def smoke_extra(runner, capture, work, with_mate):
    """The MATE configuration groups packets, and -Y qvpn selects some."""
    problems = []
    for name, plugins, args, what in (
            ('mate_groups', 'sys', ['-T', 'fields', '-e', 'mate.vpn_esp_gop',
                                    '-o', 'mate.config:{mate}', '-Y', 'mate.vpn_esp_gop'],
             'MATE vpn_esp_gop'),
            ('qvpn_selects', 'all', ['-Y', 'qvpn'], 'qvpn')):
        if name == 'mate_groups' and not with_mate:
            continue
        out = os.path.join(work, 'smoke-%s.out' % name)
        _, _, _, rc, err = runner.measure((name, plugins, args, None, ''), capture, out)
        with open(out, encoding='utf-8', errors='replace') as f:
            n = sum(1 for line in f if line.strip())
        if rc != 0 or n == 0:
            problems.append('%s: exit %d, %d lines selected by %s; %s' % (
                name, rc, n, what, err.strip()[:300]))
    return problems


# --- main -------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(
        prog='bench/run.sh',
        description='Benchmark qvpn against plain tshark (the floor) and MATE.')
    ap.add_argument('--size', type=int, default=2000,
                    help='sessions of the largest capture (default 2000: ~1.02 M frames); '
                         'the quarter and half sizes are measured too')
    ap.add_argument('--runs', type=int, default=5, help='runs per case and size (default 5)')
    ap.add_argument('--only-full', action='store_true', help='measure the largest size only')
    ap.add_argument('--cases', default=','.join(CASE_NAMES),
                    help='comma-separated subset of: ' + ', '.join(CASE_NAMES))
    ap.add_argument('--data', default=os.environ.get('QVPN_BENCH_DATA', '/tmp/qvpn-bench'),
                    help='where the generated captures are kept (default /tmp/qvpn-bench)')
    ap.add_argument('--build', default=os.environ.get('QVPN_BUILD_DIR', os.path.join(TOP, 'build')),
                    help='build tree holding plugins/<ver>/epan/qvpn.so (default $QVPN_BUILD_DIR or build/)')
    ap.add_argument('--baseline', metavar='BUILD',
                    help='another build tree (e.g. of an older commit): every qvpn case is '
                         'also run with its module, as <case>@base, alternating with the rest')
    ap.add_argument('--json', help='also write the results as JSON to this file')
    ap.add_argument('--smoke', action='store_true',
                    help='functional check on a 5-session capture: every case runs once, '
                         'outputs are checked, no timing is judged')
    a = ap.parse_args()

    cases = []
    for n in a.cases.split(','):
        n = n.strip()
        if n not in CASE_NAMES:
            die('unknown case %r (known: %s)' % (n, ', '.join(CASE_NAMES)))
        cases.append(CASES[CASE_NAMES.index(n)])
    # A ratio needs its base: pull it in.
    for c in list(cases):
        if c[3] and c[3] not in [x[0] for x in cases]:
            cases.append(CASES[CASE_NAMES.index(c[3])])
    cases.sort(key=lambda c: CASE_NAMES.index(c[0]))

    tshark = shutil.which('tshark')
    if not tshark:
        die('tshark not found')
    ver, so = find_module(a.build)
    if not so:
        die('no qvpn.so under %s/plugins (build first: QVPN_BUILD_DIR=%s scripts/build.sh)'
            % (a.build, a.build))
    sysdir = system_plugin_dir(tshark)
    if not os.path.exists(os.path.join(sysdir, 'epan', 'mate.so')):
        print('bench: MATE is not in %s: the mate case is left out' % sysdir, file=sys.stderr)
        cases = [c for c in cases if c[0] != 'mate']
    base_so = None
    if a.baseline:
        base_ver, base_so = find_module(a.baseline)
        if not base_so or base_ver != ver:
            die('no qvpn.so for Wireshark %s under %s/plugins' % (ver, a.baseline))
        cases = cases + [(c[0] + '@base', 'base', c[2], c[3], c[4] + ' [baseline module]')
                         for c in cases if c[1] == 'all']

    work = tempfile.mkdtemp(prefix='qvpn-bench.')
    try:
        dirs = {'all': make_plugin_dirs(work, so, ver, sysdir)}
        if base_so:
            dirs['base'] = make_plugin_dirs(work, base_so, ver, sysdir, 'base')
        mate = os.path.join(work, 'qvpn.mate')
        shutil.copy2(MATE_CONFIG, mate)
        os.chmod(mate, 0o644)
        runner = Runner(tshark, work, dirs, mate)

        if a.smoke:
            return smoke(a, runner, cases, work)
        return bench(a, runner, cases, so, sysdir)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def smoke(a, runner, cases, work):
    data = tempfile.mkdtemp(prefix='data.', dir=work)
    os.chmod(data, 0o755)
    capture, frames = capture_for(data, 5)
    problems = []
    print('bench smoke: %d frames, %d cases' % (frames, len(cases)))
    for case in cases:
        p, (wall, cpu, rss) = smoke_check(runner, case, capture, work)
        print('  %-14s %s  (%.2f s, %.1f MB)' % (case[0], 'ok' if not p else 'FAIL', wall,
                                               rss / 1024.0))
        problems += ['%s: %s' % (case[0], x) for x in p]
    problems += smoke_extra(runner, capture, work, any(c[0] == 'mate' for c in cases))
    for p in problems:
        print('  problem: ' + p)
    print('bench smoke: ' + ('FAILED' if problems else 'passed'))
    return 1 if problems else 0


def bench(a, runner, cases, so, sysdir):
    os.makedirs(a.data, exist_ok=True)
    os.chmod(a.data, 0o755)
    full = a.size
    sizes = [full] if a.only_full else sorted({max(1, full // 4), max(1, full // 2), full})
    tv = next((l for l in subprocess.run([runner.tshark, '-v'], stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL,
                                         universal_newlines=True).stdout.splitlines()
               if l.startswith('TShark')), '?')
    header = [
        '# qvpn benchmark',
        '',
        'Command: bench/run.sh --size %d --runs %d%s%s' % (
            full, a.runs, ' --only-full' if a.only_full else '',
            ' --baseline ' + a.baseline if a.baseline else ''),
        'Machine: %s, %d CPUs (os.cpu_count), %s' % (cpu_model(), os.cpu_count() or 0,
                                                      platform.platform()),
        'tshark: %s; module: %s; system plugins: %s' % (tv, so, sysdir),
        'Load average at start: %s' % loadavg(),
        'Each case runs %d times per size, alternating with the others (order rotated every '
        'round); figures are medians, the range is min-max.  CPU = user + sys of tshark '
        '(wait4 rusage); peak RSS = ru_maxrss.' % a.runs,
    ]
    print('\n'.join(header), flush=True)
    results = {}
    for sessions in sizes:
        capture, frames = capture_for(a.data, sessions)
        samples = {c[0]: {'wall': [], 'cpu': [], 'rss_kib': []} for c in cases}
        print('\n[%d sessions, %d frames] ' % (sessions, frames), end='', flush=True)
        for r in range(a.runs):
            k = r % len(cases)
            for case in cases[k:] + cases[:k]:
                wall, cpu, rss, rc, err = runner.measure(case, capture)
                if rc != 0:
                    die('%s failed (exit %d): %s\n%s' % (case[0], rc, ' '.join(
                        runner.argv(case, capture)), err[-2000:]))
                s = samples[case[0]]
                s['wall'].append(wall)
                s['cpu'].append(cpu)
                s['rss_kib'].append(rss)
                print('.', end='', flush=True)
        print(' load %s' % loadavg(), flush=True)
        results[sessions] = {
            'frames': frames,
            'cases': {n: {k: summary(v) for k, v in s.items()} for n, s in samples.items()},
        }
        print('\n'.join(report_size(results[sessions]['cases'], frames, sessions, cases)),
              flush=True)
    print('\n'.join(report_linearity(results, cases)))
    print('\nLoad average at end: %s' % loadavg())
    print('\nCases:')
    for c in cases:
        print('  %-14s %s' % (c[0], c[4]))
    if a.json:
        with open(a.json, 'w') as f:
            json.dump({'header': header, 'results': results,
                       'cases': {c[0]: {'base': c[3], 'what': c[4], 'args': c[2],
                                        'plugins': c[1]} for c in cases}}, f, indent=1)
    return 0


if __name__ == '__main__':
    sys.exit(main())
