"""Peer of the wardflow benchmark: SpiffWorkflow 3 (core specs) persisting to SQLite.

Workload W as bench/workload.yaml: open a case, then six manual tasks (screen, visit, assess,
plan, review, close), each with its guard on the case data; one deadline (first visit, 24 h) set
at opening in an indexed timers table and removed by the visit. Every step is one SQLite
transaction in WAL mode with synchronous=FULL (durable before it returns): read the stored
workflow, deserialize it, check the guard, complete the task, serialize it back, append an event.
SpiffWorkflow's core specs have no guard language on manual tasks, so the guards are Python
functions run on the task data, exactly where wardflow runs its CEL guards.

Usage: bench.py serial CASES DB | bench.py concurrent CASES WRITERS DB   (prints JSON)
"""
import json
import multiprocessing
import sqlite3
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone

from SpiffWorkflow.serializer.json import JSONSerializer
from SpiffWorkflow.specs.Simple import Simple
from SpiffWorkflow.specs.WorkflowSpec import WorkflowSpec
from SpiffWorkflow.util.task import TaskState
from SpiffWorkflow.workflow import Workflow

TRANSITIONS = ["screen", "visit", "assess", "plan", "review", "close"]
STATES = ["screened", "visited", "assessed", "planned", "reviewed", "closed"]
SERIALIZER = JSONSerializer()
T0 = datetime(2026, 3, 1, 2, 0, tzinfo=timezone.utc)


def age(birth, on):
    b = date.fromisoformat(birth)
    return on.year - b.year - ((on.month, on.day) < (b.month, b.day))


GUARDS = {
    "screen": lambda d, now: 1 <= d["risk_level"] <= 5,
    "visit": lambda d, now: datetime.fromisoformat(d["visited_at"]) <= now,
    "assess": lambda d, now: age(d["carer.birth_date"], now.date()) >= 18,
    "plan": lambda d, now: len(d["plan"]) > 0,
    "review": lambda d, now: d["review_score"] >= d["risk_level"],
    "close": lambda d, now: age(d["child.birth_date"], now.date()) < 18,
}


def spec():
    s = WorkflowSpec("bench-intake", addstart=True)
    prev = s.start
    for name in TRANSITIONS:
        task = Simple(s, name, manual=True)
        prev.connect(task)
        prev = task
    return s


SPEC = spec()


def changes(n, now):
    return [
        {"risk_level": 3},
        {"visited_at": (now - timedelta(hours=1)).isoformat()},
        {"carer.name": "王秀英", "carer.birth_date": "1960-05-01"},
        {"plan": "每周入户走访一次，联系学校落实课后看护"},
        {"review_score": 4},
        {"close_reason": "resolved"},
    ][n]


def connect(path):
    db = sqlite3.connect(path, isolation_level=None, timeout=60)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    return db


def schema(path):
    db = connect(path)
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS cases (id INTEGER PRIMARY KEY, state TEXT, snapshot TEXT);
        CREATE TABLE IF NOT EXISTS events (case_id INTEGER, seq INTEGER, event TEXT,
            PRIMARY KEY (case_id, seq));
        CREATE TABLE IF NOT EXISTS timers (due TEXT, case_id INTEGER, name TEXT,
            PRIMARY KEY (due, case_id, name));
        CREATE INDEX IF NOT EXISTS by_state ON cases (state, id);
        """
    )
    db.close()


def open_case(db, i, now):
    wf = Workflow(SPEC)
    wf.run_all()  # runs the start task; halts at the first manual task
    wf.data.update({"child.name": f"儿童{i}", "child.birth_date": "2016-03-01"})
    db.execute("BEGIN IMMEDIATE")
    cur = db.execute(
        "INSERT INTO cases (state, snapshot) VALUES (?, ?)",
        ("reported", wf.serialize(SERIALIZER)),
    )
    case = cur.lastrowid
    db.execute(
        "INSERT INTO events VALUES (?, 1, ?)",
        (case, json.dumps({"type": "opened", "at": now.isoformat(), "data": wf.data})),
    )
    db.execute(
        "INSERT INTO timers VALUES (?, ?, 'first_visit')",
        ((now + timedelta(hours=24)).isoformat(), case),
    )
    db.execute("COMMIT")
    return case


def advance(db, case, n, now):
    name = TRANSITIONS[n]
    data = changes(n, now)
    db.execute("BEGIN IMMEDIATE")
    try:
        (snapshot,) = db.execute("SELECT snapshot FROM cases WHERE id = ?", (case,)).fetchone()
        wf = Workflow.deserialize(SERIALIZER, snapshot)
        task = next(
            t for t in wf.get_tasks(state=TaskState.READY) if t.task_spec.name == name
        )
        merged = dict(wf.data, **data)
        if not GUARDS[name](merged, now):
            raise ValueError(f"guard of {name} refused")
        wf.data.update(data)
        task.run()
        wf.run_all()
        seq = n + 2
        db.execute(
            "UPDATE cases SET state = ?, snapshot = ? WHERE id = ?",
            (STATES[n], wf.serialize(SERIALIZER), case),
        )
        db.execute(
            "INSERT INTO events VALUES (?, ?, ?)",
            (case, seq, json.dumps({"type": name, "at": now.isoformat(), "changes": data})),
        )
        if name == "visit":
            db.execute("DELETE FROM timers WHERE case_id = ? AND name = 'first_visit'", (case,))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def run_cases(path, indexes, times=None):
    db = connect(path)
    clock = 0
    for i in indexes:
        clock += 1
        started = time.perf_counter()
        case = open_case(db, i, T0 + timedelta(seconds=clock))
        if times is not None:
            times.append(time.perf_counter() - started)
        for n in range(len(TRANSITIONS)):
            clock += 1
            started = time.perf_counter()
            advance(db, case, n, T0 + timedelta(seconds=clock))
            if times is not None:
                times.append(time.perf_counter() - started)
    db.close()


def writer(args):
    path, w, cases, writers = args
    run_cases(path, range(w, cases, writers))


def main():
    mode = sys.argv[1]
    if mode == "serial":
        cases, path = int(sys.argv[2]), sys.argv[3]
        schema(path)
        times = []
        run_cases(path, range(cases), times)
        times.sort()
        print(json.dumps({
            "engine": "SpiffWorkflow 3.2.0 + sqlite3 " + sqlite3.sqlite_version,
            "steps": len(times),
            "step_ms_p50": statistics.median(times) * 1e3,
            "step_ms_p95": times[int((len(times) - 1) * 0.95)] * 1e3,
            "step_ms_mean": statistics.fmean(times) * 1e3,
        }))
    else:
        cases, writers, path = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
        schema(path)
        started = time.perf_counter()
        # Processes, not threads: the GIL would serialise threads' Python work.
        with multiprocessing.Pool(writers) as pool:
            pool.map(writer, [(path, w, cases, writers) for w in range(writers)])
        elapsed = time.perf_counter() - started
        print(json.dumps({"steps_per_s": cases * (1 + len(TRANSITIONS)) / elapsed,
                          "writers": writers}))


if __name__ == "__main__":
    main()
