"""Tests of the capture corpus (captures/) with stock tshark 4.0.

    /usr/bin/python3 -m pytest tests/captures

(a) the committed files equal a fresh generator run (byte-identical);
(b) the reference capture reproduces the published packet list row for row;
(c) no generated capture dissects as malformed or with an expert error, and the
    only expert warnings are the intended TCP RSTs;
(d) two generator runs give identical bytes;
(e) bench mode writes a capture tshark reads, in time order, of the expected size;
plus: the tagged key frames (keyframes.json) are what tshark says they are, and
the public captures match their SOURCES.md.

tshark runs with a throwaway HOME (no personal preferences) and with the qvpn
protocol disabled, so only Wireshark's own dissectors are judged even if the
plugin is installed system-wide (as root, personal plugin dirs are ignored anyway).
"""
import json
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CAPTURES = REPO / 'captures'
GENERATOR = CAPTURES / 'gen' / 'generate.py'
TSV = CAPTURES / 'quickvpn-seed-frames.tsv'
SHARED_TSV = Path('/work/shared/reference/quickvpn-seed-frames.tsv')
REFERENCE = CAPTURES / 'quickvpn-reference.pcapng'
GATEWAY = '79.189.214.86'

TSHARK = shutil.which('tshark')
pytestmark = pytest.mark.skipif(TSHARK is None, reason='tshark not installed')


# ----------------------------------------------------------------------------- helpers

@pytest.fixture(scope='session')
def tshark_env(tmp_path_factory):
    home = tmp_path_factory.mktemp('home')
    env = {k: v for k, v in os.environ.items() if not k.startswith(('XDG_', 'WIRESHARK_'))}
    env.update(HOME=str(home), TZ='UTC', LC_ALL='C.UTF-8')
    return env


def tshark(env, *args):
    cmd = [TSHARK, '--disable-protocol', 'qvpn', '-o', 'gui.max_tree_depth:64'] + list(args)
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.returncode == 0, (cmd, p.stderr.decode('utf-8', 'replace'))
    return p.stdout.decode('utf-8')


def generate(out):
    p = subprocess.run([sys.executable, str(GENERATOR), '--out', str(out), '--quiet'],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.returncode == 0, p.stderr.decode()
    return out


def files_under(root):
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob('*') if p.is_file())


@pytest.fixture(scope='session')
def fresh(tmp_path_factory):
    return generate(tmp_path_factory.mktemp('gen1'))


@pytest.fixture(scope='session')
def keyframes():
    return json.loads((CAPTURES / 'scenarios' / 'keyframes.json').read_text())


def generated_captures():
    k = json.loads((CAPTURES / 'scenarios' / 'keyframes.json').read_text())
    return sorted(v['file'] for v in k.values())


def us(text):
    return int(Decimal(text) * 1000000)

# ----------------------------------------------------------------------------- (a), (d)


def test_committed_files_equal_a_fresh_run(fresh):
    produced = files_under(fresh)
    assert 'quickvpn-reference.pcapng' in produced and 'README.md' in produced
    assert 'scenarios/keyframes.json' in produced and len(produced) >= 17
    for rel in produced:
        committed = CAPTURES / rel
        assert committed.is_file(), '%s is generated but not committed' % rel
        assert committed.read_bytes() == (fresh / rel).read_bytes(), \
            '%s differs from a fresh run of captures/gen/generate.py' % rel
    stale = set(files_under(CAPTURES / 'scenarios')) - {p[len('scenarios/'):] for p in produced
                                                       if p.startswith('scenarios/')}
    assert not stale, 'files in captures/scenarios the generator does not make: %s' % sorted(stale)


def test_generator_is_deterministic(fresh, tmp_path):
    second = generate(tmp_path / 'gen2')
    assert files_under(second) == files_under(fresh)
    for rel in files_under(fresh):
        assert (second / rel).read_bytes() == (fresh / rel).read_bytes(), rel

# ----------------------------------------------------------------------------- (b)


