import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** The API's own base URL as the caller reached it (API Gateway sets X-Forwarded-Proto). */
export function baseUrl(event: APIGatewayProxyEventV2): string {
  const proto = event.headers?.['x-forwarded-proto']?.split(',')[0]?.trim() === 'http' ? 'http' : 'https';
  return `${proto}://${event.requestContext.domainName}`;
}
