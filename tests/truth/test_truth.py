"""The truth manifest: qvpn's verdicts, states and warnings against what really happened.

tests/truth/<case>.toml says, per connection attempt of a capture, what happened, the
verdict an engineer would sign and which frames must (not) carry which state, phase or
warning (format and verdict vocabulary: tests/truth/README.md).  Those files are written
from the captures, never from qvpn's output.  This test runs qvpn on every case, maps its
sessions to the attempts, judges each attempt and prints

    truth: N/M attempts right; known wrong: <case#attempt: reason>, ...

It fails when an attempt that is not listed in known_wrong.toml is judged wrong (a
regression) and when a listed one is now right (remove it from the list).

Environment: QVPN_BUILD_DIR, QVPN_TSHARK (as the integration tests);
QVPN_TRUTH_CASES=a,b (only these cases; the known-wrong list is then checked for them
only); QVPN_TRUTH_VERBOSE=1 (every failed check of every wrong attempt);
QVPN_TRUTH_EVIDENCE=report|strict|off (issue 14's evidence checks -- `evidence`, `fields`,
`must_expert`, `evidence_verdict` -- scored apart as "evidence: K/L checks right": report
only (default), enforced against known_wrong.toml's [evidence_wrong], or not judged).
"""
import collections
import concurrent.futures
import ipaddress
import json
import os
import sys
import re
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import HERE, REPO, repo_path

# ---------------------------------------------------------------------------------------
# The one table that ties the truth vocabulary to qvpn's wording.  Per verdict class: a
# regex the session's verdict text must match (None: anything) and one it must not match
# (None: nothing forbidden).  {notify}, {alert}, {state} are replaced by the attempt's
# details (dashes, underscores and spaces interchangeable).  When qvpn's texts change,
# this is the place to follow them -- never the truth files.
FAILURE_WORDS = r'stalled|not answering|refused|fail|broken|mismatch|one way|lost track|UNKNOWN'
VERDICTS = {
    'connected':             (r'^connected', r'mid-flow'),
    'midflow':               (r'mid-flow|midflow|already up', None),
    'sas_agreed_no_traffic': (r'SAs? agreed|no ESP seen', r'stalled|phase 2 fail|broken|not answer'),
    'esp_one_way':           (r'one way', None),
    'esp_one_way_capture':   (r'(?=.*one (way|direction))(?=.*capture)', None),   # offers the capture point
    'ended_in':              (r'capture end|ended|ends', r'stalled|fail|refused|not answering|broken|mismatch'),
    'abandoned':             (r'abandon|gave up|superseded|replaced|new attempt|not retransmitted',
                              r'stalled|fail|refused|broken|mismatch'),
    'init_only':             (r'IKE_SA_INIT|no IKE_AUTH|probe',
                              r'IKE_AUTH (is )?not answered|IKE_AUTH refused|authentication|stalled|fail'),
    'p1_no_answer':          (r'not answer|no answer|unanswered|unreachable|silent', None),
    'psk_mismatch':          (r'pre-shared key|PSK', None),
    'refused':               (r'refused.*{notify}|{notify}.*refused', None),
    'p2_failed':             (r'phase 2|quick mode|QM|child SA|CREATE_CHILD_SA', r'^connected|agreed'),
    'auth_refused':          (r'IKE_AUTH refused|authentication (failed|refused)|AUTHENTICATION', None),
    'redirected':            (r'redirect', r'stalled|fail'),
    'login_refused':         (r'login refused.*{alert}', None),
    'tls_client_rejected':   (r'{alert}', r'login refused'),
    'tls_only':              (r'^TLS only', None),
    'malformed':             (None, FAILURE_WORDS),
    'unsupported':           (None, FAILURE_WORDS),
    # issue 14: causes read from the capture (contract: the verdict texts of the evidence work)
    'natt_blocked':          (r'(?=.*UDP 4500)(?=.*blocked)', None),
    'nat_raw_esp':           (r'(?=.*NAT)(?=.*raw ESP)', None),
    'fragments_lost':        (r'fragment', r'^connected|agreed'),
    'icmp_error':            (r'(?=.*ICMP)(?=.*{icmp})', None),
    'proposal_refused':      (r'(?=.*(refused|not answer|no answer|unanswered|silent))(?=.*offered)', r'^connected'),
}
# State and phase names as the truth files write them (qvpn's value strings of
# qvpn.ike.state / qvpn.phase today) -> the names qvpn prints, if it renames them.
STATE_NAMES = {}
PHASE_NAMES = {}
# 'torn_down = true/false' of connected / midflow attempts
TORN_DOWN = r'torn down|teardown|deleted|logged out'
# details each verdict class needs in the truth file
DETAILS = {
    'refused': ('notify',), 'login_refused': ('alert',), 'tls_client_rejected': ('alert',),
    'ended_in': ('state',), 'abandoned': ('state',), 'p1_no_answer': ('state',), 'psk_mismatch': ('state',),
    'icmp_error': ('icmp',),
}
# details that, when an attempt gives them, must appear in the verdict text as well
TEXT_DETAILS = {'proposal_refused': ('notify',)}
ATTEMPT_KEYS = {
    'id', 'client', 'gateway', 'roles_known', 'first_frame', 'last_frame', 'frames', 'optional',
    'happened', 'verdict', 'state', 'notify', 'alert', 'reason', 'torn_down', 'protocol', 'direction', 'to',
    'state_frames', 'state_not', 'no_state', 'phase_frames', 'phase_not', 'must_warn', 'must_not', 'no_warn',
    'may_warn', 'note',
    # issue 14 (judged apart: the evidence score, see judge_evidence)
    'evidence', 'fields', 'must_expert', 'evidence_verdict', 'evidence_source', 'icmp',
    # issue 15: the keys of the run with the capture's key tables (contract keys-vocab.md);
    # not judged here (the keyed run is)
    'keyed',
}
# the keys of the session's JSON "evidence" object a truth file may state
EVIDENCE_KEYS = {
    'offered', 'chosen', 'dh_group', 'client_software', 'gateway_software', 'client_caps', 'gateway_caps',
    'nat', 'ip_fragmented', 'icmp', 'tls_offered', 'tls_chosen',
}
CASE_KEYS = {'capture', 'source', 'attempts', 'attempt', 'tshark_args', 'note'}

