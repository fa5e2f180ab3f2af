import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { issueManageToken, verifyManageToken } from '#domain/manage-token';
import { newRegistrationId } from '#domain/registration';

const key = randomBytes(32);
const regId = newRegistrationId();

describe('manage tokens', () => {
  it('verify for their own event and registration, naming both', () => {
    const token = issueManageToken(key, 'event-1', regId, 1);
    expect(verifyManageToken(key, 'event-1', token)).toEqual({ registrationId: regId, version: 1 });
  });

  it('fail for another event, another key, or a rotated version', () => {
    const token = issueManageToken(key, 'event-1', regId, 1);
    expect(verifyManageToken(key, 'event-2', token)).toBeUndefined();
    expect(verifyManageToken(randomBytes(32), 'event-1', token)).toBeUndefined();
    expect(verifyManageToken(key, 'event-1', token.replace(/^(.{22})\.1\./, '$1.2.'))).toBeUndefined();
  });

  it('fail after any single-character change', () => {
    const token = issueManageToken(key, 'event-1', regId, 3);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    for (let i = 0; i < token.length; i++) {
      for (const c of [alphabet[(alphabet.indexOf(token[i]!) + 1) % alphabet.length]!, '']) {
        const changed = token.slice(0, i) + c + token.slice(i + 1);
        if (changed !== token) expect(verifyManageToken(key, 'event-1', changed), `position ${i}`).toBeUndefined();
      }
    }
  });
});
