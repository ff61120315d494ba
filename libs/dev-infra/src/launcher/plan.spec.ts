import { buildPlan, ONE_EACH, parseScale, type PlanInput, type Scale } from './plan';

const input = (
  env: NodeJS.ProcessEnv,
  ephemeralPorts = false,
  scale: Scale = ONE_EACH,
): PlanInput => ({
  env,
  scale,
  dataDir: '/tmp/kinema-plan-spec',
  ephemeralPorts,
  demoTitles: 10,
  logLevel: 'warn',
});

describe('the launch plan', () => {
  it('in ephemeral mode picks no port itself: every process binds 0 and reports what it got', () => {
    const plan = buildPlan(input({ GATEWAY_PORT: '3000', CATALOG_GRPC_PORT: '15051' }, true));
    const asked = plan.stages.flat().flatMap((spec) => Object.values(spec.ports));
    expect(asked.length).toBeGreaterThanOrEqual(12);
    expect(new Set(asked)).toEqual(new Set([0]));
    expect(plan.ports).toEqual([]);
  });

  it('keeps the ports a user chose, and lists them (with their variable) for the clash check', () => {
    const plan = buildPlan(input({ GATEWAY_PORT: '8080', KAFKA_PORT: '0' }));
    // Printed as http://localhost:8080, so IPv6 loopback is checked too.
    expect(plan.ports).toContainEqual({
      variable: 'GATEWAY_PORT',
      purpose: 'gateway HTTP',
      port: 8080,
      localhost: true,
    });
    expect(plan.ports).toContainEqual({
      variable: 'CATALOG_GRPC_PORT',
      purpose: 'catalog gRPC',
      port: 15051,
    });
    expect(plan.ports.map((setting) => setting.variable)).not.toContain('KAFKA_PORT');
    const standIns = plan.stages.flat().find((spec) => spec.name === 'stand-ins');
    expect(standIns?.ports).toMatchObject({ kafka: 0 });
  });

  it('binds no default port where the OS lends ports to outgoing connections (32768 and up)', () => {
    const ports = buildPlan(input({})).ports;
    expect(ports.length).toBeGreaterThanOrEqual(14);
    expect(ports.filter((setting) => setting.port >= 32768)).toEqual([]);
  });

  it('lets the replicas, which peers find again at every start, move ports on a restart; never the stand-ins', () => {
    const plan = buildPlan(input({}, true, { ...ONE_EACH, catalog: 2, gateway: 2 }));
    const moves = Object.fromEntries(
      plan.stages.flat().map((spec) => [spec.name, spec.portsMayMove === true]),
    );
    expect(moves).toEqual({
      pglite: false,
      'stand-ins': false,
      catalog: true,
      'catalog-2': true,
      users: true,
      videos: true,
      gateway: true,
      'gateway-2': true,
    });
  });

  it('starts the stand-ins, then the services, then the edge', () => {
    const plan = buildPlan(input({}, true));
    expect(plan.stages.map((stage) => stage.map((spec) => spec.name).sort())).toEqual([
      ['pglite', 'stand-ins'],
      ['catalog', 'users', 'videos'],
      ['gateway'],
    ]);
  });

  it("serves every service's database from one PGlite process, each on its own port and data directory", () => {
    const plan = buildPlan(input({ USERS_PGLITE_PORT: '6543' }));
    const pglite = plan.stages.flat().find((spec) => spec.name === 'pglite');
    expect(pglite?.ports).toEqual({
      'postgres-catalog': 15431,
      'postgres-users': 6543,
      'postgres-videos': 15433,
    });
    expect(plan.embeddedDatabases).toEqual(
      ['catalog', 'users', 'videos'].map((name) => `/tmp/kinema-plan-spec/pglite/${name}`),
    );
    const address = (name: string, listener: string) =>
      `127.0.0.1:${name === 'pglite' ? listener : 'elsewhere'}`;
    const url = (service: 'catalog' | 'users' | 'videos') =>
      plan.replica(service, 1).launch({ ports: {}, address }).env['DATABASE_URL'];
    expect(url('catalog')).toBe('postgres://postgres@127.0.0.1:postgres-catalog/postgres');
    expect(url('users')).toBe('postgres://postgres@127.0.0.1:postgres-users/postgres');
    expect(url('videos')).toBe('postgres://postgres@127.0.0.1:postgres-videos/postgres');
  });

  it('runs the broker, the S3 server and the OTLP receiver in one process, each on its own port and summary line', () => {
    const plan = buildPlan(input({ S3_PORT: '9000' }));
    const standIns = plan.stages[0]?.find((spec) => spec.name === 'stand-ins');
    expect(standIns?.ports).toEqual({ kafka: 19092, s3: 9000, otlp: 14318 });
    expect(standIns?.switchable).toEqual(['kafka']);
    expect(standIns?.summary({ kafka: 19092, s3: 9000, otlp: 14318 }).split('\n')).toEqual([
      'kafka 127.0.0.1:19092',
      's3 http://127.0.0.1:9000 (bucket kinema-videos)',
      'otlp http://127.0.0.1:14318 (traces: npm run kinema -- trace last)',
    ]);
    const address = (name: string, listener: string) => `127.0.0.1:${name}/${listener}`;
    const videos = plan.replica('videos', 1).launch({ ports: {}, address }).env;
    expect(videos['KAFKA_BROKERS']).toBe('127.0.0.1:stand-ins/kafka');
    expect(videos['S3_ENDPOINT']).toBe('http://127.0.0.1:stand-ins/s3');
    expect(videos['OTEL_EXPORTER_OTLP_ENDPOINT']).toBe('http://127.0.0.1:stand-ins/otlp');
    const two = buildPlan(input({ S3_ENDPOINT: 'http://minio.example:9000' }));
    expect(two.stages[0]?.map((spec) => spec.name).sort()).toEqual(['pglite', 'stand-ins']);
    expect(two.standInProcess).toEqual({ kafka: 'stand-ins', otlp: 'stand-ins' });
    const alone = buildPlan(
      input({ S3_ENDPOINT: 'http://minio.example:9000', KAFKA_BROKERS: 'kafka.example:9092' }),
    );
    expect(alone.stages[0]?.map((spec) => spec.name).sort()).toEqual(['otlp', 'pglite']);
    expect(alone.standInProcess).toEqual({ otlp: 'otlp' });
  });

  it('points the gateways at the replicas the launcher announces, and at Kafka where it listens', () => {
    const plan = buildPlan(input({}, true));
    const gateway = plan.stages.flat().find((spec) => spec.name === 'gateway');
    const env = gateway?.launch({
      ports: { http: 0 },
      address: (name, listener) =>
        `127.0.0.1:${name === 'stand-ins' && listener === 'kafka' ? 41009 : 1}`,
    }).env;
    expect(env).toMatchObject({
      HTTP_PORT: '0',
      POD_NAME: 'gateway',
      CATALOG_GRPC_TARGET: 'supervisor:///catalog',
      USERS_GRPC_TARGET: 'supervisor:///users',
      VIDEOS_GRPC_TARGET: 'supervisor:///videos',
      KAFKA_BROKERS: '127.0.0.1:41009',
    });
  });

  it('starts the first replica of each service before the others, which neither migrate nor seed', () => {
    const plan = buildPlan(input({}, true, parseScale('catalog=3,gateway=2', ONE_EACH)));
    expect(plan.stages.map((stage) => stage.map((spec) => spec.name).sort())).toEqual([
      ['pglite', 'stand-ins'],
      ['catalog', 'users', 'videos'],
      ['catalog-2', 'catalog-3'],
      ['gateway'],
      ['gateway-2'],
    ]);
    const context = { ports: {}, address: () => '127.0.0.1:1' };
    const second = plan.replica('catalog', 2).launch(context).env;
    expect(second).toMatchObject({
      POD_NAME: 'catalog-2',
      GRPC_PORT: '0',
      DATABASE_MIGRATIONS_RUN: 'false',
      DEMO_SEED_TITLES: '0',
    });
    // Each gateway replica binds a port of its own; the public one is the launcher's (GatewayFront).
    expect(plan.replica('gateway', 2).launch(context).env).toMatchObject({ HTTP_PORT: '0' });
    expect(plan.gatewayPort).toBe(0);
  });

  it("seeds the catalog in a job before its first replica starts, with the catalog's own settings", () => {
    const plan = buildPlan(input({}, true, parseScale('catalog=2', ONE_EACH)));
    const context = { ports: {}, address: () => '127.0.0.1:1' };
    const first = plan.replica('catalog', 1);
    const job = first.firstStartJob?.(context);
    const service = first.launch(context);
    expect(job?.args.at(-1)).toMatch(/apps\/catalog\/dist\/demo\/demo-seed\.main\.js$/);
    // The same node flags as the service, and its environment but for what the job takes over.
    expect(job?.args.slice(0, -1)).toEqual(service.args.slice(0, -1));
    expect(job?.env).toEqual({ ...service.env, DEMO_SEED_TITLES: '10' });
    expect(service.env['DEMO_SEED_TITLES']).toBe('0');
    // The catalog still applies its migrations at boot: a restart picks up any a rebuild added.
    expect(service.env['DATABASE_MIGRATIONS_RUN']).toBeUndefined();
    expect(plan.replica('catalog', 2).firstStartJob).toBeUndefined();
    expect(plan.replica('users', 1).firstStartJob).toBeUndefined();
  });

  it('reads a scale list and names what is wrong with a bad one', () => {
    expect(parseScale('catalog=3, users=2', ONE_EACH)).toEqual({
      ...ONE_EACH,
      catalog: 3,
      users: 2,
    });
    expect(() => parseScale('search=2', ONE_EACH)).toThrow('"search=2" is not <service>=<count>');
    expect(() => parseScale('catalog=0', ONE_EACH)).toThrow('catalog: the count must be from 1');
    expect(() => parseScale('catalog=17', ONE_EACH)).toThrow('from 1 to 16');
    expect(parseScale('catalog=0', ONE_EACH, 0).catalog).toBe(0);
  });

  it('replaces a stand-in by the real server a variable names', () => {
    const plan = buildPlan(
      input({ KAFKA_BROKERS: 'kafka.example:9092', DATABASE_URL: 'postgres://db.example/x' }),
    );
    const names = plan.stages.flat().map((spec) => spec.name);
    expect(names).not.toContain('kafka');
    expect(names.filter((name) => name.startsWith('pglite'))).toEqual([]);
    expect(plan.externalKafka).toBe('kafka.example:9092');
    expect(plan.externalDatabases).toEqual([
      'postgres://db.example/kinema_catalog',
      'postgres://db.example/kinema_users',
      'postgres://db.example/kinema_videos',
    ]);
  });

  describe('secure external infrastructure', () => {
    const security = {
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: '/certs/kafka-ca.pem',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'kinema',
      KAFKA_SASL_PASSWORD: 'secret',
    };
    const context = {
      ports: {},
      address: () => '127.0.0.1:41009',
      boundPort: () => 41000,
    };
    const envOf = (env: NodeJS.ProcessEnv, name: string) =>
      buildPlan(input(env, true))
        .stages.flat()
        .find((spec) => spec.name === name)
        ?.launch(context);

    it('passes the Kafka TLS and SASL settings to every Kafka client with an external Kafka', () => {
      const env = { KAFKA_BROKERS: 'b-1.example:9096', ...security };
      for (const name of ['catalog', 'users', 'videos', 'gateway'])
        expect(envOf(env, name)?.env).toMatchObject({
          KAFKA_BROKERS: 'b-1.example:9096',
          ...security,
        });
    });

    it('keeps them from a plaintext embedded broker, which would refuse them', () => {
      expect(envOf(security, 'catalog')?.env).not.toHaveProperty('KAFKA_SASL_MECHANISM');
    });

    it('starts the embedded broker with TLS and SASL when asked, its users kept off the command line', () => {
      const env = {
        ...security,
        KINEMA_KAFKA_TLS_CERT_FILE: '/certs/server.pem',
        KINEMA_KAFKA_TLS_KEY_FILE: '/certs/server.key',
        KINEMA_KAFKA_SASL_USERS: 'kinema:secret',
      };
      const broker = envOf(env, 'stand-ins');
      expect(broker?.args).toEqual(
        expect.arrayContaining([
          '--kafka-tls-cert',
          '/certs/server.pem',
          '--kafka-tls-key',
          '/certs/server.key',
        ]),
      );
      expect(broker?.args.join(' ')).not.toContain('kinema:secret');
      expect(broker?.env).toEqual({ KAFKA_BROKER_SASL_USERS: 'kinema:secret' });
      expect(envOf(env, 'gateway')?.env).toMatchObject({
        KAFKA_BROKERS: '127.0.0.1:41009',
        ...security,
      });
    });

    it('passes database TLS and S3_CREDENTIALS to the services of an external server only', () => {
      const tls = { DATABASE_SSL_MODE: 'verify-full', DATABASE_SSL_CA_FILE: '/certs/pg-ca.pem' };
      const external = {
        DATABASE_URL: 'postgres://db.example/x',
        S3_CREDENTIALS: 'default-chain',
        ...tls,
      };
      expect(envOf(external, 'users')?.env).toMatchObject(tls);
      expect(envOf(external, 'videos')?.env).toMatchObject({ S3_CREDENTIALS: 'default-chain' });
      expect(envOf(tls, 'users')?.env).not.toHaveProperty('DATABASE_SSL_MODE');
    });
  });

  it('gives the services source maps only when asked (LOG_LEVEL debug or KINEMA_SOURCE_MAPS=1)', () => {
    const gatewayArgs = (env: NodeJS.ProcessEnv, logLevel = 'warn') =>
      buildPlan({ ...input(env, true), logLevel })
        .replica('gateway', 1)
        .launch({ ports: { http: 0 }, address: () => '127.0.0.1:1' }).args;
    expect(gatewayArgs({})).not.toContain('--enable-source-maps');
    expect(gatewayArgs({}, 'debug')).toContain('--enable-source-maps');
    expect(gatewayArgs({ KINEMA_SOURCE_MAPS: '1' })).toContain('--enable-source-maps');
    expect(gatewayArgs({ KINEMA_SOURCE_MAPS: '0' }, 'debug')).not.toContain('--enable-source-maps');
  });

  it('caps the young generation at 8 MiB unless KINEMA_MAX_SEMI_SPACE_MB says otherwise', () => {
    const catalogArgs = (env: NodeJS.ProcessEnv) =>
      buildPlan(input(env, true))
        .replica('catalog', 1)
        .launch({ ports: {}, address: () => '127.0.0.1:1' }).args;
    expect(catalogArgs({})).toContain('--max-semi-space-size=8');
    expect(catalogArgs({ KINEMA_MAX_SEMI_SPACE_MB: '2' })).toContain('--max-semi-space-size=2');
    expect(catalogArgs({ KINEMA_MAX_SEMI_SPACE_MB: '0' }).join(' ')).not.toContain('semi-space');
    expect(() => buildPlan(input({ KINEMA_MAX_SEMI_SPACE_MB: 'lots' }, true))).toThrow(
      /KINEMA_MAX_SEMI_SPACE_MB must be a whole number/,
    );
  });

  it("fixes glibc's mmap threshold in the PGlite servers only, so they return large freed blocks", () => {
    const plan = buildPlan(input({}, true));
    const context = { ports: {}, address: () => '127.0.0.1:1' };
    for (const spec of plan.stages.flat()) {
      const threshold = spec.launch(context).env['MALLOC_MMAP_THRESHOLD_'];
      expect([spec.name, threshold]).toEqual([
        spec.name,
        spec.name === 'pglite' ? '131072' : undefined,
      ]);
    }
  });

  it("bounds the old generation's growth at 50% unless KINEMA_HEAP_GROWING_PERCENT says otherwise, and starts marking near that bound, in the services and the Node stand-ins", () => {
    const argsOf = (env: NodeJS.ProcessEnv) => {
      const plan = buildPlan(input(env, true));
      const context = { ports: {}, address: () => '127.0.0.1:1' };
      return new Map(plan.stages.flat().map((spec) => [spec.name, spec.launch(context).args]));
    };
    const defaults = argsOf({});
    for (const name of ['catalog', 'users', 'videos', 'gateway', 'stand-ins']) {
      expect(defaults.get(name)).toEqual(
        expect.arrayContaining([
          '--max-semi-space-size=8',
          '--heap-growing-percent=50',
          // With the bound, marking starts near it, not whenever a young generation's worth is left.
          '--incremental-marking-soft-trigger=80',
          '--incremental-marking-hard-trigger=90',
        ]),
      );
    }
    // PGlite's memory is WebAssembly's, which neither flag sizes.
    expect(defaults.get('pglite')?.join(' ')).not.toContain('heap-growing');
    expect(argsOf({ KINEMA_HEAP_GROWING_PERCENT: '20' }).get('gateway')).toContain(
      '--heap-growing-percent=20',
    );
    const unbounded = argsOf({ KINEMA_HEAP_GROWING_PERCENT: '0' }).get('gateway')?.join(' ');
    expect(unbounded).not.toContain('heap-growing');
    expect(unbounded).not.toContain('marking');
    expect(() => argsOf({ KINEMA_HEAP_GROWING_PERCENT: '-5' })).toThrow(
      /KINEMA_HEAP_GROWING_PERCENT must be a whole number from 0 to 400/,
    );
  });

  it('lets `kinema chaos` reach the services and gateways it starts (FAULT_INJECTION), not the stand-ins', () => {
    const plan = buildPlan(input({}, true));
    const context = { ports: {}, address: () => '127.0.0.1:1' };
    const injection = Object.fromEntries(
      plan.stages.flat().map((spec) => [spec.name, spec.launch(context).env['FAULT_INJECTION']]),
    );
    expect(injection).toEqual({
      'stand-ins': undefined,
      pglite: undefined,
      catalog: 'true',
      users: 'true',
      videos: 'true',
      gateway: 'true',
    });
  });

  it('names the variable of a port that is not a port', () => {
    expect(() => buildPlan(input({ S3_PORT: '70000' }))).toThrow('S3_PORT must be a port number');
  });

  describe('traces', () => {
    /** Each process's environment, launched with the receiver reported at 127.0.0.1:41318. */
    const launchedEnv = (env: NodeJS.ProcessEnv) => {
      const plan = buildPlan(input(env, true));
      const context = {
        ports: {},
        address: (name: string, listener: string) =>
          name === 'stand-ins' && listener === 'otlp' ? '127.0.0.1:41318' : '127.0.0.1:1',
      };
      return {
        plan,
        env: Object.fromEntries(
          plan.stages
            .flat()
            .filter((spec) => ['catalog', 'users', 'videos', 'gateway'].includes(spec.service))
            .map((spec) => [spec.name, spec.launch(context).env]),
        ),
      };
    };

    it('runs the receiver on OTLP_PORT (default 14318) and points every process at it', () => {
      const plan = buildPlan(input({}));
      expect(plan.ports).toContainEqual({
        variable: 'OTLP_PORT',
        purpose: 'OTLP trace receiver',
        port: 14318,
      });
      expect(plan.stages[0]?.map((spec) => spec.name)).toContain('stand-ins');
      const { env } = launchedEnv({});
      for (const service of ['catalog', 'users', 'videos', 'gateway']) {
        expect(env[service]).toMatchObject({
          OTEL_SERVICE_NAME: service,
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:41318',
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
          OTEL_TRACES_SAMPLER: 'parentbased_always_on',
        });
      }
    });

    it("keeps the user's sampler and protocol, and names the replica through POD_NAME only", () => {
      const plan = buildPlan(
        input(
          { OTEL_TRACES_SAMPLER: 'always_off', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
          true,
          parseScale('catalog=2', ONE_EACH),
        ),
      );
      const second = plan.replica('catalog', 2).launch({
        ports: {},
        address: () => '127.0.0.1:41318',
      }).env;
      expect(second).toMatchObject({
        OTEL_SERVICE_NAME: 'catalog',
        POD_NAME: 'catalog-2',
        OTEL_TRACES_SAMPLER: 'always_off',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      });
    });

    it("runs no receiver when the user names an endpoint, and sends every process's spans there", () => {
      const { plan, env } = launchedEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.example:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      });
      // The S3 server runs alone then, in a process named after it.
      expect(plan.stages[0]?.map((spec) => spec.name).sort()).toEqual(['pglite', 'stand-ins']);
      expect(plan.ports.map((setting) => setting.variable)).not.toContain('OTLP_PORT');
      expect(plan.traces).toEqual({
        kind: 'external',
        endpoint: 'http://collector.example:4318',
        variable: 'OTEL_EXPORTER_OTLP_ENDPOINT',
      });
      expect(env['users']).toMatchObject({
        OTEL_SERVICE_NAME: 'users',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.example:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      });
      const tracesOnly = launchedEnv({
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/v1/traces',
      });
      expect(tracesOnly.plan.traces).toMatchObject({ kind: 'external' });
      expect(tracesOnly.env['gateway']?.['OTEL_EXPORTER_OTLP_ENDPOINT']).toBeUndefined();
    });

    it('runs no receiver with OTEL_SDK_DISABLED=true', () => {
      const { plan, env } = launchedEnv({ OTEL_SDK_DISABLED: 'TRUE' });
      expect(plan.traces).toEqual({ kind: 'disabled' });
      expect(plan.stages[0]?.map((spec) => spec.name).sort()).toEqual(['pglite', 'stand-ins']);
      expect(env['videos']).toMatchObject({ OTEL_SDK_DISABLED: 'TRUE' });
      expect(env['videos']?.['OTEL_EXPORTER_OTLP_ENDPOINT']).toBeUndefined();
    });

    it('refuses a protocol the embedded receiver does not speak, naming the variable', () => {
      expect(() => buildPlan(input({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }))).toThrow(
        'OTEL_EXPORTER_OTLP_PROTOCOL=grpc needs an OTLP endpoint of yours',
      );
    });
  });
});
