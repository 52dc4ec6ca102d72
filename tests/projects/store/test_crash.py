"""A writer SIGKILLed at random points of many saves never leaves a broken or partial catalog."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from projects import store
from projects.schema import empty_properties
from projects.sources import ROOT
from projects.store import users

PROJECTS, ROUNDS = 300, 24
PASSWORD = "crash-test-pw"

# Saves forever: single edits and three-record batches, printing one line after each save.
WRITER = r"""
import random, sys
import pytest

from projects import store
from projects.store import users

editor = users.authenticate("crash", sys.argv[1])
rng = random.Random(int(sys.argv[2]))
ids = [f["properties"]["id"] for f in store.load()]
n = 0
while True:
    n += 1
    picks = rng.sample(ids, 3)
    current = {f["properties"]["id"]: f["properties"]["version"] for f in store.load()}
    if n % 2:
        store.save(editor, picks[0], {"notes": f"第{n}次：" + "备注" * rng.randint(1, 200)},
                   expected_version=current[picks[0]])
    else:
        edits = [store.Edit(p, {"investment": float(n), "notes": f"批{n}"}, current[p]) for p in picks]
        store.save_many(editor, edits, reason=f"batch {n}")
    print(n, flush=True)
"""


def initial_records() -> list[dict]:
    out = []
    for i in range(PROJECTS):
        props = empty_properties()
        props.update(
            id=f"K{i:04d}", name=f"崩溃测试项目{i}", sector="产业", status="在建", notes="原始" * 50
        )
        out.append({"type": "Feature", "properties": props, "geometry": None})
    return out


def check_whole(catalog: Path, ids: list[str]) -> None:
    data = json.loads(catalog.read_text("utf-8"))  # parses: not truncated or interleaved
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["id"] for f in data["features"]] == ids
    for f in data["features"]:
        assert isinstance(f["properties"]["version"], int) and f["properties"]["name"]


def wait_for_kill_point(kind: int, folder: Path, rng: random.Random) -> None:
    """Return at a random point (kind 0), while a temp catalog is being written (1), or just
    after the history grew, before the catalog is replaced (2); bounded, never sleeps."""
    history = folder / store.HISTORY_NAME
    size = history.stat().st_size if history.exists() else 0
    for _ in range(rng.randint(1, 200_000) if kind == 0 else 500_000):
        if kind == 1 and any(e.name.endswith(".tmp") for e in os.scandir(folder)):
            return
        if kind == 2 and history.exists() and history.stat().st_size != size:
            return


@pytest.mark.slow
def test_sigkill_never_leaves_a_partial_catalog(tmp_path, monkeypatch):
    catalog, accounts = tmp_path / "projects.geojson", tmp_path / "users.json"
    monkeypatch.setenv("SHAPINGBA_CATALOG", str(catalog))
    monkeypatch.setenv("SHAPINGBA_USERS", str(accounts))
    initial = initial_records()
    ids = [f["properties"]["id"] for f in initial]
    store.rebuild(initial, catalog)
    users.add_user("crash", PASSWORD, rounds=4)
    env = {**os.environ, "SHAPINGBA_CATALOG": str(catalog), "SHAPINGBA_USERS": str(accounts)}
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    rolled_forward = torn_temp = 0
    for round_ in range(ROUNDS):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, PASSWORD, str(seed + round_)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(rng.randint(1, 15)):
            line = writer.stdout.readline()
            assert line, writer.stderr.read()
        wait_for_kill_point(round_ % 3, tmp_path, rng)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
        writer.stderr.close()
        torn_temp += any(p.suffix == ".tmp" for p in tmp_path.iterdir())
        check_whole(catalog, ids)  # before any recovery, as a reader would see it
        rolled_forward += bool(store.recover(catalog))
        check_whole(catalog, ids)
        assert store.load(catalog) == store.replay(initial, store.history(path=catalog)), seed
    assert not any(p.suffix == ".tmp" for p in tmp_path.iterdir())
    saves = len(store.history_path(catalog).read_text("utf-8").splitlines())
    print(
        f"seed {seed}: {saves} saves survived {ROUNDS} kills; {rolled_forward} rolled forward, "
        f"{torn_temp} left a temp file"
    )
