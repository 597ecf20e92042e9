"""The qvpn module in the real Wireshark window (Xvfb), with the QuickVPN profile.

Every assertion reads what the window shows: text the GUI itself copies to the
clipboard (Edit > Copy > As CSV of the selected rows, Copy All Visible Items of
the packet details, the Copy button of the Statistics and I/O Graph dialogs, the
Capture File Properties text).  Expected values come from tshark with the same
module and profile.  Each test leaves a screenshot in the shots folder
(QVPN_GUI_SHOTS; docs/images holds the committed ones).
"""
import csv
import io
import re
import subprocess
from collections import defaultdict

import pytest

from conftest import PROFILE, REPO
from wsgui import wait_for

POLICY = 'qvpn.phase == "Policy activation"'
# The reference capture's Policy activation frames: the published MM1-MM6, QM1-QM3
# (captures/README.md); nothing before frame 97 belongs to that phase.
# 224 (the client's first encrypted Informational, possibly a DPD) is Policy activation
# too: the Teardown starts with the second in a row.
POLICY_FRAMES = [153, 154, 155, 162, 163, 164, 165, 166, 168, 224]
IKE_STATES = ['MM_NO_STATE', 'MM_SA_SETUP', 'MM_SA_SETUP', 'MM_KEY_EXCH', 'MM_KEY_EXCH',
              'QM_IDLE', 'QM_IDLE', 'QM_IDLE', 'QM_IDLE', 'QM_IDLE']
PHASES = {1: 'Connection', 2: 'Policy activation', 3: 'Network verification', 4: 'Teardown'}
QVPN_COLUMNS = ['Session', 'Phase', 'IKE state', 'IKE RTT']


def parse_csv(text):
    return list(csv.DictReader(io.StringIO(text)))


def csv_has_rows(n):
    def accept(text):
        return text.startswith('"No."') and len(parse_csv(text)) == n
    return accept


def fields(tshark, capture, dfilter, *names):
    args = ['-r', capture, '-Y', dfilter, '-T', 'fields', '-E', 'separator=\t']
    for n in names:
        args += ['-e', n]
    out = tshark.out(*args)
    return [line.split('\t') for line in out.splitlines()]


def test_policy_activation_filter(wireshark, tshark, captures, shots):
    """`qvpn.phase == "Policy activation"` on the reference capture: the status of the
    window (Displayed: 9) and the displayed rows with the profile's qvpn columns."""
    cap = captures['reference']
    expected_frames = tshark.frames(cap, POLICY)
    assert expected_frames == POLICY_FRAMES, 'tshark disagrees with captures/README.md'

    ws = wireshark(cap, '-Y', POLICY)
    props = ws.capture_file_properties(expect_total=tshark.count(cap))
    assert props['displayed'] == len(POLICY_FRAMES), props['text']
    ws.x.screenshot(shots / 'filter-policy-activation.png')

    rows = parse_csv(ws.packet_list_csv(csv_has_rows(len(POLICY_FRAMES))))
    assert list(rows[0].keys())[6:10] == QVPN_COLUMNS, 'the QuickVPN profile columns are missing'
    assert [int(r['No.']) for r in rows] == POLICY_FRAMES
    assert {r['Session'] for r in rows} == {'1'}
    assert {r['Phase'] for r in rows} == {'Policy activation'}
    assert [r['IKE state'] for r in rows] == IKE_STATES
    rtt = {int(n): float(v) for n, v in fields(tshark, cap, 'qvpn.rtt.ike', 'frame.number',
                                               'qvpn.rtt.ike')}
    shown = {int(r['No.']): float(r['IKE RTT']) for r in rows if r['IKE RTT']}
    assert shown == pytest.approx(rtt, abs=1e-9)
    assert sorted(shown) == [154, 162, 164, 166]


