/**
 * AWS SDK clients, created once per container at module scope. Endpoints come from the SDK's own
 * environment variables (AWS_ENDPOINT_URL_DYNAMODB…), so the same code talks to AWS or to the
 * local engines.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const dynamodb = new DynamoDBClient({ maxAttempts: 4 });
export const documents = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});