def tsv_rows():
    lines = TSV.read_text(encoding='utf-8').splitlines()
    assert lines[0].split('\t') == ['no', 'time', 'source', 'destination', 'protocol', 'info']
    return [l.split('\t') for l in lines[1:] if l.strip()]


def norm_info(s):
    """tshark 4.0 prints 'https(443) → nav-port(3859)'; the TSV 'https > nav-port'."""
    s = s.replace('\u2192', '>')
    s = re.sub(r'\b([A-Za-z][\w-]*)\((\d+)\)', r'\1', s)
    return ' '.join(s.split())


def test_tsv_copy_matches_shared_reference():
    if not SHARED_TSV.exists():
        pytest.skip('no /work/shared reference on this machine')
    assert TSV.read_bytes() == SHARED_TSV.read_bytes()


@pytest.fixture(scope='session')
def reference_rows(tshark_env):
    out = tshark(tshark_env, '-N', 't', '-r', str(REFERENCE), '-T', 'fields', '-E', 'separator=\t',
                 '-e', 'frame.number', '-e', 'frame.time_relative', '-e', 'ip.src', '-e', 'ip.dst',
                 '-e', '_ws.col.Protocol', '-e', '_ws.col.Info')
    return {f[0]: f for f in (l.split('\t') for l in out.splitlines())}


def test_reference_reproduces_listed_frames(reference_rows):
    rows = tsv_rows()
    assert len(rows) == 42
    bad = []
    for no, t, src, dst, proto, info in rows:
        got = reference_rows.get(no)
        assert got is not None, 'frame %s missing' % no
        exp = (no, us(t), src, dst, proto, norm_info(info))
        have = (got[0], us(got[1]), got[2], got[3], got[4].strip(), norm_info(got[5]))
        if exp != have:
            bad.append((exp, have))
    assert not bad, '\n'.join('want %r\n got %r' % b for b in bad)


def test_reference_gateway_filter_selects_exactly_the_listed_frames(tshark_env):
    out = tshark(tshark_env, '-r', str(REFERENCE), '-Y', 'ip.addr == %s && frame.number >= 97' % GATEWAY,
                 '-T', 'fields', '-e', 'frame.number')
    assert out.split() == [r[0] for r in tsv_rows()]


def test_reference_first_part(tshark_env, reference_rows):
    """Frames before 97: the first TLS session's start (consistent with frame 97's
    Seq=728 Ack=315) and a ping of 79.189.214.83; nothing else is TLS."""
    out = tshark(tshark_env, '-r', str(REFERENCE), '-Y', 'tcp.port == 3859 && frame.number < 97', '-T', 'fields',
                 '-e', 'frame.number', '-e', 'tcp.flags.str', '-e', 'tcp.seq', '-e', 'tcp.ack', '-e', 'tcp.len',
                 '-e', 'tls.record.version', '-e', 'tls.handshake.type')
    rows = [l.split('\t') for l in out.splitlines()]
    assert len(rows) == 7
    assert [r[4] for r in rows] == ['0', '0', '0', '124', '0', '727', '190']
    assert rows[3][5] == '0x0002' and rows[3][6] == '1'            # SSLv2-format ClientHello
    assert rows[5][6] == '2,11,14'                                    # ServerHello, Certificate, Done
    pings = tshark(tshark_env, '-r', str(REFERENCE), '-Y', 'icmp && ip.addr == 79.189.214.83 && frame.number < 97',
                   '-T', 'fields', '-e', 'icmp.type').split()
    assert pings.count('8') >= 1 and pings.count('0') >= 1
    tls = tshark(tshark_env, '-r', str(REFERENCE), '-Y', 'tls', '-T', 'fields', '-e', 'ip.addr').splitlines()
    assert tls and all(GATEWAY in l for l in tls), 'TLS outside the QuickVPN sessions'


