/**
 * The progress display: one bar per phase on stderr (stdout stays clean for
 * the table or the JSON line), only when stderr is a terminal: a bench run
 * by a test, by CI or into a pipe prints nothing here.
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { ProgressFn } from './bench-types.js';

export class BenchProgress {
  readonly #bars = new MultiBar(
    { format: '{phase} {bar} {value}/{total} | {duration_formatted}', hideCursor: true, clearOnComplete: false },
    Presets.shades_classic,
  );
  readonly #byPhase = new Map<string, SingleBar>();

  readonly #enabled: boolean;

  constructor(wanted: boolean) {
    this.#enabled = wanted && process.stderr.isTTY === true;
  }

  /** A callback that moves the bar of `phase` (label padded so the bars line up). */
  phase(phase: string): ProgressFn {
    return (done, total) => {
      if (!this.#enabled) return;
      let bar = this.#byPhase.get(phase);
      if (!bar) {
        bar = this.#bars.create(total, 0, { phase: phase.padEnd(22) });
        this.#byPhase.set(phase, bar);
      }
      bar.setTotal(total);
      bar.update(done);
    };
  }

  stop(): void {
    if (this.#enabled) this.#bars.stop();
  }
}
