"""qvpn-keys (label keys): real charon logs -> Wireshark's key tables -> tshark decrypts.

The fixtures (tests/keys/fixtures, see its README) are the logs of two real strongSwan 5.9.8
charons and the capture taken while they ran: two IKEv2 SAs (AES-CBC-128 + HMAC-SHA2-256,
AES-GCM-256), one IKEv1 Main Mode, a CHILD_SA rekey and an IKE_SA rekey, pings through each
tunnel. Every encrypted IKE message and every ESP packet of that capture must come out
decrypted with the tables the script makes, with correct ICVs — from the initiator's log,
its default-format twin and the responder's log alike. Only tshark is needed (no plugin).
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SCRIPT = REPO / 'scripts' / 'qvpn-keys'
FIX = HERE / 'fixtures'
EXPECTED = HERE / 'expected'
CAPTURE = FIX / 'capture.pcap'
LOGS = ['charon.log', 'charon-plain.log', 'charon-responder.log']
TABLES = ['ikev1_decryption_table', 'ikev2_decryption_table', 'esp_sa']
TSHARK = os.environ.get('QVPN_TSHARK') or shutil.which('tshark')

# what the capture holds (tshark -r capture.pcap), checked in test_the_capture_is_what_we_think
IKEV2_ENCRYPTED = [3, 4, 11, 12, 30, 31, 32, 33, 38, 39, 40, 41, 44, 45, 46, 47]
IKEV1_ENCRYPTED = [21, 22, 23, 24, 25, 42, 43]
ESP = [5, 6, 7, 8, 13, 14, 15, 16, 26, 27, 28, 29, 34, 35, 36, 37]
KINDS = {'IKEV2_ENCRYPTED': 'isakmp.version == 0x20 && isakmp.nextpayload == 46',
         'IKEV1_ENCRYPTED': 'isakmp.version == 0x10 && isakmp.flag_e == 1',
         'ESP': 'esp'}


def run_keys(*args, stdin=None):
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], input=stdin,
                          capture_output=True, text=True, timeout=60)


def rows(text):
    return [l for l in text.splitlines() if l.strip() and not l.startswith('#')]


def expected(table):
    return rows((EXPECTED / table).read_text())


def tshark(args, config_dir):
    """tshark -T fields on the fixture capture, with an empty (or given) profile folder."""
    if not TSHARK:
        pytest.skip('tshark not installed')
    env = dict(os.environ, WIRESHARK_CONFIG_DIR=str(config_dir), LC_ALL='C.UTF-8')
    cmd = [TSHARK, '-n', '-r', str(CAPTURE), *args,
           '-o', 'esp.enable_authentication_check:TRUE',
           '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,',
           '-e', 'frame.number', '-e', 'isakmp.enc.decrypted', '-e', 'isakmp.typepayload',
           '-e', 'esp.icv_good', '-e', 'esp.icv_bad', '-e', 'icmp.type']
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    frames = {}
    for line in out.stdout.splitlines():
        f = line.split('\t')
        frames[int(f[0])] = dict(decrypted=f[1], payloads=f[2], icv_good=f[3], icv_bad=f[4],
                                 icmp=f[5])
    verbose = subprocess.run(cmd[:cmd.index('-T')] + ['-V'], capture_output=True, text=True,
                             env=env, timeout=120).stdout
    return frames, verbose


def assert_all_decrypted(frames, verbose):
    for n in IKEV2_ENCRYPTED:
        assert frames[n]['decrypted'] == '1', 'IKEv2 frame %d not decrypted' % n
    # IKEv1: the payloads after the encrypted header are dissected (ID 5 / HASH 8 / SA 1 ...)
    for n in IKEV1_ENCRYPTED:
        assert re.search(r'(^|,)(5|8|1)(,|$)', frames[n]['payloads']), \
            'IKEv1 frame %d not decrypted: payloads %r' % (n, frames[n]['payloads'])
    for n in ESP:
        assert frames[n]['icv_good'] == '1' and frames[n]['icv_bad'] in ('', '0'), \
            'ESP frame %d: ICV not good' % n
        assert frames[n]['icmp'] in ('0', '8'), 'ESP frame %d: no ping inside' % n
    checks = re.findall(r'Integrity Checksum Data: .*', verbose)
    assert len(checks) == len([n for n in IKEV2_ENCRYPTED]) and \
        all(c.endswith('[correct]') for c in checks), checks
    assert '[incorrect' not in verbose


def test_the_capture_is_what_we_think(tmp_path):
    if not TSHARK:
        pytest.skip('tshark not installed')
    env = dict(os.environ, WIRESHARK_CONFIG_DIR=str(tmp_path))
    for name, dfilter in KINDS.items():
        out = subprocess.run([TSHARK, '-n', '-r', str(CAPTURE), '-Y', dfilter, '-T', 'fields',
                              '-e', 'frame.number'], capture_output=True, text=True, env=env,
                             timeout=60)
        assert [int(n) for n in out.stdout.split()] == globals()[name], name


# ---- the script on its own --------------------------------------------------------------
def test_help_says_what_to_log_and_where_the_tables_go():
    out = run_keys('--help')
    assert out.returncode == 0
    for text in ('ike = 4', 'chd = 4', 'mgr = 2', '--tshark-args', '-o', '~/.config/wireshark/',
                 'esp.enable_encryption_decode', 'Protocols > ISAKMP', 'Protocols > ESP'):
        assert text in out.stdout, text


def test_installed_executable_with_a_python3_shebang():
    assert os.access(SCRIPT, os.X_OK)
    assert SCRIPT.read_text().startswith('#!/usr/bin/env python3\n')


@pytest.mark.parametrize('log', LOGS)
def test_every_log_gives_the_expected_tables(log, tmp_path):
    out = run_keys(FIX / log, '-o', tmp_path)
    assert out.returncode == 0, out.stderr
    assert 'skipped' not in out.stderr, out.stderr
    for t in TABLES:
        assert sorted(rows((tmp_path / t).read_text())) == sorted(expected(t)), t
    # both directions of every CHILD_SA, and the three IKE SAs (one a rekey)
    assert len(expected('esp_sa')) == 8 and len(expected('ikev2_decryption_table')) == 3


def test_ikev2_rows_name_the_algorithms_as_wireshark_does():
    v2 = expected('ikev2_decryption_table')
    assert any('"AES-CBC-128 [RFC3602]"' in r and r.endswith('"HMAC_SHA2_256_128 [RFC4868]"')
               for r in v2)
    # AEAD: no integrity keys, integrity NONE
    assert any(',"AES-GCM-256 with 16 octet ICV [RFC5282]",,,"NONE [RFC4306]"' in r for r in v2)
    esp = expected('esp_sa')
    assert any('"AES-GCM with 16 octet ICV [RFC4106]"' in r and '"NULL","0x"' in r for r in esp)


def test_ikev2_sa_without_responder_keys_is_skipped_with_a_warning(tmp_path):
    # the first IKE_SA's "Sk_er secret" (and its hex dump) gone from the log
    lines = (FIX / 'charon.log').read_text().splitlines(keepends=True)
    start = next(i for i, l in enumerate(lines) if 'Sk_er secret' in l)
    end = start + 1
    while re.search(r'\] (<[^>]*> )? +\d+: [0-9A-F]{2} ', lines[end]):
        end += 1
    log = tmp_path / 'cut.log'
    log.write_text(''.join(lines[:start] + lines[end:]))
    out = run_keys(log)
    assert out.returncode == 0
    assert re.search(r'IKEv2 SA (\w+)_i .*responder key SK_er missing.*skipped', out.stderr), \
        out.stderr
    spi = re.search(r'IKEv2 SA (\w+)_i', out.stderr).group(1)
    v2 = [r for r in rows(out.stdout) if r.count(',') >= 7 and not r.startswith('"')]
    assert len(v2) == 2 and not any(r.startswith(spi) for r in v2)


def test_log_without_the_needed_levels_says_so(tmp_path):
    log = tmp_path / 'no-mgr.log'
    log.write_text(''.join(l for l in (FIX / 'charon.log').read_text().splitlines(True)
                           if '[MGR]' not in l))
    out = run_keys(log)
    assert 'mgr >= 2' in out.stderr
    assert not any(re.match(r'[0-9a-f]{16},', r) for r in rows(out.stdout))


def test_output_dir_keeps_what_is_there_and_adds_nothing_twice(tmp_path):
    other = '"IPv4","198.51.100.1","198.51.100.2","0x00000001","NULL","0x","NULL","0x"'
    (tmp_path / 'esp_sa').write_text('# mine\n%s\n' % other)
    for _ in range(2):
        assert run_keys(FIX / 'charon.log', '-o', tmp_path).returncode == 0
    esp = rows((tmp_path / 'esp_sa').read_text())
    assert esp[0] == other and sorted(esp[1:]) == sorted(expected('esp_sa'))


def test_save_keys_tables_are_validated_and_merged(tmp_path):
    """Tables as strongSwan's save-keys plugin writes them (save_keys_listener.c formats)."""
    sk = tmp_path / 'save-keys'
    sk.mkdir()
    v2 = expected('ikev2_decryption_table')
    bad_v2 = [  # no SK_er: must never reach Wireshark (tshark 4.0 can crash)
        '0123456789abcdef,fedcba9876543210,00112233445566778899aabbccddeeff,,'
        '"AES-CBC-128 [RFC3602]",%s,%s,"HMAC_SHA1_96 [RFC2404]"' % ('11' * 20, '22' * 20),
        '0123456789abcdef,fedcba9876543210,00,11,"CHACHA20 [RFC7634]",,,"NONE [RFC4306]"']
    (sk / 'ikev2_decryption_table').write_text('\n'.join(v2[:2] + bad_v2) + '\n')
    (sk / 'ikev1_decryption_table').write_text('\n'.join(expected('ikev1_decryption_table')) + '\n')
    # save-keys spells 3DES "TripleDes-CBC": fixed to Wireshark's "TripleDES-CBC"
    des = ('"IPv4","192.0.2.9","192.0.2.8","0x0000abcd","TripleDes-CBC [RFC2451]",'
           '"0x%s","HMAC-SHA-1-96 [RFC2404]","0x%s"' % ('33' * 24, '44' * 20))
    (sk / 'esp_sa').write_text('\n'.join(expected('esp_sa') + [des]) + '\n')
    out = run_keys(sk, FIX / 'charon.log', '-o', tmp_path / 'out')
    assert out.returncode == 0, out.stderr
    assert out.stderr.count('skipped') >= 2 and 'responder SPI or keys missing' in out.stderr
    got = rows((tmp_path / 'out' / 'ikev2_decryption_table').read_text())
    assert sorted(got) == sorted(v2)
    esp = rows((tmp_path / 'out' / 'esp_sa').read_text())
    assert sorted(esp) == sorted(expected('esp_sa') + [des.replace('TripleDes', 'TripleDES')])


