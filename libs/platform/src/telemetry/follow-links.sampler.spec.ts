import { ROOT_CONTEXT, SpanKind, TraceFlags, type Link } from '@opentelemetry/api';
import { AlwaysOffSampler, AlwaysOnSampler, SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { FollowLinksSampler } from './follow-links.sampler';

const link = (traceFlags: TraceFlags): Link => ({
  context: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags },
});
const decide = (sampler: FollowLinksSampler, links: Link[]) =>
  sampler.shouldSample(ROOT_CONTEXT, '1'.repeat(32), 'outbox publish', SpanKind.INTERNAL, {}, links)
    .decision;

describe('FollowLinksSampler', () => {
  it('keeps a new trace linked to a sampled span, whatever the root sampler says', () => {
    const sampler = new FollowLinksSampler(new AlwaysOffSampler());
    expect(decide(sampler, [link(TraceFlags.NONE), link(TraceFlags.SAMPLED)])).toBe(
      SamplingDecision.RECORD_AND_SAMPLED,
    );
  });

  it('leaves every other decision to the root sampler', () => {
    expect(decide(new FollowLinksSampler(new AlwaysOffSampler()), [link(TraceFlags.NONE)])).toBe(
      SamplingDecision.NOT_RECORD,
    );
    expect(decide(new FollowLinksSampler(new AlwaysOffSampler()), [])).toBe(
      SamplingDecision.NOT_RECORD,
    );
    expect(decide(new FollowLinksSampler(new AlwaysOnSampler()), [])).toBe(
      SamplingDecision.RECORD_AND_SAMPLED,
    );
  });
});
