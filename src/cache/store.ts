// A cache Store keeps single files (tarballs we make ourselves, as root, so ownership,
// device nodes and modes survive) under keys, with GitHub's matching rules: the exact key
// first, then the newest entry whose key starts with one of the restore keys.
export interface CacheHit {
  /** The key that matched (equal to the asked key on an exact hit). */
  key: string;
  exact: boolean;
  /** Where the restored file is. */
  path: string;
  size: number;
}

export interface CacheStore {
  readonly kind: 'actions' | 'local';
  restore(key: string, restoreKeys: string[], dest: string): Promise<CacheHit | undefined>;
  /** Saves the file under the key; false when the key exists already (entries are immutable). */
  save(key: string, file: string, restorePrefix?: string): Promise<boolean>;
}

/** A save the build asks for, done only after the whole build succeeded. */
export interface PendingSave {
  what: string;
  key: string;
  file: string;
  /** Older entries under this prefix may be pruned once this one is saved. */
  restorePrefix?: string;
}