# ---- and tshark with what it made ---------------------------------------------------------
def test_without_keys_nothing_is_decrypted(tmp_path):
    frames, _ = tshark(['-o', 'esp.enable_encryption_decode:TRUE'], tmp_path)
    assert all(frames[n]['decrypted'] == '' for n in IKEV2_ENCRYPTED)
    assert all(frames[n]['icmp'] == '' for n in ESP)


@pytest.mark.parametrize('log', LOGS)
def test_tshark_decrypts_everything_with_tshark_args(log, tmp_path):
    out = run_keys(FIX / log, '--tshark-args')
    assert out.returncode == 0, out.stderr
    args = shlex.split(out.stdout)
    assert args.count('-o') == len(args) // 2 and 'esp.enable_encryption_decode:TRUE' in args
    frames, verbose = tshark(args, tmp_path)
    assert_all_decrypted(frames, verbose)


def test_tshark_decrypts_everything_from_the_profile_folder(tmp_path):
    """The files from -o DIR, as the personal configuration folder (~/.config/wireshark)."""
    conf = tmp_path / 'wireshark'
    assert run_keys(FIX / 'charon.log', '-o', conf).returncode == 0
    (conf / 'preferences').write_text('esp.enable_encryption_decode: TRUE\n')
    frames, verbose = tshark([], conf)
    assert_all_decrypted(frames, verbose)
