/** RocketDeck's own version, reported by the engine and the console. */
export const ROCKETDECK_VERSION = '0.1.0';