def test_reference_acceptance_rtts(reference_rows):
    t = {n: us(reference_rows[str(n)][1]) for n in (153, 154, 155, 162, 163, 164, 165, 166, 227, 228, 230, 232)}
    assert t[154] - t[153] == 97437
    assert t[162] - t[155] == 486430
    assert t[164] - t[163] == 101476
    assert t[166] - t[165] == 565257
    assert t[228] - t[227] == 90260
    assert t[232] - t[230] == 124581


def test_reference_protocol_content(tshark_env):
    out = tshark(tshark_env, '-r', str(REFERENCE), '-Y', 'isakmp || esp', '-T', 'fields', '-E', 'separator=;',
                 '-e', 'frame.number', '-e', 'isakmp.ispi', '-e', 'isakmp.rspi', '-e', 'isakmp.exchangetype',
                 '-e', 'isakmp.flags', '-e', 'isakmp.messageid', '-e', 'isakmp.length', '-e', 'esp.spi',
                 '-e', 'esp.sequence', '-e', 'isakmp.vid_string', '-e', 'isakmp.typepayload')
    rows = {int(r[0]): r for r in (l.split(';') for l in out.splitlines())}
    mm = [rows[n] for n in (153, 154, 155, 162, 163, 164)]
    assert len({r[1] for r in mm}) == 1, 'Main Mode shares one initiator cookie'
    assert mm[0][2] == '0000000000000000' and all(r[2] != '0000000000000000' for r in mm[1:])
    assert 'MS NT5 ISAKMPOAKLEY' in mm[0][9]
    assert '20' in mm[2][10].split(',') and '20' in mm[3][10].split(','), 'NAT-D in MM3/MM4'
    for n in (163, 164, 165, 166, 168, 224, 225, 244, 245):
        assert int(rows[n][4], 16) & 1, 'frame %d should be encrypted' % n
        assert (int(rows[n][6]) - 28) % 8 == 0
    qm = {rows[n][5] for n in (165, 166, 168)}
    assert len(qm) == 1 and qm != {'0x00000000'}
    info = [rows[n][5] for n in (224, 225, 244, 245)]
    assert len(set(info)) == 4 and not set(info) & qm
    assert [(rows[n][7], rows[n][8]) for n in (167, 209, 216)] == \
        [('0x8316d0a3', '1'), ('0x8316d0a3', '2'), ('0x2b28e6ae', '1')]

# ----------------------------------------------------------------------------- (c)


@pytest.mark.parametrize('rel', generated_captures())
def test_dissects_cleanly(tshark_env, rel):
    path = str(CAPTURES / rel)
    bad = tshark(tshark_env, '-d', 'tcp.port==60443,tls', '-r', path,
                 '-Y', '_ws.malformed || _ws.expert.severity == error')
    assert bad == '', 'malformed or expert error:\n' + bad[:2000]
    warn = tshark(tshark_env, '-d', 'tcp.port==60443,tls', '-r', path, '-Y', '_ws.expert.severity == warning',
                  '-T', 'fields', '-e', 'frame.number', '-e', '_ws.expert.message')
    # an ICMP error quoting ESP repeats the SPI and sequence number it answers: Wireshark's
    # ESP sequence analysis calls that a repeat (icmp-esp-prohibited)
    unexpected = [l for l in warn.splitlines() if 'Connection reset (RST)' not in l
                  and not ('Wrong Sequence Number' in l and 'repeated' in l and rel.endswith('icmp-esp-prohibited.pcap'))]
    assert not unexpected, 'unexpected expert warnings:\n' + '\n'.join(unexpected[:20])
    flags = tshark(tshark_env, '-d', 'tcp.port==60443,tls', '-r', path, '-Y', 'tcp.analysis.flags')
    assert flags == '', 'TCP analysis flags (retransmission, lost segment, ...):\n' + flags[:2000]


