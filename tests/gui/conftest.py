"""Fixtures for the GUI tests: a private Xvfb, a throwaway HOME holding the QuickVPN
profile, and Wireshark with the qvpn module from the build tree.

Environment:
  QVPN_BUILD_DIR    build tree holding plugins/<maj.min>/epan/qvpn.so (default: <repo>/build)
  QVPN_GUI_SHOTS    folder for the screenshots (default: <build>/gui-shots); the pictures
                    of docs/images are made with QVPN_GUI_SHOTS=docs/images
  QVPN_GUI_KEEP=1   keep the temporary folder (HOMEs, Wireshark logs) for inspection

As root, Wireshark runs as nobody (65534) through setpriv: Wireshark ignores
WIRESHARK_PLUGIN_DIR for privileged users.  Module and captures are copied into a
world-readable temporary folder for it.  Missing packages are installed with
scripts/deps.sh when possible; the GUI tests are skipped only when no X server can
be had (Xvfb neither installed nor installable).
"""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

import wsgui

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
NOBODY = wsgui.NOBODY
PROFILE = 'QuickVPN'

CAPTURES = {
    'reference': 'captures/quickvpn-reference.pcapng',
    'psk-mismatch': 'captures/scenarios/psk-mismatch.pcap',
    'many-clients': 'captures/scenarios/many-clients.pcap',
    'proposal-refused-legacy': 'captures/scenarios/proposal-refused-legacy.pcap',
    'v1-qm-invalid-id': 'captures/scenarios/v1-qm-invalid-id.pcap',   # keyed (issue 15)
}


def build_dir():
    return Path(os.environ.get('QVPN_BUILD_DIR') or REPO / 'build').resolve()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, 'rep_' + rep.when, rep)


# -- a world-readable work folder: module, captures, HOMEs --------------------------
@pytest.fixture(scope='session')
def work():
    d = Path(tempfile.mkdtemp(prefix='qvpn-gui-'))
    d.chmod(0o755)
    yield d
    if os.environ.get('QVPN_GUI_KEEP') != '1':
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope='session')
def plugin_dir(work):
    sos = sorted(build_dir().glob('plugins/*/epan/qvpn.so'))
    if not sos:
        pytest.fail('no plugins/<maj.min>/epan/qvpn.so under %s: build first '
                    '(QVPN_BUILD_DIR=%s scripts/build.sh)' % (build_dir(), build_dir()))
    so = sos[0]
    dst = work / 'plugins' / so.parent.parent.name / 'epan'
    dst.mkdir(parents=True)
    shutil.copy2(so, dst / 'qvpn.so')
    for p in [work / 'plugins', *(work / 'plugins').rglob('*')]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    return work / 'plugins'


@pytest.fixture(scope='session')
def captures(work):
    d = work / 'captures'
    d.mkdir()
    out = {}
    for key, rel in CAPTURES.items():
        src = REPO / rel
        if not src.exists():
            pytest.fail('capture %s is missing' % rel)
        shutil.copy2(src, d / src.name)
        (d / src.name).chmod(0o644)
        out[key] = d / src.name
    d.chmod(0o755)
    return out


def make_home(work, name, pane=None, install=True):
    """A throwaway HOME with the QuickVPN profile installed by scripts/install-profile.sh
    (unless install is false), and a recent_common that opens the main window
    full-screen without nagging."""
    home = Path(tempfile.mkdtemp(prefix=name + '-', dir=work))
    env = {k: v for k, v in os.environ.items() if not k.startswith('XDG_')}
    env['HOME'] = str(home)
    conf = home / '.config' / 'wireshark'
    conf.mkdir(parents=True)
    if install:
        subprocess.run([str(REPO / 'scripts' / 'install-profile.sh')], env=env, check=True,
                       stdout=subprocess.DEVNULL)
    w, h = wsgui.SCREEN
    (conf / 'recent_common').write_text(
        'gui.geometry_main_x: 0\ngui.geometry_main_y: 0\n'
        'gui.geometry_main_width: %d\ngui.geometry_main_height: %d\n'
        'gui.geometry_main_maximized: FALSE\n'
        'privs.warn_if_elevated: FALSE\nsys.warn_if_no_capture: FALSE\n' % (w, h)
        + ('gui.last_used_profile: %s\n' % PROFILE if install else ''))
    if pane is not None:   # height of the packet list pane, in pixels
        with open(conf / 'profiles' / PROFILE / 'recent', 'a') as f:
            f.write('\ngui.geometry_main_upper_pane: %d\n' % pane)
    if os.geteuid() == 0:
        for p in [home, *home.rglob('*')]:
            os.lchown(p, NOBODY, NOBODY)
    return home


