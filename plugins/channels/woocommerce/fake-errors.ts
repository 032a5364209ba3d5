/** A refusal in WordPress's REST error shape: `{ code, message, data: { status } }`. */
export class WpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }

  get body(): object {
    return { code: this.code, message: this.message, data: { status: this.status } };
  }
}

export const invalidProduct = () => new WpError(404, 'woocommerce_rest_product_invalid_id', 'Invalid ID.');
