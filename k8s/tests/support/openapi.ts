import type { K8sObject } from './k8s-objects';
import { repoRoot } from './repo';

/** A kubernetes-models class: its prototype's validate() runs the generated OpenAPI validator. */
interface ModelClass {
  prototype: { validate(this: unknown): void };
}

interface ReadRecord {
  path: string;
  target: object;
  read: Set<string>;
  /** The validator enumerated the keys: the object is a free-form map, every key is allowed. */
  enumerated: boolean;
}

export interface ValidationReport {
  errors: string[];
  unknownFields: string[];
}

/** Packages holding the models of custom resources, by API group (generated from their CRDs). */
const crdModels: Record<string, string> = {
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

function modelFor(apiVersion: string, kind: string): ModelClass {
  // Core kinds live at kubernetes-models/v1/<Kind>, grouped ones at <group>/<version>/<Kind>.
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const specifier = `${crdModels[group] ?? 'kubernetes-models'}/${apiVersion}/${kind}`;
  let loaded: Record<string, unknown>;
  try {
    loaded = require(require.resolve(specifier, { paths: [repoRoot] })) as Record<string, unknown>;
  } catch {
    throw new Error(`${specifier}: no schema for ${apiVersion} ${kind}`);
  }
  const model = loaded[kind];
  if (typeof model !== 'function') throw new Error(`${specifier} exports no ${kind} model`);
  return model as unknown as ModelClass;
}

/**
 * The generated validators accept unknown fields (the OpenAPI definitions carry no
 * additionalProperties: false). The validator reads every property its schema defines, so the
 * object is wrapped in proxies that record each read: a key never read is unknown to the schema.
 */
function track(
  value: unknown,
  at: string,
  records: Map<object, ReadRecord>,
  proxies: WeakMap<object, unknown>,
): unknown {
  if (value === null || typeof value !== 'object') return value;
  const known = proxies.get(value);
  if (known) return known;
  const record: ReadRecord = { path: at, target: value, read: new Set(), enumerated: false };
  if (!Array.isArray(value)) records.set(value, record);
  const proxy = new Proxy(value, {
    get(target, key, receiver) {
      const child: unknown = Reflect.get(target, key, receiver);
      if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(target, key))
        return child;
      record.read.add(key);
      const childPath = Array.isArray(target) ? `${at}[${key}]` : `${at}.${key}`;
      return track(child, childPath, records, proxies);
    },
    has(target, key) {
      if (typeof key === 'string') record.read.add(key);
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      record.enumerated = true;
      return Reflect.ownKeys(target);
    },
  });
  proxies.set(value, proxy);
  return proxy;
}

/** Validates one object against the Kubernetes OpenAPI schema bundled in kubernetes-models. */
export function validateAgainstOpenApi(object: K8sObject): ValidationReport {
  const model = modelFor(object.apiVersion, object.kind);
  const records = new Map<object, ReadRecord>();
  const errors: string[] = [];
  try {
    model.prototype.validate.call(track(object, '', records, new WeakMap()));
  } catch (error: unknown) {
    errors.push(error instanceof Error ? error.message : String(error));
  }
  const unknownFields: string[] = [];
  for (const record of records.values()) {
    if (record.enumerated) continue;
    for (const key of Object.keys(record.target)) {
      if (!record.read.has(key)) unknownFields.push(`${record.path}.${key}`);
    }
  }
  return { errors, unknownFields };
}

/** Gateway API kinds are CRDs, not in kubernetes-models: checked structurally instead. */
const httpRouteFields: Record<string, readonly string[]> = {
  '': ['apiVersion', 'kind', 'metadata', 'spec'],
  spec: ['parentRefs', 'hostnames', 'rules'],
  'spec.rules[]': [
    'name',
    'matches',
    'filters',
    'backendRefs',
    'timeouts',
    'retry',
    'sessionPersistence',
  ],
  'spec.rules[].backendRefs[]': ['group', 'kind', 'name', 'namespace', 'port', 'weight', 'filters'],
  'spec.rules[].matches[]': ['path', 'headers', 'queryParams', 'method'],
  'spec.parentRefs[]': ['group', 'kind', 'namespace', 'name', 'sectionName', 'port'],
};

export function validateHttpRoute(object: K8sObject): ValidationReport {
  const unknownFields: string[] = [];
  const visit = (value: unknown, shape: string, at: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${shape}[]`, `${at}[${index}]`));
      return;
    }
    const allowed = httpRouteFields[shape];
    if (!allowed || value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (!allowed.includes(key)) unknownFields.push(`${at}.${key}`);
      visit(child, shape === '' ? key : `${shape}.${key}`, `${at}.${key}`);
    }
  };
  visit(object, '', '');
  const errors =
    object.apiVersion === 'gateway.networking.k8s.io/v1'
      ? []
      : [`unexpected apiVersion ${object.apiVersion}`];
  // Metadata is a plain ObjectMeta: validate it through a ConfigMap wrapper.
  const meta = validateAgainstOpenApi({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: object.metadata,
  });
  return {
    errors: [...errors, ...meta.errors],
    unknownFields: [...unknownFields, ...meta.unknownFields],
  };
}
