/**
 * REDIS_URL names a cluster or a sentinel setup: the bench counts round trips
 * and reads job timings on one server, so it refuses rather than report
 * numbers that leave part of the traffic out.
 */
export class UnsupportedBenchRedisError extends Error {
  constructor(kind: string) {
    super(`nyx bench needs REDIS_URL to name one Redis server (redis://host:port), not a ${kind}`);
    this.name = this.constructor.name;
  }
}