PI_WARN = 0x00600000          # expert severities: Chat 0x200000, Note 0x400000, Warn, Error 0x800000
KNOWN_WRONG = HERE / 'known_wrong.toml'


def truth_files():
    only = [c for c in os.environ.get('QVPN_TRUTH_CASES', '').split(',') if c]
    files = sorted(HERE.glob('*.toml'))
    files = [f for f in files if f.name != KNOWN_WRONG.name]
    if only:
        files = [f for f in files if f.stem in only]
    return files


def load_case(path):
    with open(path, 'rb') as fh:
        return tomllib.load(fh)

# ---------------------------------------------------------------------------------------
# frame sets


def ip(text):
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return text.strip()


def parse_frames(spec, universe, filtered):
    """A frame-set spec -> set of frame numbers (within universe).  filtered(f) gives
    the frames a plain-tshark display filter selects."""
    spec = str(spec).strip()
    if spec == 'all':
        return set(universe)
    if spec.startswith('filter:'):
        return filtered(spec[len('filter:'):]) & universe
    out = set()
    for item in spec.split(','):
        item = item.strip()
        if not item:
            continue
        if '-' in item:
            a, b = item.split('-', 1)
            out |= set(range(int(a), int(b) + 1))
        else:
            out.add(int(item))
    return out & universe


def names(value):
    """must_warn / must_not value -> list of expert names ('*' = any)."""
    return [value] if isinstance(value, str) else list(value)


def flex(text):
    """A detail (notify or alert name) as a regex: -, _ and space interchangeable."""
    return re.sub(r'\\?[-_ ]', '[-_ ]', re.escape(text))

# ---------------------------------------------------------------------------------------
# running tshark


class Run:
    """Everything tshark says about one capture: plain dissection and qvpn's output."""

    def __init__(self, tshark, case):
        self.case = case
        self.capture = repo_path(case['capture'])
        self.cap = tshark.readable(self.capture)
        self.args = list(case.get('tshark_args', []))
        self.tshark = tshark
        self._filters = {}

    def plain(self, args):
        r = self.tshark.run(['-r', self.cap, *self.args, *args], plugins=False)
        assert r.returncode == 0, 'plain tshark %s: %s' % (' '.join(args), r.stderr)
        return r.stdout

    def qvpn(self, args):
        # like tshark.ok(), but a capture that tshark itself finds cut short (the fuzz
        # captures) may end with a non-zero exit: judge what was printed
        r = self.tshark.run(['-r', self.cap, *self.args, *args])
        assert r.returncode == 0 or r.stdout, 'tshark %s: exit %d\n%s' % (' '.join(args), r.returncode, r.stderr)
        return r.stdout

    def load(self, value_names):
        # who talks to whom, per frame (outermost IP header)
        out = self.plain(['-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=f',
                          '-e', 'frame.number', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'ipv6.src', '-e', 'ipv6.dst',
                          '-e', 'esp.spi'])
        self.pairs = {}
        esp = set()
        for line in out.splitlines():
            f = line.split('\t')
            src = f[1] or f[3]
            dst = f[2] or f[4]
            self.pairs[int(f[0])] = frozenset((ip(src), ip(dst))) if src and dst else None
            if f[5]:
                esp.add(int(f[0]))
        self._filters['esp'] = esp          # the most used filter, without another run
        self.last = max(self.pairs) if self.pairs else 0
        # qvpn's per-frame fields and expert infos (PDML: each expert item's own name), and
        # its sessions table, in one run (the -z tap sees every packet, -Y or not)
        out = self.qvpn(['-T', 'pdml', '-Y', 'qvpn || _ws.expert', '-z', 'qvpn,sessions,json'])
        end = out.find('</pdml>')
        pdml, rest = (out[:end + len('</pdml>')], out[end:]) if end >= 0 else (out + '</pdml>\n', '')
        js = [l for l in rest.splitlines() if l.startswith('{')]
        self.sessions = json.loads(js[0])['qvpn_sessions']['sessions'] if js else []
        self.frames = {}
        for pkt in ET.fromstring(pdml).iter('packet'):
            rec = {'session': None, 'phase': None, 'state': None, 'experts': [],
                   'fields': collections.defaultdict(list)}
            num = None
            for fld in pkt.iter('field'):
                name = fld.get('name')
                if name == 'num' and num is None:
                    num = int(fld.get('show'))
                elif name == 'frame.number':
                    num = int(fld.get('show'))
                elif name == 'qvpn.session':
                    rec['session'] = int(fld.get('show'))
                elif name == 'qvpn.phase':
                    rec['phase'] = value_names.get(('qvpn.phase', int(fld.get('show'))), fld.get('show'))
                elif name == 'qvpn.ike.state':
                    rec['state'] = value_names.get(('qvpn.ike.state', int(fld.get('show'))), fld.get('show'))
                elif name == '_ws.expert':
                    ei, sev = None, 0
                    for ch in fld:
                        cn = ch.get('name', '')
                        if cn == '_ws.expert.severity':
                            sev = int(ch.get('show'), 0)
                        elif cn.startswith('qvpn.'):
                            ei = cn
                    if ei:
                        rec['experts'].append((ei, sev))
                elif name and name.startswith('qvpn.'):
                    # every other qvpn field, for the evidence checks (`fields`): the
                    # PDML pass already holds them, no extra tshark run needed
                    rec['fields'][name].append(fld.get('show'))
            if num is not None:
                self.frames[num] = rec

    def filtered(self, dfilter):
        if dfilter not in self._filters:
            out = self.plain(['-Y', dfilter, '-T', 'fields', '-e', 'frame.number'])
            self._filters[dfilter] = {int(x) for x in out.split()}
        return self._filters[dfilter]


