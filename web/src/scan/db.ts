/**
 * The scanner's IndexedDB, through a few promise helpers (no library): `kv` (device, token,
 * event, key set, sync state, place), `roster` (people by id), `queue` (offline scans waiting
 * for upload, by scanId) and `admissions` (this device's first admission per registration and place).
 */

const NAME = 'gatepass-scanner';
const VERSION = 1;
export type Store = 'kv' | 'roster' | 'queue' | 'admissions';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

export interface Db {
  get<T>(store: Store, key: string): Promise<T | undefined>;
  put(store: Store, value: unknown, key?: string): Promise<void>;
  putMany(store: Store, values: readonly unknown[]): Promise<void>;
  delete(store: Store, keys: readonly string[]): Promise<void>;
  all<T>(store: Store): Promise<T[]>;
  count(store: Store): Promise<number>;
  close(): void;
}

export async function openDb(): Promise<Db> {
  const open = indexedDB.open(NAME, VERSION);
  open.onupgradeneeded = () => {
    const db = open.result;
    db.createObjectStore('kv');
    db.createObjectStore('roster', { keyPath: 'id' });
    db.createObjectStore('queue', { keyPath: 'scanId' });
    db.createObjectStore('admissions');
  };
  const db = await request(open);
  // Another tab wiping the device (revocation) must not be blocked by this one.
  db.onversionchange = () => db.close();
  const tx = (store: Store, mode: IDBTransactionMode) => db.transaction(store, mode);
  return {
    get: (store, key) => request(tx(store, 'readonly').objectStore(store).get(key)),
    async put(store, value, key) {
      const t = tx(store, 'readwrite');
      t.objectStore(store).put(value, key);
      await done(t);
    },
    async putMany(store, values) {
      const t = tx(store, 'readwrite');
      const s = t.objectStore(store);
      for (const v of values) s.put(v);
      await done(t);
    },
    async delete(store, keys) {
      const t = tx(store, 'readwrite');
      const s = t.objectStore(store);
      for (const k of keys) s.delete(k);
      await done(t);
    },
    all: (store) => request(tx(store, 'readonly').objectStore(store).getAll()),
    count: (store) => request(tx(store, 'readonly').objectStore(store).count()),
    close: () => db.close(),
  };
}

/**
 * Forgets what the device stored: IndexedDB, local and session storage, and (for a revoked
 * device) the caches too.
 */
export async function wipeEverything(db: Db | undefined, options: { caches: boolean }): Promise<void> {
  db?.close();
  await new Promise<void>((resolve) => {
    const r = indexedDB.deleteDatabase(NAME);
    r.onsuccess = r.onerror = r.onblocked = () => resolve();
  });
  if (options.caches && 'caches' in self) for (const name of await caches.keys()) await caches.delete(name);
  try {
    localStorage.clear();
    sessionStorage.clear();
  } catch {
    // Storage may be disabled; there is then nothing in it.
  }
}