def test_success_60443_is_tls_on_60443(tshark_env):
    """All QuickVPN TCP is on 60443.  (Stock tshark 4.0.17 already finds it with its
    enabled-by-default TCP->TLS heuristic; -d makes it explicit.)"""
    path = str(CAPTURES / 'scenarios' / 'success-60443.pcap')
    ports = set(tshark(tshark_env, '-r', path, '-Y', 'ip.addr == 198.51.100.20 && tcp', '-T', 'fields',
                       '-e', 'tcp.srcport', '-e', 'tcp.dstport').split())
    assert '60443' in ports and '443' not in ports
    tls = tshark(tshark_env, '-d', 'tcp.port==60443,tls', '-r', path, '-Y', 'tls && tcp.port == 60443')
    assert len(tls.splitlines()) >= 20


# ----------------------------------------------------------------------------- key frames


FIELDS = ['isakmp.exchangetype', 'isakmp.messageid', 'isakmp.flag_e', 'isakmp.notify.msgtype',
          'isakmp.nextpayload', 'esp.spi', 'udp.length', 'udp.port', 'tcp.flags.syn', 'tcp.flags.ack',
          'tcp.flags.reset', 'tcp.flags.fin', 'tls.handshake.type', 'tls.alert_message.level',
          'tls.alert_message.desc', 'tls.record.content_type', 'ah.spi', 'isakmp.frag.number',
          'isakmp.frag.total', 'icmp.type', 'ip.flags.mf', 'ip.frag_offset']


def has(f, name, value):
    return value in f[name].split(',')


EXPECT = [   # tag suffix regex -> what tshark must show on every tagged frame
    (r'\.mm[1-6](\.retx)?$', 'Main Mode', lambda f: has(f, 'isakmp.exchangetype', '2')),
    (r'\.qm[1-3](\.retx)?$', 'Quick Mode, message ID != 0',
     lambda f: has(f, 'isakmp.exchangetype', '32') and f['isakmp.messageid'] not in ('', '0x00000000')),
    (r'\.info\.(client|gateway)$', 'encrypted Informational',
     lambda f: has(f, 'isakmp.exchangetype', '5') and f['isakmp.flag_e'] in ('1', 'True')),
    (r'\.notify$', 'Informational NO-PROPOSAL-CHOSEN',
     lambda f: has(f, 'isakmp.exchangetype', '5') and has(f, 'isakmp.notify.msgtype', '14')),
    (r'\.esp\.(out|in)$', 'ESP', lambda f: f['esp.spi'] != ''),
    (r'\.natt\.keepalive$', 'NAT keepalive', lambda f: f['udp.length'] == '9' and has(f, 'udp.port', '4500')),
    (r'\.sa_init\.(req|resp)$', 'IKE_SA_INIT', lambda f: has(f, 'isakmp.exchangetype', '34')),
    (r'\.auth\.(req|resp)$', 'IKE_AUTH with SK',
     lambda f: has(f, 'isakmp.exchangetype', '35') and has(f, 'isakmp.nextpayload', '46')),
    (r'\.info\.(req|resp)$', 'INFORMATIONAL', lambda f: has(f, 'isakmp.exchangetype', '37')),
    (r'\.(dpd\.(req|ack)|mm5_refused|qm_refused)$', 'encrypted Informational',
     lambda f: has(f, 'isakmp.exchangetype', '5') and f['isakmp.flag_e'] in ('1', 'True')),
    (r'\.cfg\.(req|reply)$', 'encrypted Transaction (Mode Config)',
     lambda f: has(f, 'isakmp.exchangetype', '6') and f['isakmp.flag_e'] in ('1', 'True')),
    (r'\.rekey\.(req|resp)$', 'CREATE_CHILD_SA with SK',
     lambda f: has(f, 'isakmp.exchangetype', '36') and has(f, 'isakmp.nextpayload', '46')),
    (r'\.auth\.frag\.(req|resp)$', 'IKE_AUTH fragment (SKF)',
     lambda f: has(f, 'isakmp.exchangetype', '35') and has(f, 'isakmp.nextpayload', '53')
     and 1 <= int(f['isakmp.frag.number']) <= int(f['isakmp.frag.total'])),
    (r'\.redirect$', 'IKE_SA_INIT answered by REDIRECT',
     lambda f: has(f, 'isakmp.exchangetype', '34') and has(f, 'isakmp.notify.msgtype', '16407')),
    (r'\.ah\.(out|in)$', 'AH', lambda f: f['ah.spi'] != ''),
    (r'\.sa_init\.retry$', 'IKE_SA_INIT', lambda f: has(f, 'isakmp.exchangetype', '34')),
    (r'\.invalid_ke$', 'IKE_SA_INIT answered by INVALID_KE_PAYLOAD',
     lambda f: has(f, 'isakmp.exchangetype', '34') and has(f, 'isakmp.notify.msgtype', '17')),
    (r'\.rebind$', 'NAT keepalive', lambda f: f['udp.length'] == '9' and has(f, 'udp.port', '4500')),
    (r'\.icmp$', 'ICMP destination unreachable', lambda f: f['icmp.type'] == '3'),
    (r'\.auth\.ipfrag(\.resend)?$', 'IPv4 fragment',
     lambda f: f['ip.flags.mf'] in ('1', 'True') or f['ip.frag_offset'] not in ('', '0')),
    (r'\.syn$', 'SYN', lambda f: f['tcp.flags.syn'] in ('1', 'True') and f['tcp.flags.ack'] in ('0', 'False')),
    (r'\.synack$', 'SYN/ACK', lambda f: f['tcp.flags.syn'] in ('1', 'True') and f['tcp.flags.ack'] in ('1', 'True')),
    (r'\.client_hello$', 'ClientHello', lambda f: has(f, 'tls.handshake.type', '1')),
    (r'\.server_hello$', 'ServerHello', lambda f: has(f, 'tls.handshake.type', '2')),
    (r'\.alert$', 'fatal alert 40',
     lambda f: has(f, 'tls.alert_message.level', '2') and has(f, 'tls.alert_message.desc', '40')),
    (r'\.close$', 'alert record', lambda f: has(f, 'tls.record.content_type', '21')),
    (r'\.rst$', 'RST', lambda f: f['tcp.flags.reset'] in ('1', 'True')),
    (r'\.fin$', 'FIN', lambda f: f['tcp.flags.fin'] in ('1', 'True')),
]


