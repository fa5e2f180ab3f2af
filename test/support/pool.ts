/** Runs fn(0) … fn(count - 1) with at most `size` in flight; results in index order. */
export async function inPool<T>(count: number, size: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, count) }, lane));
  return results;
}
