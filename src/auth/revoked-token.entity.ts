import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One logged-out access token, kept until it would have expired anyway. */
@Entity({ name: 'revoked_tokens' })
export class RevokedToken {
  /** The token's `jti`. */
  @PrimaryColumn({ name: 'token_id', type: 'varchar', length: 64 })
  tokenId!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Column({ name: 'expires_at' })
  expiresAt!: Date;
}
