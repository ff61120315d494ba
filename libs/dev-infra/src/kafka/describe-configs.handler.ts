import { ApiKey, defineApi } from './api-handler.types';
import { BrokerContext } from './broker.context';
import { ErrorCode } from './error-codes.constants';
import {
  array,
  bool,
  int16,
  int32,
  int8,
  list,
  str,
  string,
  struct,
} from './protocol-schema.codec';

const request = struct({
  resources: [
    list(
      struct({ resourceType: [int8], resourceName: [str], configurationKeys: [array(str, '0+')] }),
    ),
  ],
  includeSynonyms: [bool, '1+'],
  includeDocumentation: [bool, '3+'],
});

const response = struct({
  throttleTimeMs: [int32],
  results: [
    list(
      struct({
        errorCode: [int16],
        errorMessage: [string('0+')],
        resourceType: [int8],
        resourceName: [str],
        configs: [
          list(
            struct({
              name: [str],
              value: [string('0+')],
              readOnly: [bool],
              isDefault: [bool, '0'],
              configSource: [int8, '1+'],
              isSensitive: [bool],
              synonyms: [
                list(struct({ name: [str], value: [string('0+')], source: [int8] })),
                '1+',
              ],
              configType: [int8, '3+'],
              documentation: [string('0+'), '3+'],
            }),
          ),
        ],
      }),
    ),
  ],
});

const TOPIC = 2;
const BROKER = 4;
// ConfigSource values from Kafka's DescribeConfigs.
const DYNAMIC_TOPIC_CONFIG = 1;
const STATIC_BROKER_CONFIG = 4;
const DEFAULT_CONFIG = 5;

/**
 * What this broker actually does, stated as Kafka topic configs: nothing is ever deleted or
 * compacted (no retention), producers' compression is kept, one replica is all there is.
 */
const TOPIC_DEFAULTS: Record<string, string> = {
  'cleanup.policy': 'delete',
  'compression.type': 'producer',
  'retention.ms': '-1',
  'retention.bytes': '-1',
  'min.insync.replicas': '1',
  'max.message.bytes': String(100 * 1024 * 1024),
};

interface ConfigEntry {
  name: string;
  value: string | null;
  source: number;
}

function configsOf(broker: BrokerContext, type: number, name: string): ConfigEntry[] | number {
  if (type === TOPIC) {
    const topic = broker.topics.get(name);
    if (topic === undefined) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    const defaults = Object.entries(TOPIC_DEFAULTS)
      .filter(([key]) => !(key in topic.configs))
      .map(([key, value]) => ({ name: key, value, source: DEFAULT_CONFIG }));
    const set = Object.entries(topic.configs).map(([key, value]) => ({
      name: key,
      value,
      source: DYNAMIC_TOPIC_CONFIG,
    }));
    return [...set, ...defaults].sort((a, b) => a.name.localeCompare(b.name));
  }
  if (type === BROKER && name === String(broker.settings.nodeId)) {
    const { autoCreateTopics, defaultPartitions } = broker.settings;
    return [
      {
        name: 'auto.create.topics.enable',
        value: String(autoCreateTopics),
        source: STATIC_BROKER_CONFIG,
      },
      { name: 'num.partitions', value: String(defaultPartitions), source: STATIC_BROKER_CONFIG },
      { name: 'default.replication.factor', value: '1', source: STATIC_BROKER_CONFIG },
    ];
  }
  return ErrorCode.INVALID_REQUEST;
}

/** DescribeConfigs v0-v4, read-only: topics (their own configs plus this broker's defaults) and the broker. */
export const describeConfigsApi = defineApi({
  apiKey: ApiKey.DescribeConfigs,
  name: 'DescribeConfigs',
  minVersion: 0,
  maxVersion: 4,
  flexibleVersions: '4+',
  request,
  response,
  handle(req, { broker }) {
    return {
      throttleTimeMs: 0,
      results: req.resources.map(({ resourceType, resourceName, configurationKeys }) => {
        const found = configsOf(broker, resourceType, resourceName);
        const base = { resourceType, resourceName };
        if (typeof found === 'number') {
          const errorMessage =
            found === ErrorCode.INVALID_REQUEST
              ? `resource type ${resourceType} "${resourceName}" is not described by this broker`
              : `topic ${resourceName} does not exist`;
          return { ...base, errorCode: found, errorMessage, configs: [] };
        }
        const picked =
          configurationKeys === null
            ? found
            : found.filter((c) => configurationKeys.includes(c.name));
        return {
          ...base,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          configs: picked.map((c) => ({
            name: c.name,
            value: c.value,
            readOnly: true,
            isDefault: c.source === DEFAULT_CONFIG,
            configSource: c.source,
            isSensitive: false,
            synonyms: req.includeSynonyms
              ? [{ name: c.name, value: c.value, source: c.source }]
              : [],
            configType: 0,
            documentation: null,
          })),
        };
      }),
    };
  },
});
