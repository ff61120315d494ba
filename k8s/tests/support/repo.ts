import { existsSync } from 'node:fs';
import path from 'node:path';

/** Absolute path of the repository root. */
export const repoRoot = path.resolve(__dirname, '../../..');
export const chartDir = path.join(repoRoot, 'helm/kinema');
export const ciValuesDir = path.join(chartDir, 'ci');

/** The Kinema services, in the order the chart renders them. */
export const serviceNames = ['gateway', 'catalog', 'users', 'videos'] as const;
export type ServiceName = (typeof serviceNames)[number];

/** Every app the image holds and the chart can run: the services and the load generator. */
export const appNames = [...serviceNames, 'loadgen'] as const;
export type AppName = (typeof appNames)[number];

/** Services whose app exists in the repository (all four). */
export function existingApps(): ServiceName[] {
  return serviceNames.filter((name) =>
    existsSync(path.join(repoRoot, 'apps', name, 'src/main.ts')),
  );
}

/** Apps the image holds that exist in the repository: the services and the load generator. */
export function existingImageApps(): AppName[] {
  return appNames.filter((name) => existsSync(path.join(repoRoot, 'apps', name, 'src/main.ts')));
}

/** Apps (services and the load generator) that export a validated config schema. */
export function appsWithConfig(): AppName[] {
  return appNames.filter((name) => existsSync(path.join(repoRoot, 'apps', name, 'src/config.ts')));
}
