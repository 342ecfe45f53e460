/**
 * Test helper: closes an ali-ons producer or consumer for good. ali-ons 3.x registers an internal
 * producer group (CLIENT_INNER_PRODUCER) on every MQClient and never unregisters it, so `close()`
 * leaves the MQClient's name-server polling and heartbeat loops running and the test process never
 * exits. After the client's own close, this drops that group and closes the MQClient.
 */
interface OnsInternals {
  close(): Promise<void>;
  _mqClient?: { _producerTable: Map<string, unknown>; _consumerTable: Map<string, unknown>; close(): Promise<void> };
}

const INNER_PRODUCER_GROUP = 'CLIENT_INNER_PRODUCER';

export async function closeOns(client: { close(): Promise<void> }): Promise<void> {
  await client.close();
  const mq = (client as OnsInternals)._mqClient;
  if (!mq || mq._consumerTable.size > 0) return;
  if ([...mq._producerTable.keys()].some((group) => group !== INNER_PRODUCER_GROUP)) return;
  mq._producerTable.clear();
  await mq.close();
}
