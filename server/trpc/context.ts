import type { BrokerEngine } from '../../engine';

export interface Context {
  engine: BrokerEngine;
}
