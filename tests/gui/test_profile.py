"""The QuickVPN configuration profile (profiles/QuickVPN), without a display.

Wireshark reads the same files as tshark does for preferences, filter buttons and
colouring rules (tshark --color), and reports what it cannot parse: these checks
load the installed profile with tshark and the qvpn module and require silence,
then check what each file selects on the captures.
"""
import os
import re
import subprocess
import zipfile
from pathlib import Path

from conftest import PROFILE, REPO, make_home

SRC = REPO / 'profiles' / PROFILE
WARNINGS = ('qvpn.mm_stall', 'qvpn.qm_stall', 'qvpn.ike_notify', 'qvpn.ike_auth_failed',
            'qvpn.tls_alert', 'qvpn.esp_one_way', 'qvpn.rst_after_alert', 'qvpn.ike_refused',
            'qvpn.session_cap')
PHASE_FILTERS = {
    'Connection': 'qvpn.phase == 1',
    'Policy activation': 'qvpn.phase == 2',
    'Network verification': 'qvpn.phase == 3',
    'Teardown': 'qvpn.phase == 4',
}


def uat_rows(path):
    """Records of a Wireshark UAT file: quoted fields, \\xHH escapes."""
    rows = []
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith('#'):
            continue
        fields = re.findall(r'"((?:[^"\\]|\\.)*)"', line)
        rows.append([re.sub(r'\\x([0-9a-fA-F]{2})', lambda m: chr(int(m.group(1), 16)), f)
                     for f in fields])
    return rows


def color_rules(path):
    """(name, filter, background, foreground) of a colorfilters file."""
    rules = []
    for line in path.read_text().splitlines():
        m = re.match(r'^(!?)@(.*?)@(.*)@\[(\d+),(\d+),(\d+)\]\[(\d+),(\d+),(\d+)\]$', line)
        if m:
            rules.append((m.group(2), m.group(3), tuple(map(int, m.group(4, 5, 6))),
                          tuple(map(int, m.group(7, 8, 9)))))
    return rules


