/**
 * Reads of an event's registrations for the admin list and the CSV export. Only Query, never
 * Scan; every read is on one event's index partitions (table-design.ts):
 *
 * - no `q`, no `status`: gsi1 `EVENT#<id>#REGS`, sorted `<createdAt>#<id>` (oldest first);
 * - `status`: gsi3 `EVENT#<id>#STATUS#<status>`, same sort key, so it holds only that status;
 * - `q`: gsi4 (folded name, begins_with) and gsi5 (normalised email, begins_with), merged by id
 *   and sorted by `<createdAt>#<id>`; at most MATCHES_PER_INDEX matches are read from each. A
 *   prefix that matches more (a one-letter `q` on a big event) falls back to walking gsi1 / gsi3
 *   and matching the prefix in code, so a broad search is slower, never incomplete.
 *
 * `sessionId` and `checkedIn` (and `q` when walking) are judged in code on the items read: a
 * registration's `sessions` is a list of maps, which no key or filter expression can test
 * cheaply, and a FilterExpression would cost the same reads anyway. A page keeps reading until it
 * holds `limit` matches, the index ends, or READS_PER_PAGE items were read; so a selective filter
 * may answer fewer than `limit` items (even none) with a next position, never a skipped item.
 *
 * A position is the `<createdAt>#<id>` of the last registration the page consumed, the same in
 * every mode: the next page starts strictly after it, so every registration is listed once.
 */
