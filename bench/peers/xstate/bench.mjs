// Peer of the wardflow benchmark: XState 5 persisting snapshots and events in SQLite
// (better-sqlite3, WAL, synchronous=FULL: every commit is fsynced before it returns).
//
// Workload W as bench/workload.yaml: the same seven states and six transitions, each guarded on
// the case data (context), and one deadline (first visit, 24 h) set at opening in an indexed
// timers table and removed by the visit. Each step is one SQLite transaction: read the persisted
// snapshot, restore the actor, send the event, refuse if the guard held it back, write the new
// snapshot and append the event.
//
// Concurrency: better-sqlite3 is synchronous, so async tasks in one thread would only take
// turns. The fair equivalent of wardflow's 8 writer threads is 8 worker_threads, each with its own
// connection to the same WAL database (SQLite serialises their write transactions; BEGIN
// IMMEDIATE with a busy timeout waits for the lock). SQLite has no group commit of separate
// connections' transactions, so each step costs its own fsync: that is the engine as users get it.
//
// Usage: node bench.mjs serial CASES DB | node bench.mjs concurrent CASES WRITERS DB  (prints JSON)
import Database from 'better-sqlite3';
import { createActor, createMachine, assign } from 'xstate';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

const TRANSITIONS = ['screen', 'visit', 'assess', 'plan', 'review', 'close'];
const STATES = ['reported', 'screened', 'visited', 'assessed', 'planned', 'reviewed', 'closed'];
const T0 = Date.parse('2026-03-01T02:00:00Z');

function age(birth, on) {
  const [y, m, d] = birth.split('-').map(Number);
  const n = new Date(on);
  const [ny, nm, nd] = [n.getUTCFullYear(), n.getUTCMonth() + 1, n.getUTCDate()];
  return ny - y - (nm < m || (nm === m && nd < d) ? 1 : 0);
}

// Guards see the data as it would be after the event (context merged with the changes).
const merged = ({ context, event }) => ({ ...context.data, ...event.changes });
const guards = {
  screen: (a) => { const d = merged(a); return d.risk_level >= 1 && d.risk_level <= 5; },
  visit: (a) => Date.parse(merged(a).visited_at) <= a.event.now,
  assess: (a) => age(merged(a)['carer.birth_date'], a.event.now) >= 18,
  plan: (a) => merged(a).plan.length > 0,
  review: (a) => { const d = merged(a); return d.review_score >= d.risk_level; },
  close: (a) => age(merged(a)['child.birth_date'], a.event.now) < 18,
};

const states = {};
STATES.forEach((s, i) => {
  if (i === STATES.length - 1) { states[s] = { type: 'final' }; return; }
  const t = TRANSITIONS[i];
  states[s] = {
    on: {
      [t]: {
        target: STATES[i + 1],
        guard: t,
        actions: assign({ data: ({ context, event }) => ({ ...context.data, ...event.changes }) }),
      },
    },
  };
});
const machine = createMachine(
  { id: 'bench-intake', initial: 'reported', context: ({ input }) => ({ data: input.data }), states },
  { guards },
);

function changes(n, now) {
  return [
    { risk_level: 3 },
    { visited_at: new Date(now - 3600e3).toISOString() },
    { 'carer.name': '王秀英', 'carer.birth_date': '1960-05-01' },
    { plan: '每周入户走访一次，联系学校落实课后看护' },
    { review_score: 4 },
    { close_reason: 'resolved' },
  ][n];
}

