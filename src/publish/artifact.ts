// Uploads the finished files as one workflow artifact, named per matrix leg by default.
// Already-compressed images are stored, not compressed a second time.
import { boardFor } from '../kernel/presets.js';
import { DefaultArtifactClient } from '@actions/artifact';
import { dirname } from 'node:path';
import type { BuildConfig } from '../config/schema.js';
import { logger } from '../runtime/log.js';

export interface UploadResult {
  id: number;
  name: string;
  size: number;
  url: string;
}

export const ActionsArtifacts = {
  /** The artifact service needs the runtime token and results URL a runner provides. */
  available: (): boolean => !!process.env.ACTIONS_RUNTIME_TOKEN && !!process.env.ACTIONS_RESULTS_URL,
};

export function artifactName(
  config: Pick<BuildConfig, 'artifactName' | 'imageName' | 'suite' | 'arch'> &
    Partial<Pick<BuildConfig, 'target' | 'board'>>,
): string {
  if (config.artifactName) return config.artifactName;
  if (config.target === 'kernel') return `linux-${boardFor(config.board, config.arch[0]!)}`;
  return `${config.imageName}-${config.suite}-${config.arch[0]}`;
}

/**
 * A re-run of a job (GITHUB_RUN_ATTEMPT 2 and up) is the same workflow run, where artifact
 * names are unique: the earlier attempt's artifact of this name is replaced, as
 * upload-artifact's `overwrite` does, so a later job of the re-run downloads the new files.
 */
async function replaceEarlierAttempt(client: DefaultArtifactClient, name: string): Promise<void> {
  if (Number(process.env.GITHUB_RUN_ATTEMPT ?? '1') <= 1) return;
  const { artifacts } = await client.listArtifacts({ latest: true });
  if (!artifacts.some((a) => a.name === name)) return;
  logger().info(`replacing the artifact ${name} of an earlier attempt of this run`);
  await client.deleteArtifact(name);
}

export async function uploadFiles(
  name: string,
  files: string[],
  opts: { retentionDays?: number; compressed: boolean },
): Promise<UploadResult> {
  const client = new DefaultArtifactClient();
  const root = dirname(files[0]!);
  await replaceEarlierAttempt(client, name);
  const r = await logger().group(`Uploading artifact ${name}`, () =>
    client.uploadArtifact(name, files, root, {
      compressionLevel: opts.compressed ? 0 : 6,
      ...(opts.retentionDays ? { retentionDays: opts.retentionDays } : {}),
    }),
  );
  if (!r.id) throw new Error(`the artifact service accepted ${name} but returned no id`);
  const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
  const url = `${server}/${process.env.GITHUB_REPOSITORY}/actions/runs/${process.env.GITHUB_RUN_ID}/artifacts/${r.id}`;
  logger().info(`Uploaded artifact ${name} (id ${r.id}, ${r.size ?? 0} bytes): ${url}`);
  return { id: r.id, name, size: r.size ?? 0, url };
}