def test_qvpn_columns_every_phase(wireshark, tshark, captures, shots):
    """Filter `qvpn`: every phase of the reference session in the packet list, coloured by
    the profile (this is the docs' packet-list picture)."""
    cap = captures['reference']
    expected = {int(n): PHASES[int(p)] for n, p in
                fields(tshark, cap, 'qvpn', 'frame.number', 'qvpn.phase')}
    assert set(expected.values()) == set(PHASES.values())

    ws = wireshark(cap, '-Y', 'qvpn', '-g', 163, pane=590)
    props = ws.capture_file_properties()
    assert props['displayed'] == len(expected), props['text']
    ws.x.screenshot(shots / 'packet-list.png')

    rows = parse_csv(ws.packet_list_csv(csv_has_rows(len(expected))))
    assert {int(r['No.']): r['Phase'] for r in rows} == expected


def test_stats_tree_handshake_rtt(wireshark, tshark, captures, shots):
    """Statistics > QuickVPN > Handshake RTT (the stats_tree dialog) shows the same tree
    as `tshark -z qvpn_rtt,tree`."""
    cap = captures['reference']

    def table(text):
        # "<name>  <count>  <average>  <min>  <max>  ..." rows of the plain stats_tree text
        rows = []
        for line in text.splitlines():
            m = re.match(r'^(\S.*?|\s+\S.*?)\s{2,}(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s', line)
            if m:
                rows.append((m.group(1).strip(), int(m.group(2)), *map(float, m.group(3, 4, 5))))
        return rows

    expected = table(tshark.out('-r', cap, '-q', '-z', 'qvpn_rtt,tree'))
    names = [r[0] for r in expected]
    assert 'IKE MM1->MM2' in names and 'QuickVPN handshake RTT (ms)' in names

    ws = wireshark(cap, '-Y', POLICY)
    ws.capture_file_properties()            # the capture is loaded
    # Statistics is the menu with mnemonic S; QuickVPN is its last entry (Up wraps).
    ws.menu('alt+s', 'Up', 'Right', 'Return')
    dlg = ws.dialog('Handshake RTT')
    assert 'QuickVPN' in ws.x.window_name(dlg) or 'Handshake RTT' in ws.x.window_name(dlg)
    ws.x.place(dlg, 170, 160, 1000, 400)

    def copy_button():
        ws.x.focus(dlg)
        ws.x.click_in(dlg, 300, -100)        # empty part of the tree: focus, no selection
        ws.x.key('Tab', 'Tab', 'Tab', 'space')  # display filter, Apply, Copy

    text = ws.x.copy(copy_button, lambda t: 'QuickVPN/Handshake RTT:' in t
                     and len(table(t)) == len(expected), what='the Handshake RTT Copy button')
    got = table(text)
    assert sorted(got) == pytest.approx(sorted(expected))
    by_name = {r[0]: r for r in got}
    assert by_name['IKE MM1->MM2'][1:3] == (1, pytest.approx(97.44))
    assert by_name['IKE QM1->QM2'][1:3] == (1, pytest.approx(565.26))
    ws.x.screenshot(shots / 'stats-rtt.png', wid=dlg)


def qvpn_tree(ws, frame):
    """The selected frame's QuickVPN tree, expanded, as Edit > Copy > All Visible Items
    gives it (the packet details pane, from the post-dissector's item on)."""
    def expand_and_copy():
        ws.focus()
        ws.x.click_in(ws.main, 700, -80)     # empty part of the packet details pane
        # Home first: without a current item, the first key only selects the first row.
        ws.x.key('Home', 'End')              # last item: the post-dissector's tree
        ws.x.key('shift+Right')              # View > Expand Subtrees
        ws.x.key('ctrl+alt+shift+a')         # Edit > Copy > All Visible Items

    prefix = 'Frame %d:' % frame
    text = ws.x.copy(expand_and_copy, lambda t: t.startswith(prefix) and 'Expert Info' in t,
                     what='Copy All Visible Items of frame %d' % frame)
    return text[text.index('[QuickVPN analysis'):]