import { QueryCommand, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { config } from '#config';
import { documents } from '#adapters/clients';
import { tableCall } from '#adapters/dynamo-errors';
import { emailIndex, keys, nameIndex, registrationsIndex, statusIndex } from '#adapters/keys';
import { storedRegistration } from '#adapters/registration-store';
import { normaliseEmail, searchForm, type RegistrationStatus, type StoredRegistration } from '#domain/registration';

/** Matches read from each of gsi4 (name) and gsi5 (email) before a `q` search walks instead. */
export const MATCHES_PER_INDEX = 1_000;
/** Index items one list page reads at most when filters are judged in code. */
export const READS_PER_PAGE = 1_000;

export interface RegistrationFilters {
  status?: RegistrationStatus;
  sessionId?: string;
  checkedIn?: boolean;
  /** A prefix of the name or the email, as typed (matched NFC- and case-insensitively). */
  q?: string;
}

/** What one read cost: for logs, benchmarks and tests. */
export interface ReadStats {
  plan: 'gsi1' | 'gsi3' | 'gsi4+gsi5' | 'gsi4+gsi5→gsi1' | 'gsi4+gsi5→gsi3';
  queries: number;
  itemsRead: number;
  /** Read capacity units DynamoDB reported (ReturnConsumedCapacity TOTAL). */
  capacityUnits: number;
}

export interface RegistrationPage {
  items: StoredRegistration[];
  /** Where the next page starts (`<createdAt>#<id>` of the last item consumed); undefined at the end. */
  next: string | undefined;
  stats: ReadStats;
}

/** The order of lists and exports: creation time, then id (the gsi1 / gsi3 sort key). */
export const orderKey = (r: Pick<StoredRegistration, 'createdAt' | 'id'>) => `${r.createdAt}#${r.id}`;

/** A position as a cursor may carry it: `<createdAt>#<22-character id>`. */
export const isPosition = (at: unknown): at is string => typeof at === 'string' && /^[0-9T:.+Z-]{10,40}#[A-Za-z0-9_-]{22}$/.test(at);

/** The forms `q` is compared in; also what a cursor's scope names. */
export function queryForms(q: string): { name: string; email: string } {
  return { name: searchForm(q), email: normaliseEmail(q) };
}

/** Every filter, judged on one registration (status and `q` too, so no index detail can leak a wrong item). */
export function matchesFilters(r: StoredRegistration, f: RegistrationFilters): boolean {
  if (f.status !== undefined && r.status !== f.status) return false;
  if (f.sessionId !== undefined && !(r.sessions ?? []).some((s) => s.id === f.sessionId)) return false;
  if (f.checkedIn !== undefined && (r.checkedInAt != null) !== f.checkedIn) return false;
  if (f.q !== undefined) {
    const forms = queryForms(f.q);
    if (!searchForm(r.name).startsWith(forms.name) && !normaliseEmail(r.email).startsWith(forms.email)) return false;
  }
  return true;
}

const table = () => config().DATA_TABLE;

interface IndexWalk {
  name: 'gsi1' | 'gsi3';
  pkAttr: string;
  skAttr: string;
  pk: string;
}

const walkOf = (eventId: string, status: RegistrationStatus | undefined): IndexWalk =>
  status
    ? { name: 'gsi3', pkAttr: 'gsi3pk', skAttr: 'gsi3sk', pk: statusIndex(eventId, status) }
    : { name: 'gsi1', pkAttr: 'gsi1pk', skAttr: 'gsi1sk', pk: registrationsIndex(eventId) };

async function query(
  input: Omit<QueryCommandInput, 'TableName' | 'ReturnConsumedCapacity'>,
  stats: ReadStats,
): Promise<QueryCommandOutput> {
  const out = await tableCall(() => documents.send(new QueryCommand({ ...input, TableName: table(), ReturnConsumedCapacity: 'TOTAL' })));
  stats.queries++;
  stats.itemsRead += out.Count ?? out.Items?.length ?? 0;
  stats.capacityUnits += out.ConsumedCapacity?.CapacityUnits ?? 0;
  return out;
}

/** The index key of the registration at `at` (it need not exist any more): where a walk resumes. */
function startKey(eventId: string, walk: IndexWalk, at: string) {
  const id = at.slice(at.lastIndexOf('#') + 1);
  return { ...keys.registration(eventId, id), [walk.pkAttr]: walk.pk, [walk.skAttr]: at };
}

/** Walks gsi1 or gsi3 from `after`, judging the filters in code, until the page is full. */
async function walk(
  eventId: string,
  f: RegistrationFilters,
  limit: number,
  after: string | undefined,
  stats: ReadStats,
  budget: number,
): Promise<RegistrationPage> {
  const index = walkOf(eventId, f.status);
  const judged = f.sessionId !== undefined || f.checkedIn !== undefined || f.q !== undefined;
  const items: StoredRegistration[] = [];
  let last: string | undefined;
  let consumed = 0;
  let start: Record<string, unknown> | undefined = after ? startKey(eventId, index, after) : undefined;
  // One more than needed: a page that ends exactly at the index's end then says so.
  let batch = limit + 1;
  for (;;) {
    const out = await query(
      {
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': index.pkAttr },
        ExpressionAttributeValues: { ':pk': index.pk },
        ExclusiveStartKey: start,
        Limit: batch,
      },
      stats,
    );
    for (const item of out.Items ?? []) {
      // An item beyond a full page: more exist, and this one is left for the next page.
      if (items.length === limit) return { items, next: last, stats };
      consumed++;
      last = String(item[index.skAttr]);
      const r = storedRegistration(item);
      if (matchesFilters(r, f)) items.push(r);
    }
    if (!out.LastEvaluatedKey) return { items, next: undefined, stats };
    last ??= String(out.LastEvaluatedKey[index.skAttr]);
    if (items.length === limit || consumed >= budget) return { items, next: last, stats };
    start = out.LastEvaluatedKey;
    const needed = limit - items.length + 1;
    // Unfiltered, read what is missing; filtered, read more each round (the filter's yield is unknown).
    batch = judged ? Math.min(budget - consumed, Math.max(batch * 2, needed)) : needed;
  }
}

/** Up to `cap` items whose sort key begins with `prefix`; `overflow` when more exist. */
async function prefixMatches(index: 'gsi4' | 'gsi5', pk: string, prefix: string, cap: number, stats: ReadStats) {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await query(
      {
        IndexName: index,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': `${index}pk`, '#sk': `${index}sk` },
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        ExclusiveStartKey: start,
        Limit: cap + 1 - items.length,
      },
      stats,
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start && items.length <= cap);
  return { items, overflow: items.length > cap };
}

/**
 * One page of an event's registrations, oldest first, after position `after`.
 * The options lower the caps, for tests of the broad-search fallback and of the read budget.
 */
export async function listRegistrations(
  eventId: string,
  f: RegistrationFilters,
  limit: number,
  after: string | undefined,
  options: { matchesPerIndex?: number; readsPerPage?: number } = {},
): Promise<RegistrationPage> {
  const stats: ReadStats = { plan: f.status ? 'gsi3' : 'gsi1', queries: 0, itemsRead: 0, capacityUnits: 0 };
  const budget = Math.max(options.readsPerPage ?? READS_PER_PAGE, 1);
  if (f.q === undefined) return walk(eventId, f, limit, after, stats, budget);

  const forms = queryForms(f.q);
  const cap = options.matchesPerIndex ?? MATCHES_PER_INDEX;
  const [byName, byEmail] = await Promise.all([
    prefixMatches('gsi4', nameIndex(eventId), forms.name, cap, stats),
    prefixMatches('gsi5', emailIndex(eventId), forms.email, cap, stats),
  ]);
  if (byName.overflow || byEmail.overflow) {
    stats.plan = f.status ? 'gsi4+gsi5→gsi3' : 'gsi4+gsi5→gsi1';
    return walk(eventId, f, limit, after, stats, budget);
  }
  stats.plan = 'gsi4+gsi5';
  const byId = new Map<string, StoredRegistration>();
  for (const item of [...byName.items, ...byEmail.items]) {
    const r = storedRegistration(item);
    byId.set(r.id, r);
  }
  const matching = [...byId.values()]
    .filter((r) => matchesFilters(r, f) && (after === undefined || orderKey(r) > after))
    .sort((a, b) => (orderKey(a) < orderKey(b) ? -1 : 1));
  const items = matching.slice(0, limit);
  return { items, next: matching.length > limit ? orderKey(items.at(-1)!) : undefined, stats };
}

/**
 * Every registration of an event, oldest first, one gsi1 page (up to 1 MB) at a time: what the
 * CSV export streams through without holding every item at once.
 */
export async function* everyRegistration(
  eventId: string,
  stats: ReadStats = { plan: 'gsi1', queries: 0, itemsRead: 0, capacityUnits: 0 },
): AsyncGenerator<StoredRegistration[]> {
  let start: Record<string, unknown> | undefined;
  do {
    const out = await query(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': registrationsIndex(eventId) },
        ExclusiveStartKey: start,
      },
      stats,
    );
    yield (out.Items ?? []).map((item) => storedRegistration(item));
    start = out.LastEvaluatedKey;
  } while (start);
}

/** Every registration of one status, page by page from gsi3 (the badge print run reads the confirmed). */
export async function* everyRegistrationWithStatus(
  eventId: string,
  status: RegistrationStatus,
  stats: ReadStats = { plan: 'gsi3', queries: 0, itemsRead: 0, capacityUnits: 0 },
): AsyncGenerator<StoredRegistration[]> {
  let start: Record<string, unknown> | undefined;
  do {
    const out = await query(
      {
        IndexName: 'gsi3',
        KeyConditionExpression: 'gsi3pk = :pk',
        ExpressionAttributeValues: { ':pk': statusIndex(eventId, status) },
        ExclusiveStartKey: start,
      },
      stats,
    );
    yield (out.Items ?? []).map((item) => storedRegistration(item));
    start = out.LastEvaluatedKey;
  } while (start);
}
