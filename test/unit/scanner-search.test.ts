/** The scanner's manual search: name or organisation prefix, whatever form the Hangul was typed in. */
import { describe, expect, it } from 'vitest';
import { rosterIndex } from '../../web/src/scan/search.ts';

const people = [
  { id: 'a', name: '김민지', organization: 'Gwangju Bio Co.', email: 'minji@example.com' },
  { id: 'b', name: 'Hannah Müller', organization: '광주에너지', email: 'hannah@example.com' },
  { id: 'c', name: 'Émile Zola', organization: null, email: 'emile@example.com' },
  { id: 'd', name: '김철수'.normalize('NFD'), organization: 'Seoul Mobility', email: 'cs@example.com' },
];
const index = rosterIndex(people);
const ids = (q: string) => index.search(q).map((p) => p.id);

describe('roster search', () => {
  it('finds Hangul names typed composed, decomposed, or half-typed (a syllable or a lone jamo on its way)', () => {
    expect(ids('김민지')).toEqual(['a']);
    expect(ids('김민지'.normalize('NFD'))).toEqual(['a']);
    expect(ids('김철')).toEqual(['d']);
    expect(ids('김')).toEqual(['a', 'd']);
    expect(ids('기')).toEqual(['a', 'd']);
    expect(ids('ㄱ')).toEqual(['a', 'b', 'd']);
    expect(ids('김미')).toEqual(['a']);
  });

  it('finds by organisation and by a later word, case- and accent-insensitively', () => {
    expect(ids('gwangju')).toEqual(['a']);
    expect(ids('광주')).toEqual(['b']);
    expect(ids('müller')).toEqual(['b']);
    expect(ids('MULLER')).toEqual(['b']);
    expect(ids('emile')).toEqual(['c']);
    expect(ids('mobility')).toEqual(['d']);
  });

  it('never matches an email address, and an empty query finds no one', () => {
    expect(ids('minji@')).toEqual([]);
    expect(ids('example')).toEqual([]);
    expect(ids('  ')).toEqual([]);
  });

  it('stops at the limit', () => {
    const many = rosterIndex(Array.from({ length: 50 }, (_, i) => ({ id: String(i), name: `이서연${i}`, organization: null })));
    expect(many.search('이', 20)).toHaveLength(20);
  });
});
