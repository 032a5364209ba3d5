import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * Gives replies sendFile (ETag, Last-Modified, ranges, HEAD) for the console's files; it serves no
 * route of its own: ConsoleController decides what each path answers.
 */
export async function registerConsoleFiles(fastify: FastifyInstance): Promise<void> {
  await fastify.register(fastifyStatic, { serve: false });
}