def value_names(tshark):
    out = tshark.ok(['-G', 'values'])
    vn = {}
    for line in out.splitlines():
        f = line.split('\t')
        if len(f) >= 4 and f[0] == 'V' and f[1].startswith('qvpn.'):
            vn[(f[1], int(f[2]))] = f[3]
    return vn

# ---------------------------------------------------------------------------------------
# judging


class Attempt:
    def __init__(self, case_name, index, a):
        self.a = a
        self.key = '%s#%s' % (case_name, a.get('id', index))
        self.client, self.gateway = ip(a['client']), ip(a['gateway'])
        self.pair = frozenset((self.client, self.gateway))
        self.first = int(a['first_frame'])
        self.last = a.get('last_frame')
        self.frames = set()
        self.sessions = []
        self.problems = []


def frame_sets(run, attempts):
    """Fill each attempt's frames: first..last between its two peers."""
    by_pair = collections.defaultdict(list)
    for at in attempts:
        by_pair[at.pair].append(at)
    for lst in by_pair.values():
        lst.sort(key=lambda x: x.first)
        for i, at in enumerate(lst):
            if at.last is None:
                at.last = lst[i + 1].first - 1 if i + 1 < len(lst) else run.last
            at.last = int(at.last)
    for at in attempts:
        if 'frames' in at.a:
            at.frames = parse_frames(at.a['frames'], set(run.pairs), run.filtered)
        else:
            at.frames = {f for f in range(at.first, at.last + 1) if run.pairs.get(f) == at.pair}


def qvpn_warnings(rec):
    return [n for n, sev in rec['experts'] if sev >= PI_WARN] if rec else []


def spec_errors(at, run):
    """Mistakes of the truth file itself: a frame named explicitly that is not one of the
    attempt's frames (a single frame must be; a range must hold at least one)."""
    errs = []
    a = at.a
    specs = [k for key in ('state_frames', 'state_not', 'phase_frames', 'phase_not', 'must_warn', 'must_not',
                           'fields', 'must_expert')
             for k in a.get(key, {})]
    specs += [a[k] for k in ('no_warn', 'may_warn', 'no_state') if k in a]
    for spec in specs:
        spec = str(spec).strip()
        if spec == 'all' or spec.startswith('filter:'):
            if spec.startswith('filter:') and not parse_frames(spec, at.frames, run.filtered):
                errs.append('%s: %s selects none of its frames' % (at.key, spec))
            continue
        for item in spec.split(','):
            item = item.strip()
            if not item:
                continue
            fs = parse_frames(item, set(run.pairs), run.filtered)
            if not fs & at.frames:
                errs.append('%s: frame(s) %s are not frames of the attempt (%d-%d between %s and %s)' % (
                    at.key, item, at.first, at.last, at.client, at.gateway))
    if not at.frames:
        errs.append('%s: no frame between %s and %s in %d-%d' % (at.key, at.client, at.gateway, at.first, at.last))
    elif at.first not in at.frames:
        errs.append('%s: first_frame %d is not a frame between %s and %s' % (at.key, at.first, at.client, at.gateway))
    return errs


