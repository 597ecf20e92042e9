"""The README's expert-info table against the findings the core declares.

plugin/core/qvpn_findings.h declares every finding once (QVPN_FINDINGS: abbrev, title,
group, severity); the README's "Expert infos" table must list exactly those, each with
the group and severity Wireshark shows.
"""
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GROUPS = {'SEQUENCE': 'Sequence', 'RESPONSE_CODE': 'Response code', 'PROTOCOL': 'Protocol',
          'SECURITY': 'Security'}
SEVERITIES = {'CHAT': 'Chat', 'NOTE': 'Note', 'WARN': 'Warning', 'ERROR': 'Error'}


def declared():
    text = (REPO / 'plugin/core/qvpn_findings.h').read_text()
    rows = re.findall(r'X\(\s*(\w+),\s*(\w+),\s*"[^"]*",\s*(\w+),\s*(\w+),\s*\w+\)', text)
    assert rows, 'no QVPN_FINDINGS rows found'
    return {abbrev: (GROUPS[group], SEVERITIES[sev]) for _, abbrev, group, sev in rows}


def documented():
    text = (REPO / 'README.md').read_text()
    rows = re.findall(r'^\| `qvpn\.(\w+)` \| ([A-Za-z ]+?) / (\w+) \|', text, re.M)
    return {abbrev: (group, sev) for abbrev, group, sev in rows}


def test_every_finding_is_documented_with_its_group_and_severity():
    assert documented() == declared()