@pytest.mark.parametrize('name', sorted(json.loads((CAPTURES / 'scenarios' / 'keyframes.json').read_text())))
def test_keyframes_match_dissection(tshark_env, keyframes, name):
    k = keyframes[name]
    args = ['-d', 'tcp.port==60443,tls', '-r', str(CAPTURES / k['file']), '-T', 'fields', '-E', 'separator=;',
            '-E', 'occurrence=a', '-E', 'aggregator=,', '-e', 'frame.number']
    for f in FIELDS:
        args += ['-e', f]
    rows = {}
    for line in tshark(tshark_env, *args).splitlines():
        v = line.split(';')
        rows[int(v[0])] = dict(zip(FIELDS, v[1:]))
    assert len(rows) == k['frames']
    checked = 0
    for pattern, what, ok in EXPECT:
        for tag, frames in k['events'].items():
            if re.search(pattern, tag):
                bad = [n for n in frames if not ok(rows[n])]
                assert not bad, '%s: frames %s tagged %s are not %s' % (name, bad[:10], tag, what)
                checked += len(frames)
    assert checked > 0 or name == 'quickvpn-reference'


def test_retransmissions_repeat_the_same_message(tshark_env, keyframes):
    for name, k in keyframes.items():
        for tag, frames in k['events'].items():
            if not tag.endswith('.retx'):
                continue
            orig = k['events'][tag[:-len('.retx')]]
            sel = ' || '.join('frame.number == %d' % n for n in orig + frames)
            out = tshark(tshark_env, '-r', str(CAPTURES / k['file']), '-Y', sel, '-T', 'fields', '-e', 'udp.payload')
            assert len(set(out.split())) == 1, '%s %s: retransmissions differ from the original' % (name, tag)


