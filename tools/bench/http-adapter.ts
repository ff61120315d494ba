// Chooses the gateway's HTTP adapter by measurement: the same NestJS controller (validation
// pipe, JSON body of a typical list page) on Fastify and on Express, plus plain node:http. Each
// server runs in a process of its own (this file again, with --role), never in the load generator's.
// Usage: npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/http-adapter.ts [--seconds 8] [--rounds 3]
import 'reflect-metadata';
import { Controller, Get, Module, Query, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { parseArgs } from 'node:util';
import { startBytesServer } from './lib/bytes-server';
import { compare, load, summarize } from './lib/load';
import { announceListening, startServerProcess } from './lib/server-process';

const page = {
  items: Array.from({ length: 20 }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    slug: `title-${i}`,
    name: `Title ${i}`,
    synopsis: 'An invented synopsis of moderate length, as the demo catalog has.'.repeat(2),
    releaseYear: 2000 + i,
    genres: [{ slug: 'drama', name: 'Drama' }],
  })),
  nextCursor: 'eyJrIjpbIlRpdGxlIDE5Il19',
};

@Controller('titles')
class TitlesController {
  @Get()
  list(@Query() _query: Record<string, string>) {
    return page;
  }
}

@Module({ controllers: [TitlesController] })
class BenchModule {}

/** Run in the child: one Nest app on `kind`'s adapter, listening on a port the OS picks. */
async function serve(kind: 'fastify' | 'express'): Promise<void> {
  const adapter = kind === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  const app = await NestFactory.create(BenchModule, adapter, { logger: false });
  app.useGlobalPipes(new ValidationPipe({ transform: true }));
  await app.listen(0, '127.0.0.1');
  announceListening(app.getHttpServer());
}

async function main(seconds: number, rounds: number): Promise<void> {
  const bytes = Buffer.from(JSON.stringify(page));
  const plain = await startBytesServer(bytes, {
    'content-type': 'application/json; charset=utf-8',
  });
  const fastify = await startServerProcess(__filename, ['--role', 'fastify']);
  const express = await startServerProcess(__filename, ['--role', 'express']);
  const path = 'titles?limit=20';
  const opts = { seconds, connections: 32 };
  process.stdout.write(
    `NestJS adapters, one controller returning ${bytes.length} bytes, 32 connections, ${seconds}s per run, each server in its own process\n`,
  );
  try {
    const results = await compare(rounds, [
      { label: 'node:http', run: () => load('node:http', plain.url, opts) },
      { label: 'nest + fastify', run: () => load('nest + fastify', fastify.url + path, opts) },
      { label: 'nest + express', run: () => load('nest + express', express.url + path, opts) },
    ]);
    summarize(results, 'node:http');
  } finally {
    await Promise.all([plain.stop(), fastify.stop(), express.stop()]);
  }
}

const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'bench' },
    seconds: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
  },
});
const run =
  values.role === 'fastify' || values.role === 'express'
    ? serve(values.role)
    : main(Number(values.seconds), Number(values.rounds));
run.catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
