/**
 * A pure simulation of sharded seat counters for a ticket drop beyond one hot item's write rate.
 *
 * Model: an event of `capacity` seats split over N counter items (N partitions), shard k holding
 * capacity/N (the remainder spread one seat at a time). Registrations arrive as a Poisson process
 * of rate λ. Each one reads every shard's remaining seats (a BatchGet: reads are cheap and never
 * queue on the write path here), picks a shard at random among those that look non-empty, and
 * sends its transactional write there. Each counter item serves at most `itemWrites` transactional
 * writes a second (FIFO, one at a time: a write waits for the ones ahead of it on that item).
 * When the write arrives at an empty shard (its read was stale) the condition fails, the request
 * reads again and falls back to another shard with seats; when every shard is empty it is told
 * "sold out" (or joins the waitlist). Deterministic (seeded PRNG), so it runs the same every time.
 */

export interface ShardScenario {
  shards: number;
  capacity: number;
  /** Registrations per second during the drop. */
  arrivalRate: number;
  /** Registrations in the drop (arrivals). */
  arrivals: number;
  /** Transactional writes a second one item sustains (DynamoDB: ~500 for 1 KB transactional). */
  itemWrites: number;
  /** A request gives up (503, Retry-After) once its wait for one write would pass this. */
  timeoutMs: number;
  seed?: number;
}

export interface ShardOutcome {
  shards: number;
  capacity: number;
  arrivalRate: number;
  arrivals: number;
  /** Seats sold: never more than capacity (each write is conditional); less when requests time out. */
  sold: number;
  oversold: number;
  /** Seats left unsold although someone was told sold out at the time (0 = accurate). */
  seatsLeftAtFirstSoldOut: number;
  soldOutAnswers: number;
  timeouts: number;
  /** Extra writes: a request's write that found its shard empty and went to another. */
  fallbacks: number;
  requestsWithFallback: number;
  /** Arrival-order fairness: requests told "sold out"/timed out that arrived before the last seated one. */
  overtaken: number;
  /** Time from the first arrival to the last seat sold. */
  sellOutSeconds: number;
  /** Seats sold a second while selling (capacity / sellOutSeconds). */
  seatsPerSecond: number;
  /** Queueing for a write, per request (ms). */
  waitP50: number;
  waitP99: number;
  /** Conditional writes sent per seat sold (1 + fallbacks per seat). */
  writesPerSeat: number;
}

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const q = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : 0);

/** A min-heap of timed events (time, then sequence for a stable order). */
class Agenda<T> {
  private heap: { at: number; seq: number; value: T }[] = [];
  private seq = 0;
  push(at: number, value: T) {
    const h = this.heap;
    h.push({ at, seq: this.seq++, value });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.at < h[i]!.at || (h[p]!.at === h[i]!.at && h[p]!.seq < h[i]!.seq)) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }
  pop(): { at: number; value: T } | undefined {
    const h = this.heap;
    if (!h.length) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        const less = (a: number, b: number) => h[a]!.at < h[b]!.at || (h[a]!.at === h[b]!.at && h[a]!.seq < h[b]!.seq);
        if (l < h.length && less(l, m)) m = l;
        if (r < h.length && less(r, m)) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return { at: top.at, value: top.value };
  }
}

