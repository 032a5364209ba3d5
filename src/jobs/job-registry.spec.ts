import 'reflect-metadata';
import { MetadataScanner, Reflector, type DiscoveryService } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { JobHandler, JobOutputReader, type JobResult } from './job-handler';
import { JobOperation } from './job-operation';
import { JobRegistry } from './job-registry';

class SomeDto {}
const done = async (): Promise<JobResult> => ({ persist: [], cost: 0 });

@JobHandler('things.make', 'things.mend')
class ThingHandler {
  run = done;
}

@JobHandler('things.make')
class OtherThingHandler {
  run = done;
}

@JobOutputReader('things.make')
class ThingOutputs {
  outputsOf = async () => new Map();
}

@JobOutputReader('things.unknown')
class StrayOutputs {
  outputsOf = async () => new Map();
}

class ThingOperations {
  @JobOperation({ name: 'things.make', dto: SomeDto, scope: 'images:generate', units: () => 1 })
  prepareMake() {
    return Promise.resolve({ price: 1, reason: 'a thing' });
  }

  @JobOperation({ name: 'things.paint', type: 'things.paint', dto: SomeDto, scope: 'images:edit', units: () => 1 })
  preparePaint() {
    return Promise.resolve({ price: 1, reason: 'paint' });
  }
}

@JobHandler('batch', 'things.with-a-name-too-long-for-its-column')
class BatchHandler {
  run = done;
}

function registryOf(...classes: (new () => object)[]): JobRegistry {
  const discovery = { getProviders: () => classes.map((metatype) => ({ metatype, instance: new metatype() })) } as unknown as DiscoveryService;
  return new JobRegistry(discovery, new MetadataScanner(), new Reflector());
}

describe('JobRegistry', () => {
  it('keys handlers, readers and operations found by discovery', () => {
    class OnlyMake {
      @JobOperation({ name: 'things.make', dto: SomeDto, scope: 'images:generate', units: () => 2 })
      prepareMake() {
        return Promise.resolve({ price: 1, reason: 'a thing' });
      }
    }
    const registry = registryOf(ThingHandler, ThingOutputs, OnlyMake);
    registry.onModuleInit();
    expect(registry.types()).toEqual(['things.make', 'things.mend', 'batch']);
    expect(registry.handler('things.mend')).toBeInstanceOf(ThingHandler);
    expect(registry.reader('things.make')).toBeInstanceOf(ThingOutputs);
    expect(registry.reader('things.mend')).toBeUndefined();
    expect(registry.operationNames()).toEqual(['things.make']);
    expect(registry.operation('things.make')).toMatchObject({ type: 'things.make', scope: 'images:generate' });
    expect(() => registry.handler('things.lost')).toThrow(/no @JobHandler runs job type "things.lost"/);
  });

  it('refuses to start, naming every problem: two handlers for a type, a reader or an operation whose type nothing runs, the engine\'s own type', () => {
    const registry = registryOf(ThingHandler, OtherThingHandler, StrayOutputs, ThingOperations, BatchHandler);
    expect(() => registry.onModuleInit()).toThrow(
      [
        'Job registry:',
        '  - two job handlers for "things.make"',
        '  - job handler "batch": that name is the engine\'s own (batches)',
        '  - job handler "things.with-a-name-too-long-for-its-column": names have at most 32 characters (the jobs.type column)',
        '  - job output reader for "things.unknown", a type no @JobHandler runs',
        '  - job operation "things.paint" queues "things.paint", a type no @JobHandler runs',
      ].join('\n'),
    );
  });
});
