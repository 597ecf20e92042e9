"""tests/manifest.toml against the tree: one case for every capture the tests run qvpn
on, a capture for every case, and each case's expected files.

    /usr/bin/python3 -m pytest tests/captures/test_manifest.py

Covered folders: captures/ itself (the reference), captures/scenarios/ (generated),
captures/public/ and tests/integration/data/ (the glue captures).  captures/regress/
is not: its hostile captures are the robustness tests' own, listed with their
options in captures/regress/README.md.  No tshark needed.
"""
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / 'tests'))
sys.path.insert(0, str(REPO / 'captures' / 'gen'))
import manifest  # noqa: E402  (tests/manifest.py)

CAPTURE_SUFFIXES = ('.pcap', '.pcapng', '.cap')
FOLDERS = ['captures', 'captures/scenarios', 'captures/public', 'tests/integration/data']


@pytest.fixture(scope='module')
def cases():
    return manifest.load()


def captures_in(folder):
    return sorted(p.relative_to(REPO).as_posix() for p in (REPO / folder).iterdir()
                  if p.is_file() and p.suffix in CAPTURE_SUFFIXES)


def test_every_capture_is_a_case(cases):
    listed = {c.capture for c in cases.values()}
    missing = [f for folder in FOLDERS for f in captures_in(folder) if f not in listed]
    assert not missing, ('captures the manifest does not list (add a [case."<stem>"] to '
                         'tests/manifest.toml): %s' % missing)


def test_every_case_has_its_capture(cases):
    absent = [c.capture for c in cases.values() if not c.path.is_file()]
    assert not absent, 'manifest captures not in the tree: %s' % absent
    outside = [c.capture for c in cases.values() if str(Path(c.capture).parent) not in FOLDERS]
    assert not outside, 'manifest captures outside %s: %s' % (FOLDERS, outside)


def test_expected_files_are_the_cases(cases):
    expected = manifest.EXPECTED
    tsv = {p.stem for p in expected.glob('*.tsv')}
    assert sorted(set(cases) - tsv) == [], 'cases without expected/<name>.tsv: run regen.sh <name>'
    assert sorted(tsv - set(cases)) == [], 'expected/*.tsv of no case (renamed or removed?)'
    stats = {p.stem for p in (expected / 'stats').glob('*.txt')}
    golden = {n for n, c in cases.items() if c.stats_golden}
    assert sorted(golden - stats) == [], 'stats_golden cases without expected/stats/<name>.txt'
    assert sorted(stats - golden) == [], 'expected/stats/*.txt of no stats_golden case'


def test_every_generated_capture_is_a_case():
    """The generator's own check (it runs it before writing anything), without generating."""
    import generate     # captures/gen/generate.py
    generate.check_manifest(generate.corpus_jobs())


def test_loader_refuses_what_it_does_not_understand(tmp_path):
    def load(text):
        p = tmp_path / 'm.toml'
        p.write_text(text)
        return manifest.load(p)

    ok = '[case."a"]\ncapture = "captures/a.pcap"\n'
    assert list(load(ok)) == ['a']
    for bad, why in [
        ('[case."b"]\ncapture = "captures/a.pcap"\n', 'named after its capture'),
        (ok + 'stats = true\n', 'unknown keys'),
        (ok + 'verdicts = []\n', 'go together'),
        (ok + 'tls_only = 0\nverdicts = [["1.2.3.4", "5.6.7.8", "connected"]]\n', 'each verdict'),
        (ok + 'args = "-2"\n', 'list of strings'),
        ('[case."a"]\ncapture = "../a.pcap"\n', 'inside it'),
        (ok + '[case."a"]\ncapture = "captures/a.pcap"\n', 'twice'),
        ('[cases."a"]\ncapture = "captures/a.pcap"\n', 'only [case'),
    ]:
        with pytest.raises(manifest.ManifestError, match=why.replace('[', r'\[')):
            load(bad)
