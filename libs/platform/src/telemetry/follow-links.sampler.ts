import {
  TraceFlags,
  type Attributes,
  type Context,
  type Link,
  type SpanKind,
} from '@opentelemetry/api';
import { SamplingDecision, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base';

/**
 * Samples a new trace whose first span links to a sampled span, and leaves every other decision
 * to `root`. The outbox relay starts a trace of its own for each batch, linked to the requests
 * whose changes it sends: with a ratio sampler alone, the events of a sampled request would be
 * kept only at that ratio, and the path from a request to its consumers would mostly be missing.
 */
export class FollowLinksSampler implements Sampler {
  constructor(private readonly root: Sampler) {}

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    const linkedToSampled = links.some(
      (link) => (link.context.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED,
    );
    return linkedToSampled
      ? { decision: SamplingDecision.RECORD_AND_SAMPLED }
      : this.root.shouldSample(context, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return `FollowLinksSampler{root=${this.root.toString()}}`;
  }
}