def test_expert_info_tree_psk_mismatch(wireshark, captures, shots):
    """MM5 sent a third time in psk-mismatch.pcap (frame 31): the expanded QuickVPN
    analysis tree with its phase-1 stall warning."""
    cap = captures['psk-mismatch']
    ws = wireshark(cap, '-Y', POLICY, '-g', 31)
    ws.capture_file_properties()

    tree = qvpn_tree(ws, 31)
    assert tree.startswith('[QuickVPN analysis: Session 1, Policy activation, '
                           'IKE Main Mode MM5, MM_KEY_EXCH]')
    for item in ('[Phase: Policy activation', '[IKE message: MM5', '[IKE state: MM_KEY_EXCH',
                 '[Retransmission of: 27]',
                 '[Expert Info (Warning/Sequence): IKE phase 1 stalled: MM5 sent 3 times',
                 'pre-shared keys most likely differ',
                 '[Expert Info (Note/Sequence): IKE retransmission: MM5 sent again'):
        assert item in tree, tree
    ws.x.screenshot(shots / 'psk-mismatch-expert.png')


def test_refused_proposal_shows_the_offer(wireshark, captures, shots):
    """proposal-refused-legacy.pcap frame 26: the router's cleartext NO-PROPOSAL-CHOSEN to
    MM1 25, which offers only DES/MD5/MODP768 and 3DES/MD5/MODP1024 (the scenario's
    definition): the QuickVPN tree names the offer and the legacy-crypto refusal."""
    cap = captures['proposal-refused-legacy']
    ws = wireshark(cap, '-Y', 'isakmp', '-g', 26)
    ws.capture_file_properties()

    tree = qvpn_tree(ws, 26)
    for item in ('[Evidence: observed (cleartext)',
                 '[Expert Info (Warning/Response): IKE error notification: cleartext '
                 'NO-PROPOSAL-CHOSEN (14) from the gateway; offered DES/MD5/PSK/MODP768/28800s',
                 '[Proposal refused: legacy crypto: phase 1 refused or unanswered; offered '
                 'only DES/MD5/PSK/MODP768/28800s'):
        assert item in tree, tree
    ws.x.screenshot(shots / 'proposal-refused.png')


def key_rows(capture_rel, table):
    """The UAT rows of a key table beside a capture of the repository."""
    path = REPO / (capture_rel + '.' + table)
    return [l.strip() for l in path.read_text().splitlines() if l.strip() and not l.startswith('#')]


def test_with_keys_names_the_decrypted_refusal(wireshark, captures, shots):
    """v1-qm-invalid-id.pcap frame 34 with the key table beside it (the scenario's
    definition): the gateway's encrypted Informational answering QM1 decrypts to
    INVALID-ID-INFORMATION, and QM1 33 asked 192.168.5.0/24 <-> 10.0.0.0/24.  With the key
    given on the command line (as Preferences -> Protocols -> ISAKMP does), the QuickVPN
    tree says so, observed (decrypted)."""
    rows = key_rows('captures/scenarios/v1-qm-invalid-id.pcap', 'ikev1_decryption_table')
    args = [a for r in rows for a in ('-o', 'uat:ikev1_decryption_table:' + r)]
    ws = wireshark(captures['v1-qm-invalid-id'], *args, '-Y', 'isakmp', '-g', 34)
    ws.capture_file_properties()

    tree = qvpn_tree(ws, 34)
    for item in ('[Evidence: observed (decrypted)',
                 '[Decrypted notifications: INVALID-ID-INFORMATION',
                 '[Expert Info (Warning/Response): IKE error notification: decrypted notify '
                 'INVALID-ID-INFORMATION (18) from the gateway; asked 192.168.5.0/24 <-> '
                 '10.0.0.0/24'):
        assert item in tree, tree
    ws.x.screenshot(shots / 'with-keys.png')


