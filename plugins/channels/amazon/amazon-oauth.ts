import { MemoryTokenCache, PluginError, type ChannelOAuth } from '../../../src/plugins';
import { AmazonClient, withSellingPartner } from './amazon-client';
import { SP_API_REGIONS, type AmazonCredentials, type AmazonOptions, type SpApiRegion } from './amazon-credentials.dto';

const SELLER_CENTRAL: Record<SpApiRegion, string> = {
  na: 'https://sellercentral.amazon.com',
  eu: 'https://sellercentral-europe.amazon.com',
  fe: 'https://sellercentral.amazon.co.jp',
};

type Participations = { payload: { marketplace: { id: string }; participation: { isParticipating: boolean } }[] };

/**
 * Amazon's website authorisation workflow: the seller consents in Seller Central (the region the
 * merchant picks, `params.region`), which calls back with `spapi_oauth_code` and
 * `selling_partner_id`; the code is exchanged with LWA for the refresh token. The callback names
 * no region or marketplace, so the region is the one whose SP-API takes the new token, and the
 * marketplaces are those the seller sells in there.
 */
export function amazonOAuth(options: AmazonOptions & { applicationId: string }): ChannelOAuth<AmazonCredentials> {
  return {
    authorizeUrl({ state, redirectUri, params }) {
      const region = params.region as SpApiRegion;
      if (!SP_API_REGIONS.includes(region)) throw new PluginError('invalid_input', `region must be one of ${SP_API_REGIONS.join(', ')}: where the seller's Seller Central account is`);
      const url = new URL('/apps/authorize/consent', options.sellerCentralUrl ?? SELLER_CENTRAL[region]);
      url.search = new URLSearchParams({ application_id: options.applicationId, state, redirect_uri: redirectUri }).toString();
      return url.toString();
    },
    async exchange({ code, query }, ctx) {
      // Amazon's callback calls the code spapi_oauth_code; `code` wins when the core names one.
      const authCode = code || query.spapi_oauth_code;
      const sellerId = query.selling_partner_id;
      if (!authCode || !sellerId) throw new PluginError('invalid_credentials', 'the callback is not an Amazon authorisation: it has no spapi_oauth_code or selling_partner_id');
      const { refresh_token: refreshToken } = await withSellingPartner(options, ctx, { region: 'na' }, (sp) => sp.exchange(authCode));
      for (const region of SP_API_REGIONS) {
        const credentials: AmazonCredentials = { sellerId, marketplaceIds: [], region, refreshToken };
        const connection = { id: 'oauth', orgId: '', credentials, tokens: new MemoryTokenCache(), updateCredentials: async () => undefined };
        const participations = await new AmazonClient(options, connection, ctx).call<Participations>({ operation: 'sellers.getMarketplaceParticipations' }).catch((err: unknown) => {
          // Another region's SP-API refuses the token: try the next.
          if (err instanceof PluginError && err.kind === 'invalid_credentials') return null;
          throw err;
        });
        const marketplaceIds = participations?.payload.filter((p) => p.participation.isParticipating).map((p) => p.marketplace.id) ?? [];
        if (marketplaceIds.length) return { ...credentials, marketplaceIds };
      }
      throw new PluginError('invalid_credentials', `Amazon seller ${sellerId} sells in no marketplace this app can reach`);
    },
  };
}
