// Chooses the gateway's HTTP adapter by measurement: the same NestJS controller (validation
// pipe, JSON body of a typical list page) on Fastify and on Express, plus plain node:http.
// Usage: npx tsx tools/bench/http-adapter.ts [--seconds 8] [--rounds 3]
import 'reflect-metadata';
import { Controller, Get, Module, Query, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { compare, load, summarize } from './lib/load';

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

async function listen(
  kind: 'fastify' | 'express',
): Promise<{ url: string; close: () => Promise<void> }> {
  const adapter = kind === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  const app = await NestFactory.create(BenchModule, adapter, { logger: false });
  app.useGlobalPipes(new ValidationPipe({ transform: true }));
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  return { url: `http://127.0.0.1:${address.port}/titles?limit=20`, close: () => app.close() };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '8' },
      rounds: { type: 'string', default: '3' },
    },
  });
  const seconds = Number(values.seconds);
  const bytes = Buffer.from(JSON.stringify(page));
  const plain = createServer((_req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': bytes.length,
    });
    res.end(bytes);
  });
  await new Promise<void>((done) => plain.listen(0, '127.0.0.1', done));
  const plainAddress = plain.address();
  const plainUrl = `http://127.0.0.1:${typeof plainAddress === 'object' && plainAddress ? plainAddress.port : 0}/`;
  const fastify = await listen('fastify');
  const express = await listen('express');
  const opts = { seconds, connections: 32 };
  process.stdout.write(
    `NestJS adapters, one controller returning ${bytes.length} bytes, 32 connections, ${seconds}s per run\n`,
  );
  try {
    const results = await compare(Number(values.rounds), [
      { label: 'node:http', run: () => load('node:http', plainUrl, opts) },
      { label: 'nest + fastify', run: () => load('nest + fastify', fastify.url, opts) },
      { label: 'nest + express', run: () => load('nest + express', express.url, opts) },
    ]);
    summarize(results, 'node:http');
  } finally {
    plain.close();
    await fastify.close();
    await express.close();
  }
}

void main();
