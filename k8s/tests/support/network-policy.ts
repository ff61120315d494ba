import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import { byKind, selects, type K8sObject } from './k8s-objects';

/** Something that sends or receives traffic: a pod (labels + namespace) or an outside address. */
export interface Endpoint {
  namespace?: string;
  labels?: Record<string, string>;
  /** Outside the cluster's pods (a browser, an external database). */
  external?: boolean;
}

function peerMatches(
  peer: INetworkPolicyPeer,
  endpoint: Endpoint,
  policyNamespace: string,
): boolean {
  if (peer.ipBlock) return endpoint.external === true;
  if (endpoint.external) return false;
  const namespaceOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector.matchLabels ?? {}, {
        'kubernetes.io/metadata.name': endpoint.namespace ?? policyNamespace,
      })
    : (endpoint.namespace ?? policyNamespace) === policyNamespace;
  const podOk = peer.podSelector
    ? selects(peer.podSelector.matchLabels ?? {}, endpoint.labels ?? {})
    : true;
  return namespaceOk && podOk;
}

function portMatches(ports: INetworkPolicyPort[] | undefined, port: number): boolean {
  return !ports || ports.length === 0 || ports.some((p) => p.port === port);
}

/**
 * Evaluates the rendered NetworkPolicies the way the API defines them: a direction is open when
 * no policy selects the pod for it, or some rule of a selecting policy admits the peer and port.
 */
export class PolicyModel {
  private readonly policies: Array<{
    namespace: string;
    spec: NonNullable<INetworkPolicy['spec']>;
  }>;

  constructor(objects: readonly K8sObject[], namespace: string) {
    this.policies = byKind(objects, 'NetworkPolicy').map((object) => ({
      namespace: object.metadata.namespace ?? namespace,
      spec: (object as unknown as INetworkPolicy).spec ?? { podSelector: {} },
    }));
  }

  selecting(endpoint: Endpoint, type: 'Ingress' | 'Egress') {
    if (endpoint.external) return [];
    return this.policies.filter(
      (policy) =>
        (policy.spec.policyTypes ?? ['Ingress']).includes(type) &&
        selects(policy.spec.podSelector.matchLabels ?? {}, endpoint.labels ?? {}),
    );
  }

  isSelected(labels: Record<string, string>): boolean {
    return this.policies.some((policy) =>
      selects(policy.spec.podSelector.matchLabels ?? {}, labels),
    );
  }

  allows(from: Endpoint, to: Endpoint, port: number): boolean {
    const egress = this.selecting(from, 'Egress');
    const egressOk =
      egress.length === 0 ||
      egress.some((policy) =>
        (policy.spec.egress ?? []).some(
          (rule) =>
            portMatches(rule.ports, port) &&
            (!rule.to ||
              rule.to.length === 0 ||
              rule.to.some((peer) => peerMatches(peer, to, policy.namespace))),
        ),
      );
    const ingress = this.selecting(to, 'Ingress');
    const ingressOk =
      ingress.length === 0 ||
      ingress.some((policy) =>
        (policy.spec.ingress ?? []).some(
          (rule) =>
            portMatches(rule.ports, port) &&
            (!rule.from ||
              rule.from.length === 0 ||
              rule.from.some((peer) => peerMatches(peer, from, policy.namespace))),
        ),
      );
    return egressOk && ingressOk;
  }
}
