// The only entry point server/ imports from the engine.
export { BrokerEngine, EngineStartError } from './engine';
export type { EngineConfig, EngineStatus, ListenerInfo, ListenerName } from './engine';
export { createEngine, getEngine, releaseEngine } from './registry';
export { ROCKETDECK_VERSION } from './version';
