const { startSystem } = require('./libs/dev-infra/dist/index.js');
const { WebSocket } = require('ws');
(async () => {
  const logs = [];
  const s = await startSystem({
    dataDir: '/tmp/kinema-outage',
    reset: true,
    env: { ...process.env, KAFKA_BROKERS: '', S3_ENDPOINT: '', DATABASE_URL: '', DEMO_VIDEOS: '0' },
    ephemeralPorts: true,
    demoTitles: 10,
    logLevel: 'info',
    sink: (n, l) => {
      if (/relay|feed|consumer|kafka|warn|error/i.test(l))
        logs.push(`${Date.now() % 100000} ${n} | ${l.slice(0, 220)}`);
    },
  });
  const api = s.gatewayUrl + '/api/v1';
  const login = await (
    await fetch(api + '/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(s.plan.admin),
    })
  ).json();
  const auth = {
    authorization: 'Bearer ' + login.tokens.accessToken,
    'content-type': 'application/json',
  };
  const t = await (
    await fetch(api + '/titles', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        slug: 'outage',
        type: 'movie',
        name: 'Outage',
        releaseYear: 2020,
        maturityRating: 'all',
        genres: ['drama'],
        availability: 'published',
      }),
    })
  ).json();
  const ws = new WebSocket(s.gatewayUrl.replace('http', 'ws') + '/ws');
  const msgs = [];
  ws.on('message', (d) => msgs.push(JSON.parse(d.toString()).type));
  await new Promise((r) => ws.once('open', r));
  await s.supervisor.stop('kafka');
  logs.push(`${Date.now() % 100000} --- kafka stopped`);
  const p = await fetch(api + '/titles/' + t.id, {
    method: 'PATCH',
    headers: auth,
    body: JSON.stringify({ name: 'During' }),
  });
  logs.push(`${Date.now() % 100000} --- patched ${p.status}`);
  await new Promise((r) => setTimeout(r, 10000));
  await s.restart('kafka');
  logs.push(`${Date.now() % 100000} --- kafka restarted`);
  await new Promise((r) => setTimeout(r, 25000));
  logs.push('ws: ' + msgs.join(','));
  console.log(logs.join('\n'));
  ws.close();
  await s.stop();
})().catch((e) => {
  console.error('ERR', e);
  process.exit(1);
});