def test_install_and_zip(work, tmp_path):
    home = make_home(work, 'install')
    dest = home / '.config' / 'wireshark' / 'profiles' / PROFILE
    shipped = sorted(p.name for p in SRC.iterdir() if p.is_file())
    assert {'preferences', 'colorfilters', 'dfilter_buttons', 'io_graphs'} <= set(shipped)
    assert sorted(p.name for p in dest.iterdir()) == shipped
    for name in shipped:
        if name != 'recent':
            assert (dest / name).read_bytes() == (SRC / name).read_bytes(), name

    # A second install keeps the profile's own "recent" (Wireshark rewrites it).
    own = home / 'own-recent-test'
    own.mkdir()
    env = dict(os.environ, HOME=str(own))
    subprocess.run([str(REPO / 'scripts' / 'install-profile.sh')], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    recent = own / '.config' / 'wireshark' / 'profiles' / PROFILE / 'recent'
    recent.write_text('gui.byte_view_show: TRUE\n')
    subprocess.run([str(REPO / 'scripts' / 'install-profile.sh')], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    assert recent.read_text() == 'gui.byte_view_show: TRUE\n'

    # --dir and --zip (Configuration Profiles > Import > From Zip File: <profile>/<file>)
    out = subprocess.run([str(REPO / 'scripts' / 'install-profile.sh'), '--dir', tmp_path / 'p'],
                         check=True, stdout=subprocess.PIPE, text=True).stdout.strip()
    assert Path(out) == tmp_path / 'p' / PROFILE and (Path(out) / 'preferences').exists()
    z = tmp_path / 'QuickVPN.zip'
    subprocess.run([str(REPO / 'scripts' / 'install-profile.sh'), '--zip', z], check=True,
                   stdout=subprocess.DEVNULL)
    with zipfile.ZipFile(z) as f:
        assert sorted(f.namelist()) == ['%s/%s' % (PROFILE, n) for n in shipped]
        assert f.read(PROFILE + '/preferences') == (SRC / 'preferences').read_bytes()


def test_profile_loads_silently(tshark, captures):
    """Preferences, dfilter_buttons and colorfilters parse: tshark -C QuickVPN --color
    says nothing on stderr (it names any record it cannot load)."""
    r = tshark.run('-C', PROFILE, '--color', '-r', captures['reference'], '-c', '200')
    err = [line for line in r.stderr.decode().splitlines()
           if line.strip() and 'nl80211' not in line]
    assert err == []


def test_columns(tshark, captures):
    out = tshark.out('-C', PROFILE, '-r', captures['reference'], '-Y', 'frame.number == 154')
    # "... ISAKMP 162 1 Policy activation MM_SA_SETUP 0.097437000 Identity Protection ..."
    assert re.search(r'ISAKMP\s+162\s+1 Policy activation MM_SA_SETUP 0\.097437000 '
                     r'Identity Protection', out), out
    prefs = (SRC / 'preferences').read_text()
    for field in ('qvpn.session', 'qvpn.phase', 'qvpn.ike.state', 'qvpn.rtt.ike'):
        assert '"%%Cus:%s:0:R"' % field in prefs


def test_filter_buttons(tshark, captures):
    rows = uat_rows(SRC / 'dfilter_buttons')
    assert all(len(r) == 4 and r[0] == 'TRUE' for r in rows), rows
    buttons = {label: expr for _, label, expr, _ in rows}
    assert list(buttons) == [*PHASE_FILTERS, 'qvpn warnings']
    ref = captures['reference']
    for label, numeric in PHASE_FILTERS.items():
        assert buttons[label] == 'qvpn.phase == "%s"' % label
        assert tshark.frames(ref, buttons[label]) == tshark.frames(ref, numeric), label
    # 224: the client's first encrypted Informational, which could be a DPD; the
    # Teardown starts with the second in a row (225).
    assert tshark.frames(ref, buttons['Policy activation']) == \
        [153, 154, 155, 162, 163, 164, 165, 166, 168, 224]
    assert set(re.split(r'\s*\|\|\s*', buttons['qvpn warnings'])) == set(WARNINGS)
    # psk-mismatch: the MM5 sent a third time and on (the first resend is a Note, the
    # login's RST after its encrypted alerts too)
    assert tshark.frames(captures['psk-mismatch'], buttons['qvpn warnings']) == [31, 33, 40]


def test_colorfilters(tshark, captures):
    rules = color_rules(SRC / 'colorfilters')
    names = [r[0] for r in rules]
    assert names[:6] == ['qvpn warning', 'qvpn tunnel up', 'qvpn Connection',
                         'qvpn Policy activation', 'qvpn Network verification', 'qvpn Teardown']
    # Wireshark's own rules follow, so the rest of the traffic keeps its usual colours.
    stock = color_rules(Path('/usr/share/wireshark/colorfilters'))
    if stock:
        assert rules[6:] == stock
    by_name = {r[0]: r[1] for r in rules}
    assert set(re.split(r'\s*\|\|\s*', by_name['qvpn warning'])) == set(WARNINGS)
    for name in names[:6]:
        tshark.frames(captures['reference'], by_name[name])   # compiles
    assert tshark.frames(captures['reference'], by_name['qvpn tunnel up']) == [216]


def test_io_graphs(tshark):
    rows = uat_rows(SRC / 'io_graphs')
    assert all(len(r) == 9 for r in rows), rows   # the 9 fields of Wireshark 4.0's io_graphs
    enabled = [r for r in rows if r[0] == 'Enabled']
    assert [(r[2], r[5], r[6]) for r in enabled] == [
        ('qvpn.rtt.ike', 'AVG(Y Field)', 'qvpn.rtt.ike'),
        ('qvpn.rtt.ike', 'MAX(Y Field)', 'qvpn.rtt.ike')]
    fields = tshark.out('-G', 'fields')
    assert re.search(r'^F\tIKE RTT\tqvpn\.rtt\.ike\tFT_RELATIVE_TIME\t', fields, re.M)


def test_capture_filter():
    rows = (SRC / 'cfilters').read_text().splitlines()
    assert rows[0] == ('"QuickVPN (TLS login, IKE, NAT-T, ESP)" tcp port 443 or tcp port 60443 '
                       'or udp port 500 or udp port 4500 or ip proto 50')
