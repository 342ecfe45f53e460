/**
 * A name server + broker that stores nothing: it answers every request with a prepared response
 * (routes to itself, SEND_MESSAGE_V2 with a fixed message id, SUCCESS for the rest). Run as its own
 * process, it measures how fast a client can go when the broker costs next to nothing: the
 * ceiling any broker can reach with that client on this machine.
 *
 * Prints `canned broker 127.0.0.1:<port>` once listening; exits on SIGTERM or when stdin closes.
 */
import net from 'node:net';

const FRAME_LENGTH_SIZE = 4;
const HEADER_LENGTH_SIZE = 4;
const RESPONSE_FLAG = 1;
const ONEWAY_FLAG = 2;
const GET_ROUTEINFO_BY_TOPIC = 105;
const SEND_MESSAGE = 10;
const SEND_MESSAGE_V2 = 310;
/** Only the head of a JSON header is read: ali-ons writes code, language, opaque and flag first. */
const HEADER_SCAN_CHARS = 160;
const CODE = /"code":(\d+)/;
const OPAQUE = /"opaque":(\d+)/;
const FLAG = /"flag":(\d+)/;

/** A frame with a JSON header (ASCII) and an optional body. */
function frame(headerJson: string, body: Buffer): Buffer {
  const h = headerJson.length;
  const out = Buffer.allocUnsafe(FRAME_LENGTH_SIZE + HEADER_LENGTH_SIZE + h + body.length);
  out.writeInt32BE(HEADER_LENGTH_SIZE + h + body.length, 0);
  out.writeInt32BE(h, FRAME_LENGTH_SIZE);
  out.write(headerJson, FRAME_LENGTH_SIZE + HEADER_LENGTH_SIZE, 'latin1');
  body.copy(out, FRAME_LENGTH_SIZE + HEADER_LENGTH_SIZE + h);
  return out;
}

type Template = { head: string; tail: string; body: Buffer };

/** A response header with the opaque left out, split around where it goes. */
function template(extFields: Record<string, string>, body?: Buffer): Template {
  const json = JSON.stringify({ code: 0, extFields, flag: RESPONSE_FLAG, language: 'JAVA', opaque: 0, serializeTypeCurrentRPC: 'JSON', version: 0 });
  const at = json.indexOf('"opaque":0') + '"opaque":'.length;
  return { head: json.slice(0, at), tail: json.slice(at + 1), body: body ?? Buffer.alloc(0) };
}

function respond(t: Template, opaque: string): Buffer {
  return frame(t.head + opaque + t.tail, t.body);
}

function main(): void {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      const out: Buffer[] = [];
      let pos = 0;
      while (pending.length - pos >= FRAME_LENGTH_SIZE + HEADER_LENGTH_SIZE) {
        const length = pending.readInt32BE(pos);
        if (length < HEADER_LENGTH_SIZE || length > 64 * 1024 * 1024) {
          socket.destroy();
          return;
        }
        if (pending.length - pos < FRAME_LENGTH_SIZE + length) break;
        const headerLength = pending.readInt32BE(pos + FRAME_LENGTH_SIZE) & 0xffffff;
        const headerStart = pos + FRAME_LENGTH_SIZE + HEADER_LENGTH_SIZE;
        const head = pending.toString('latin1', headerStart, headerStart + Math.min(headerLength, HEADER_SCAN_CHARS));
        pos += FRAME_LENGTH_SIZE + length;
        const flag = Number(FLAG.exec(head)?.[1] ?? 0);
        if (flag & (RESPONSE_FLAG | ONEWAY_FLAG)) continue;
        const opaque = OPAQUE.exec(head)?.[1] ?? '0';
        const code = Number(CODE.exec(head)?.[1] ?? -1);
        if (code === SEND_MESSAGE_V2 || code === SEND_MESSAGE) out.push(respond(send, opaque));
        else if (code === GET_ROUTEINFO_BY_TOPIC) out.push(respond(route, opaque));
        else out.push(respond(ok, opaque));
      }
      pending = pos === pending.length ? Buffer.alloc(0) : pending.subarray(pos);
      if (out.length) socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
    });
    socket.on('error', () => socket.destroy());
  });
  let route = template({});
  const ok = template({});
  const send = template({ msgId: '7F00000100002A9F0000000000000000', queueId: '0', queueOffset: '0' });
  server.listen(0, '127.0.0.1', () => {
    const port = (server.address() as net.AddressInfo).port;
    const addr = `127.0.0.1:${port}`;
    route = template({}, Buffer.from(JSON.stringify({
      brokerDatas: [{ brokerAddrs: { 0: addr }, brokerName: 'canned', cluster: 'canned' }],
      filterServerTable: {},
      queueDatas: [{ brokerName: 'canned', perm: 6, readQueueNums: 4, topicSynFlag: 0, writeQueueNums: 4 }],
    })));
    process.stdout.write(`canned broker ${addr}\n`);
  });
  const stop = (): void => {
    server.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}

main();
