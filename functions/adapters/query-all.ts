import { paginateQuery, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { documents } from '#adapters/clients';
import { tableCall } from '#adapters/dynamo-errors';

/** Every item a Query finds, page after page (the SDK's paginator), the table's faults mapped as tableCall maps them. */
export async function queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
  return tableCall(async () => {
    const items: Record<string, unknown>[] = [];
    for await (const page of paginateQuery({ client: documents }, input)) items.push(...(page.Items ?? []));
    return items;
  });
}
