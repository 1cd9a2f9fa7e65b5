// A cache save the build asks for, done only after the whole build succeeded (now, or by the
// post step). Here, below both the cache and the state, because both carry it.
export interface PendingSave {
  what: string;
  key: string;
  file: string;
  /** Older entries under this prefix may be pruned once this one is saved. */
  restorePrefix?: string;
}