def test_io_graph_ike_rtt(wireshark, tshark, captures, shots):
    """Statistics > I/O Graphs with the profile's graphs (AVG and MAX of qvpn.rtt.ike per
    second) on many-clients.pcap: the plotted values equal tshark's qvpn.rtt.ike."""
    cap = captures['many-clients']
    per_sec = defaultdict(list)
    for t, v in fields(tshark, cap, 'qvpn.rtt.ike', 'frame.time_relative', 'qvpn.rtt.ike'):
        per_sec[int(float(t))].append(float(v))
    assert len(per_sec) > 20

    ws = wireshark(cap)
    ws.capture_file_properties(expect_total=tshark.count(cap))
    ws.menu('alt+s', 'i')                    # Statistics > I/O Graphs
    dlg = ws.dialog('I/O Graphs')
    ws.x.place(dlg, 0, 0, 1200, 700)

    def values(text):
        rows = list(csv.reader(io.StringIO(text)))
        if len(rows) < 2 or rows[0][:1] != ['Interval start']:
            return None
        return rows[0], {int(r[0]): (float(r[1]), float(r[2])) for r in rows[1:] if len(r) >= 3}

    def complete(text):
        v = values(text)
        return bool(v) and max(v[1]) >= max(per_sec) and \
            all(v[1].get(s, (0, 0))[1] > 0 for s in per_sec)

    def copy_button():
        ws.x.focus(dlg)
        ws.x.click_in(dlg, -325, -24)        # the dialog's Copy button (CSV of the graphs)

    header, got = values(ws.x.copy(copy_button, complete, timeout=40,
                                   what='the I/O Graphs Copy button'))
    assert header[1:3] == ['IKE RTT, average (ms)', 'IKE RTT, maximum (ms)'], header
    for sec in range(max(per_sec) + 1):
        samples = per_sec.get(sec)
        avg, mx = got.get(sec, (0.0, 0.0))
        if samples:
            assert avg == pytest.approx(sum(samples) / len(samples), rel=1e-4), sec
            assert mx == pytest.approx(max(samples), rel=1e-4), sec
        else:
            assert (avg, mx) == (0.0, 0.0), sec
    ws.x.screenshot(shots / 'io-graph.png', wid=dlg)


def test_profile_zip_import(wireshark, captures, work, shots):
    """Edit > Configuration Profiles > Import > From Zip File, with the zip of
    scripts/install-profile.sh --zip, in a Wireshark that has no QuickVPN profile yet."""
    z = work / 'QuickVPN-profile.zip'
    subprocess.run([str(REPO / 'scripts' / 'install-profile.sh'), '--zip', str(z)], check=True,
                   stdout=subprocess.DEVNULL)
    z.chmod(0o644)
    src = REPO / 'profiles' / PROFILE
    shipped = {p.name: p.read_bytes() for p in src.iterdir() if p.is_file()}

    ws = wireshark(captures['reference'], profile='Default')
    dest = ws.home / '.config' / 'wireshark' / 'profiles' / PROFILE
    assert not dest.exists()
    ws.menu('ctrl+shift+a')                  # Edit > Configuration Profiles...
    dlg = ws.dialog('Configuration Profiles')
    ws.x.click_in(dlg, -321, -24)            # the Import button (its menu opens)
    ws.x.key('Down', 'Return')               # From Zip File...
    chooser = ws.dialog('Select zip file for import')
    ws.x.focus(chooser)
    ws.x.type(str(z))
    ws.x.key('Return')
    box = ws.dialog('Importing profiles')    # "1 profile(s) imported"
    wait_for(lambda: dest.is_dir() and
             {p.name: p.read_bytes() for p in dest.iterdir()} == shipped,
             15, 'the imported profile in %s' % dest)
    ws.close_dialog(box)
    ws.x.screenshot(shots / 'profile-import.png', wid=dlg)
