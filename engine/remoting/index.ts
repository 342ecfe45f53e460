/** Public entry of the remoting package: the RocketMQ wire protocol, server and client. */
export * from './custom-header';
export * from './errors';
export * as remotingLimits from './limits';
export { FrameDecoder } from './frame-decoder';
export * from './remoting-command';
export { RemotingChannel, silentLogger, type ChannelOptions, type RemotingLogger } from './remoting-channel';
export { RemotingClient, parseAddr, type RemotingClientOptions } from './remoting-client';
export { RemotingServer, type RemotingServerOptions } from './remoting-server';
export * from './request-code';
export * from './request-processor';
export * from './response-code';
export { decodeJsonBody, encodeJsonBody, JsonBodyError } from './protocol/json-body';
export { decodeRegisterBrokerBody, RegisterBodyError } from './protocol/register-broker-body';
export * from './protocol/route-data';
export { decodeClusterInfo, decodeTopicList, decodeTopicRouteData } from './protocol/route-codec';
