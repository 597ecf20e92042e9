"""Statistics > QuickVPN Sessions and Analyze > Conversation Filter > QuickVPN in the
real Wireshark window (issue 16).

- The Sessions window (a simple statistics dialog, opened as Wireshark's own
  `-z qvpn_sessions,table` does) read back through its Copy button: one row per
  attempt, equal to `tshark -z qvpn,sessions` (text: the columns, the ESP and Expert
  infos lines; JSON: the ESP packet counts).
- Conversation Filter > QuickVPN on a packet of attempt 8 (many-clients.pcap, frame
  600: its MM5) applies `qvpn.session == 8`, and the window displays as many packets
  as tshark finds with that filter.
"""
import json
import re

ROW = re.compile(r'^\s*(\d+)  (\S+)\s+(\S+)\s+(\S+)\s+([\d.]+)  (\S+)\s+(\S+)\s+(\S+)  (.*)$')


def text_table(text):
    """-z qvpn,sessions text -> {id: [client, gateway, ports, start, phase, ike, tunnel,
    verdict, expert, esp]} (both of its parts: VPN sessions and TLS-only attempts)."""
    rows, last = {}, None
    for line in text.splitlines():
        m = ROW.match(line)
        if m and not line.lstrip().startswith('#'):
            last = int(m.group(1))
            rows[last] = list(m.group(2, 3, 4, 5, 6, 7, 8, 9)) + ['-', '-']
        elif last is not None and line.startswith('      Expert infos: '):
            rows[last][8] = line[len('      Expert infos: '):]
        elif last is not None and line.startswith('      ESP: '):
            rows[last][9] = line[len('      ESP: '):]
    return rows


def window_table(text):
    """The Copy button's text -> the same shape, plus the ESP counts."""
    rows = {}
    for line in text.splitlines():
        cols = re.split(r'\s{2,}', line.strip())
        if len(cols) == 16 and cols[0].isdigit():
            (sid, client, gw, ports, start, phase, ike, tunnel, verdict, expert,
             out, inn, esp, software, suite, nat) = cols
            rows[int(sid)] = ([client, gw, ports, start, phase, ike, tunnel, verdict, expert, esp],
                              int(out), int(inn), (software, suite, nat))
    return rows


def test_sessions_window_equals_z_qvpn_sessions(wireshark, tshark, captures, shots):
    cap = captures['many-clients']
    expected = text_table(tshark.out('-r', cap, '-q', '-z', 'qvpn,sessions'))
    js = tshark.out('-r', cap, '-q', '-z', 'qvpn,sessions,json')
    sessions = json.loads(js[js.index('{'):])['qvpn_sessions']['sessions']
    counts = {s['session']: (s['esp_out'], s['esp_in']) for s in sessions}
    evidence = {s['session']: s['evidence'] for s in sessions}
    assert len(expected) == len(counts) > 30

    ws = wireshark(cap, '-z', 'qvpn_sessions,table')
    ws.capture_file_properties()
    dlg = ws.dialog('QuickVPN Sessions')
    ws.x.place(dlg, 20, 100, 1400, 760)

    def copy_button():
        ws.x.focus(dlg)
        ws.x.click_in(dlg, 300, -140)        # a row of the table: focus
        ws.x.key('Tab', 'Tab', 'Tab', 'space')  # display filter, Apply, Copy

    text = ws.x.copy(copy_button, lambda t: len(window_table(t)) == len(expected),
                     what='the QuickVPN Sessions Copy button')
    got = window_table(text)
    assert {k: v[0] for k, v in got.items()} == expected
    assert {k: v[1:3] for k, v in got.items()} == counts
    # The evidence columns: what -z qvpn,sessions,json says of each attempt.
    for k, v in got.items():
        software, suite, nat = v[3]
        ev = evidence[k]
        assert suite == (ev['chosen'] or '-'), k
        assert nat == (ev['nat'] or '-'), k
        for side in ('client', 'gateway'):
            if ev[side + '_software']:
                assert '%s: %s' % (side, ev[side + '_software']) in software, k
    # The attempts the scenario describes as failed are there with their verdicts.
    assert got[8][0][7].startswith('stalled in MM_KEY_EXCH')
    assert got[18][0][7].startswith('refused by peer: NO-PROPOSAL-CHOSEN (offered: ')
    ws.x.screenshot(shots / 'sessions-window.png', wid=dlg)


def test_conversation_filter_quickvpn(wireshark, tshark, captures, shots):
    cap = captures['many-clients']
    want = len(tshark.frames(cap, 'qvpn.session == 8'))
    assert want > 10
    ws = wireshark(cap, '-g', 600)
    ws.capture_file_properties()
    # Analyze > Conversation Filter (the 5th active item) > its last entry, QuickVPN
    # (enabled: frame 600 belongs to an attempt).
    ws.menu('alt+a', 'Down', 'Down', 'Down', 'Down', 'Down', 'Right', 'Up')
    ws.x.screenshot(shots / 'conversation-filter.png')
    ws.x.key('Return')

    def filter_text():
        ws.focus()
        ws.x.key('ctrl+slash', 'ctrl+a', 'ctrl+c')

    text = ws.x.copy(filter_text, lambda t: t.startswith('qvpn.session'),
                     what='the display filter')
    assert text.strip() == 'qvpn.session == 8'
    props = ws.capture_file_properties()
    assert props['displayed'] == want
