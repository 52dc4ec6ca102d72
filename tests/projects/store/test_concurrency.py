"""Four processes editing overlapping projects through the store: nothing lost or duplicated."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict

import pytest

from projects import store
from projects.schema import empty_properties
from projects.sources import ROOT
from projects.store import users

WORKERS, EDITS, PROJECTS = 4, 250, 6
PASSWORD = "concurrency-pw"

# Each worker reads a record, then saves a change based on the version it read. Every 25th edit
# it also re-sends its previous save's version, which is stale by construction, so conflicts
# happen even if the scheduler never interleaves the workers.
WORKER = r"""
import json, random, sys
from projects import store
from projects.store import users
from projects.errors import StaleVersion

me, edits, ids, out = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3]), sys.argv[4]
editor = users.authenticate(me, sys.argv[5])
rng = random.Random(me)
accepted, refused, last = [], [], {}
for i in range(edits):
    pid = rng.choice(ids)
    if i % 25 == 24 and pid in last:
        expected = last[pid]
    else:
        expected = store.get(pid)["properties"]["version"]
    note = f"{me}-{i}"
    try:
        saved = store.save(editor, pid, {"notes": note}, expected_version=expected, reason=note)
    except StaleVersion as err:
        refused.append({"id": pid, "expected": err.expected, "actual": err.actual, "note": note})
    else:
        accepted.append({"id": pid, "version": saved["properties"]["version"], "note": note})
        last[pid] = expected
json.dump({"accepted": accepted, "refused": refused}, open(out, "w"))
"""


@pytest.fixture(params=["file", "postgis"])
def location(request, tmp_path):
    """The catalog file, or the test cluster's database (see tests/conftest.py)."""
    if request.param == "file":
        return tmp_path / "projects.geojson"
    return request.getfixturevalue("postgres_db")


@pytest.mark.slow
def test_parallel_edits_are_all_logged_or_refused_with_a_conflict(tmp_path, location):
    catalog = location
    accounts = tmp_path / "users.json"
    ids = [f"C{i:03d}" for i in range(PROJECTS)]
    initial = []
    for pid in ids:
        props = empty_properties()
        props.update(id=pid, name=f"并发测试{pid}", sector="交通", status="规划")
        initial.append({"type": "Feature", "properties": props, "geometry": None})
    store.rebuild(initial, catalog)
    for k in range(WORKERS):
        users.add_user(f"w{k}", PASSWORD, accounts, rounds=4)
    env = {**os.environ, "SHAPINGBA_USERS": str(accounts)}
    env[store.DATABASE_ENV if isinstance(catalog, str) else "SHAPINGBA_CATALOG"] = str(catalog)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                f"w{k}",
                str(EDITS),
                json.dumps(ids),
                str(tmp_path / f"w{k}.json"),
                PASSWORD,
            ],
            cwd=ROOT,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(WORKERS)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    results = {f"w{k}": json.loads((tmp_path / f"w{k}.json").read_text()) for k in range(WORKERS)}
    accepted = [dict(a, by=w) for w, r in results.items() for a in r["accepted"]]
    refused = [dict(r_, by=w) for w, r in results.items() for r_ in r["refused"]]
    assert len(accepted) + len(refused) == WORKERS * EDITS
    assert refused, "the deliberate stale saves must be refused"

    logged = store.history(path=catalog)
    # every accepted edit is in the history exactly once, with its author and version
    assert sorted(
        (e["id"], e["version"], e["changes"]["notes"][1], e["by"]) for e in logged
    ) == sorted((a["id"], a["version"], a["note"], a["by"]) for a in accepted)
    # no refused edit reached the history
    assert not {r["note"] for r in refused} & {e["reason"] for e in logged}
    # versions per project run 2, 3, … with no gap or repeat, each based on the one before
    by_id = defaultdict(list)
    for e in logged:
        by_id[e["id"]].append(e)
    for pid, entries in by_id.items():
        assert [e["version"] for e in entries] == list(range(2, len(entries) + 2)), pid
        assert all(e["base"] == e["version"] - 1 for e in entries)
        assert all(
            entries[i]["changes"]["notes"][0] == entries[i - 1]["changes"]["notes"][1]
            for i in range(1, len(entries))
        )
    # every refusal was a real conflict: some save had already been based on that version
    based_on = {(e["id"], e["base"]) for e in logged}
    for r in refused:
        assert r["actual"] > r["expected"] and (r["id"], r["expected"]) in based_on, r
    # the catalog is the history replayed over the initial records
    final = store.load(catalog)
    assert final == store.replay(initial, logged)
    for f in final:
        entries = by_id.get(f["properties"]["id"], [])
        assert f["properties"]["version"] == len(entries) + 1
        if entries:
            assert f["properties"]["notes"] == entries[-1]["changes"]["notes"][1]
    print(f"{len(accepted)} accepted, {len(refused)} refused with a conflict")


@pytest.fixture(autouse=True)
def _no_real_accounts(monkeypatch, tmp_path):
    monkeypatch.setenv("SHAPINGBA_USERS", str(tmp_path / "users.json"))
    monkeypatch.setenv("SHAPINGBA_CATALOG", str(tmp_path / "projects.geojson"))
    monkeypatch.delenv(store.DATABASE_ENV, raising=False)
    assert users.users_path().parent == tmp_path