def test_ikev2_fragments_are_whole_messages(tshark_env, keyframes):
    """Each fragmented IKE_AUTH message: one message ID, fragments 1..n of n, in order."""
    k = keyframes['ikev2-fragments']
    for tag in ('s1.auth.frag.req', 's1.auth.frag.resp'):
        frames = k['events'][tag]
        sel = ' || '.join('frame.number == %d' % n for n in frames)
        out = tshark(tshark_env, '-r', str(CAPTURES / k['file']), '-Y', sel, '-T', 'fields',
                     '-e', 'isakmp.messageid', '-e', 'isakmp.frag.number', '-e', 'isakmp.frag.total')
        rows = [l.split('\t') for l in out.splitlines()]
        assert len({r[0] for r in rows}) == 1, tag
        assert [(int(r[1]), int(r[2])) for r in rows] == [(i + 1, len(frames)) for i in range(len(frames))], tag


def test_esp_one_way_has_no_reply_and_enough_packets(tshark_env):
    path = str(CAPTURES / 'scenarios' / 'esp-one-way.pcap')
    out = tshark(tshark_env, '-r', path, '-Y', 'esp', '-T', 'fields', '-e', 'ip.src', '-e', 'frame.time_relative')
    rows = [l.split('\t') for l in out.splitlines()]
    assert len({r[0] for r in rows}) == 1 and len(rows) >= 10
    assert us(rows[-1][1]) - us(rows[0][1]) >= 5000000

# ----------------------------------------------------------------------------- (e)


def test_bench_smoke(tshark_env, tmp_path):
    out = tmp_path / 'bench50.pcap'
    p = subprocess.run([sys.executable, str(GENERATOR), '--bench', '50', '--out', str(out)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.returncode == 0, p.stderr.decode()
    m = re.search(r'(\d+) frames', p.stdout.decode())
    assert m, p.stdout
    claimed = int(m.group(1))
    n = len(tshark(tshark_env, '-r', str(out), '-T', 'fields', '-e', 'frame.number').split())
    assert n == claimed
    assert 50 * 300 < n < 50 * 1000, n                      # ~520 frames per session + background
    bad = tshark(tshark_env, '-r', str(out), '-Y', '_ws.malformed || _ws.expert.severity == error')
    assert bad == '', bad[:2000]
    esp = len(tshark(tshark_env, '-r', str(out), '-Y', 'esp', '-T', 'fields', '-e', 'frame.number').split())
    assert esp > n / 2, 'bench traffic should be mostly ESP'
    times = tshark(tshark_env, '-r', str(out), '-T', 'fields', '-e', 'frame.time_epoch').split()
    assert times == sorted(times, key=Decimal), 'bench frames out of time order'
    again = tmp_path / 'again.pcap'
    subprocess.run([sys.executable, str(GENERATOR), '--bench', '50', '--out', str(again), '--quiet'], check=True)
    assert again.read_bytes() == out.read_bytes()

# ----------------------------------------------------------------------------- public captures


KEY_TABLES = ('.ikev1_decryption_table', '.ikev2_decryption_table', '.esp_sa')


def test_public_captures_match_sources():
    pub = CAPTURES / 'public'
    listed = re.findall(r'^\| ([^ |]+) \|', (pub / 'SOURCES.md').read_text(), re.M)
    listed = [x for x in listed if x != 'File' and not x.startswith('---')]
    keys = sorted(p.name for p in pub.iterdir() if p.name.endswith(KEY_TABLES))
    files = sorted(p.name for p in pub.iterdir() if p.name != 'SOURCES.md' and p.name not in keys)
    assert len(files) == 42
    assert sorted(listed) == files
    # a key table (issue 15) sits beside its capture, named <capture file>.<table>
    assert not [k for k in keys if k.rsplit('.', 1)[0] not in files], keys
