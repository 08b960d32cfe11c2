/**
 * The sweep's plan: every (setup, seed) run the questions ask for, deduplicated (the same setup
 * and seed in two questions runs once), and the statistics of a planned configuration once the
 * runs are done.
 *
 * @module
 */
import type { Job, Outcome, Setup } from './runs.js';
import { stats, type Stats } from './stats.js';

/** A setup over some seeds: the ids of its runs. */
export interface Ref {
  setup: Setup;
  seeds: number[];
  ids: number[];
}

/** The chapter's XOR training (plain SGD, full batch). */
export const SGD_XOR = { data: 'xor', epochs: 10000, lr: 0.1, optimizer: 'sgd' } as const;
/** The 2-D sets' training: SGD with momentum 0.9. */
export const TWO_D = { optimizer: 'momentum', lr: 0.1 } as const;

/** 0, 1, ..., n − 1 (from `from`). */
export const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);

/** The runs to do, each once. */
export class Plan {
  readonly jobs: Job[] = [];
  private readonly byKey = new Map<string, Job>();
  readonly outcomes = new Map<number, Outcome>();

  /** One run (its id); `curve`: send the whole loss curve back. */
  add(s: Setup, seed: number, curve: boolean): number {
    const key = JSON.stringify([s.data, s.sizes, s.act, s.init, s.epochs, s.lr, s.optimizer, seed]);
    const have = this.byKey.get(key);
    if (have) {
      have.curve ||= curve;
      return have.id;
    }
    const job: Job = { ...s, sizes: [...s.sizes], id: this.jobs.length, seed, curve };
    this.jobs.push(job);
    this.byKey.set(key, job);
    return job.id;
  }

  /** A setup over seeds. */
  config(s: Setup, seeds: number[], curve = false): Ref {
    return { setup: s, seeds, ids: seeds.map((k) => this.add(s, k, curve)) };
  }

  /** A run's outcome (after the runs). */
  outcome(id: number): Outcome {
    return this.outcomes.get(id)!;
  }

  /** A configuration's statistics (after the runs). */
  stats(r: Ref): Stats {
    return stats(r.setup, r.seeds, r.ids.map((id) => this.outcome(id)));
  }
}
