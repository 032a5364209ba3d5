import { describe, expect, it } from 'vitest';
import { operationName, operationsOf, reordered, targetsFor, type Provider, type ProviderModel } from './providers-api';

const model = (id: string, operations: string[]): ProviderModel => ({ id, name: id, description: '', operations, sizes: [], formats: ['png'], styles: [], maxImagesPerCall: 1 });
const provider = (id: string, models: ProviderModel[]): Provider => ({
  id, name: id, description: '', operations: [...new Set(models.flatMap((m) => m.operations))], models, pricing: {}, byok: false, requestOptions: [], credentialFields: [], status: 'healthy',
});

const providers = [
  provider('aura', [model('aura', ['generate', 'edit']), model('aura-motion', ['video'])]),
  provider('stability', [model('core', ['generate']), model('upscale-fast', ['upscale'])]),
];

describe('routing targets', () => {
  it('offers provider/model for every model that does the operation, in the providers’ order', () => {
    expect(targetsFor(providers, 'generate')).toEqual(['aura/aura', 'stability/core']);
    expect(targetsFor(providers, 'upscale')).toEqual(['stability/upscale-fast']);
    expect(targetsFor(providers, 'removeBackground')).toEqual([]);
  });

  it('lists each operation some provider does once', () => {
    expect(operationsOf(providers)).toEqual(['generate', 'edit', 'video', 'upscale']);
  });

  it('moves a target up and down without losing or duplicating any', () => {
    expect(reordered(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'c', 'b']);
    expect(reordered(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
  });

  it('names operations for people, and an unknown one by its id', () => {
    expect(operationName('removeBackground')).toBe('Remove background');
    expect(operationName('relight')).toBe('relight');
  });
});
