"""Fixtures of the robustness tests: tshark with the qvpn module built normally, built
with AddressSanitizer + UndefinedBehaviorSanitizer, or without qvpn at all.

Environment:
  QVPN_BUILD_DIR       the normal build tree (plugins/<maj.min>/epan/qvpn.so); default <repo>/build
  QVPN_ASAN_BUILD_DIR  the sanitized build tree; default <QVPN_BUILD_DIR>/asan.  Built by
                       tests/robust/sanitize.sh when it holds no module yet.
  QVPN_TSHARK          tshark to run (default: tshark on PATH)
  QVPN_FUZZ_SEEDS      editcap seeds per capture in test_capture_fuzz.py (default 3)
  QVPN_RANDPKT_COUNT   randpkt packets per type (default 300)

Wireshark ignores WIRESHARK_PLUGIN_DIR when run with special privileges, root included,
so as root tshark runs as nobody (65534) through setpriv, with a world-readable copy
of the module and of every capture.  The sanitizer runtimes are preloaded into
tshark only (`setpriv ... env LD_PRELOAD=... tshark`): tshark itself is not built
with ASan, so the runtime must be first in its initial library list.
"""
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
NOBODY = 65534

# A sanitizer report anywhere in stderr fails the run.
SANITIZER_REPORT = re.compile(
    r'ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|'
    r'SUMMARY: (Address|UndefinedBehavior|Leak)Sanitizer|AddressSanitizer:DEADLYSIGNAL')
SANITIZER_EXIT = 86

# stderr lines that say nothing about qvpn.
HARMLESS_STDERR = ('nl80211 not found', 'Running as user "root"')


def gcc_runtime(name):
    out = subprocess.run(['gcc', '-print-file-name=' + name], stdout=subprocess.PIPE,
                         universal_newlines=True).stdout.strip()
    return out if os.path.isabs(out) and os.path.exists(out) else None


def all_captures():
    """Every capture of the repository: reference, scenarios, public, regress."""
    caps = [REPO / 'captures' / 'quickvpn-reference.pcapng']
    for sub in ('scenarios', 'public', 'regress'):
        d = REPO / 'captures' / sub
        caps += sorted(p for p in d.iterdir()
                       if p.suffix in ('.pcap', '.pcapng', '.cap') and p.is_file()) \
            if d.is_dir() else []
    return caps


def regress_options():
    """captures/regress/README.md table: | `file` | `tshark options` or - | why |."""
    opts = {}
    readme = REPO / 'captures' / 'regress' / 'README.md'
    if not readme.exists():
        return opts
    for line in readme.read_text().splitlines():
        m = re.match(r'\|\s*`([^`]+)`\s*\|\s*(`([^`]*)`|-)\s*\|', line)
        if m and m.group(3):
            opts[m.group(1)] = m.group(3).split()
    return opts


def capture_args(path):
    """Extra tshark options a capture is meant to be read with (regress README)."""
    path = Path(path)
    if path.parent.name == 'regress':
        return regress_options().get(path.name, [])
    return []


def without_qvpn_options(args):
    """args minus `-o qvpn.*:...` (an unknown preference without the module)."""
    out, skip = [], False
    for i, a in enumerate(args):
        if skip:
            skip = False
            continue
        if a == '-o' and i + 1 < len(args) and str(args[i + 1]).startswith('qvpn.'):
            skip = True
            continue
        out.append(a)
    return out


def capture_id(path):
    path = Path(path)
    return '%s/%s' % (path.parent.name, path.name) if path.parent.name != 'captures' else path.name


class Run:
    def __init__(self, cmd, returncode, stdout, stderr):
        self.cmd, self.returncode, self.stdout, self.stderr = cmd, returncode, stdout, stderr

    def sanitizer_report(self):
        m = SANITIZER_REPORT.search(self.stderr)
        if m or self.returncode == SANITIZER_EXIT:
            return self.stderr[max(0, (m.start() if m else 0) - 200):][:6000]
        return None

    def problems(self, baseline=''):
        known = set(baseline.splitlines())
        return [line for line in self.stderr.splitlines()
                if line.strip() and line not in known
                and not any(h in line for h in HARMLESS_STDERR)]


