import { SlidingWindowLimiter } from './rate-limit.util';
import { AuthError, type SignInContext, type User, type UserRepository } from './user.repository';

/** Sign-in attempts allowed per client address and per username in each window. */
export interface SignInLimits {
  perAddress: number;
  perUsername: number;
  windowMs: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { perAddress: 10, perUsername: 10, windowMs: 60_000 };

/**
 * `POST /v1/login` behind its rate limits: at most `perAddress` attempts from one client address
 * and `perUsername` attempts at one name in any window, counted before the password is checked
 * (each check costs ~50 ms of scrypt). A refused attempt is not counted, and an address refused
 * does not use up the name's allowance, so an attacker's flood holds back the attacker's address
 * (and the name under attack, which lockout would stop anyway), never other addresses or users.
 */
export class SignInService {
  private readonly byAddress: SlidingWindowLimiter;
  private readonly byUsername: SlidingWindowLimiter;
  /**
   * Refusals audited: one row per address and name in a window shows a flood; a row for each
   * refused request would let the flood write to the database as fast as it arrives.
   */
  private readonly reported: SlidingWindowLimiter;
  private readonly now: () => number;
  readonly limits: SignInLimits;

  constructor(
    private readonly users: UserRepository,
    options: { limits?: Partial<SignInLimits> | undefined; now?: (() => number) | undefined } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.limits = { ...DEFAULT_SIGN_IN_LIMITS, ...options.limits };
    this.byAddress = new SlidingWindowLimiter(this.limits.perAddress, this.limits.windowMs);
    this.byUsername = new SlidingWindowLimiter(this.limits.perUsername, this.limits.windowMs);
    this.reported = new SlidingWindowLimiter(1, this.limits.windowMs);
  }

  async signIn(input: { username: string; password: string; deviceName: string }, context: SignInContext): Promise<{ user: User; deviceId: string; token: string }> {
    const now = this.now();
    const address = context.address ?? 'unknown';
    // Names are compared as the server looks them up, but a few spellings of one name share an allowance.
    const name = input.username.trim().toLowerCase();
    const fromAddress = this.byAddress.check(address, now);
    const atName = fromAddress.ok ? this.byUsername.check(name, now) : fromAddress;
    if (!atName.ok) {
      if (this.reported.hit(`${address}\u0000${name}`, now).ok) {
        await this.users.audit.record({ at: now, username: input.username, userId: null, deviceId: null, deviceName: input.deviceName, address: context.address, outcome: 'rate_limited' });
      }
      throw new AuthError('RATE_LIMITED', 'too many sign-in attempts; try again later', atName.retryAfterMs);
    }
    this.byAddress.hit(address, now);
    this.byUsername.hit(name, now);
    return this.users.login(input.username, input.password, input.deviceName, context);
  }
}
