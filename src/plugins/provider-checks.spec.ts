import { describe, expect, it } from 'vitest';
import { providerPluginProblems } from './provider-checks';
import type { ProviderModel } from './provider-models';
import { PROVIDER_SDK_VERSION } from './provider-plugin';

const video = (durations: ProviderModel['durations']): ProviderModel => ({
  id: 'clip', name: 'clip', description: 'fake', operations: ['video'], sizes: ['64x64'], formats: ['webp'], maxImagesPerCall: 1, seed: true, durations, price: () => 1,
});
const problemsOf = (model: ProviderModel) =>
  providerPluginProblems({ id: 'clips', sdkVersion: PROVIDER_SDK_VERSION, name: 'clips', description: 'fake', models: [model], byok: false }, { generateVideo: async () => [] });

describe('providerPluginProblems: video durations', () => {
  it('takes whole seconds with the default among them, or none declared', () => {
    expect(problemsOf(video({ seconds: [5, 10], default: 5 }))).toEqual([]);
    expect(problemsOf(video(undefined))).toEqual([]);
  });

  it.each([
    ['an empty list', { seconds: [], default: 5 }],
    ['a default not listed', { seconds: [5, 10], default: 2 }],
    ['a fraction', { seconds: [2.5], default: 2.5 }],
    ['zero', { seconds: [0, 1], default: 1 }],
  ])('refuses %s', (_, durations) => {
    expect(problemsOf(video(durations))).toEqual(['provider plugin "clips", model "clip": durations must list whole seconds of at least 1, the default among them']);
  });
});
