/**
 * The `apache.rocketmq.v2.MessagingService` definition, loaded at start from the .proto files RocketMQ
 * publishes (copied into ./proto with their license headers; the client package that ships them is
 * only a dev dependency).
 *
 * Messages are plain objects: camelCase fields, enums as their names, int64 as numbers (offsets and
 * timestamps stay below 2^53), unset fields filled with defaults, and a virtual field per oneof naming
 * the member that is set (`command`, `content`, `pubSub`; proto3 `optional x` → `_x`).
 */
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const SERVICE_PROTO = 'apache/rocketmq/v2/service.proto';

/**
 * The proto directory: beside this file when running from source; from dist/engine/grpc/ (tsc copies
 * no .proto files) the source tree's engine/grpc/proto, found by walking up to the package root.
 */
export function protoDir(): string {
  const here = path.join(__dirname, 'proto');
  if (fs.existsSync(path.join(here, SERVICE_PROTO))) return here;
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'engine', 'grpc', 'proto');
    if (fs.existsSync(path.join(candidate, SERVICE_PROTO))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find ${SERVICE_PROTO} above ${__dirname}`);
    dir = parent;
  }
}

let cached: grpc.ServiceDefinition | undefined;

export function messagingServiceDefinition(): grpc.ServiceDefinition {
  if (cached) return cached;
  const definition = protoLoader.loadSync(SERVICE_PROTO, {
    includeDirs: [protoDir()],
    keepCase: false,
    longs: Number,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    apache: { rocketmq: { v2: { MessagingService: grpc.ServiceClientConstructor } } };
  };
  cached = pkg.apache.rocketmq.v2.MessagingService.service;
  return cached;
}
