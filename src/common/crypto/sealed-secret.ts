import { Embeddable, Property } from '@mikro-orm/core';

/**
 * A secret kept sealed with SecretBox (ENCRYPTION_KEY), with the one it replaced at its last
 * rotation, which stays valid until `previousUntil` so whoever holds it can switch over. Embedded
 * with `prefix: false`, it keeps the columns sealed_secret, previous_sealed_secret and
 * previous_secret_until; an entity holding two gives the second a prefix.
 */
@Embeddable()
export class SealedSecret {
  @Property({ type: 'text', fieldName: 'sealed_secret' })
  sealed!: string;

  @Property({ type: 'text', nullable: true, fieldName: 'previous_sealed_secret' })
  previous: string | null = null;

  @Property({ type: 'datetime', nullable: true, fieldName: 'previous_secret_until' })
  previousUntil: Date | null = null;

  static of(sealed: string): SealedSecret {
    return Object.assign(new SealedSecret(), { sealed });
  }

  /** `sealed` in front; this one kept beside it until `previousUntil`. */
  rotated(sealed: string, previousUntil: Date): SealedSecret {
    return Object.assign(new SealedSecret(), { sealed, previous: this.sealed, previousUntil });
  }

  /** The sealed secrets valid at `now`: the current one, then the previous one while its grace lasts. */
  inForce(now = new Date()): string[] {
    return this.previous && this.previousUntil && this.previousUntil > now ? [this.sealed, this.previous] : [this.sealed];
  }
}
