import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { JOB_HANDLER, JOB_OUTPUT_READER, type JobHandler, type JobOutputReader } from './job-handler';
import { JOB_OPERATION, type JobOperationOptions, type PrepareJob } from './job-operation';
import { BATCH_JOB_TYPE, type Job } from './job.entity';
import { documentJobKinds } from './jobs.dto';

const MAX_TYPE_LENGTH = 32;

export interface RegisteredOperation extends JobOperationOptions {
  type: string;
  prepare: PrepareJob;
}

/**
 * Finds, with Nest's DiscoveryService at start-up, every @JobHandler, @JobOutputReader and
 * @JobOperation, and keys them by job type and operation name. Start-up stops, naming every
 * problem, when a type has two handlers or two readers, a reader or operation names a type no
 * handler runs, or two operations share a name. After that the registry does not change.
 */
@Injectable()
export class JobRegistry implements OnModuleInit {
  private handlers: ReadonlyMap<string, JobHandler> = new Map();
  private readers: ReadonlyMap<string, JobOutputReader> = new Map();
  private operations: ReadonlyMap<string, RegisteredOperation> = new Map();

  constructor(private readonly discovery: DiscoveryService, private readonly scanner: MetadataScanner, private readonly reflector: Reflector) {}

  onModuleInit(): void {
    const handlers = new Map<string, JobHandler>();
    const readers = new Map<string, JobOutputReader>();
    const operations = new Map<string, RegisteredOperation>();
    const problems: string[] = [];
    const add = <T>(into: Map<string, T>, key: string, value: T, what: string) => {
      if (key === BATCH_JOB_TYPE) problems.push(`${what} "${key}": that name is the engine's own (batches)`);
      else if (key.length > MAX_TYPE_LENGTH) problems.push(`${what} "${key}": names have at most ${MAX_TYPE_LENGTH} characters (the jobs.type column)`);
      else if (into.has(key)) problems.push(`two ${what}s for "${key}"`);
      else into.set(key, value);
    };
    for (const { instance, metatype } of this.discovery.getProviders()) {
      if (!instance || !metatype) continue;
      for (const type of this.reflector.get<string[] | undefined>(JOB_HANDLER, metatype) ?? []) add(handlers, type, instance as JobHandler, 'job handler');
      for (const type of this.reflector.get<string[] | undefined>(JOB_OUTPUT_READER, metatype) ?? []) add(readers, type, instance as JobOutputReader, 'job output reader');
      for (const method of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        const fn = (instance as Record<string, PrepareJob>)[method];
        const options = this.reflector.get<JobOperationOptions | undefined>(JOB_OPERATION, fn);
        if (options) add(operations, options.name, { ...options, type: options.type ?? options.name, prepare: fn.bind(instance) }, 'job operation');
      }
    }
    for (const type of readers.keys()) if (!handlers.has(type)) problems.push(`job output reader for "${type}", a type no @JobHandler runs`);
    for (const op of operations.values()) if (!handlers.has(op.type)) problems.push(`job operation "${op.name}" queues "${op.type}", a type no @JobHandler runs`);
    if (problems.length) throw new Error(`Job registry:\n  - ${problems.join('\n  - ')}`);
    this.handlers = handlers;
    this.readers = readers;
    this.operations = operations;
    documentJobKinds(this.types(), this.operationNames(), this.operationNames().filter((name) => operations.get(name)!.form));
  }

  /** The handler of a job type; a job of a type none runs is a programming error. */
  handler(type: string): JobHandler {
    const handler = this.handlers.get(type);
    if (!handler) throw new Error(`no @JobHandler runs job type "${type}"`);
    return handler;
  }

  /** Every job type: those handlers run, and batches. */
  types(): string[] {
    return [...this.handlers.keys(), BATCH_JOB_TYPE];
  }

  reader(type: string): JobOutputReader | undefined {
    return this.readers.get(type);
  }

  operation(name: string): RegisteredOperation | undefined {
    return this.operations.get(name);
  }

  operationNames(): string[] {
    return [...this.operations.keys()].sort();
  }

  estimatedSeconds(job: Job): number {
    if (job.type === BATCH_JOB_TYPE) return Math.max(1, Number(job.input.estimatedSeconds) || 1);
    return Math.max(1, this.handler(job.type).estimatedSeconds?.(job) ?? 1);
  }
}
