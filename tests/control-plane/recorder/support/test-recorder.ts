/**
 * A ResultsRecorder on the shared Redis, as the recorder tests start it: the
 * settings every one of them shares (connection, prefix, batch, lock timings,
 * a silent log), and what a test changes passed on top.
 */
import type { Orm } from '../../../../src/control-plane/db/orm.js';
import { ResultsRecorder, type ResultsRecorderOptions } from '../../../../src/control-plane/recorder/results-recorder.js';
import { CONFIG_DEFAULTS } from '../../../../src/shared/config/config.js';
import { silentLog } from '../../../support/test-config.js';
import { SHARED_REDIS_URL } from '../../../support/test-redis.js';

export function startTestRecorder(orm: Orm, prefix: string, options: Partial<ResultsRecorderOptions> = {}): ResultsRecorder {
  const recorder = new ResultsRecorder({
    em: () => orm.em.fork(),
    connection: { url: SHARED_REDIS_URL },
    prefix,
    batchSize: 100,
    lockDurationMs: CONFIG_DEFAULTS.lockDurationMs,
    stalledIntervalMs: CONFIG_DEFAULTS.stalledIntervalMs,
    log: silentLog,
    ...options,
  });
  recorder.start();
  return recorder;
}