# -- tshark with the same module and profile, for the expected values ----------------
class Tshark:
    def __init__(self, home, plugin_dir):
        self.home, self.plugin_dir = home, plugin_dir

    def run(self, *args, check=True):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(('WIRESHARK_', 'XDG_'))}
        env.update(HOME=str(self.home), TZ='UTC', LC_ALL='C.UTF-8',
                   WIRESHARK_PLUGIN_DIR=str(self.plugin_dir))
        cmd = ['tshark', *map(str, args)]
        if os.geteuid() == 0:
            cmd = ['setpriv', '--reuid=%d' % NOBODY, '--regid=%d' % NOBODY, '--clear-groups', *cmd]
        r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=300)
        if check and r.returncode != 0:
            raise AssertionError('tshark %s: rc %d\n%s' % (' '.join(map(str, args)), r.returncode,
                                                          r.stderr.decode(errors='replace')))
        return r

    def out(self, *args):
        return self.run(*args).stdout.decode()

    def frames(self, capture, dfilter):
        out = self.out('-r', capture, '-Y', dfilter, '-T', 'fields', '-e', 'frame.number')
        return [int(x) for x in out.split()]

    def count(self, capture):
        return len(self.out('-r', capture, '-T', 'fields', '-e', 'frame.number').split())


@pytest.fixture(scope='session')
def tshark_home(work):
    return make_home(work, 'tshark')


@pytest.fixture(scope='session')
def tshark(tshark_home, plugin_dir):
    if not shutil.which('tshark'):
        pytest.fail('tshark not found (scripts/deps.sh test installs it)')
    return Tshark(tshark_home, plugin_dir)


# -- the X side ---------------------------------------------------------------------
def missing_tools():
    return sorted({pkg for tool, pkg in wsgui.GUI_TOOLS.items() if not shutil.which(tool)})


@pytest.fixture(scope='session')
def gui_tools():
    missing = missing_tools()
    if missing:
        deps = REPO / 'scripts' / 'deps.sh'
        can_install = os.geteuid() == 0 or shutil.which('sudo')
        if can_install and shutil.which('apt-get'):
            subprocess.run([str(deps), 'test'], stdout=subprocess.DEVNULL)
        missing = missing_tools()
    if 'xvfb' in missing:
        pytest.skip('no X server available: Xvfb is not installed and could not be installed '
                    '(scripts/deps.sh test; Debian package xvfb)')
    if missing:
        pytest.fail('GUI test packages missing: %s (scripts/deps.sh test installs them)'
                    % ' '.join(missing))


@pytest.fixture(scope='session')
def xserver(gui_tools):
    x = wsgui.XServer()
    yield x
    x.stop()


@pytest.fixture(scope='session')
def shots():
    d = os.environ.get('QVPN_GUI_SHOTS')
    d = Path(d).resolve() if d else build_dir() / 'gui-shots'
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.fixture
def wireshark(xserver, work, plugin_dir, shots, request):
    """start(capture, *args, pane=None, profile=PROFILE) -> wsgui.Wireshark, in a fresh
    HOME (holding the QuickVPN profile unless profile is 'Default'); closed after the
    test, with a screenshot of the screen when the test failed."""
    started = []

    def start(capture, *args, pane=None, profile=PROFILE):
        h = make_home(work, request.node.name[:40], pane=pane, install=profile == PROFILE)
        ws = wsgui.Wireshark(xserver, h, plugin_dir, capture, args, profile=profile)
        ws.home = h
        started.append(ws)
        return ws

    yield start
    rep = getattr(request.node, 'rep_call', None)
    if rep is not None and rep.failed:
        try:
            path = xserver.screenshot(shots / ('failure-%s.png' % request.node.name))
            print('screen at failure: %s' % path)
        except Exception as e:   # the report matters more than the picture
            print('no failure screenshot: %s' % e)
        for ws in started:
            print('--- wireshark output (%s) ---\n%s' % (ws.capture.name, ws.output()))
    for ws in started:
        ws.close()