function connect(path) {
  const db = new Database(path, { timeout: 60000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS cases (id INTEGER PRIMARY KEY, state TEXT, snapshot TEXT);
    CREATE TABLE IF NOT EXISTS events (case_id INTEGER, seq INTEGER, event TEXT, PRIMARY KEY (case_id, seq));
    CREATE TABLE IF NOT EXISTS timers (due INTEGER, case_id INTEGER, name TEXT, PRIMARY KEY (due, case_id, name));
    CREATE INDEX IF NOT EXISTS by_state ON cases (state, id);`);
  const q = {
    insertCase: db.prepare('INSERT INTO cases (state, snapshot) VALUES (?, ?)'),
    readCase: db.prepare('SELECT snapshot FROM cases WHERE id = ?'),
    updateCase: db.prepare('UPDATE cases SET state = ?, snapshot = ? WHERE id = ?'),
    insertEvent: db.prepare('INSERT INTO events VALUES (?, ?, ?)'),
    insertTimer: db.prepare("INSERT INTO timers VALUES (?, ?, 'first_visit')"),
    deleteTimer: db.prepare("DELETE FROM timers WHERE case_id = ? AND name = 'first_visit'"),
  };
  const open = db.transaction((i, now) => {
    const actor = createActor(machine, {
      input: { data: { 'child.name': `儿童${i}`, 'child.birth_date': '2016-03-01' } },
    }).start();
    const snap = actor.getPersistedSnapshot();
    actor.stop();
    const id = q.insertCase.run('reported', JSON.stringify(snap)).lastInsertRowid;
    q.insertEvent.run(id, 1, JSON.stringify({ type: 'opened', at: now, data: snap.context.data }));
    q.insertTimer.run(now + 24 * 3600e3, id);
    return id;
  });
  const advance = db.transaction((id, n, now) => {
    const row = q.readCase.get(id);
    const actor = createActor(machine, { snapshot: JSON.parse(row.snapshot) }).start();
    const before = actor.getSnapshot().value;
    const event = { type: TRANSITIONS[n], changes: changes(n, now), now };
    actor.send(event);
    const after = actor.getSnapshot();
    actor.stop();
    if (after.value === before) throw new Error(`guard of ${event.type} refused`);
    q.updateCase.run(after.value, JSON.stringify(actor.getPersistedSnapshot()), id);
    q.insertEvent.run(id, n + 2, JSON.stringify({ type: event.type, at: now, changes: event.changes }));
    if (event.type === 'visit') q.deleteTimer.run(id);
  });
  return { db, open: open.immediate, advance: advance.immediate };
}

function runCases(path, indexes, times) {
  const { db, open, advance } = connect(path);
  let clock = 0;
  for (const i of indexes) {
    clock += 1;
    let started = process.hrtime.bigint();
    const id = open(i, T0 + clock * 1000);
    if (times) times.push(Number(process.hrtime.bigint() - started) / 1e6);
    for (let n = 0; n < TRANSITIONS.length; n++) {
      clock += 1;
      started = process.hrtime.bigint();
      advance(id, n, T0 + clock * 1000);
      if (times) times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  db.close();
}

const range = (from, to, step) => { const r = []; for (let i = from; i < to; i += step) r.push(i); return r; };

if (!isMainThread) {
  const { path, w, cases, writers } = workerData;
  runCases(path, range(w, cases, writers));
  parentPort.postMessage('done');
} else {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'serial') {
    const [cases, path] = [Number(args[0]), args[1]];
    const times = [];
    runCases(path, range(0, cases, 1), times);
    times.sort((a, b) => a - b);
    const q = (p) => times[Math.round((times.length - 1) * p)];
    console.log(JSON.stringify({
      engine: 'xstate 5.33.3 + better-sqlite3 12.9.0',
      steps: times.length,
      step_ms_p50: q(0.5),
      step_ms_p95: q(0.95),
      step_ms_mean: times.reduce((a, b) => a + b, 0) / times.length,
    }));
  } else {
    const [cases, writers, path] = [Number(args[0]), Number(args[1]), args[2]];
    connect(path).db.close(); // schema first, so workers do not race to create it
    const started = process.hrtime.bigint();
    // The CPU of every thread of the process (the workers' included) over the measured span,
    // so that wardflow-bench can compare work per step as well as steps per second.
    const cpuBefore = process.cpuUsage();
    await Promise.all(range(0, writers, 1).map((w) => new Promise((resolve, reject) => {
      const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { path, w, cases, writers } });
      worker.on('message', resolve);
      worker.on('error', reject);
    })));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    const steps = cases * (1 + TRANSITIONS.length);
    console.log(JSON.stringify({
      steps_per_s: steps / seconds,
      writers,
      cpu_us_per_step: (cpu.user + cpu.system) / steps,
    }));
  }
}