def judge_case(name, case, run, truth_errors=None, evidence=None):
    """-> list of (key, problems) for every attempt, extra session and stray warning.
    With a list `evidence`, the issue-14 checks of every attempt that states some are
    appended to it as (key, [(check, problem or None), ...]): they never change the
    attempt's own judgement."""
    attempts = [Attempt(name, i + 1, a) for i, a in enumerate(case.get('attempt', []))]
    frame_sets(run, attempts)
    if truth_errors is not None:
        for at in attempts:
            truth_errors.extend(spec_errors(at, run))
    results = []

    # sessions -> attempts
    owner = {}
    extras = []
    for s in run.sessions:
        pair = frozenset((ip(s['client']), ip(s['gateway'])))
        cands = [at for at in attempts if at.pair == pair and s['start_frame'] in at.frames]
        if not cands:
            cands = [at for at in attempts if at.pair == pair and at.first <= s['start_frame'] <= at.last]
        if cands:
            at = max(cands, key=lambda x: x.first)
            at.sessions.append(s)
            owner[s['session']] = at
        else:
            extras.append(s)

    for at in attempts:
        a, p = at.a, at.problems
        mine = {s['session'] for s in at.sessions}
        labelled = collections.Counter(run.frames[f]['session'] for f in at.frames
                                       if f in run.frames and run.frames[f]['session'] is not None)
        for sn, n in sorted(labelled.items()):
            if sn not in mine:
                other = owner.get(sn)
                p.append('%d frames labelled session %d (%s)' % (
                    n, sn, ('that of ' + other.key) if other else 'an extra session'))
        s = None
        if len(at.sessions) > 1:
            p.append('split into sessions %s' % ', '.join(str(x['session']) for x in at.sessions))
        elif not at.sessions:
            if not a.get('optional'):
                p.append('no qvpn session')
        else:
            s = at.sessions[0]
        if s is not None:
            if a.get('roles_known', True) and (ip(s['client']), ip(s['gateway'])) != (at.client, at.gateway):
                p.append('roles: qvpn says client %s gateway %s' % (s['client'], s['gateway']))
            verdict = s.get('verdict', '')
            bad = verdict_problem(a['verdict'], a, verdict)
            if bad:
                p.append(bad)
            if 'torn_down' in a and bool(re.search(TORN_DOWN, verdict, re.I)) != a['torn_down']:
                p.append('verdict %r: torn down should be %s' % (verdict, a['torn_down']))
            if 'state' in a and s.get('ike_state') != STATE_NAMES.get(a['state'], a['state']):
                p.append('final IKE state %s, not %s' % (s.get('ike_state'), a['state']))
        universe = at.frames
        rec = run.frames.get
        grouped = collections.defaultdict(list)
        for spec, want in a.get('state_frames', {}).items():
            want = STATE_NAMES.get(want, want)
            for f in sorted(parse_frames(spec, universe, run.filtered)):
                got = (rec(f) or {}).get('state')
                if got != want:
                    grouped['state %s, not %s' % (got, want)].append(f)
        for spec, bad in a.get('state_not', {}).items():
            for f in sorted(parse_frames(spec, universe, run.filtered)):
                if (rec(f) or {}).get('state') in [STATE_NAMES.get(b, b) for b in names(bad)]:
                    grouped['state %s' % rec(f)['state']].append(f)
        for f in sorted(parse_frames(a.get('no_state', ''), universe, run.filtered)):
            if (rec(f) or {}).get('state') is not None:
                grouped['state %s on a packet that is not IKE' % rec(f)['state']].append(f)
        for what, fl in grouped.items():
            p.append('frame%s %s: %s' % ('s' if len(fl) > 1 else '', short(sorted(fl)), what))
        for spec, want in a.get('phase_frames', {}).items():
            want = PHASE_NAMES.get(want, want)
            wrong = [f for f in sorted(parse_frames(spec, universe, run.filtered))
                     if (rec(f) or {}).get('phase') != want]
            if wrong:
                got = collections.Counter(str((rec(f) or {}).get('phase')) for f in wrong)
                p.append('%d frames (%s) not phase %s (%s)' % (
                    len(wrong), short(wrong), want, ', '.join('%s x%d' % kv for kv in got.items())))
        for spec, bad in a.get('phase_not', {}).items():
            bad = [PHASE_NAMES.get(b, b) for b in names(bad)]
            wrong = [f for f in sorted(parse_frames(spec, universe, run.filtered)) if (rec(f) or {}).get('phase') in bad]
            if wrong:
                got = collections.Counter(str(rec(f)['phase']) for f in wrong)
                p.append('%d frames (%s) phase %s' % (len(wrong), short(wrong), ', '.join('%s x%d' % kv for kv in got.items())))
        excluded = set()
        for spec, want in a.get('must_warn', {}).items():
            fs = parse_frames(spec, universe, run.filtered)
            excluded |= fs
            ok = [f for f in fs if any(n in names(want) or '*' in names(want) for n in qvpn_warnings(rec(f)))]
            if not ok:
                p.append('no %s Warning on %s' % ('/'.join(names(want)), 'frame ' + str(spec) if '-' not in str(spec)
                                                  else 'any frame of ' + str(spec)))
        carried = collections.defaultdict(list)
        for spec, bad in a.get('must_not', {}).items():
            for f in sorted(parse_frames(spec, universe, run.filtered)):
                for n, _ in (rec(f) or {'experts': []})['experts']:
                    if n in names(bad):
                        carried[n].append(f)
        for n, fl in carried.items():
            p.append('%s on %s' % (n, short(sorted(set(fl)))))
        if 'no_warn' in a:
            spec = a['no_warn']
            fs = parse_frames(spec, universe, run.filtered)
            if str(spec).strip() == 'all':
                fs -= excluded
            fs -= parse_frames(a.get('may_warn', ''), universe, run.filtered)
            bad = collections.defaultdict(list)
            for f in sorted(fs):
                for n in qvpn_warnings(rec(f)):
                    bad[n].append(f)
            for n, fl in sorted(bad.items()):
                p.append('%s Warning on %s' % (n, short(fl)))
        if evidence is not None and any(k in a for k in EVIDENCE_CHECK_KEYS):
            if s is not None or not a.get('optional'):
                evidence.append((at.key, judge_evidence(at, s, run)))
        if os.environ.get('QVPN_TRUTH_VERBOSE') == '2':
            print('  %-55s %-22s qvpn: %s' % (at.key, a['verdict'], '; '.join(
                '#%d %s' % (x['session'], x.get('verdict')) for x in at.sessions) or '-'))
        results.append((at.key, p))

    # what qvpn said outside every attempt
    stray = []
    for s in extras:
        stray.append(('%s#extra@%d' % (name, s['start_frame']),
                      ['session %d (%s -> %s, start %d) matches no attempt: %r' % (
                          s['session'], s['client'], s['gateway'], s['start_frame'], s.get('verdict'))]))
    covered = set().union(*(at.frames for at in attempts)) if attempts else set()
    outside = sorted(f for f, r in run.frames.items()
                     if f not in covered and r['session'] is None and qvpn_warnings(r))
    if outside:
        stray.append(('%s#outside' % name, ['Warning outside every attempt on %s' % short(outside)]))
    if not attempts:
        results.append(('%s#none' % name, [m for _, ms in stray for m in ms]))
    else:
        results.extend(stray)
    return results


