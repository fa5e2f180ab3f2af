import { describe, expect, it } from 'vitest';
import { emailHash, isRegistrationId, newRegistrationId, normaliseEmail, searchForm } from '#domain/registration';

describe('registration ids', () => {
  it('carry 128 random bits, are URL-safe, and never start with - or _', () => {
    const ids = Array.from({ length: 5000 }, newRegistrationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every(isRegistrationId)).toBe(true);
    expect(ids.filter((id) => /^[-_]/.test(id))).toEqual([]);
  });
});

describe('email and name forms', () => {
  it('one email however it is typed: trimmed, case-insensitive, NFC', () => {
    expect(normaliseEmail('  Minji.Kim@Example.COM ')).toBe('minji.kim@example.com');
    expect(emailHash('Minji.Kim@Example.com')).toBe(emailHash(' minji.kim@example.com'));
    expect(emailHash('minji.kim@example.com')).not.toBe(emailHash('minji.kim@example.org'));
  });

  it('search form folds case and Hangul composition', () => {
    expect(searchForm('김민지'.normalize('NFD'))).toBe(searchForm('김민지'));
    expect(searchForm('  Hannah   MÜLLER ')).toBe('hannah müller');
  });
});
