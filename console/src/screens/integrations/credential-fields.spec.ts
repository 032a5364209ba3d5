import { describe, expect, it } from 'vitest';
import { credentialsBody, isListField, isSecretField } from './credential-fields';

describe('the connect form’s credential fields', () => {
  it('masks the fields named like secrets', () => {
    expect(['accessToken', 'consumerSecret', 'applicationPassword', 'consumerKey', 'refreshToken'].filter(isSecretField)).toHaveLength(5);
    expect(['shop', 'storeUrl', 'sellerId', 'region', 'wordpressUsername'].some(isSecretField)).toBe(false);
  });

  it('sends a list of ids as an array, split on commas and spaces', () => {
    expect(isListField('marketplaceIds')).toBe(true);
    expect(credentialsBody(['sellerId', 'marketplaceIds'], { sellerId: ' A3DEMO ', marketplaceIds: 'ATVPDKIKX0DER, A2EUQ1WTGCTBG2' })).toEqual({
      sellerId: 'A3DEMO',
      marketplaceIds: ['ATVPDKIKX0DER', 'A2EUQ1WTGCTBG2'],
    });
  });

  it('leaves out empty fields and fields the channel does not take', () => {
    expect(credentialsBody(['shop', 'accessToken', 'clientId'], { shop: 'demo.myshopify.com', accessToken: 'shpat_1', clientId: '  ', other: 'x' })).toEqual({
      shop: 'demo.myshopify.com',
      accessToken: 'shpat_1',
    });
  });
});
