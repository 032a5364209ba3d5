// A reference point for bench/me-vs-bare.mjs: plain NestJS on the Fastify adapter, no guards, pipes,
// hooks or logging, one controller answering GET /api/v1/me with the same body. It shows what the
// framework itself costs on this machine, so Darkroom's figure can be read against it.
//
// Env: PORT (required), BARE_PAYLOAD_FILE (JSON file holding the body; required).
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';

const port = Number(process.env.PORT);
const payloadFile = process.env.BARE_PAYLOAD_FILE;
if (!Number.isInteger(port) || port <= 0 || !payloadFile) {
  console.error('plain-nest-server: set PORT and BARE_PAYLOAD_FILE');
  process.exit(1);
}
const payload = JSON.parse(readFileSync(payloadFile, 'utf8'));

// Decorators applied by hand: this file is plain JavaScript.
class MeController {
  getMe() {
    return payload;
  }
}
Reflect.decorate([Get()], MeController.prototype, 'getMe', Object.getOwnPropertyDescriptor(MeController.prototype, 'getMe'));
Controller('api/v1/me')(MeController);
class PlainModule {}
Module({ controllers: [MeController] })(PlainModule);

const app = await NestFactory.create(PlainModule, new FastifyAdapter(), { logger: false });
const stop = async () => {
  await app.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
await app.listen(port, '127.0.0.1');
