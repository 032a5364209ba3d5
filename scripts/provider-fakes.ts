// Starts the fake OpenAI, Stability and Replicate APIs on 127.0.0.1 and prints the line that starts
// Darkroom against them (each provider's key and base URL setting naming its fake), so the shipped
// provider plugins can be tried by hand without accounts (docs/providers.md, "Trying the real
// providers against their fakes"). Ctrl-C stops them.
//
//   npm run fakes:providers
import { FAKE_OPENAI_KEY, startOpenAIFake } from '../plugins/providers/openai/fake';
import { REPLICATE_TOKEN, startReplicateFake } from '../plugins/providers/replicate/fake';
import { STABILITY_KEY, startStabilityFake } from '../plugins/providers/stability/fake';

async function main(): Promise<void> {
  const [openai, stability, replicate] = await Promise.all([startOpenAIFake(), startStabilityFake(), startReplicateFake()]);
  const env = {
    PROVIDER_PLUGINS: 'aura,openai,stability,replicate',
    OPENAI_API_KEY: FAKE_OPENAI_KEY,
    OPENAI_BASE_URL: openai.url,
    STABILITY_API_KEY: STABILITY_KEY,
    STABILITY_BASE_URL: stability.url,
    REPLICATE_API_TOKEN: REPLICATE_TOKEN,
    REPLICATE_BASE_URL: replicate.url,
  };
  console.log([
    'Fake provider APIs on 127.0.0.1 (Ctrl-C stops them):',
    `  openai     ${openai.url}`,
    `  stability  ${stability.url}`,
    `  replicate  ${replicate.url}`,
    '',
    'Start Darkroom against them, in another terminal:',
    `  ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')} npm start`,
  ].join('\n'));
  const stop = () => void Promise.all([openai.close(), stability.close(), replicate.close()]).then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