class Tshark:
    """tshark with a given qvpn module (or none), run as nobody when we are root."""

    def __init__(self, tmp):
        self.exe = os.environ.get('QVPN_TSHARK') or shutil.which('tshark')
        if not self.exe:
            pytest.skip('tshark not found')
        self.tmp = Path(tmp)
        self.as_root = os.geteuid() == 0
        self.home = self.tmp / 'home'
        self.home.mkdir(exist_ok=True)
        if self.as_root:
            os.chown(self.home, NOBODY, NOBODY)
        self._copies = {}

    def plugin_dir(self, module, name):
        """A plugin folder holding only `module` (None: an empty one, i.e. no qvpn)."""
        mm = self.major_minor(module)
        d = self.tmp / ('plugins-' + name)
        epan = d / mm / 'epan'
        epan.mkdir(parents=True, exist_ok=True)
        if module is not None:
            shutil.copy2(module, epan / 'qvpn.so')
        self._world_readable(d)
        return d

    def major_minor(self, module):
        if module is not None:
            return Path(module).parent.parent.name
        r = subprocess.run([self.exe, '-v'], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           universal_newlines=True)
        m = re.search(r'TShark \(Wireshark\) (\d+)\.(\d+)', r.stdout)
        return '%s.%s' % (m.group(1), m.group(2))

    def _world_readable(self, path):
        for root, dirs, files in os.walk(path):
            os.chmod(root, 0o755)
            for f in files:
                os.chmod(os.path.join(root, f), 0o644)

    def readable(self, path):
        """A world-readable copy of a capture (cached), for nobody."""
        path = Path(path).resolve()
        if not self.as_root:
            return path
        if path not in self._copies:
            d = Path(tempfile.mkdtemp(dir=self.tmp))
            os.chmod(d, 0o755)
            dst = d / path.name
            shutil.copy2(path, dst)
            os.chmod(dst, 0o644)
            self._copies[path] = dst
        return self._copies[path]

    def scratch(self, name):
        """A fresh folder nobody can read, for generated captures."""
        d = Path(tempfile.mkdtemp(prefix=name + '-', dir=self.tmp))
        os.chmod(d, 0o755)
        return d

    def run_cmd(self, args, plugins, preload=None, extra_env=None, wrapper=()):
        """(argv, environment) of a tshark run."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(('WIRESHARK_', 'XDG_CONFIG', 'ASAN_', 'UBSAN_', 'LSAN_'))
               and k not in ('HOME', 'LD_PRELOAD')}
        env.update(HOME=str(self.home), TZ='UTC', LC_ALL='C', LANG='C',
                   WIRESHARK_PLUGIN_DIR=str(plugins))
        inner = []
        if preload or extra_env:
            inner = ['env'] + (['LD_PRELOAD=' + preload] if preload else []) + \
                ['%s=%s' % kv for kv in (extra_env or {}).items()]
        cmd = inner + list(wrapper) + [self.exe] + [str(a) for a in args]
        if self.as_root:
            cmd = ['setpriv', '--reuid=%d' % NOBODY, '--regid=%d' % NOBODY, '--clear-groups'] + cmd
        return cmd, env

    def run(self, args, plugins, preload=None, extra_env=None, timeout=600, wrapper=()):
        cmd, env = self.run_cmd(args, plugins, preload, extra_env, wrapper)
        r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout)
        return Run(cmd, r.returncode, r.stdout.decode('utf-8', 'replace'),
                   r.stderr.decode('utf-8', 'replace'))


class Flavour:
    """One way of running tshark: its plugin folder and environment."""

    def __init__(self, tshark, plugins, preload=None, env=None, module=None):
        self.tshark, self.plugins, self.preload, self.env = tshark, plugins, preload, env
        self.module = module

    def run(self, args, env_extra=None, **kw):
        env = dict(self.env or {}, **(env_extra or {}))
        return self.tshark.run(args, self.plugins, self.preload, env, **kw)

    def readable(self, path):
        return self.tshark.readable(path)


def _build_dir():
    d = Path(os.environ.get('QVPN_BUILD_DIR', REPO / 'build'))
    return (d if d.is_absolute() else REPO / d).resolve()


@pytest.fixture(scope='session')
def build_dir():
    return _build_dir()


@pytest.fixture(scope='session')
def tshark_base():
    tmp = Path(tempfile.mkdtemp(prefix='qvpn-robust-', dir='/tmp'))
    os.chmod(tmp, 0o755)
    try:
        yield Tshark(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _module(build):
    sos = sorted(Path(build).glob('plugins/*/epan/qvpn.so'))
    return sos[0] if sos else None


@pytest.fixture(scope='session')
def plain(tshark_base):
    """tshark without qvpn (an empty plugin folder)."""
    return Flavour(tshark_base, tshark_base.plugin_dir(None, 'none'))


@pytest.fixture(scope='session')
def qvpn(tshark_base, build_dir):
    """tshark with the normally built module."""
    so = _module(build_dir)
    if so is None:
        pytest.fail('no plugins/<maj.min>/epan/qvpn.so under %s: build first' % build_dir)
    return Flavour(tshark_base, tshark_base.plugin_dir(so, 'qvpn'), module=so)


@pytest.fixture(scope='session')
def asan_build_dir(build_dir):
    d = Path(os.environ.get('QVPN_ASAN_BUILD_DIR', build_dir / 'asan'))
    if _module(d) is None:
        r = subprocess.run([str(HERE / 'sanitize.sh'), str(d)], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True)
        if r.returncode != 0:
            pytest.fail('sanitized build failed:\n' + r.stdout[-4000:])
    return d


@pytest.fixture(scope='session')
def asan(tshark_base, asan_build_dir):
    """tshark with the module built with -fsanitize=address,undefined, runtimes preloaded."""
    libasan, libubsan = gcc_runtime('libasan.so'), gcc_runtime('libubsan.so')
    if not libasan or not libubsan:
        pytest.skip('gcc has no libasan.so / libubsan.so')
    so = _module(asan_build_dir)
    env = {
        # tshark's own leaks are not ours; the engine's leaks are checked by the unit
        # tests and the fuzzer built with ASan, where leak detection stays on.
        'ASAN_OPTIONS': 'detect_leaks=0:exitcode=%d:abort_on_error=0:halt_on_error=1'
                        ':print_summary=1' % SANITIZER_EXIT,
        'UBSAN_OPTIONS': 'halt_on_error=1:print_stacktrace=1:exitcode=%d' % SANITIZER_EXIT,
    }
    return Flavour(tshark_base, tshark_base.plugin_dir(so, 'asan'), libasan + ':' + libubsan,
                   env, module=so)


def _drop(tree, key):
    if isinstance(tree, dict):
        return {k: _drop(v, key) for k, v in tree.items() if k != key}
    if isinstance(tree, list):
        return [_drop(v, key) for v in tree]
    return tree


def qvpn_verdicts(flavour, cap, *extra, two_pass=False):
    """Per frame, the qvpn subtree (items and expert infos) as tshark -T json shows
    it, or None.  qvpn.response_in is left out: one pass cannot know a request's
    response when it draws the request, two passes can; all else must agree."""
    args = (['-2'] if two_pass else []) + ['-r', flavour.readable(cap), *extra, '-T', 'json',
                                           '-J', 'qvpn', '--no-duplicate-keys']
    r = flavour.run(args)
    assert_clean(r, '%s %s' % (cap, ' '.join(map(str, args[:3]))))
    assert r.returncode == 0, r.stderr[-3000:]
    out = []
    for pkt in json.loads(r.stdout):
        q = pkt['_source']['layers'].get('qvpn')
        out.append(None if q is None else _drop(q, 'qvpn.response_in'))
    return out


def report(msg):
    """A measurement worth keeping: printed (pytest -s) and appended to the file named
    by QVPN_ROBUST_REPORT, if set."""
    print(msg)
    path = os.environ.get('QVPN_ROBUST_REPORT')
    if path:
        with open(path, 'a') as f:
            f.write(msg + '\n')


def assert_clean(run, what):
    report = run.sanitizer_report()
    assert report is None, '%s: sanitizer report\n%s' % (what, report)
    assert run.returncode >= 0, '%s: killed by signal %d\n%s' % (what, -run.returncode,
                                                                  run.stderr[-3000:])