def verdict_problem(cls, a, verdict):
    """The session's verdict text against a verdict class and the attempt's details."""
    pos, neg = VERDICTS[cls]
    subst = {k: flex(str(a[k])) for k in ('notify', 'alert', 'state', 'icmp') if k in a}
    if pos and not re.search(pos.format(**subst), verdict, re.I):
        return 'verdict %r is not %s' % (verdict, cls)
    if neg and re.search(neg.format(**subst), verdict, re.I):
        return 'verdict %r is not %s' % (verdict, cls)
    for k in TEXT_DETAILS.get(cls, ()):
        if k in a and not re.search(subst[k], verdict, re.I):
            return 'verdict %r does not name %s' % (verdict, a[k])
    return None


EVIDENCE_CHECK_KEYS = ('evidence', 'fields', 'must_expert', 'evidence_verdict')


def value_matches(want, got):
    """A truth value against what qvpn gave: strings are case-insensitive substrings (a
    list: every one of them), an all-digit string or a number must be equal, a bool
    equal."""
    if got is None:
        return False
    if isinstance(got, list):
        got = '; '.join(str(g) for g in got)
    if isinstance(want, list):
        return all(value_matches(w, got) for w in want)
    if isinstance(want, bool):
        return got is want or str(got).lower() == str(want).lower()
    if isinstance(want, int) or (isinstance(want, str) and want.isdigit()):
        try:
            return int(str(got), 0) == int(want)
        except ValueError:
            return False
    return str(want).lower() in str(got).lower()


def judge_evidence(at, s, run):
    """The issue-14 checks of one attempt -> [(check, problem or None), ...].  One check
    per key of `evidence`, per (frame set, field) of `fields`, per frame set of
    `must_expert`, and `evidence_verdict`."""
    a, out = at.a, []
    ev = s.get('evidence') if s is not None else None
    for k, want in a.get('evidence', {}).items():
        check = 'evidence.%s' % k
        if s is None:
            out.append((check, 'no qvpn session'))
            continue
        if not isinstance(ev, dict):
            out.append((check, 'the session has no "evidence" object'))
            continue
        got = ev.get(k)
        if want is False or want == '':
            ok = got is None or got == []
            out.append((check, None if ok else '%s = %r, should be null' % (k, got)))
        elif k == 'nat':
            out.append((check, None if got == want else 'nat = %r, not %r' % (got, want)))
        else:
            out.append((check, None if value_matches(want, got) else '%s = %r, not %r' % (k, got, want)))
    rec = run.frames.get
    for spec, fmap in a.get('fields', {}).items():
        fs = sorted(parse_frames(spec, at.frames, run.filtered))
        for fname, want in fmap.items():
            check = 'fields[%s].%s' % (spec, fname)
            wrong = [f for f in fs if not any(value_matches(want, v)
                                              for v in ((rec(f) or {}).get('fields') or {}).get(fname, []))]
            if not fs:
                out.append((check, 'no frame'))
            elif wrong:
                got = collections.Counter('/'.join(((rec(f) or {}).get('fields') or {}).get(fname, [])) or '-'
                                          for f in wrong)
                out.append((check, 'frame%s %s: %s %s, not %r' % (
                    's' if len(wrong) > 1 else '', short(wrong), fname,
                    ', '.join('%r x%d' % kv for kv in got.items()), want)))
            else:
                out.append((check, None))
    for spec, want in a.get('must_expert', {}).items():
        check = 'must_expert[%s]' % spec
        fs = parse_frames(spec, at.frames, run.filtered)
        ok = any(n in names(want) for f in fs for n, _ in (rec(f) or {'experts': []})['experts'])
        out.append((check, None if ok else 'no %s on %s' % ('/'.join(names(want)), spec)))
    if 'evidence_verdict' in a:
        check = 'evidence_verdict'
        if s is None:
            out.append((check, 'no qvpn session'))
        else:
            out.append((check, verdict_problem(a['evidence_verdict'], a, s.get('verdict', ''))))
    return out


def short(frames, n=8):
    frames = list(frames)
    s = ','.join(str(f) for f in frames[:n])
    return s + (',... (%d)' % len(frames) if len(frames) > n else '')

# ---------------------------------------------------------------------------------------
# the tests


def evidence_spec_problems(where, a):
    """The issue-14 keys of one attempt, checked against their vocabulary."""
    problems = []
    ev = a.get('evidence', {})
    if not isinstance(ev, dict):
        return ['%s: evidence must be a table' % where]
    for k, v in ev.items():
        if k not in EVIDENCE_KEYS:
            problems.append('%s: unknown evidence key %s' % (where, k))
        if k == 'nat' and v not in ('none', 'client', 'gateway', 'both', False, ''):
            problems.append('%s: evidence.nat %r is not none/client/gateway/both' % (where, v))
    for spec, fmap in a.get('fields', {}).items():
        if not isinstance(fmap, dict):
            problems.append('%s: fields[%s] must be a table of qvpn fields' % (where, spec))
            continue
        for fname in fmap:
            if not fname.startswith('qvpn.'):
                problems.append('%s: fields[%s]: %s is not a qvpn field' % (where, spec, fname))
    for spec, want in a.get('must_expert', {}).items():
        if not all(n.startswith('qvpn.') for n in names(want)):
            problems.append('%s: must_expert[%s]: not a qvpn expert name' % (where, spec))
    v = a.get('evidence_verdict')
    if v is not None:
        if v not in VERDICTS:
            problems.append('%s: evidence_verdict %r not in the vocabulary' % (where, v))
        for k in DETAILS.get(v, ()):
            if k not in a:
                problems.append('%s: evidence_verdict %s needs %s' % (where, v, k))
    return problems


