/**
 * A function that lacks configuration fails at its start, naming what is missing, instead of
 * answering 500 to every request (DESIGN.md: config is read once and fails fast).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { configProblems } from '#config';

const complete = {
  AWS_REGION: 'ap-northeast-2',
  DATA_TABLE: 'gatepass-data',
  SERVER_SECRET: 's'.repeat(40),
  BADGE_KEY_SEEDS: 'b'.repeat(40),
  MAIL_FROM: 'Gatepass <no-reply@gatepass.test>',
  JWT_ISSUER: 'https://issuer.gatepass.test',
  JWT_JWKS_URL: 'https://issuer.gatepass.test/jwks.json',
  JWT_CLIENT_ID: 'client',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};
const saved = { ...process.env };
const useEnv = (env: Record<string, string>) => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, env);
};

beforeEach(() => vi.resetModules());
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

describe('each function checks what its route needs when it starts', () => {
  it.each([
    ['get-attendance', 'JWT_ISSUER', ['JWT_ISSUER']],
    ['get-registration', 'JWT_CLIENT_ID', ['JWT_CLIENT_ID']],
    ['list-events', 'SERVER_SECRET', ['SERVER_SECRET or SERVER_SECRET_ARN']],
    ['check-in', 'BADGE_KEY_SEEDS', ['BADGE_KEY_SEEDS or BADGE_KEY_SECRET_ARN']],
    ['create-registration', 'DATA_TABLE', ['DATA_TABLE']],
    ['mailer', 'MAIL_FROM', ['MAIL_FROM']],
    ['outbox-sweeper', 'MAIL_FROM', ['MAIL_FROM']],
  ])('%s without %s: importing it throws, naming it', async (handler, missing, named) => {
    // Prepare
    const { [missing as keyof typeof complete]: _gone, ...env } = complete;
    useEnv(env);
    // Act
    const start = import(`../../functions/handlers/${handler}.ts`);
    // Assess
    await expect(start).rejects.toThrow(`Gatepass function ${handler} cannot start: missing configuration ${named.join(', ')}`);
  });

  it('a function with everything it needs starts; one that needs nothing starts with nothing', async () => {
    useEnv(complete);
    await expect(import('../../functions/handlers/get-attendance.ts')).resolves.toHaveProperty('handler');
    vi.resetModules();
    useEnv({});
    await expect(import('../../functions/handlers/health.ts')).resolves.toHaveProperty('handler');
    await expect(import('../../functions/handlers/get-event.ts')).rejects.toThrow('missing configuration DATA_TABLE');
  });

  it('names every missing variable at once', () => {
    expect(configProblems({ id: 'x', table: 'read', who: ['admin'], serverSecret: true }, {})).toEqual([
      'DATA_TABLE',
      'SERVER_SECRET or SERVER_SECRET_ARN',
      'JWT_ISSUER',
      'JWT_JWKS_URL',
      'JWT_CLIENT_ID',
    ]);
    expect(configProblems({ id: 'x', table: 'none', who: ['anyone'] }, {})).toEqual([]);
  });
});
