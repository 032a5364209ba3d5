// Starts the fake API of every shipped provider plugin on 127.0.0.1 and prints the line that starts
// Darkroom against them (each provider's key and base URL setting naming its fake), so the plugins
// can be tried by hand without accounts (docs/providers.md, "Trying the real providers against their
// fakes"). Ctrl-C stops them.
//
//   npm run fakes:providers
import type { ProviderFake } from '../src/plugins/testing/describe-provider-contract';
import { BFL_KEY, startBflFake } from '../plugins/providers/bfl/fake';
import { FAL_KEY, startFalFake } from '../plugins/providers/fal/fake';
import { GOOGLE_KEY, startGoogleFake } from '../plugins/providers/google/fake';
import { KLING_ACCESS_KEY, KLING_SECRET_KEY, startKlingFake } from '../plugins/providers/kling/fake';
import { LUMA_KEY, startLumaFake } from '../plugins/providers/luma/fake';
import { FAKE_OPENAI_KEY, startOpenAIFake } from '../plugins/providers/openai/fake';
import { PHOTOROOM_KEY, startPhotoroomFake } from '../plugins/providers/photoroom/fake';
import { REMOVEBG_KEY, startRemoveBgFake } from '../plugins/providers/removebg/fake';
import { REPLICATE_TOKEN, startReplicateFake } from '../plugins/providers/replicate/fake';
import { RUNWAY_SECRET, startRunwayFake } from '../plugins/providers/runway/fake';
import { STABILITY_KEY, startStabilityFake } from '../plugins/providers/stability/fake';

/** Each provider id, how its fake starts, and the settings that point the id at it: its key(s), then its base URL (each fake's `url` already has the root the plugin expects, /v1 or /v1.0 included). */
const PROVIDERS: Array<{ id: string; start: () => Promise<ProviderFake>; keys: Record<string, string>; baseUrl: string }> = [
  { id: 'openai', start: startOpenAIFake, keys: { OPENAI_API_KEY: FAKE_OPENAI_KEY }, baseUrl: 'OPENAI_BASE_URL' },
  { id: 'stability', start: startStabilityFake, keys: { STABILITY_API_KEY: STABILITY_KEY }, baseUrl: 'STABILITY_BASE_URL' },
  { id: 'replicate', start: startReplicateFake, keys: { REPLICATE_API_TOKEN: REPLICATE_TOKEN }, baseUrl: 'REPLICATE_BASE_URL' },
  { id: 'fal', start: startFalFake, keys: { FAL_KEY }, baseUrl: 'FAL_BASE_URL' },
  { id: 'bfl', start: startBflFake, keys: { BFL_API_KEY: BFL_KEY }, baseUrl: 'BFL_BASE_URL' },
  { id: 'google', start: startGoogleFake, keys: { GEMINI_API_KEY: GOOGLE_KEY }, baseUrl: 'GEMINI_BASE_URL' },
  { id: 'removebg', start: startRemoveBgFake, keys: { REMOVEBG_API_KEY: REMOVEBG_KEY }, baseUrl: 'REMOVEBG_BASE_URL' },
  { id: 'photoroom', start: startPhotoroomFake, keys: { PHOTOROOM_API_KEY: PHOTOROOM_KEY }, baseUrl: 'PHOTOROOM_BASE_URL' },
  { id: 'runway', start: startRunwayFake, keys: { RUNWAYML_API_SECRET: RUNWAY_SECRET }, baseUrl: 'RUNWAYML_BASE_URL' },
  { id: 'luma', start: startLumaFake, keys: { LUMAAI_API_KEY: LUMA_KEY }, baseUrl: 'LUMAAI_BASE_URL' },
  { id: 'kling', start: startKlingFake, keys: { KLING_ACCESS_KEY, KLING_SECRET_KEY }, baseUrl: 'KLING_BASE_URL' },
];

async function main(): Promise<void> {
  const fakes = await Promise.all(PROVIDERS.map((p) => p.start()));
  const env: Record<string, string> = { PROVIDER_PLUGINS: ['aura', ...PROVIDERS.map((p) => p.id)].join(',') };
  PROVIDERS.forEach((p, i) => Object.assign(env, p.keys, { [p.baseUrl]: fakes[i].url }));
  console.log([
    'Fake provider APIs on 127.0.0.1 (Ctrl-C stops them):',
    ...PROVIDERS.map((p, i) => `  ${p.id.padEnd(10)} ${fakes[i].url}`),
    '',
    'Start Darkroom against them, in another terminal:',
    `  ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')} npm start`,
  ].join('\n'));
  const stop = () => void Promise.all(fakes.map((f) => f.close())).then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
