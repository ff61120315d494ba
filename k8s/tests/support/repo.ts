import { existsSync } from 'node:fs';
import path from 'node:path';

/** Absolute path of the repository root. */
export const repoRoot = path.resolve(__dirname, '../../..');
export const chartDir = path.join(repoRoot, 'helm/kinema');
export const ciValuesDir = path.join(chartDir, 'ci');

/** The Kinema services, in the order the chart renders them. */
export const serviceNames = ['gateway', 'catalog', 'users', 'videos'] as const;
export type ServiceName = (typeof serviceNames)[number];

/** Services whose app exists in the repository (all four). */
export function existingApps(): ServiceName[] {
  return serviceNames.filter((name) =>
    existsSync(path.join(repoRoot, 'apps', name, 'src/main.ts')),
  );
}

/** Services whose app exports a validated config schema. */
export function appsWithConfig(): ServiceName[] {
  return serviceNames.filter((name) =>
    existsSync(path.join(repoRoot, 'apps', name, 'src/config.ts')),
  );
}