def evidence_mode():
    """QVPN_TRUTH_EVIDENCE: 'report' (default: score printed, never fails), 'strict'
    (an attempt whose evidence checks fail must be listed in known_wrong.toml's
    [evidence_wrong]) or 'off' (not judged)."""
    mode = os.environ.get('QVPN_TRUTH_EVIDENCE', 'report') or 'report'
    assert mode in ('report', 'strict', 'off'), 'QVPN_TRUTH_EVIDENCE=%s: report, strict or off' % mode
    return mode


def test_manifest_well_formed():
    """Every truth file parses, uses the vocabulary and covers a capture that exists;
    every capture the golden tests use has a truth file."""
    problems = []
    files = truth_files()
    for path in files:
        try:
            case = load_case(path)
        except tomllib.TOMLDecodeError as e:
            problems.append('%s: %s' % (path.name, e))
            continue
        for k in set(case) - CASE_KEYS:
            problems.append('%s: unknown key %s' % (path.name, k))
        for k in ('capture', 'source', 'attempts'):
            if k not in case:
                problems.append('%s: no %s' % (path.name, k))
        if 'capture' in case:
            if Path(case['capture']).stem != path.stem and Path(case['capture']).name != path.stem:
                problems.append('%s: file name is not the capture stem %s' % (path.name, Path(case['capture']).stem))
            if not repo_path(case['capture']).exists():
                problems.append('%s: capture %s missing' % (path.name, case['capture']))
        atts = case.get('attempt', [])
        if case.get('attempts') != len(atts):
            problems.append('%s: attempts = %s but %d [[attempt]] tables' % (path.name, case.get('attempts'), len(atts)))
        ids = [str(a.get('id', i + 1)) for i, a in enumerate(atts)]
        if len(set(ids)) != len(ids):
            problems.append('%s: duplicate attempt ids' % path.name)
        for i, a in enumerate(atts):
            where = '%s#%s' % (path.stem, a.get('id', i + 1))
            for k in set(a) - ATTEMPT_KEYS:
                problems.append('%s: unknown key %s' % (where, k))
            for k in ('client', 'gateway', 'first_frame', 'happened', 'verdict'):
                if k not in a:
                    problems.append('%s: no %s' % (where, k))
            if a.get('verdict') not in VERDICTS:
                problems.append('%s: verdict %r not in the vocabulary' % (where, a.get('verdict')))
            for k in DETAILS.get(a.get('verdict'), ()):
                if k not in a:
                    problems.append('%s: verdict %s needs %s' % (where, a['verdict'], k))
            if a.get('optional') and (a.get('must_warn') or a.get('state_frames') or a.get('phase_frames')):
                problems.append('%s: an optional attempt cannot require states, phases or warnings' % where)
            problems.extend(evidence_spec_problems(where, a))
    if not os.environ.get('QVPN_TRUTH_CASES'):
        stems = {p.stem for p in files}
        sys.path.insert(0, str(REPO / 'tests'))
        import manifest                      # tests/manifest.py: the one list of cases
        for name, case in manifest.load().items():
            if case.capture.startswith('captures/') and name not in stems:
                problems.append('no truth file for %s (manifest case %s)' % (case.capture, name))
    assert not problems, '\n'.join(problems)


def test_truth(tshark):
    files = truth_files()
    if not files:
        pytest.skip('no truth files selected')
    vn = value_names(tshark)
    cases = [(p.stem, load_case(p)) for p in files]
    for name, case in cases:
        if not repo_path(case['capture']).exists():
            pytest.fail('%s: capture %s missing' % (name, case['capture']))

    truth_errors = []
    mode = evidence_mode()
    evidence = [] if mode != 'off' else None

    def one(item):
        name, case = item
        run = Run(tshark, case)
        run.load(vn)
        return judge_case(name, case, run, truth_errors, evidence)

    workers = max(1, min(8, os.cpu_count() or 1))
    with concurrent.futures.ThreadPoolExecutor(workers) as ex:
        results = [r for rs in ex.map(one, cases) for r in rs]

    assert not truth_errors, 'errors in the truth files:\n' + '\n'.join(truth_errors)

    known, known_ev = {}, {}
    if KNOWN_WRONG.exists():
        with open(KNOWN_WRONG, 'rb') as fh:
            kw = tomllib.load(fh)
        known, known_ev = kw.get('known_wrong', {}), kw.get('evidence_wrong', {})
    judged = {k for k, _ in results}
    if os.environ.get('QVPN_TRUTH_CASES'):
        sel = {n for n, _ in cases}
        known = {k: v for k, v in known.items() if k.split('#')[0] in sel}
        known_ev = {k: v for k, v in known_ev.items() if k.split('#')[0] in sel}

    wrong = [(k, p) for k, p in results if p]
    right = [k for k, p in results if not p]
    regressions = [(k, p) for k, p in wrong if k not in known]
    now_right = [k for k in known if k in right or k not in judged]

    # the issue-14 evidence checks: a score of their own (the attempts' judgement above
    # ignores them); the part is left out when no truth file states any
    ev_checks = [(k, c, prob) for k, cs in (evidence or []) for c, prob in cs]
    ev_wrong = collections.OrderedDict()
    for k, c, prob in ev_checks:
        if prob:
            ev_wrong.setdefault(k, []).append('%s: %s' % (c, prob))
    ev_part = ''
    if ev_checks:
        ev_part = 'evidence: %d/%d checks right (%d/%d attempts); ' % (
            sum(1 for *_, prob in ev_checks if not prob), len(ev_checks),
            len(evidence) - len(ev_wrong), len(evidence))
    line = 'truth: %d/%d attempts right; %sknown wrong: %s' % (
        len(right), len(results), ev_part,
        ', '.join('%s: %s' % (k, known.get(k, p[0])) for k, p in wrong) or 'none')
    print('\n' + line)
    out = os.environ.get('QVPN_BUILD_DIR')
    if out and Path(out).is_dir():
        (Path(out) / 'truth-score.txt').write_text(line + '\n')
    if os.environ.get('QVPN_TRUTH_VERBOSE'):
        for k, p in wrong:
            print('  %s:\n    %s' % (k, '\n    '.join(p)))
        for k, p in ev_wrong.items():
            print('  evidence %s:\n    %s' % (k, '\n    '.join(p)))

    msg = []
    for k, p in regressions:
        msg.append('REGRESSION %s (not in known_wrong.toml): %s' % (k, '; '.join(p)))
    for k in now_right:
        msg.append('%s now right, remove from known_wrong%s' % (
            k, '' if k in judged else ' (no such attempt any more)'))
    if mode == 'strict':
        ev_judged = {k for k, _ in evidence}
        for k, p in ev_wrong.items():
            if k not in known_ev:
                msg.append('EVIDENCE REGRESSION %s (not in [evidence_wrong]): %s' % (k, '; '.join(p)))
        for k in known_ev:
            if k not in ev_wrong:
                msg.append('%s evidence now right, remove from [evidence_wrong]%s' % (
                    k, '' if k in ev_judged else ' (no evidence checks any more)'))
    assert not msg, '\n'.join(msg)


