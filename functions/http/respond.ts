/** Response helpers: every JSON answer and every problem goes out through these. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { FieldError } from '#domain/errors';
import { problemTitles, type Locale } from '#domain/messages';

export type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number };

const common = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { statusCode, headers: { 'Content-Type': 'application/json; charset=utf-8', ...common, ...headers }, body: JSON.stringify(body) };
}

export function problem(
  status: number,
  code: string,
  locale: Locale,
  extra: { detail?: string; errors?: readonly FieldError[]; headers?: Record<string, string> } = {},
): HttpResult {
  const title = problemTitles[code]?.[locale] ?? problemTitles.internal_error![locale];
  const body = {
    type: `https://gatepass.dev/problems/${code.replaceAll('_', '-')}`,
    title,
    status,
    code,
    ...(extra.detail ? { detail: extra.detail } : {}),
    ...(extra.errors ? { errors: extra.errors } : {}),
  };
  return {
    statusCode: status,
    headers: { 'Content-Type': 'application/problem+json; charset=utf-8', 'Content-Language': locale, ...common, ...extra.headers },
    body: JSON.stringify(body),
  };
}
