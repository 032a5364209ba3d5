import { Injectable } from '@nestjs/common';

/** Flipped when shutdown starts, so load balancers stop sending new requests while old ones finish. */
@Injectable()
export class Readiness {
  draining = false;
}
