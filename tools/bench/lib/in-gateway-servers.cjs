// Preloaded into a gateway process (node --require) by gateway-process-floor.ts: two bare node:http
// servers in the gateway's own process, beside its own server, answering every request with the
// bytes in the file BENCH_IN_GATEWAY names ({ body: base64, headers: [name, value, ...] }):
//   bare    the page with its content type and length only, as lib/bytes-server.ts answers it;
//   shaped  the same bytes with the gateway's own answer headers, after reading the request's
//           headers and with a listener on the response's close, as an early answer does.
// Their ports go to the file BENCH_IN_GATEWAY_PORTS once both listen. Plain JavaScript: the
// gateway runs its build, not tsx. Nothing happens in a process without BENCH_IN_GATEWAY.
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createServer } = require('node:http');

const source = process.env.BENCH_IN_GATEWAY;
const portsFile = process.env.BENCH_IN_GATEWAY_PORTS;
if (source && portsFile) {
  const sample = JSON.parse(readFileSync(source, 'utf8'));
  const body = Buffer.from(sample.body, 'base64');
  const plain = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
  };
  const bare = createServer((_request, response) => {
    response.writeHead(200, plain);
    response.end(body);
  });
  const shaped = createServer((request, response) => {
    // The request's headers are built on first use, as the early answer's checks build them.
    const status = request.headers.origin === undefined ? 200 : 403;
    response.on('close', () => undefined);
    response.writeHead(status, sample.headers.slice());
    response.end(body);
  });
  let listening = 0;
  const announce = () => {
    if (++listening < 2) return;
    const ports = { bare: bare.address().port, shaped: shaped.address().port };
    // Whole or not at all, for the parent that waits for it.
    writeFileSync(`${portsFile}.partial`, JSON.stringify(ports));
    renameSync(`${portsFile}.partial`, portsFile);
  };
  bare.listen(0, '127.0.0.1', announce);
  shaped.listen(0, '127.0.0.1', announce);
}
