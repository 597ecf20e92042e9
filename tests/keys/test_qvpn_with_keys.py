"""qvpn with keys on a real strongSwan run (label keys): tests/keys/fixtures/capture.pcap and
the keys qvpn-keys takes from the initiator's charon log.

What must be said comes from charon's own log lines, never from qvpn's output: each
`CHILD_SA <name>{n} established with SPIs <in>_i <out>_o and TS <local> === <remote>` is a
child SA (its SPIs and networks), `closing CHILD_SA ...` of an SA a newer one of the same
connection replaced is a rekey's end, and every connection's IKE SA is deleted at the end.
Without keys qvpn must claim nothing decrypted; with them the child SAs, the rekey's
Deletes, the SPIs' networks and the pings through each tunnel are read.  Runs the plugin
through scripts/tshark-qvpn (as nobody when root); needs a build (QVPN_BUILD_DIR).
"""
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
FIX = HERE / 'fixtures'
CAPTURE = FIX / 'capture.pcap'
LOG = FIX / 'charon.log'

CHILD = re.compile(r'(?:(?:in|out)bound )?CHILD_SA (\w+)\{(\d+)\} established with SPIs '
                   r'([0-9a-f]{8})_i ([0-9a-f]{8})_o and TS (\S+) === (\S+)')
CLOSING = re.compile(r'closing CHILD_SA (\w+)\{(\d+)\} with SPIs ([0-9a-f]{8})_i')


def build_dir():
    return Path(os.environ.get('QVPN_BUILD_DIR') or REPO / 'build')


def qvpn(*args):
    so = list(build_dir().glob('plugins/*/epan/qvpn.so'))
    if not so:
        pytest.skip('no qvpn.so under %s (build first)' % build_dir())
    env = dict(os.environ, QVPN_BUILD_DIR=str(build_dir()))
    r = subprocess.run([str(REPO / 'scripts' / 'tshark-qvpn'), '-r', str(CAPTURE), *args],
                       capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    return r.stdout


def key_args():
    r = subprocess.run(['/usr/bin/python3', str(REPO / 'scripts' / 'qvpn-keys'), str(LOG),
                        '--tshark-args'], capture_output=True, text=True, check=True)
    import shlex
    return shlex.split(r.stdout)


def sessions(*args):
    out = qvpn(*args, '-q', '-z', 'qvpn,sessions,json')
    line = next(l for l in out.splitlines() if l.startswith('{'))
    return json.loads(line)['qvpn_sessions']['sessions']


def host(ts):
    """charon's TS 10.1.0.1/32 -> qvpn's 10.1.0.1 (a single address prints bare)."""
    return ts[:-3] if ts.endswith('/32') else ts


def charon_children():
    """{(name, n): (spi_in, spi_out, local, remote)} from the initiator's log."""
    out = {}
    for line in LOG.read_text().splitlines():
        m = CHILD.search(line)
        if m:
            out[(m.group(1), int(m.group(2)))] = (m.group(3), m.group(4), host(m.group(5)),
                                                  host(m.group(6)))
    return out


def charon_rekeyed():
    """Inbound SPIs of child SAs closed while a newer SA of their connection exists."""
    kids = charon_children()
    out = set()
    for line in LOG.read_text().splitlines():
        m = CLOSING.search(line)
        if m and any(name == m.group(1) and n > int(m.group(2)) for name, n in kids):
            out.add(m.group(3))
    return out


def test_the_log_is_what_we_think():
    kids = charon_children()
    assert len(kids) == 4, kids                 # v2cbc{1}, v2gcm{2}, v1{3}, v2cbc{4} (rekey)
    assert charon_rekeyed() == {'d6771343'}


def test_without_keys_nothing_decrypted_is_claimed():
    for s in sessions():
        assert 'decrypted' not in s['verdict'], s['verdict']
        assert 'decrypted' not in s['evidence'], s['evidence']
    fields = qvpn('-T', 'fields', '-e', 'qvpn.child_sa', '-e', 'qvpn.delete', '-e', 'qvpn.inner',
                  '-e', 'qvpn.esp.ts')
    assert not fields.replace('\t', '').strip(), fields


def test_with_keys_every_child_sa_with_its_networks():
    ss = sessions(*key_args())
    got = [c for s in ss for c in s['evidence'].get('child_sas', [])]
    for spi_in, spi_out, local, remote in charon_children().values():
        # the initiator's inbound SPI is in its request, the responder's in the answer
        want = '0x%s/0x%s %s <-> %s' % (spi_in, spi_out, local, remote)
        assert want in got, (want, got)


def test_with_keys_esp_joins_the_session_of_its_child_sa():
    ss = sessions(*key_args())
    for spi_in, spi_out, local, remote in charon_children().values():
        owners = [s['session'] for s in ss for e in s['esp'] if e['spi'] in ('0x' + spi_in,
                                                                             '0x' + spi_out)]
        kids = [s['session'] for s in ss
                if any(spi_in in c for c in s['evidence'].get('child_sas', []))]
        assert owners and set(owners) == set(kids), (spi_in, owners, kids)
        nets = {e.get('networks') for s in ss for e in s['esp']
                if e['spi'] in ('0x' + spi_in, '0x' + spi_out)}
        assert nets == {'%s <-> %s' % (local, remote)}, nets


def test_with_keys_the_rekey_is_no_teardown_and_the_end_is():
    ss = sessions(*key_args())
    deletes = [d for s in ss for d in s['evidence'].get('deletes', [])]
    for spi in charon_rekeyed():
        assert any(('0x' + spi) in d and 'rekeyed' in d for d in deletes), deletes
    for s in ss:
        assert s['verdict'].startswith('connected, torn down'), s['verdict']
        assert 'decrypted' in s['verdict'], s['verdict']
        assert s['evidence']['inner'] == 'both ways', s['evidence']


def test_one_pass_and_two_pass_give_the_same_fields():
    fields = ['-T', 'fields', '-e', 'frame.number', '-e', 'qvpn.session', '-e', 'qvpn.phase',
              '-e', 'qvpn.child_sa', '-e', 'qvpn.delete', '-e', 'qvpn.inner', '-e', 'qvpn.esp.ts',
              '-e', 'qvpn.dpd', '-e', 'qvpn.ts.i', '-e', 'qvpn.evidence']
    one = qvpn(*key_args(), *fields)
    two = qvpn('-2', *key_args(), *fields)
    assert one == two
