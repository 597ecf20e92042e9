"""Fixtures for the tshark integration tests of the qvpn module.

Environment:
  QVPN_BUILD_DIR          build tree holding plugins/<maj.min>/epan/qvpn.so (default: <repo>/build)
  QVPN_TSHARK             tshark to run (default: tshark on PATH)
  QVPN_PUBLIC_CAPTURES    fallback folder for captures/public/* while those are not in the
                          repository (default: /work/shared/public-captures)
  QVPN_REGEN=1            rewrite tests/integration/expected/ instead of comparing
                          (see regen.sh); never edit the expected files by hand

The cases — capture, extra tshark arguments, expected files, verdicts — come from
tests/manifest.toml (tests/manifest.py), the one list of them.

Wireshark ignores WIRESHARK_PLUGIN_DIR and personal plugin folders when started with
special privileges (root included), so as root tshark runs as nobody (65534) through
setpriv.  Whatever nobody cannot read (a build tree under /root, a capture in a
private clone) is copied into a world-readable temporary folder first.  Every run
gets a throwaway HOME (no personal preferences), TZ=UTC and LC_ALL=C.
"""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
NOBODY = 65534

sys.path.insert(0, str(REPO / 'tests'))
import manifest  # noqa: E402  (tests/manifest.py)

# tests/manifest.toml: {name: manifest.Case}, every capture the tests run qvpn on.
CASES = manifest.load()

# stderr lines that say nothing about qvpn (environment noise).
HARMLESS_STDERR = (
    'nl80211 not found',
    'Running as user "root"',
)


def repo_path(rel):
    """A path named relative to the repository, with the public-capture fallback."""
    p = REPO / rel
    if p.exists():
        return p
    parts = Path(rel).parts
    if len(parts) >= 2 and parts[0] == 'captures' and parts[1] == 'public':
        alt = Path(os.environ.get('QVPN_PUBLIC_CAPTURES', '/work/shared/public-captures'))
        q = alt.joinpath(*parts[2:])
        if q.exists():
            return q
    return p


def stderr_problems(stderr, baseline=''):
    """Lines of stderr that are neither harmless noise nor present without qvpn."""
    known = set(baseline.splitlines())
    return [line for line in stderr.splitlines()
            if line.strip() and line not in known
            and not any(h in line for h in HARMLESS_STDERR)]


class Tshark:
    """Runs tshark with the qvpn module from the build tree (or with no plugins)."""

    def __init__(self, build_dir, tmp):
        self.exe = os.environ.get('QVPN_TSHARK') or shutil.which('tshark')
        if not self.exe:
            pytest.skip('tshark not found')
        sos = sorted(Path(build_dir).glob('plugins/*/epan/qvpn.so'))
        if not sos:
            pytest.fail('no plugins/<maj.min>/epan/qvpn.so under %s: build first '
                        '(cmake -S . -B build && cmake --build build)' % build_dir)
        self.module = sos[0].resolve()
        self.major_minor = self.module.parent.parent.name
        self.tmp = tmp
        self.as_root = os.geteuid() == 0
        self.home = tmp / 'home'
        self.home.mkdir()
        self.empty_plugins = tmp / 'no-plugins'
        (self.empty_plugins / self.major_minor / 'epan').mkdir(parents=True)
        if self.as_root:
            os.chown(self.home, NOBODY, NOBODY)
        self.plugin_dir = self._plugin_dir()

    # -- readability for the unprivileged user ---------------------------------
    def _nobody_can(self, *test_args):
        if not self.as_root:
            return True
        r = subprocess.run(['setpriv', '--reuid=%d' % NOBODY, '--regid=%d' % NOBODY,
                            '--clear-groups', 'test', *test_args],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return r.returncode == 0

    def _plugin_dir(self):
        epan = self.module.parent
        if self._nobody_can('-r', str(epan), '-a', '-x', str(epan), '-a', '-r', str(self.module)):
            return epan.parent.parent
        dst = self.tmp / 'plugins' / self.major_minor / 'epan'
        dst.mkdir(parents=True)
        shutil.copy2(self.module, dst / 'qvpn.so')
        return self.tmp / 'plugins'

    def readable(self, path):
        """path itself if tshark's user can read it, else a world-readable copy."""
        path = Path(path).resolve()
        if self._nobody_can('-r', str(path)):
            return path
        folder = Path(tempfile.mkdtemp(dir=self.tmp))     # mkdtemp makes it 0700
        os.chmod(folder, 0o755)
        dst = folder / path.name
        shutil.copy2(path, dst)
        os.chmod(dst, 0o644)
        return dst

    # -- running -----------------------------------------------------------------
    def env(self, plugins=True):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(('WIRESHARK_', 'XDG_CONFIG')) and k != 'HOME'}
        env.update(HOME=str(self.home), TZ='UTC', LC_ALL='C', LANG='C',
                   WIRESHARK_PLUGIN_DIR=str(self.plugin_dir if plugins else self.empty_plugins))
        return env

    def run(self, args, plugins=True, timeout=300):
        cmd = [self.exe, *[str(a) for a in args]]
        if self.as_root:
            cmd = ['setpriv', '--reuid=%d' % NOBODY, '--regid=%d' % NOBODY, '--clear-groups', *cmd]
        return subprocess.run(cmd, env=self.env(plugins), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, universal_newlines=True, timeout=timeout)

    def ok(self, args, **kw):
        """Run, require exit status 0 and no unexpected stderr; return stdout."""
        r = self.run(args, **kw)
        assert r.returncode == 0, 'tshark %s: exit %d\n%s' % (
            ' '.join(map(str, args)), r.returncode, r.stderr)
        assert not stderr_problems(r.stderr), 'tshark %s: stderr\n%s' % (
            ' '.join(map(str, args)), r.stderr)
        return r.stdout


@pytest.fixture(scope='session')
def repo():
    return REPO


@pytest.fixture(scope='session')
def build_dir():
    d = Path(os.environ.get('QVPN_BUILD_DIR', REPO / 'build'))
    if not d.is_absolute():
        d = REPO / d
    return d.resolve()


@pytest.fixture(scope='session')
def tshark(build_dir):
    tmp = Path(tempfile.mkdtemp(prefix='qvpn-it-', dir='/tmp'))
    os.chmod(tmp, 0o755)
    try:
        yield Tshark(build_dir, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope='session')
def regen():
    return os.environ.get('QVPN_REGEN') == '1'


def case_params(cases):
    """pytest.param per case, with the case name as the test id."""
    return [pytest.param(c, id=c.name) for c in cases]


def case_capture(tshark, case):
    """The case's capture as tshark's user can read it; skips the test if it is absent."""
    path = repo_path(case.capture)
    if not path.exists():
        pytest.skip('capture %s not present' % case.capture)
    return tshark.readable(path)
