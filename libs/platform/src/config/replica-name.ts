import { hostname } from 'node:os';

/**
 * This process's replica: the pod's name on Kubernetes (POD_NAME, from the downward API), the
 * launcher's replica name under `npm start` (`catalog-2`), else the host's name. Stable across
 * restarts of a pod, so what is keyed by it (a consumer group, `x-served-by`) is too.
 */
export const REPLICA_NAME = process.env['POD_NAME'] || hostname();