export function simulateShards(s: ShardScenario): ShardOutcome {
  const rand = prng(s.seed ?? 7);
  const service = 1 / s.itemWrites; // seconds per write on one item
  const remaining = Array.from({ length: s.shards }, (_, k) => Math.floor(s.capacity / s.shards) + (k < s.capacity % s.shards ? 1 : 0));
  const freeAt = new Array<number>(s.shards).fill(0); // when each item finishes its queued writes
  const writes = new Array<number>(s.shards).fill(0);
  type Req = { id: number; arrived: number; tried: number; waited: number };
  type Ev = { kind: 'arrive'; req: Req } | { kind: 'write'; req: Req; shard: number };
  const agenda = new Agenda<Ev>();
  let t = 0;
  for (let i = 0; i < s.arrivals; i++) {
    t += -Math.log(1 - rand()) / s.arrivalRate;
    agenda.push(t, { kind: 'arrive', req: { id: i, arrived: t, tried: 0, waited: 0 } });
  }

  let sold = 0;
  let soldOutAnswers = 0;
  let timeouts = 0;
  let fallbacks = 0;
  const withFallback = new Set<number>();
  let seatsLeftAtFirstSoldOut = -1;
  let lastSeatAt = 0;
  let lastSeatedArrival = -1;
  const refusedArrivals: number[] = [];
  const waits: number[] = [];

  /** Reads the shards (fresh at `now`) and queues a write on one that has seats, or answers sold out. */
  const choose = (now: number, req: Req) => {
    const open = remaining.flatMap((n, k) => (n > 0 ? [k] : []));
    if (!open.length) {
      soldOutAnswers++;
      if (seatsLeftAtFirstSoldOut < 0) seatsLeftAtFirstSoldOut = remaining.reduce((a, b) => a + b, 0);
      refusedArrivals.push(req.arrived);
      return;
    }
    const shard = open[Math.floor(rand() * open.length)]!;
    const start = Math.max(now, freeAt[shard]!);
    const wait = start - now;
    if (wait * 1000 > s.timeoutMs) {
      // The request would wait longer than the function's budget: it answers 503 instead.
      timeouts++;
      refusedArrivals.push(req.arrived);
      return;
    }
    freeAt[shard] = start + service;
    req.waited += wait;
    agenda.push(start + service, { kind: 'write', req, shard });
  };

  for (let ev = agenda.pop(); ev; ev = agenda.pop()) {
    const { at, value } = ev;
    if (value.kind === 'arrive') {
      choose(at, value.req);
      continue;
    }
    const { req, shard } = value;
    writes[shard]!++;
    req.tried++;
    if (remaining[shard]! > 0) {
      remaining[shard]!--;
      sold++;
      lastSeatAt = at;
      lastSeatedArrival = Math.max(lastSeatedArrival, req.arrived);
      waits.push(req.waited * 1000);
    } else {
      // Its read was stale: the condition failed; read again, go elsewhere.
      fallbacks++;
      withFallback.add(req.id);
      choose(at, req);
    }
  }

  waits.sort((a, b) => a - b);
  const firstArrival = 0;
  const sellOut = lastSeatAt - firstArrival;
  return {
    shards: s.shards,
    capacity: s.capacity,
    arrivalRate: s.arrivalRate,
    arrivals: s.arrivals,
    sold,
    oversold: Math.max(0, sold - s.capacity),
    seatsLeftAtFirstSoldOut: Math.max(0, seatsLeftAtFirstSoldOut),
    soldOutAnswers,
    timeouts,
    fallbacks,
    requestsWithFallback: withFallback.size,
    overtaken: refusedArrivals.filter((a) => a < lastSeatedArrival).length,
    sellOutSeconds: Math.round(sellOut * 100) / 100,
    seatsPerSecond: sellOut > 0 ? Math.round(sold / sellOut) : 0,
    waitP50: Math.round(q(waits, 0.5) * 10) / 10,
    waitP99: Math.round(q(waits, 0.99) * 10) / 10,
    writesPerSeat: sold > 0 ? Math.round((writes.reduce((a, b) => a + b, 0) / sold) * 100) / 100 : 0,
  };
}

/** The scenarios bench/README.md discusses: a drop of 20,000 seats at 5,000 registrations a second. */
export function shardScenarios(): ShardOutcome[] {
  const base = { capacity: 20_000, arrivalRate: 5_000, arrivals: 40_000, itemWrites: 500, timeoutMs: 8_000 };
  return [1, 4, 10, 16, 32].map((shards) => simulateShards({ ...base, shards }));
}
