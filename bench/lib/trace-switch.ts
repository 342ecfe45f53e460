/** The broker's tracing switch over the wire (UPDATE_BROKER_CONFIG traceOn), for benchmarks. */
import { RemotingClient } from '../../engine/remoting/remoting-client';
import { createRequest } from '../../engine/remoting/remoting-command';
import { RequestCode } from '../../engine/remoting/request-code';

export async function setBrokerTrace(brokerAddr: string, on: boolean): Promise<void> {
  const client = new RemotingClient();
  try {
    const req = createRequest(RequestCode.UPDATE_BROKER_CONFIG, null, { body: Buffer.from(`traceOn=${on}\n`) });
    const res = await client.invoke(brokerAddr, req, 5_000);
    if (res.code !== 0) throw new Error(`UPDATE_BROKER_CONFIG traceOn=${on} failed: ${res.code} ${res.remark ?? ''}`);
  } finally {
    await client.close();
  }
}
