import type { ProviderWebhookDelivery } from '../provider-operations';
import type { FakeRequest, FakeServer } from './fake-server';

/** A request a fake posted to a receiver, as the core hands it to `verifyWebhook`: header names lower-case, one value each. */
export const webhookDeliveryOf = (req: FakeRequest, remoteIds: string[] = []): ProviderWebhookDelivery => ({
  headers: Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name.toLowerCase(), Array.isArray(value) ? value[0] : value])),
  body: req.body,
  remoteIds,
});

/** The receiver's `count`-th request, once it has come (a fake posts when its work ends); throws after `timeoutMs`. */
export async function nthReceived(receiver: FakeServer, count: number, timeoutMs = 5_000): Promise<FakeRequest> {
  for (let waited = 0; receiver.requests.length < count; waited += 20) {
    if (waited > timeoutMs) throw new Error(`no request ${count} reached the receiver within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return receiver.requests[count - 1];
}