class FakeRun:
    """A Run without tshark, for the checker's own test."""

    def __init__(self, pairs, frames, sessions, filters=None):
        self.pairs = {f: frozenset(p) for f, p in pairs.items()}
        self.last = max(self.pairs)
        self.frames = {f: dict({'session': None, 'phase': None, 'state': None, 'experts': [], 'fields': {}}, **r)
                       for f, r in frames.items()}
        self.sessions = sessions
        self._filters = filters or {}

    def filtered(self, dfilter):
        return self._filters.get(dfilter, set())


def test_checker_judges():
    """The judge on a hand-made case: right, wrong, merged, optional, extra, outside."""
    A, B, C = '192.0.2.1', '198.51.100.1', '203.0.113.9'
    W, N = PI_WARN, 0x00400000
    pairs = {1: (A, B), 2: (B, A), 3: (A, B), 4: (A, B), 5: (B, A), 6: (A, C), 7: (A, C), 8: (A, B)}
    frames = {
        1: {'session': 1, 'state': 'MM_NO_STATE', 'phase': 'Policy activation'},
        2: {'session': 1, 'state': 'MM_SA_SETUP', 'experts': [('qvpn.ike_notify', W)]},
        3: {'session': 1, 'experts': [('qvpn.ike_retransmission', N)]},
        4: {'session': 1},                       # second attempt labelled with the first one's session
        5: {'session': 1, 'experts': [('qvpn.mm_stall', W)]},
        6: {'session': 2},
        8: {'experts': [('qvpn.esp_one_way', W)]},
    }
    sessions = [
        {'session': 1, 'client': A, 'gateway': B, 'start_frame': 1, 'verdict': 'refused by peer: NO-PROPOSAL-CHOSEN',
         'ike_state': 'MM_NO_STATE'},
        {'session': 2, 'client': C, 'gateway': A, 'start_frame': 6, 'verdict': 'TLS only: no IKE followed'},
        {'session': 3, 'client': '10.0.0.1', 'gateway': '10.0.0.2', 'start_frame': 7, 'verdict': 'x'},
    ]
    case = {'attempt': [
        {'id': 'ok', 'client': A, 'gateway': B, 'first_frame': 1, 'last_frame': 3, 'verdict': 'refused',
         'notify': 'NO-PROPOSAL-CHOSEN', 'state': 'MM_NO_STATE', 'state_frames': {1: 'MM_NO_STATE', 2: 'MM_SA_SETUP'},
         'phase_frames': {'1': 'Policy activation'}, 'phase_not': {'1-3': 'Teardown'},
         'must_warn': {2: 'qvpn.ike_notify'}, 'no_warn': 'all'},
        {'id': 'merged', 'client': A, 'gateway': B, 'first_frame': 4, 'last_frame': 5, 'verdict': 'psk_mismatch',
         'state': 'MM_KEY_EXCH', 'must_warn': {'4-5': 'qvpn.mm_stall'}},
        {'id': 'opt', 'client': A, 'gateway': C, 'first_frame': 6, 'optional': True, 'verdict': 'tls_only',
         'no_warn': 'all'},
    ]}
    res = dict(judge_case('t', case, FakeRun(pairs, frames, sessions)))
    assert res['t#ok'] == []
    case['attempt'][0]['phase_not'] = {'1': ['Connection', 'Policy activation']}
    res = dict(judge_case('t', case, FakeRun(pairs, frames, sessions)))
    assert res['t#ok'] == ['1 frames (1) phase Policy activation x1'], res['t#ok']
    del case['attempt'][0]['phase_not']
    res = dict(judge_case('t', case, FakeRun(pairs, frames, sessions)))
    assert any('labelled session 1' in p for p in res['t#merged']), res['t#merged']
    assert any('no qvpn session' in p for p in res['t#merged'])
    assert any('roles' in p for p in res['t#opt']), res['t#opt']
    assert any('matches no attempt' in p for p in res['t#extra@7'])
    assert any('outside' in p for p in res['t#outside'])
    # a capture with no attempt: any session or Warning makes its one item wrong
    res = dict(judge_case('z', {'attempt': []}, FakeRun(pairs, {}, [])))
    assert res == {'z#none': []}
    res = dict(judge_case('z', {'attempt': []}, FakeRun(pairs, frames, sessions[:1])))
    assert res['z#none']
    # verdict regexes: details substituted, forbidden words honoured
    case = {'attempt': [{'client': A, 'gateway': B, 'first_frame': 1, 'verdict': 'login_refused',
                         'alert': 'handshake_failure'}]}
    s = [{'session': 1, 'client': A, 'gateway': B, 'start_frame': 1, 'verdict': 'login refused: TLS alert handshake failure'}]
    assert dict(judge_case('v', case, FakeRun(pairs, {1: {'session': 1}}, s)))['v#1'] == []
    case['attempt'][0]['verdict'] = 'tls_client_rejected'
    assert dict(judge_case('v', case, FakeRun(pairs, {1: {'session': 1}}, s)))['v#1']


