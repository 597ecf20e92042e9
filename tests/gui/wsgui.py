"""Drive the real Wireshark window under Xvfb: X server, windows, keys, clipboard, screenshots.

Nothing here reads Wireshark's stdout: every check goes through what the window
shows — a window title, text the GUI itself puts on the clipboard (Edit > Copy,
a dialog's Copy button), or a screenshot.  No window manager runs, so windows
are placed and sized with xdotool, and keyboard focus is set explicitly.
"""
import os
import re
import select
import signal
import subprocess
import time
from pathlib import Path

NOBODY = 65534
SCREEN = (1440, 900)

# Debian packages the GUI test needs (also in scripts/deps.sh's test list).
GUI_TOOLS = {
    'Xvfb': 'xvfb',
    'wireshark': 'wireshark-qt',
    'xdotool': 'xdotool',
    'xclip': 'xclip',
    'import': 'imagemagick',
    'convert': 'imagemagick',
}


class GuiError(AssertionError):
    pass


def wait_for(fn, timeout, what, interval=0.2):
    """Poll fn() until it returns something true; GuiError after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise GuiError('timed out after %.0f s waiting for %s' % (timeout, what))
        time.sleep(interval)


class XServer:
    """A private Xvfb; -displayfd lets it pick a free display number."""

    def __init__(self, size=SCREEN):
        self.size = size
        rfd, wfd = os.pipe()
        self.proc = subprocess.Popen(
            ['Xvfb', '-displayfd', str(wfd), '-screen', '0', '%dx%dx24' % size,
             '-nolisten', 'tcp', '-noreset'],
            pass_fds=(wfd,), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        os.close(wfd)
        # Read up to the newline: Xvfb writes the number and the newline separately,
        # and dies ("Cannot write display number") if the pipe is closed in between.
        data = b''
        deadline = time.monotonic() + 20
        try:
            while not data.endswith(b'\n') and time.monotonic() < deadline:
                ready, _, _ = select.select([rfd], [], [], max(0.0, deadline - time.monotonic()))
                chunk = os.read(rfd, 64) if ready else b''
                if not chunk:
                    break
                data += chunk
        finally:
            os.close(rfd)
        number = data.decode().strip()
        if not number.isdigit():
            err = self._stop()
            raise GuiError('Xvfb did not start: %s' % err.strip()[-500:])
        self.display = ':' + number
        self.env = dict(os.environ, DISPLAY=self.display)

    def _stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.stderr.read().decode(errors='replace') if self.proc.stderr else ''

    def stop(self):
        self._stop()

    # -- X tools -----------------------------------------------------------------
    def run(self, *cmd, check=True, timeout=15, input=None):
        r = subprocess.run([str(c) for c in cmd], env=self.env, input=input,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        if check and r.returncode != 0:
            raise GuiError('%s failed (%d): %s' % (' '.join(map(str, cmd)), r.returncode,
                                                   r.stderr.decode(errors='replace').strip()))
        return r.stdout.decode(errors='replace')

    def windows(self, name_regex):
        """Visible windows whose title matches name_regex (xdotool's regex)."""
        out = self.run('xdotool', 'search', '--onlyvisible', '--name', name_regex, check=False)
        return [int(w) for w in out.split()]

    def window_name(self, wid):
        return self.run('xdotool', 'getwindowname', wid, check=False).strip()

    def wait_window(self, name_regex, timeout=30):
        return wait_for(lambda: (self.windows(name_regex) or [None])[0], timeout,
                        'a window titled /%s/' % name_regex)

    def wait_window_gone(self, wid, timeout=10):
        wait_for(lambda: wid not in self.windows('.*'), timeout, 'window %d to close' % wid)

    def geometry(self, wid):
        out = self.run('xdotool', 'getwindowgeometry', '--shell', wid)
        g = dict(line.split('=', 1) for line in out.split() if '=' in line)
        return int(g['X']), int(g['Y']), int(g['WIDTH']), int(g['HEIGHT'])

    def place(self, wid, x, y, w, h, timeout=10):
        """Move and resize (no window manager: the client obeys directly)."""
        def done():
            self.run('xdotool', 'windowmove', wid, x, y, check=False)
            self.run('xdotool', 'windowsize', wid, w, h, check=False)
            return self.geometry(wid)[2:] == (w, h)
        wait_for(done, timeout, 'window %d to take size %dx%d' % (wid, w, h), interval=0.3)

    def focus(self, wid):
        self.run('xdotool', 'windowfocus', '--sync', wid)

    def key(self, *keys, delay_ms=60):
        for k in keys:
            self.run('xdotool', 'key', '--delay', delay_ms, k)
            time.sleep(delay_ms / 1000)

    def type(self, text):
        self.run('xdotool', 'type', '--delay', 30, text)

    def click(self, x, y):
        # No --sync: it waits for a pointer motion, and never returns when the
        # pointer already is at (x, y).
        self.run('xdotool', 'mousemove', x, y)
        time.sleep(0.1)
        self.run('xdotool', 'click', 1)

    def click_in(self, wid, dx, dy):
        """Click at (dx, dy) inside window wid; negative values count from the right/bottom."""
        x, y, w, h = self.geometry(wid)
        self.click(x + (dx if dx >= 0 else w + dx), y + (dy if dy >= 0 else h + dy))

    # -- clipboard -----------------------------------------------------------------
    def clear_clipboard(self):
        # xclip keeps serving the (empty) selection until the next owner takes it.
        subprocess.run(['xclip', '-selection', 'clipboard', '-i', '/dev/null'], env=self.env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10)

    def clipboard(self):
        r = subprocess.run(['xclip', '-o', '-selection', 'clipboard'], env=self.env,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=10)
        return r.stdout.decode(errors='replace') if r.returncode == 0 else ''

    def copy(self, action, accept, timeout=15, what='the clipboard', retries=3):
        """Clear the clipboard, run action() (which makes the GUI copy), and return the
        clipboard text once accept(text) holds.  The action is repeated (at most
        `retries` times) while the window is not ready yet."""
        deadline = time.monotonic() + timeout
        last = ''
        for attempt in range(retries):
            self.clear_clipboard()
            action()
            per_try = max(1.0, (deadline - time.monotonic()) / (retries - attempt))
            try:
                return wait_for(lambda: (lambda t: t if accept(t) else None)(self.clipboard()),
                                per_try, what)
            except GuiError:
                last = self.clipboard()
        raise GuiError('%s never showed what was expected; last clipboard text:\n%s'
                       % (what, last[:3000]))

    # -- screenshots ---------------------------------------------------------------
    def screenshot(self, path, wid=None):
        """PNG of the whole screen, or of one window (its own contents, no decorations)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = path.with_suffix('.raw.png')
        self.run('import', '-window', 'root' if wid is None else wid, raw, timeout=30)
        # Palette PNG, no timestamps: small files that only change when the pixels do.
        self.run('convert', raw, '-strip', '-colors', '256',
                 '-define', 'png:compression-level=9', '-define', 'png:exclude-chunks=date,time',
                 'PNG8:%s' % path, timeout=60)
        raw.unlink()
        return path


class Wireshark:
    """One wireshark process on a capture, run as nobody when we are root."""

    def __init__(self, x, home, plugin_dir, capture, args=(), profile='QuickVPN', log=None):
        self.x = x
        self.capture = Path(capture)
        env = {k: v for k, v in x.env.items()
               if not k.startswith(('WIRESHARK_', 'XDG_', 'QT_', 'WAYLAND'))}
        runtime = Path(home) / '.xdg-runtime'
        runtime.mkdir(mode=0o700, exist_ok=True)
        env.update(HOME=str(home), XDG_RUNTIME_DIR=str(runtime), TZ='UTC',
                   LC_ALL='C.UTF-8', LANG='C.UTF-8', QT_QPA_PLATFORM='xcb',
                   QT_ACCESSIBILITY='0', NO_AT_BRIDGE='1',
                   WIRESHARK_PLUGIN_DIR=str(plugin_dir))
        cmd = ['wireshark', '-C', profile, '-r', str(self.capture), *map(str, args)]
        if os.geteuid() == 0:
            os.chown(runtime, NOBODY, NOBODY)
            cmd = ['setpriv', '--reuid=%d' % NOBODY, '--regid=%d' % NOBODY, '--clear-groups', *cmd]
        self.log = Path(log or Path(home) / 'wireshark.log')
        self._logf = open(self.log, 'wb')
        self.proc = subprocess.Popen(cmd, env=env, stdout=self._logf, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        # The main window's title is the capture's file name, nothing else.
        self.title_re = '^%s$' % re.escape(self.capture.name)
        try:
            self.main = wait_for(self._main_window, 60, 'the Wireshark main window')
        except GuiError:
            self.close()
            raise GuiError('Wireshark did not show its window; its output:\n' + self.output())
        x.place(self.main, 0, 0, *x.size)

    def _main_window(self):
        if self.proc.poll() is not None:
            raise GuiError('Wireshark exited with status %s:\n%s'
                           % (self.proc.returncode, self.output()))
        return (self.x.windows(self.title_re) or [None])[0]

    def output(self):
        if not self._logf.closed:
            self._logf.flush()
        return self.log.read_text(errors='replace')[-4000:]

    def close(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._logf.close()

    # -- the things a user does ----------------------------------------------------
    def focus(self):
        self.x.focus(self.main)

    def menu(self, *keys):
        """Open a menu of the main window with keys (alt+s, ...) and walk it."""
        self.focus()
        self.x.key(*keys)

    def dialog(self, name_regex, timeout=30):
        return self.x.wait_window(name_regex, timeout)

    def close_dialog(self, wid):
        self.x.focus(wid)
        self.x.key('Escape')
        self.x.wait_window_gone(wid)

    def capture_file_properties(self, expect_total=None, timeout=30):
        """Statistics > Capture File Properties, its text copied: {'captured': n, 'displayed': n}."""
        def accept(text):
            m = re.search(r'^Packets\n(\d+)\n(\d+)', text, re.M)
            return bool(m) and (expect_total is None or int(m.group(1)) == expect_total)

        deadline = time.monotonic() + timeout
        while True:
            self.menu('ctrl+alt+shift+c')
            try:
                dlg = self.dialog('Capture File Properties', timeout=5)
            except GuiError:          # the menu item is disabled while the file loads
                if time.monotonic() > deadline:
                    raise
                continue
            try:
                def act():
                    self.x.focus(dlg)
                    self.x.key('ctrl+a', 'ctrl+c')
                text = self.x.copy(act, accept, timeout=5, what='Capture File Properties')
                break
            except GuiError:
                if time.monotonic() > deadline:
                    raise
            finally:
                self.close_dialog(dlg)
            time.sleep(0.5)   # the capture is still loading: look again
        m = re.search(r'^Packets\n(\d+)\n(\d+)', text, re.M)
        return {'captured': int(m.group(1)), 'displayed': int(m.group(2)), 'text': text}

    def packet_list_csv(self, accept, timeout=20):
        """Select every displayed row (Ctrl+A in the packet list) and Edit > Copy > As CSV."""
        def act():
            self.focus()
            # A point inside the packet list pane (the top pane, under the filter bar).
            self.x.click_in(self.main, 300, 130)
            self.x.key('ctrl+a')
            self.x.key('alt+e', 'Right', 'Down', 'Return')   # Copy > As Plain Text, As CSV
        return self.x.copy(act, accept, timeout=timeout, what='Edit > Copy > As CSV')
