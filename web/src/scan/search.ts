/**
 * Manual check-in search over the cached roster: a prefix of the name or the organisation (or of
 * one of their words), case-insensitive, whatever Unicode form either side was typed in. Hangul
 * is compared as jamo (NFKD), so a half-typed syllable (기 on its way to 김, or a lone ㄱ) already
 * finds 김민지, whether the text arrived composed (NFC) or decomposed (NFD); Latin accents are
 * dropped (Émile, emile). The roster holds no
 * email addresses, so there is none to search.
 */

export function searchKey(text: string): string {
  return text
    .normalize('NFKD')
    .toLocaleLowerCase('und')
    .replace(/\p{M}+/gu, '')
    .trim();
}

interface Indexed<T> {
  item: T;
  keys: string[];
}

export interface RosterIndex<T> {
  search(query: string, limit?: number): T[];
  readonly size: number;
}

function wordKeys(text: string | null): string[] {
  if (!text) return [];
  const whole = searchKey(text);
  return [whole, ...whole.split(/[\s\-·.,()/]+/u).filter((w) => w && w !== whole)];
}

export function rosterIndex<T extends { name: string; organization: string | null }>(items: Iterable<T>): RosterIndex<T> {
  const indexed: Indexed<T>[] = [];
  for (const item of items) indexed.push({ item, keys: [...wordKeys(item.name), ...wordKeys(item.organization)] });
  return {
    size: indexed.length,
    search(query, limit = 20) {
      const q = searchKey(query);
      if (!q) return [];
      const out: T[] = [];
      for (const { item, keys } of indexed) {
        if (keys.some((k) => k.startsWith(q))) {
          out.push(item);
          if (out.length >= limit) break;
        }
      }
      return out;
    },
  };
}