def test_checker_judges_evidence():
    """The issue-14 checks on a hand-made case: evidence object, fields, must_expert,
    evidence_verdict; they never change the attempt's own judgement."""
    A, B = '192.0.2.1', '198.51.100.1'
    pairs = {1: (A, B), 2: (B, A), 3: (A, B)}
    frames = {
        1: {'session': 1, 'fields': {'qvpn.ike.offered': ['AES-CBC-256/SHA1/PSK/MODP1024/86400s; 3DES/MD5/PSK/MODP1024']}},
        2: {'session': 1, 'fields': {'qvpn.ike.chosen': ['3DES/MD5/PSK/MODP1024'], 'qvpn.nat': ['1']},
            'experts': [('qvpn.nat_detected', 0x00200000)]},
        3: {'session': 1},
    }
    s = [{'session': 1, 'client': A, 'gateway': B, 'start_frame': 1, 'verdict': 'connected',
          'evidence': {'offered': 'AES-CBC-256/SHA1/PSK/MODP1024/86400s; 3DES/MD5/PSK/MODP1024',
                       'chosen': '3DES/MD5/PSK/MODP1024', 'dh_group': 2, 'nat': 'client',
                       'client_software': None, 'ip_fragmented': 0, 'client_caps': ['DPD', 'RFC 3947 NAT-T']}}]
    a = {'client': A, 'gateway': B, 'first_frame': 1, 'verdict': 'connected',
         'evidence': {'offered': ['aes-cbc-256', '3DES/MD5'], 'chosen': '3des/md5/psk', 'dh_group': 2,
                      'nat': 'client', 'client_software': False, 'ip_fragmented': 0, 'client_caps': 'RFC 3947'},
         'fields': {'1': {'qvpn.ike.offered': 'AES-CBC-256'}, '2': {'qvpn.ike.chosen': '3DES', 'qvpn.nat': '1'}},
         'must_expert': {'1-3': 'qvpn.nat_detected'}}
    ev = []
    res = dict(judge_case('e', {'attempt': [a]}, FakeRun(pairs, frames, s), evidence=ev))
    assert res['e#1'] == [], res
    assert ev and all(p is None for _, p in ev[0][1]), ev
    assert len(ev[0][1]) == 7 + 3 + 1
    # wrong values, a field on a frame that lacks it, a missing expert, a wrong cause
    a.update({'evidence': {'nat': 'gateway', 'dh_group': 14, 'client_caps': False},
              'fields': {'1-2': {'qvpn.ike.chosen': '3DES'}}, 'must_expert': {'1': 'qvpn.nat_detected'},
              'evidence_verdict': 'icmp_error', 'icmp': 'port unreachable'})
    ev = []
    res = dict(judge_case('e', {'attempt': [a]}, FakeRun(pairs, frames, s), evidence=ev))
    assert res['e#1'] == [], res             # the attempt's own judgement is untouched
    probs = dict(ev[0][1])
    assert all(probs.values()), probs
    assert '1' in probs['fields[1-2].qvpn.ike.chosen'] and '2' not in probs['fields[1-2].qvpn.ike.chosen'].split(':')[0]
    # a session without an evidence object fails every evidence key
    s[0].pop('evidence')
    ev = []
    judge_case('e', {'attempt': [a]}, FakeRun(pairs, frames, s), evidence=ev)
    assert 'no "evidence" object' in dict(ev[0][1])['evidence.nat']
    # new verdict classes and their details
    assert verdict_problem('icmp_error', {'icmp': 'port unreachable'},
                           'gateway not answering: ICMP port unreachable for UDP 500') is None
    assert verdict_problem('icmp_error', {'icmp': 'port unreachable'}, 'gateway not answering') is not None
    assert verdict_problem('proposal_refused', {'notify': 'NO-PROPOSAL-CHOSEN'},
                           'refused by peer: NO-PROPOSAL-CHOSEN; offered: DES/MD5/PSK/MODP768') is None
    assert verdict_problem('proposal_refused', {'notify': 'NO-PROPOSAL-CHOSEN'},
                           'refused by peer: NO-PROPOSAL-CHOSEN') is not None
    assert verdict_problem('natt_blocked', {}, 'UDP 4500 blocked: IKE_AUTH not answered after the NAT-T float') is None
    assert verdict_problem('nat_raw_esp', {}, 'client behind NAT sends raw ESP (IP 50)') is None
    assert verdict_problem('fragments_lost', {}, 'IKE_AUTH not answered: IP fragments lost?') is None
    assert evidence_spec_problems('x', {'evidence': {'nat': 'yes', 'bogus': 1}, 'fields': {'1': {'ip.src': 'x'}},
                                        'evidence_verdict': 'icmp_error'}) == [
        'x: evidence.nat \'yes\' is not none/client/gateway/both', 'x: unknown evidence key bogus',
        'x: fields[1]: ip.src is not a qvpn field', 'x: evidence_verdict icmp_error needs icmp']
