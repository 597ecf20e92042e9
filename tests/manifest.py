"""tests/manifest.toml, read and checked: every capture the tests run qvpn on, one case each.

    import manifest
    cases = manifest.load()              # {name: Case}, in the file's order
    cases['psk-mismatch'].capture        # 'captures/scenarios/psk-mismatch.pcap'

    /usr/bin/python3 tests/manifest.py [NAME...]   # name, capture, stats_golden of each
                                                   # case (all by default); exit 2 on an
                                                   # unknown name or a bad manifest

A case's name is its capture's file name without the extension, and names its
expected files (tests/integration/expected/<name>.tsv, expected/stats/<name>.txt).
Anything the file says that this module does not understand is an error, not ignored.
Python 3.11+ (tomllib), standard library only: captures/gen and tests/compat use it too.
"""
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
MANIFEST = TESTS / 'manifest.toml'
EXPECTED = TESTS / 'integration' / 'expected'


class ManifestError(ValueError):
    pass


@dataclass(frozen=True)
class Case:
    name: str
    capture: str                 # relative to the repository, '/'-separated
    args: tuple = ()             # extra tshark arguments
    stats_golden: bool = False   # expected/stats/<name>.txt exists and is compared
    verdicts: tuple | None = None  # ((client, gateway, verdict), ...) of -z qvpn,sessions; None: not stated
    tls_only: int | None = None    # TLS-only attempts it lists; None: not stated

    @property
    def path(self):
        return REPO / self.capture

    @property
    def expected_tsv(self):
        return EXPECTED / (self.name + '.tsv')

    @property
    def expected_stats(self):
        return EXPECTED / 'stats' / (self.name + '.txt')


def _fail(where, msg):
    raise ManifestError('%s: %s' % (where, msg))


def _strings(where, key, value):
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        _fail(where, '%s must be a list of strings' % key)
    return tuple(value)


def _case(where, name, t):
    unknown = set(t) - {'capture', 'args', 'stats_golden', 'verdicts', 'tls_only'}
    if unknown:
        _fail(where, 'unknown keys %s' % sorted(unknown))
    capture = t.get('capture')
    if not isinstance(capture, str) or not capture:
        _fail(where, 'no capture = "<path relative to the repository>"')
    p = PurePosixPath(capture)
    if p.is_absolute() or '..' in p.parts:
        _fail(where, 'capture %r must be relative to the repository, inside it' % capture)
    if p.stem != name:
        _fail(where, 'a case is named after its capture: [case."%s"] for %s' % (p.stem, capture))
    stats_golden = t.get('stats_golden', False)
    if not isinstance(stats_golden, bool):
        _fail(where, 'stats_golden must be true or false')
    if ('verdicts' in t) != ('tls_only' in t):
        _fail(where, 'verdicts and tls_only go together')
    verdicts = tls_only = None
    if 'verdicts' in t:
        if not isinstance(t['verdicts'], list):
            _fail(where, 'verdicts must be a list of { client, gateway, verdict }')
        verdicts = []
        for v in t['verdicts']:
            if not isinstance(v, dict) or set(v) != {'client', 'gateway', 'verdict'} \
                    or not all(isinstance(x, str) for x in v.values()):
                _fail(where, 'each verdict is { client = "...", gateway = "...", verdict = "..." }, not %r' % (v,))
            verdicts.append((v['client'], v['gateway'], v['verdict']))
        verdicts = tuple(verdicts)
        tls_only = t['tls_only']
        if not isinstance(tls_only, int) or isinstance(tls_only, bool) or tls_only < 0:
            _fail(where, 'tls_only must be a count')
    return Case(name, capture, _strings(where, 'args', t.get('args', [])), stats_golden,
                verdicts, tls_only)


def load(path=MANIFEST):
    """{name: Case} of the manifest, in its order; ManifestError if anything is off."""
    path = Path(path)
    try:
        with open(path, 'rb') as f:
            doc = tomllib.load(f)
    except tomllib.TOMLDecodeError as e:       # e.g. a case named twice
        raise ManifestError('%s: %s' % (path, e)) from None
    if set(doc) - {'case'}:
        _fail(path, 'only [case."<name>"] tables, not %s' % sorted(set(doc) - {'case'}))
    cases = {}
    seen = {}
    for name, t in doc.get('case', {}).items():
        where = '%s: [case."%s"]' % (path.name, name)
        if not isinstance(t, dict):
            _fail(where, 'must be a table')
        c = _case(where, name, t)
        if c.capture in seen:
            _fail(where, 'capture %s is case %s already' % (c.capture, seen[c.capture]))
        seen[c.capture] = name
        cases[name] = c
    if not cases:
        _fail(path, 'no cases')
    return cases


def main(argv):
    try:
        cases = load()
        unknown = [n for n in argv if n not in cases]
        if unknown:
            raise ManifestError('%s: no case %s' % (MANIFEST, ', '.join(unknown)))
    except ManifestError as e:
        print('manifest: %s' % e, file=sys.stderr)
        return 2
    for name in argv or cases:
        c = cases[name]
        print('%s\t%s\t%s' % (c.name, c.capture, 'stats' if c.stats_golden else '-'))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
